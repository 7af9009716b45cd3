"""MNIST for GAN training: found or fetched, checked, and loaded into memory.

1. **Where the data is.** The folder that holds `MNIST/raw/` is, in this order: the
   `root` you pass, the `GANLIB_DATA` environment variable, or `data/` at the top of the
   workbook. That is the layout `torchvision.datasets.MNIST` expects.

2. **Never stuck, never cryptic.** Missing files are downloaded (`ganlib.data.download`);
   when that is impossible, one `DataError` names the folder, the four files and how to
   bring them from another machine. Files in the wrong folder, still packed, cut short,
   or not MNIST at all each get a message that says what to do.

3. **Read directly.** An IDX file is a short header, then one byte per pixel: ganlib
   reads it itself (importing torchvision would cost a notebook over a second and about
   180 MB) and converts the bytes once to [-1, 1], the range of the generator's Tanh.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import BinaryIO

import torch

from ganlib import checks
from ganlib.data.download import download_mnist
from ganlib.data.pixels import from_bytes
from ganlib.errors import DataError, InputError

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The top folder of the workbook (the one holding `ganlib/` and `notebooks/`)."""

MNIST_FILES = {
    # file name: magic number. An IDX file starts with this number; its last byte is the
    # number of dimensions: 3 for images (count, rows, columns), 1 for labels (count).
    "train-images-idx3-ubyte": 2051,
    "train-labels-idx1-ubyte": 2049,
    "t10k-images-idx3-ubyte": 2051,
    "t10k-labels-idx1-ubyte": 2049,
}


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The folder that holds (or will hold) `MNIST/raw/`.

    In order: the `root` argument, the `GANLIB_DATA` environment variable, `data/` at
    the top of the workbook. Relative paths are taken from the current folder.
    """
    if root is None:
        root = os.environ.get("GANLIB_DATA", "").strip() or REPO_ROOT / "data"
    return Path(os.path.abspath(checks.path(root, "The data folder")))


def display_path(path: Path) -> str:
    """`path` as a reader should see it: inside the workbook relative to its top folder,
    in the home folder as `~/...`, else in full."""
    for base, prefix in ((REPO_ROOT, ""), (Path.home(), "~/")):
        if path.is_relative_to(base):
            return prefix + str(path.relative_to(base))
    return str(path)


def mnist_folder(root: str | os.PathLike | None = None) -> Path:
    """The folder where the four MNIST files live: `<data root>/MNIST/raw`."""
    return data_root(root) / "MNIST" / "raw"


def read_idx_header(file: BinaryIO, ndim: int) -> tuple[int, list[int]] | None:
    """The magic number and the sizes that start an IDX file, or None if it is shorter than
    a header. An IDX file starts with a 4-byte magic number (2051 for images, 2049 for
    labels: its last byte is the number of dimensions), then one 4-byte big-endian size
    per dimension, then one byte per pixel or label."""
    header = file.read(4 + 4 * ndim)
    if len(header) < 4 + 4 * ndim:
        return None
    sizes = [int.from_bytes(header[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return int.from_bytes(header[:4], "big"), sizes


def read_idx(path: Path) -> torch.Tensor:
    """The bytes of an IDX file as a uint8 tensor shaped as its header says: (N, 28, 28)
    for images, (N,) for labels. Check the file first with `check_idx_file`."""
    with open(path, "rb") as file:
        _, sizes = read_idx_header(file, MNIST_FILES[path.name] & 0xFF)
        values = torch.empty(sizes, dtype=torch.uint8)
        file.readinto(values.numpy())  # straight into the tensor's memory: no extra copy
    return values


def check_idx_file(path: Path) -> int:
    """Raise `DataError` unless `path` is a complete MNIST file in the IDX format.
    Return the number of items (images or labels) it holds.

    Reading only the header tells whether the file is the right kind and whether it is
    complete, without loading it.
    """
    magic = MNIST_FILES[path.name]
    ndim = magic & 0xFF
    with open(path, "rb") as file:
        header = read_idx_header(file, ndim)
    if header is None or header[0] != magic:
        raise DataError(
            f"{path} is not an MNIST file in the IDX format (wrong magic number; it "
            f"may be an HTML error page or a file that was never unpacked). "
            f"{_fix_by_deleting(path)}"
        )
    dims = header[1]
    if dims[0] == 0 or (ndim == 3 and dims[1:] != [28, 28]):
        found = "no items at all" if dims[0] == 0 else f"images of {dims[1]} × {dims[2]} pixels"
        raise DataError(
            f"{path} holds {found}; MNIST's files hold 28 × 28 images (60,000 for training, "
            f"10,000 for testing). It is not the original file. {_fix_by_deleting(path)}"
        )
    expected = 4 + 4 * ndim + math.prod(dims)
    size = path.stat().st_size
    if size != expected:
        raise DataError(
            f"{path} is incomplete or damaged: it holds {size:,} bytes where its header "
            f"announces {expected:,} (an interrupted download?). {_fix_by_deleting(path)}"
        )
    return dims[0]


def ensure_mnist(root: str | os.PathLike | None = None, download: bool = True) -> Path:
    """Make sure the four MNIST files are present and intact; return their folder.

    Missing files are downloaded when `download` is true. Every failure ends in one
    `DataError` that says what is wrong and how to fix it.
    """
    folder = mnist_folder(root)
    if _missing(folder):
        _check_layout(folder)
    if _missing(folder):
        reason = download_mnist(folder.parent.parent) if download else "files are missing and download=False was given"
        if reason is not None:
            raise DataError(_missing_message(folder, _missing(folder), reason=reason))
    counts = {name: check_idx_file(folder / name) for name in MNIST_FILES}
    for split in ("train", "t10k"):
        images, labels = counts[f"{split}-images-idx3-ubyte"], counts[f"{split}-labels-idx1-ubyte"]
        if images != labels:
            raise DataError(
                f"{folder} holds {images:,} {split} images but {labels:,} labels: the files "
                "come from different versions of the data set. Replace all four files."
            )
    return folder


def load_mnist(
    root: str | os.PathLike | None = None, train: bool = True, download: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as two tensors: images in [-1, 1] of shape (N, 1, 28, 28), and labels.

    `train=True` gives the 60,000 training images, `train=False` the 10,000 test images.
    Pixels are bytes 0..255, mapped to [-1, 1] (`ganlib.data.pixels.from_bytes`), so
    black is -1 and white is +1, the same range as the generator's Tanh output. Labels are
    the digits 0-9 (int64).
    """
    for name, flag in (("train", train), ("download", download)):
        if not isinstance(flag, bool):
            raise InputError(f"{name} must be True or False; got {flag!r}.")
    folder = ensure_mnist(root, download=download)
    split = "train" if train else "t10k"
    pixels = read_idx(folder / f"{split}-images-idx3-ubyte")
    labels = read_idx(folder / f"{split}-labels-idx1-ubyte").long()
    return from_bytes(pixels.unsqueeze(1)), labels


