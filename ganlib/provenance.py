"""Saying what is generated: provenance labels stored inside image files.

A generated image should say that it is generated, and by what. PNG files can carry text
fields next to the pixels; `save_labelled_png` writes one (who made it, with which model
and seed, when), and `read_label` reads it back. Such metadata is easy to strip, so it is
a courtesy, not a proof: serious provenance standards (C2PA content credentials) sign the
record cryptographically, and visible labels remain the surest disclosure. The ideas are
the same: record, attach, disclose.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import PIL.Image
import PIL.PngImagePlugin
import torch

KEY = "generated-content"


def save_labelled_png(image: torch.Tensor, path: str | os.PathLike, model: str, seed: int, scale: int = 4) -> Path:
    """Save one image (1, H, W) in [-1, 1] as a PNG whose metadata says it is generated."""
    pixels = ((image.detach().float().cpu()[0] + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
    picture = PIL.Image.fromarray(pixels).resize((pixels.shape[1] * scale, pixels.shape[0] * scale), PIL.Image.NEAREST)
    record = {"generated": True, "generator": model, "seed": seed, "tool": "ganlib", "created": time.strftime("%Y-%m-%d")}
    info = PIL.PngImagePlugin.PngInfo()
    info.add_text(KEY, json.dumps(record))
    path = Path(path)
    picture.save(path, format="png", pnginfo=info)
    return path


def read_label(path: str | os.PathLike) -> dict | None:
    """The provenance record of a PNG saved by `save_labelled_png`, or None if it has none."""
    with PIL.Image.open(path) as picture:
        text = picture.text.get(KEY) if hasattr(picture, "text") else None
    return json.loads(text) if text else None
