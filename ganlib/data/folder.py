"""Your own images for a GAN: a folder (or a .zip) of pictures, as one tensor in [-1, 1].

`load_image_folder("my-drawings")` reads every PNG, JPEG and WebP file in a folder and
the folders inside it, or in a .zip file (read in place: nothing is unpacked), and
prepares each one the same way (`ganlib.data.prepare`): upright, square, small, in
greyscale or colour. What comes back is an `ImageCollection`: the images, their names,
and every file that was left out with the reason why. `collection.summary()` says it in
a few lines; read it before training, since a GAN learns from exactly what is there.

Preparing a few hundred photos takes a while on a CPU, so the result is kept in a cache
folder (`~/.cache/ganlib/collections`, or `$GANLIB_CACHE/collections`). It is found again
by the files' names, sizes and modification times: as long as no file changes, a second
call loads at once, without opening a single image.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

from ganlib import checks
from ganlib.data.mnist import display_path
from ganlib.data.pixels import from_bytes, to_bytes
from ganlib.data.prepare import Unusable, prepare_image
from ganlib.errors import DataError

MAX_FILE_BYTES = 50 * 2**20
"""No image a GAN learns from needs more than 50 MB; a zip member that unpacks to more is
refused (it may be a zip bomb: a small file that unpacks to gigabytes)."""

CACHE_VERSION = 1
"""Part of every cache key: raise it when the preparation changes, and old caches are ignored."""

FITS = {"crop": "centre-cropped", "pad": "padded with white"}

SKIP_KINDS = {"not": "not images", "too small": "too small", "too large": "too large",
              "same image": "duplicates", "unreadable": "unreadable"}
"""How a reason for skipping a file starts, and the kind it is counted as in the summary."""

Files = dict[str, tuple[int, int]]
"""Relative name -> (size in bytes, modification time or checksum): all the cache key needs."""


@dataclass
class ImageCollection:
    """A team's own images, ready to train on.

    `images` is a float32 tensor (N, C, size, size) in [-1, 1] (C = 1 for greyscale, 3 for
    colour); `names[i]` is the file image i came from, relative to `source`, in sorted
    order. `skipped` lists (name, reason) for every file left out, `notes` what else is
    worth knowing, and `from_cache` whether the images came from the cache.
    """

    images: torch.Tensor
    names: list[str]
    skipped: list[tuple[str, str]]
    notes: list[str]
    source: Path
    fit: str
    from_cache: bool = False

    def summary(self, examples: int = 10) -> str:
        """A few lines: how many files were used, how many skipped and why, with up to
        `examples` of the skipped files, then the notes."""
        size, colour = self.images.shape[-1], self.images.shape[1] == 3
        lines = [f"Used {len(self.names)} of {len(self.names) + len(self.skipped)} files from "
                 f"{display_path(self.source)} ({size} × {size}, {'colour' if colour else 'greyscale'}, "
                 f"{FITS[self.fit]})." + (f" Skipped {skip_counts(self.skipped)}." if self.skipped else "")]
        lines += [f"  skipped {name}: {reason}" for name, reason in self.skipped[:examples]]
        if len(self.skipped) > examples:
            lines.append(f"  ... and {len(self.skipped) - examples} more: see .skipped")
        lines += [note + "." for note in self.notes]
        if self.from_cache:
            lines.append("Loaded from the cache: no file has changed since the images were prepared.")
        return "\n".join(lines)


def load_image_folder(source: str | os.PathLike, size: int = 32, colour: bool = False, fit: str = "crop",
                      min_images: int = 50, cache: bool = True) -> ImageCollection:
    """The images in the folder or .zip file `source`, prepared as size × size squares.

    Folders inside `source` are searched too; hidden files and macOS's `__MACOSX/` are
    ignored. `size` is 32 or 64 pixels; `colour=False` gives greyscale (one channel),
    `True` colour (three). `fit="crop"` keeps each image's centre square, `fit="pad"`
    the whole image with white borders. Files that cannot be used are skipped, each with
    its reason (see `summary()`). With fewer than `min_images` usable images, a GAN can
    only copy them, so that raises a `DataError`: lower `min_images` to try anyway.
    `cache=False` prepares every image afresh and keeps nothing.
    """
    place = checks.path(source, "source")
    size = checks.one_of(size, "size", (32, 64))
    colour = checks.one_of(colour, "colour", (False, True))
    fit = checks.one_of(fit, "fit", list(FITS))
    min_images = checks.whole_number(min_images, "min_images", 1)
    cache = checks.one_of(cache, "cache", (False, True))
    place = Path(os.path.abspath(place))
    if not place.exists():
        raise DataError(f"There is no file or folder {display_path(place)}; check the name, or put your images "
                        "there first (ganlib.workbook.upload.upload_box saves uploaded files into a folder).")
    with opened(place) as (files, read):
        if not files:
            raise DataError(f"{display_path(place)} holds no files (hidden ones aside); put your PNG, JPEG or "
                            "WebP images in it (folders inside it are searched too).")
        cache_file = cache_path(files, size, colour, fit) if cache else None
        collection = load_cached(cache_file, place, fit) if cache_file else None
        if collection is None:
            collection = collect(files, read, place, size, colour, fit)
            if cache_file:
                store(cache_file, collection)
    found, where = len(collection.names), display_path(place)
    skipped = f" (skipped {skip_counts(collection.skipped)})" if collection.skipped else ""
    if found == 0:
        raise DataError(f"Found no usable images among the {plural(len(files), 'file')} in {where}{skipped}; "
                        "put PNG, JPEG or WebP images of at least 16 × 16 pixels there.")
    if found < min_images:
        raise DataError(f"Found {plural(found, 'usable image')} in {where}{skipped}; a GAN needs at least {min_images} — "
                        "add more images, or lower min_images to try anyway (expect copies, not new designs).")
    return collection


def plural(count: int, thing: str) -> str:
    """'1 file', '2 files'."""
    return f"{count} {thing}{'s' if count != 1 else ''}"


def skip_counts(skipped: list[tuple[str, str]]) -> str:
    """'16: 9 not images, 4 too small, ...': how many files were skipped, by kind."""
    kinds = Counter(next(kind for start, kind in SKIP_KINDS.items() if reason.startswith(start))
                    for _, reason in skipped)
    return f"{len(skipped)}: " + ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())


# --- reading the files ------------------------------------------------------------------


def hidden(name: str) -> bool:
    """Whether a relative name is a hidden file, inside a hidden folder, or macOS's zip extras."""
    parts = name.split("/")
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