def _check_layout(folder: Path) -> None:
    """Raise a DataError that says what to move where, if the MNIST files are nearby but
    not where torchvision looks (a common slip when copying them by hand)."""
    root = folder.parent.parent
    for place in (root, root / "MNIST", folder / "MNIST" / "raw", root / "raw"):
        found = [name for name in MNIST_FILES if (place / name).is_file()]
        if found and place != folder:
            raise DataError(
                f"Found {', '.join(found)} in {place}, but ganlib (through torchvision) looks for "
                f"them in {folder}. Move the four files there (the folder layout is "
                f"<data root>/MNIST/raw/), or point GANLIB_DATA at the folder that holds MNIST/raw/."
            )
    packed = [name for name in MNIST_FILES if (folder / f"{name}.gz").is_file()]
    if packed:
        raise DataError(
            f"{folder} holds {', '.join(n + '.gz' for n in packed)} but not the unpacked files. "
            f"Unpack them there (gunzip {folder}/*.gz), then run again."
        )


def _missing(folder: Path) -> list[str]:
    return [name for name in MNIST_FILES if not (folder / name).is_file()]


def _missing_message(folder: Path, missing: list[str], reason: str) -> str:
    names = "\n".join(f"  - {name}" for name in missing)
    return (
        f"MNIST is not available: {reason}.\n"
        f"ganlib looks for these files in {folder}:\n{names}\n"
        "To fix it, on any machine with internet, either run `python -m ganlib fetch-mnist` "
        "in a copy of this workbook (the files land in its data/MNIST/raw/), or download the "
        "four .gz files from https://ossci-datasets.s3.amazonaws.com/mnist/ and unpack them "
        "with gunzip. Then copy the four files into the folder above (a USB stick will do).\n"
        "To keep them somewhere else, set the GANLIB_DATA environment variable to the folder "
        "that holds MNIST/raw/."
    )


def _fix_by_deleting(path: Path) -> str:
    return (
        f"Delete it and run `python -m ganlib fetch-mnist` to download it again, or copy "
        f"a good {path.name} from another machine into {path.parent}."
    )
