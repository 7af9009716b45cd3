"""Generators trained in advance, shipped inside ganlib for when time is short.

A participant whose laptop is too slow for notebook 03, or who joins late, can load the
generator that the workbook's own code trained, and carry on with the later notebooks.
Each ships with a JSON record of how it was made (`record`), and the MLP also with a
*snapshot series* (`load_snapshots`): 1,000 samples from fixed noise at a few moments of
its training, so that notebook 05 can plot quality against training steps without
training anything. `ganlib.evaluate.remake` makes them again.

The snapshots are stored with 16 grey levels instead of 256, which makes them compress
to under 2 MB in all; it moves the Fréchet distance of a snapshot by about 10%, while
training moves it by a factor of 20.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ganlib.data.pixels import from_bytes, to_bytes
from ganlib.errors import CheckpointError
from ganlib.evaluate.classifier import WEIGHTS
from ganlib.evaluate.recipes import SHIPPED, Shipped
from ganlib.gan.checkpoint import check_architecture, safe_load
from ganlib.gan.device import pick_device

GREY_LEVELS = 16  # of the stored snapshot samples
GREY_STEP = 255 // (GREY_LEVELS - 1)  # 17: level k stands for pixel byte 17·k


def shipped(name: str) -> Shipped:
    """How the shipped generator `name` is trained; a clear error for a name that is not one."""
    if not isinstance(name, str) or name not in SHIPPED:
        raise CheckpointError(f"There is no pretrained generator {name!r}; choose one of {sorted(SHIPPED)}.")
    return SHIPPED[name]


def record(name: str) -> dict:
    """How a shipped generator was made: command, seed, settings, time, figures."""
    shipped(name)
    return json.loads((WEIGHTS / f"{name}.json").read_text())


def load_generator(name: str = "mlp_mnist", device: str | torch.device = "cpu") -> nn.Module:
    """A shipped generator, in float32 and evaluation mode, ready to make samples."""
    return read_generator(name, WEIGHTS).to(pick_device(device)).eval()


def read_generator(name: str, folder: Path) -> nn.Module:
    """The generator `name` with the weights stored in `folder`."""
    generator = shipped(name).recipe.generator()
    path = folder / f"{name}.pt"
    state = safe_load(path)
    check_architecture(state["architecture"], generator, "generator", path)
    generator.load_state_dict(state["weights"])  # load_state_dict converts half to float
    return generator.eval()


def load_snapshots(name: str = "mlp_mnist") -> dict[int, torch.Tensor]:
    """The snapshot series: {training step: samples (N, 1, 28, 28) in [-1, 1]}."""
    if not shipped(name).snapshot_steps:
        having = [other for other, made in SHIPPED.items() if made.snapshot_steps]
        raise CheckpointError(f"{name} ships without a snapshot series; {', '.join(having)} has one.")
    with np.load(WEIGHTS / f"{name}_snapshots.npz", allow_pickle=False) as stored:
        return {int(key.removeprefix("step_")): from_grey_levels(stored[key]) for key in stored}


def to_grey_levels(images: torch.Tensor) -> np.ndarray:
    """Images in [-1, 1] as numbers 0..GREY_LEVELS-1, one byte each (compressed on saving)."""
    return (to_bytes(images).float() / GREY_STEP).round().to(torch.uint8).numpy()


def from_grey_levels(levels: np.ndarray) -> torch.Tensor:
    """Stored grey levels back as images in [-1, 1]."""
    return from_bytes(torch.from_numpy(levels) * GREY_STEP)
