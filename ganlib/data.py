"""MNIST for GAN training: found or fetched, checked, and served fast from memory.

Three ideas live here.

1. **Where the data is.** The folder that holds `MNIST/raw/` is, in this order: the
   `root` you pass, the `GANLIB_DATA` environment variable, or `data/` at the top of the
   workbook. That is the layout `torchvision.datasets.MNIST` expects.

2. **Never stuck on a download.** If the four files are missing, ganlib downloads them
   through torchvision with a bounded time-out. If that is impossible (no network, a
   proxy, a server answering 403/503), you get one `DataError` that names the folder,
   the four files and how to bring them from another machine: no hang, no urllib trace.
   A truncated or damaged file gets a clear message too.

3. **Batches without a DataLoader.** The whole training set is 60,000 images of 28×28
   bytes; as float32 it is 188 MB, small enough to keep in one tensor. `load_mnist`
   reads the files itself (the IDX format is a short header, then one byte per pixel),
   converts them once to [-1, 1] (the range of the generator's Tanh), and `ShuffledBatches`
   serves batches by indexing that tensor with a seeded permutation. No per-image PIL
   transform runs inside the training loop, which is where a plain DataLoader spends
   most of a small GAN's time on a CPU.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import torch

from ganlib import checks
from ganlib.errors import DataError, InputError

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The top folder of the workbook (the one holding `ganlib/` and `notebooks/`)."""

MNIST_FILES = {
    # file name: magic number. An IDX file starts with this number; its last byte is the
    # number of dimensions: 3 for images (count, rows, columns), 1 for labels (count).
    "train-images-idx3-ubyte": 2051,
    "train-labels-idx1-ubyte": 2049,
    "t10k-images-idx3-ubyte": 2051,
    "t10k-labels-idx1-ubyte": 2049,
}

DOWNLOAD_TIMEOUT_S = 20.0
"""How long one network operation of the download may stall before ganlib gives up."""


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


