"""Pixels two ways: bytes 0..255, as image files store them, and floats in [-1, 1], as the
networks see them.

The generator ends in a Tanh, whose output lies in (-1, 1), so the workbook keeps every
image in that range: black is -1 and white is +1. A byte b becomes b / 127.5 - 1, and a
float x becomes the byte round((x + 1) · 127.5). These two functions are the only place
that arithmetic is written.
"""

from __future__ import annotations

import torch


def from_bytes(pixels: torch.Tensor) -> torch.Tensor:
    """Bytes 0..255 (any integer dtype) as floats in [-1, 1]: 0 -> -1, 255 -> +1."""
    return pixels.float().div_(127.5).sub_(1.0)


def to_bytes(images: torch.Tensor) -> torch.Tensor:
    """Floats in [-1, 1] as bytes 0..255 (uint8, on the CPU); values outside are clipped."""
    return ((images.detach().float().cpu() + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