@contextlib.contextmanager
def opened(source: Path) -> Iterator[tuple[Files, Callable[[str], bytes]]]:
    """The files of a folder or a zip (name -> size and date, or checksum), and a function
    that reads one of them by name. A file too large to be an image raises `Unusable`."""
    if source.is_dir():
        paths = {path.relative_to(source).as_posix(): path for path in source.rglob("*")}
        stats = {name: path.stat() for name, path in sorted(paths.items()) if not hidden(name) and path.is_file()}
        yield {name: (stat.st_size, stat.st_mtime_ns) for name, stat in stats.items()}, \
            lambda name: read_file(paths[name], stats[name].st_size)
        return
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise DataError(f"{display_path(source)} is neither a folder nor a .zip file; give the folder that holds "
                        "your images, or a .zip of them.") from None
    with archive:
        members = {info.filename: info for info in archive.infolist() if not info.is_dir() and not hidden(info.filename)}
        yield {name: (info.file_size, info.CRC) for name, info in sorted(members.items())}, \
            lambda name: read_member(archive, members[name])


def read_file(path: Path, size: int) -> bytes:
    """The bytes of one file in a folder."""
    if size > MAX_FILE_BYTES:
        raise Unusable(f"too large: {size / 2**20:,.0f} MB, at most {MAX_FILE_BYTES // 2**20} MB")
    try:
        return path.read_bytes()
    except OSError as error:
        raise Unusable(f"unreadable: {error.strerror or error}") from None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The bytes of one file in a zip, unpacked in memory."""
    if info.file_size > MAX_FILE_BYTES:
        raise Unusable(f"too large: unpacks to {info.file_size / 2**20:,.0f} MB, "
                       f"over {MAX_FILE_BYTES // 2**20} MB (a zip bomb?)")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        raise Unusable("unreadable: damaged inside the zip") from None
    except (RuntimeError, NotImplementedError):  # a password, or a compression Python lacks
        raise Unusable("unreadable: encrypted or packed in a way Python cannot unpack") from None


def collect(files: Files, read: Callable[[str], bytes], source: Path, size: int, colour: bool,
            fit: str) -> ImageCollection:
    """Prepare every file in sorted order, keeping the first of identical results."""
    pixels, names, skipped, animated, seen = [], [], [], 0, {}
    for name in sorted(files):
        try:
            image, moving = prepare_image(read(name), size, colour, fit)
        except Unusable as reason:
            skipped.append((name, str(reason)))
            continue
        digest = hashlib.sha256(image.tobytes()).hexdigest()
        if digest in seen:
            skipped.append((name, f"same image as {seen[digest]}"))
            continue
        seen[digest] = name
        pixels.append(image)
        names.append(name)
        animated += moving
    notes = [f"{plural(animated, 'animated file')}: first frame used"] if animated else []
    array = np.stack(pixels) if pixels else np.zeros((0, 3 if colour else 1, size, size), np.uint8)
    return ImageCollection(from_bytes(torch.from_numpy(array)), names, skipped, notes, source, fit)


# --- the cache --------------------------------------------------------------------------


def cache_folder() -> Path:
    """Where prepared collections are kept: `$GANLIB_CACHE/collections`, else `~/.cache/ganlib/collections`."""
    return Path(os.environ.get("GANLIB_CACHE", "").strip() or "~/.cache/ganlib").expanduser() / "collections"


def cache_path(files: Files, size: int, colour: bool, fit: str) -> Path:
    """The cache file for these files and settings: named by a hash of them all, so that
    any change to a file or a setting gives another name."""
    key = json.dumps([CACHE_VERSION, size, colour, fit, sorted(files.items())])
    return cache_folder() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.npz"


def load_cached(path: Path, source: Path, fit: str) -> ImageCollection | None:
    """The collection kept at `path`, or None if there is none (or it cannot be read)."""
    try:
        with np.load(path, allow_pickle=False) as kept:
            pixels, names = kept["pixels"], kept["names"].tolist()
            skipped = [(name, reason) for name, reason in kept["skipped"].tolist()]
            notes = kept["notes"].tolist()
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return None
    if pixels.dtype != np.uint8 or len(pixels) != len(names):
        return None
    return ImageCollection(from_bytes(torch.from_numpy(pixels)), names, skipped, notes, source, fit, True)


def store(path: Path, collection: ImageCollection) -> None:
    """Keep `collection` at `path`, written whole or not at all (a temporary file, then a
    rename); a cache folder that cannot be written is passed over in silence."""
    pixels = to_bytes(collection.images).numpy()
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            np.savez_compressed(handle, pixels=pixels, names=np.array(collection.names, dtype=str),
                                skipped=np.array(collection.skipped, dtype=str).reshape(-1, 2),
                                notes=np.array(collection.notes, dtype=str))
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
