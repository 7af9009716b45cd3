"""The letterforms collection: the capitals A-Z of 556 openly licensed typefaces.

A design collection that ships inside the workbook (3.6 MB, nothing to download): every
typeface drew the same 26 letters, so a conditional GAN can learn *which letter* from the
label and *which style* from the noise. One noise vector with the 26 labels is then a
whole alphabet in one new style: a typeface studio.

Pictures are 32 × 32, white on black like MNIST, in [-1, 1]. Every tenth typeface is held
out (`split="test"`): the letter classifier is tested on typefaces it never saw, and a
generator is measured against letters it never trained on. `tools/build_letterforms.py`
rebuilds the collection from Debian's font packages; `SOURCES.md` beside the data lists
every package, its licence and every typeface taken from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from ganlib import checks
from ganlib.data.pixels import from_bytes

FOLDER = Path(__file__).resolve().parents[1] / "datasets" / "letterforms"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Letterforms:
    """Pictures of letters: `images` (N, 1, 32, 32) in [-1, 1], `letters` (N,) 0-25 for
    A-Z, and `fonts` (N,) the typeface of each, an index into `font_names`."""

    images: torch.Tensor
    letters: torch.Tensor
    fonts: torch.Tensor
    font_names: list[str]

    def __len__(self) -> int:
        return len(self.images)

    def typeface(self, index: int) -> torch.Tensor:
        """The 26 letters of typeface number `index`, A to Z: (26, 1, 32, 32)."""
        return self.images[self.fonts == checks.whole_number(index, "index", 0, len(self.font_names) - 1)]


@lru_cache(maxsize=1)
def _read() -> dict[str, np.ndarray]:
    with np.load(FOLDER / "letterforms.npz") as archive:
        return {key: archive[key] for key in archive.files}


def load_letterforms(split: str = "train") -> Letterforms:
    """The collection's `split`: "train" (nine typefaces in ten), "test" (the tenth), or
    "all". Loading takes a fraction of a second; nothing is downloaded."""
    checks.one_of(split, "split", ("train", "test", "all"))
    data = _read()
    held_out = np.isin(data["fonts"], data["test_fonts"])
    keep = {"train": ~held_out, "test": held_out, "all": np.ones_like(held_out)}[split]
    return Letterforms(
        images=from_bytes(torch.from_numpy(data["images"][keep])).unsqueeze(1),
        letters=torch.from_numpy(data["letters"][keep].astype(np.int64)),
        fonts=torch.from_numpy(data["fonts"][keep].astype(np.int64)),
        font_names=[str(name) for name in data["font_names"]],
    )
