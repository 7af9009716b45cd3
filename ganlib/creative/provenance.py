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
from typing import Any, Mapping

import numpy as np
import PIL.Image
import PIL.PngImagePlugin
import torch

from ganlib import checks
from ganlib.data.pixels import to_bytes
from ganlib.errors import InputError
from ganlib.pictures.images import image_grid

KEY = "generated-content"


def save_labelled_png(image: torch.Tensor, path: str | os.PathLike, model: str, seed: int, scale: int = 4,
                      details: Mapping[str, Any] | None = None) -> Path:
    """Save an image in [-1, 1] as a PNG whose metadata says it is generated.

    `image` is one picture, grey (1, H, W) or (H, W) or colour (3, H, W), or a batch
    (N, C, H, W), which is saved as one grid. `model` names the generator ("mlp_mnist"),
    `seed` the noise it drew from. `details` adds what else a reader of the file should
    know, such as {"board number": 17, "trained on": "letterforms"}: short texts or numbers.
    """
    pixels = _pixels(image)
    if not isinstance(model, str):
        raise InputError(f'model names the generator, as text (such as "mlp_mnist"); got a {type(model).__name__}.')
    seed = checks.whole_number(seed, "seed")
    scale = checks.whole_number(scale, "scale", 1, 64)
    path = checks.path(path)
    if path.suffix.lower() != ".png":
        raise InputError(f"save_labelled_png writes PNG files, whose label survives: name the file ….png; got {path.name!r}.")
    if path.is_dir() or not path.parent.is_dir():
        raise InputError(f"Cannot save {path}: " + ("it is a folder." if path.is_dir() else f"there is no folder {path.parent}."))
    picture = PIL.Image.fromarray(pixels).resize((pixels.shape[1] * scale, pixels.shape[0] * scale), PIL.Image.NEAREST)
    record = {"generated": True, "generator": model, "seed": seed, "tool": "ganlib", "created": time.strftime("%Y-%m-%d")}
    record |= _checked_details(details, record)
    info = PIL.PngImagePlugin.PngInfo()
    info.add_text(KEY, json.dumps(record))
    try:
        picture.save(path, format="png", pnginfo=info)
    except OSError as error:
        raise InputError(f"Could not write {path}: {error.strerror or error}.") from None
    return path


def _checked_details(details: Mapping[str, Any] | None, record: dict) -> dict:
    """`details` as a plain dictionary of texts and numbers that leaves `record`'s own fields alone."""
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise InputError(f'details is a dictionary of what else to record, such as {{"board number": 17}}; got {details!r}.')
    for key, value in details.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InputError(f"Each detail is a name (text) and a short text or number; got {key!r}: {value!r}.")
        if key in record:
            raise InputError(f"{key!r} is recorded already ({record[key]!r}); give the detail another name.")
    return dict(details)


def _pixels(image: torch.Tensor) -> np.ndarray:
    """One image, or a batch tiled into a grid, as bytes 0..255: (H, W) grey, (H, W, 3) colour."""
    image = checks.tensor(image, "image")
    if image.dim() == 2:
        image = image[None]
    if image.dim() == 3:
        image = image[None]
    image = checks.images(image, "image", value_range=(-1.0, 1.0))
    checks.not_zero_to_one(image, "the image")  # [0, 1] would be saved washed out
    if image.shape[1] not in (1, 3):
        raise InputError(f"save_labelled_png saves grey (1 channel) or colour (3 channels) images; "
                         f"got {image.shape[1]} channels.")
    if len(image) > 1:  # a batch becomes one picture: a grid, from [0, 1] back to [-1, 1]
        return to_bytes(torch.from_numpy(image_grid(image)) * 2 - 1).numpy()
    return to_bytes(image[0].permute(1, 2, 0).squeeze(-1)).numpy()


def read_label(path: str | os.PathLike) -> dict | None:
    """The provenance record of a PNG saved by `save_labelled_png`, or None if it has none."""
    path = checks.path(path)
    if not path.is_file():
        raise InputError(f"There is no file {path}.")
    try:
        with PIL.Image.open(path) as picture:
            text = picture.text.get(KEY) if hasattr(picture, "text") else None
    except PIL.UnidentifiedImageError:
        raise InputError(f"{path} is not an image file that Pillow can read.") from None
    except OSError as error:  # a PNG cut short
        raise InputError(f"{path} is a damaged image ({error}).") from None
    if not text:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        raise InputError(f"{path} has a {KEY!r} field, but not one written by ganlib (it is not a JSON record): "
                         f"{text[:80]!r}. Read it yourself with PIL.Image.open(path).text.")
    return record
