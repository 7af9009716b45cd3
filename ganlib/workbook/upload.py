"""Bringing a team's own images into the workbook: an upload button for a notebook.

`upload_box("data/my-images")` shows a button that takes any number of images (or .zip
files of them) from your computer and saves them in that folder, ready for
`ganlib.data.folder.load_image_folder`. Dragging files from your desktop onto
JupyterLab's file browser, opened at the same folder, does the same without a button.

A name chosen on another computer is not trusted: `save_uploads` keeps only its plain
last part ("../../x.png" is saved as "x.png", inside the folder), makes a hidden name
visible, and never overwrites a file already there ("cat.png" again becomes "cat-2.png").
Each file appears whole or not at all: it is written under a temporary name first.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import tempfile
import unicodedata
from html import escape
from pathlib import Path
from typing import Iterable, Mapping

import ipywidgets as widgets

from ganlib import checks
from ganlib.data.mnist import display_path
from ganlib.errors import GanlibError, InputError
from ganlib.workbook.widgets import Interactive

UNSAFE = re.compile(r"[^\w.\- ]+")
"""Characters a saved name may not hold: anything but letters, digits, '.', '-', '_' and spaces."""


def upload_box(folder: str | os.PathLike) -> Interactive:
    """An upload button that saves the files it is given into `folder` (created if
    needed), with a line under it that says what was saved where."""
    folder = Path(os.path.abspath(checks.path(folder, "folder")))
    where = display_path(folder)
    button = widgets.FileUpload(accept="image/*,.zip", multiple=True, description="Upload images")
    status = widgets.HTML(escape(f"Files go into {where}. Dragging them onto JupyterLab's file browser, "
                                 "opened at that folder, works too."))  # HTML, unlike a Label, wraps long lines

    def save(change: dict) -> None:
        if not change["new"]:
            return
        try:
            saved = save_uploads(change["new"], folder)
        except GanlibError as error:
            status.value = escape(str(error))
            return
        status.value = escape(f"Saved {len(saved)} file{'s' if len(saved) != 1 else ''} in {where}. Dragging files "
                              "onto JupyterLab's file browser, opened at that folder, works too.")
        button.value = ()  # lets go of the uploaded bytes

    button.observe(save, names="value")
    return Interactive([button, status], "an upload button")


def save_uploads(files: Iterable[Mapping], folder: str | os.PathLike) -> list[Path]:
    """Write each uploaded file into `folder` (created if needed) and return where each went.

    `files` is what `ipywidgets.FileUpload().value` holds: one entry per file, with its
    `name` and its `content` (a memoryview of its bytes).
    """
    folder = checks.writable_folder(checks.path(folder, "folder"), "the upload folder")
    saved = []
    for file in files:
        if not isinstance(file, Mapping) or not isinstance(file.get("name"), str) or "content" not in file:
            raise InputError(f"Each uploaded file must have a 'name' and a 'content', as FileUpload's value has; got {file!r:.80}.")
        saved.append(write_new(folder, plain_name(file["name"]), bytes(file["content"])))
    return saved


def plain_name(name: str) -> str:
    """A safe file name made from an uploaded file's name: its last part only, not hidden
    (no leading dot), and no characters that a shell or another system would misread."""
    last = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    stem, dot, suffix = UNSAFE.sub("_", last).lstrip(".- ").rstrip(". ").rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot else (suffix, "")
    return (stem[:100].rstrip(". ") or "upload") + suffix[:11]


def write_new(folder: Path, name: str, content: bytes) -> Path:
    """Write `content` to `folder / name`, or to name-2, name-3... if that file exists.
    The name is claimed first (a new, empty file); the content then replaces it whole."""
    stem, suffix = os.path.splitext(name)
    claimed = temporary = None
    try:
        for number in itertools.count(1):
            candidate = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
            with contextlib.suppress(FileExistsError):
                candidate.open("x").close()
                claimed = candidate
                break
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(content)
        os.replace(temporary, claimed)
    except OSError as error:
        for leftover in (temporary, claimed):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
        raise InputError(f"Could not save {name} in {display_path(folder)}: {error.strerror or error}; "
                         "free some disk space or choose another folder.") from None
    return claimed