def read_idx(path: Path) -> torch.Tensor:
    """The bytes of an IDX file as a uint8 tensor shaped as its header says: (N, 28, 28)
    for images, (N,) for labels. Check the file first with `check_idx_file`."""
    ndim = MNIST_FILES[path.name] & 0xFF
    with open(path, "rb") as f:
        header = f.read(4 + 4 * ndim)
        dims = [int.from_bytes(header[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
        values = torch.empty(dims, dtype=torch.uint8)
        f.readinto(values.numpy())  # straight into the tensor's memory: no extra copy
    return values


def check_idx_file(path: Path) -> int:
    """Raise `DataError` unless `path` is a complete MNIST file in the IDX format.
    Return the number of items (images or labels) it holds.

    An IDX file starts with a 4-byte magic number (2051 for images, 2049 for labels),
    then one 4-byte big-endian size per dimension, then one byte per pixel or label.
    Reading only that header tells us whether the file is the right kind and whether
    it is complete, without loading it.
    """
    magic = MNIST_FILES[path.name]
    ndim = magic & 0xFF
    size = path.stat().st_size
    with open(path, "rb") as f:
        header = f.read(4 + 4 * ndim)
    if len(header) < 4 + 4 * ndim or int.from_bytes(header[:4], "big") != magic:
        raise DataError(
            f"{path} is not an MNIST file in the IDX format (wrong magic number; it "
            f"may be an HTML error page or a file that was never unpacked). "
            f"{_fix_by_deleting(path)}"
        )
    dims = [int.from_bytes(header[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    if dims[0] == 0 or (ndim == 3 and dims[1:] != [28, 28]):
        found = "no items at all" if dims[0] == 0 else f"images of {dims[1]} × {dims[2]} pixels"
        raise DataError(
            f"{path} holds {found}; MNIST's files hold 28 × 28 images (60,000 for training, "
            f"10,000 for testing). It is not the original file. {_fix_by_deleting(path)}"
        )
    expected = len(header) + math.prod(dims)
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
    if _missing(folder) and download:
        _download_mnist(folder.parent.parent)
    if _missing(folder):
        reason = "files are missing and download=False was given"
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
    Pixels are bytes 0..255; `x / 127.5 - 1` maps them to [-1, 1], so black is -1 and
    white is +1, the same range as the generator's Tanh output. Labels are the digits
    0-9 (int64). The files are the ones `torchvision.datasets.MNIST` reads; ganlib reads
    them itself, because importing torchvision costs a notebook over a second and
    about 180 MB of memory.
    """
    for name, flag in (("train", train), ("download", download)):
        if not isinstance(flag, bool):
            raise InputError(f"{name} must be True or False; got {flag!r}.")
    folder = ensure_mnist(root, download=download)
    split = "train" if train else "t10k"
    pixels = read_idx(folder / f"{split}-images-idx3-ubyte")
    labels = read_idx(folder / f"{split}-labels-idx1-ubyte").long()
    images = pixels.unsqueeze(1).float().div_(127.5).sub_(1.0)
    return images, labels


class ShuffledBatches:
    """An endless stream of shuffled mini-batches, drawn from tensors held in memory.

    Each epoch draws a fresh permutation of the N examples from its own seeded random
    number generator and serves them `batch_size` at a time; the last incomplete batch
    of an epoch is dropped, so every batch has the same size. With `labels`, each item
    is an `(images, labels)` pair, as a DataLoader over a TensorDataset would give.

    The stream's position can be saved and restored (`state_dict`, `load_state_dict`),
    so a resumed training run sees exactly the batches it would have seen.

    >>> batches = ShuffledBatches(torch.zeros(10, 1, 28, 28), batch_size=4, seed=0)
    >>> next(batches).shape
    torch.Size([4, 1, 28, 28])
    """

    def __init__(
        self,
        images: torch.Tensor,
        batch_size: int = 64,
        seed: int = 0,
        labels: torch.Tensor | None = None,
    ) -> None:
        images = checks.tensor(images, "images")
        if images.dim() == 0 or len(images) == 0:
            raise InputError("ShuffledBatches needs at least one example; the images are empty.")
        batch_size = checks.whole_number(batch_size, "batch_size", 1, len(images))
        seed = checks.whole_number(seed, "seed", 0)
        if labels is not None:
            labels = checks.tensor(labels, "labels")
            if labels.dim() == 0 or len(labels) != len(images):
                raise InputError(f"labels must hold one label per image ({len(images)}); got shape {tuple(labels.shape)}.")
        self.images = images
        self.labels = labels
        self.batch_size = batch_size
        self.steps_per_epoch = len(images) // batch_size
        self.epoch = 0
        self._rng = torch.Generator().manual_seed(seed)
        self._start_new_epoch()

    def _start_new_epoch(self) -> None:
        self._epoch_rng_state = self._rng.get_state()  # enough to redraw this permutation
        self._order = torch.randperm(len(self.images), generator=self._rng)
        self._position = 0

    def __iter__(self) -> ShuffledBatches:
        return self

    def __next__(self) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        if self._position >= self.steps_per_epoch:
            self.epoch += 1
            self._start_new_epoch()
        start = self._position * self.batch_size
        index = self._order[start : start + self.batch_size]
        self._position += 1
        if self.labels is None:
            return self.images[index]
        return self.images[index], self.labels[index]

    def state_dict(self) -> dict:
        """Where the stream is: epoch, batch within the epoch, and the shuffling RNG, with
        the batch size and the number of examples that the position counts in."""
        return {"epoch": self.epoch, "position": self._position, "rng": self._epoch_rng_state,
                "batch_size": self.batch_size, "examples": len(self.images)}

    def load_state_dict(self, state: dict) -> None:
        """Continue from a `state_dict()`: the same permutation, at the same place in it.

        With another batch size than the saved one, the stream goes on from the same image
        of the epoch (rounded down to a whole batch); with another number of examples (the
        data changed), a new epoch starts. Either way it says so.
        """
        if not isinstance(state, dict) or not {"epoch", "position", "rng"} <= set(state):
            raise InputError("This is not the saved position of ShuffledBatches (it was saved from another kind "
                             "of batches): resume with the same kind of batches, or leave them out.")
        self._rng.set_state(state["rng"])
        self._start_new_epoch()
        self.epoch = state["epoch"]
        saved_batch_size = state.get("batch_size", self.batch_size)
        examples = state.get("examples", len(self.images))
        if examples != len(self.images):
            print(f"The data has {len(self.images):,} examples where the saved run had {examples:,}: "
                  "the batches start a new epoch.")
            self.epoch += 1
            self._start_new_epoch()
            return
        self._position = state["position"] * saved_batch_size // self.batch_size
        if saved_batch_size != self.batch_size:
            print(f"The batch size changed from {saved_batch_size} to {self.batch_size}: the batches go on "
                  "from the same place in the epoch.")


# --- download ------------------------------------------------------------------------


def _download_mnist(root: Path) -> None:
    """Download MNIST into `root/MNIST/raw` through torchvision, or raise one DataError."""
    from torchvision.datasets import MNIST

    folder = root / "MNIST" / "raw"
    unreachable = _first_unreachable_problem(MNIST.mirrors)
    if unreachable:
        raise DataError(_missing_message(folder, _missing(folder), reason=unreachable))
    print(f"Downloading MNIST (about 11 MB) into {folder} ...")
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    messages = io.StringIO()
    try:
        with contextlib.redirect_stdout(messages):  # torchvision prints one line per attempt
            MNIST(str(root), train=True, download=True)
    except Exception as error:  # any failure: urllib, HTTP 403/503, a full disk, a time-out
        reason = f"the download failed ({_last_line(messages.getvalue()) or type(error).__name__})"
        raise DataError(_missing_message(folder, _missing(folder), reason=reason)) from None
    finally:
        socket.setdefaulttimeout(old_timeout)


def _first_unreachable_problem(mirrors: list[str]) -> str | None:
    """None if any mirror (or the configured proxy) accepts a connection, else a reason.

    Each check runs in a background thread that we wait for at most DOWNLOAD_TIMEOUT_S,
    because looking up a host name can block far longer than any socket time-out.
    """
    targets = []
    proxies = urllib.request.getproxies()
    for mirror in mirrors:
        url = urllib.parse.urlsplit(proxies.get(urllib.parse.urlsplit(mirror).scheme, mirror))
        targets.append((url.hostname, url.port or (443 if url.scheme == "https" else 80)))
    reached = threading.Event()

    def try_connect(host: str, port: int) -> None:
        with contextlib.suppress(OSError):
            socket.create_connection((host, port), timeout=DOWNLOAD_TIMEOUT_S).close()
            reached.set()

    threads = [threading.Thread(target=try_connect, args=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DOWNLOAD_TIMEOUT_S
    while time.monotonic() < deadline and any(thread.is_alive() for thread in threads):
        if reached.wait(0.05):
            return None
    if reached.is_set():
        return None
    hosts = ", ".join(host for host, _ in targets)
    return f"no connection could be made to {hosts} (offline, or behind a firewall)"


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


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""

