"""Checking what a function is given, and saying how to fix it when it is wrong.

A mistake in an argument should stop a call at its first line, with a message in the
workbook's own words, not twenty frames deep inside PyTorch or NumPy. Every public
function that the notebooks call checks its arguments with the few helpers below, so
the same slip always gets the same answer:

    whole_number, number, one_of   counts, rates and options (`True` is not a number)
    seed                           seeds of the random number generators
    tensor                         a PyTorch tensor, not a NumPy array or a list
    images, value_range            a batch (N, C, H, W): finite, and in the pixel range
    noise, latent_vector, labels   what goes into a generator
    path, folder_name, writable_folder   paths that a parameter can reach
    env_flag                       yes/no settings from environment variables

Each raises `InputError` (a `GanlibError`, and also a `ValueError`) whose message names
the argument, what it got, and what to write instead. Most return the value in the form
the caller goes on with (an int, a float32 tensor), so a check and its use are one line.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Sequence

import torch

from ganlib.errors import InputError

TOLERANCE = 0.01
"""How far outside its range a pixel may stray (rounding in bfloat16, say) before it is refused."""


# --- numbers and options --------------------------------------------------------------


def whole_number(value: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    """`value` as an int, if it is a whole number from `low` to `high` (either may be None)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"{name} must be a whole number{_bounds(low, high)}; got {value!r}{_quoted(value)}.")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError(f"{name} must be a whole number{_bounds(low, high)}; got {value!r}.")
    return value


def number(value: Any, name: str, low: float | None = None, high: float | None = None, *, above: float | None = None) -> float:
    """`value` as a float, if it is a finite number from `low` to `high`, or strictly
    greater than `above`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise InputError(f"{name} must be a number{_bounds(low, high, above)}; got {value!r}{_quoted(value)}.")
    value = float(value)
    if (low is not None and value < low) or (high is not None and value > high) or (above is not None and value <= above):
        raise InputError(f"{name} must be a number{_bounds(low, high, above)}; got {value!r}.")
    return value


def seed(value: Any, name: str = "seed") -> int:
    """A seed for the random number generators: a whole number from 0 to 2**32 - 1 (NumPy's limit)."""
    return whole_number(value, name, 0, 2**32 - 1)


def one_of(value: Any, name: str, choices: Sequence[Any]) -> Any:
    """`value`, if it is one of `choices`."""
    if isinstance(value, bool) != any(isinstance(choice, bool) for choice in choices) or value not in choices:
        raise InputError(f"{name} must be one of {list(choices)}; got {value!r}.")
    return value


def _bounds(low: float | None, high: float | None, above: float | None = None) -> str:
    if above is not None:
        return f" greater than {above:g}" + (f" and at most {high:g}" if high is not None else "")
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    if high is not None:
        return f" of at most {high}"
    return ""


def _quoted(value: Any) -> str:
    return " (text in quotes: write the number without quotes)" if isinstance(value, str) else ""


# --- tensors --------------------------------------------------------------------------


def tensor(value: Any, name: str) -> torch.Tensor:
    """`value`, if it is a PyTorch tensor; a NumPy array or a list gets the line that converts it."""
    if torch.is_tensor(value):
        return value
    kind = type(value).__name__
    if type(value).__module__ == "numpy":
        raise InputError(f"{name} must be a PyTorch tensor; got a NumPy {kind}. Convert it with torch.from_numpy({name}).float().")
    if isinstance(value, (list, tuple)) and value and all(torch.is_tensor(item) for item in value):
        raise InputError(f"{name} must be one tensor; got a {kind} of {len(value)} tensors. Join them with torch.stack({name}) or torch.cat({name}).")
    raise InputError(f"{name} must be a PyTorch tensor; got {kind}.")


def finite(values: torch.Tensor, name: str) -> torch.Tensor:
    """`values`, if none of them is NaN or infinite."""
    if not torch.isfinite(values).all():
        raise InputError(
            f"{name} contain NaN or infinite values. Numbers like these come from a generator whose "
            "training diverged (its weights are no longer numbers): load its last good checkpoint "
            "(ganlib.resume) and train on with a lower learning rate."
        )
    return values


def images(
    value: Any,
    name: str = "images",
    *,
    shape: tuple[int, ...] | None = None,
    value_range: tuple[float, float] | None = (-1.0, 1.0),
    at_least: int = 1,
) -> torch.Tensor:
    """A batch of images (N, C, H, W) as float32: at least `at_least` of them, of `shape`
    (C, H, W) if given, finite, and with every pixel inside `value_range`.

    The workbook's images live in [-1, 1], the range of the generator's Tanh: black is -1
    and white is +1. Bytes 0..255 map there with x / 127.5 - 1, images in [0, 1] with
    x * 2 - 1.
    """
    value = tensor(value, name)
    if value.dim() != 4 or (shape is not None and tuple(value.shape[1:]) != tuple(shape)):
        wanted = "(N, C, H, W)" if shape is None else f"(N, {', '.join(map(str, shape))})"
        hint = f" For one image, use {name}[None]: a batch of one." if value.dim() == 3 else ""
        raise InputError(f"{name} must be a batch of images of shape {wanted}; got shape {tuple(value.shape)}.{hint}")
    if len(value) < at_least:
        raise InputError(f"{name} must hold at least {at_least:,} image{'s' if at_least > 1 else ''}; got {len(value):,}.")
    if not value.is_floating_point():
        raise InputError(f"{name} must hold floats in [-1, 1]; got {value.dtype}. Scale bytes 0-255 with x / 127.5 - 1.")
    value = value.float()
    if value_range is not None and len(value):
        in_range(value, name, value_range)
    return value


def in_range(value: torch.Tensor, name: str, value_range: tuple[float, float] = (-1.0, 1.0)) -> None:
    """Raise unless every entry of `value` is finite and within `value_range` (give or take
    TOLERANCE). One pass over the data: NaN makes both comparisons false."""
    low, high = (bound.item() for bound in torch.aminmax(value.detach().float()))
    if low >= value_range[0] - TOLERANCE and high <= value_range[1] + TOLERANCE:
        return
    finite(value, name)
    advice = {
        (-1.0, 1.0): " Scale bytes 0-255 with x / 127.5 - 1, and images in [0, 1] with x * 2 - 1.",
        (0.0, 1.0): " Scale images in [-1, 1] with (x + 1) / 2, and bytes 0-255 with x / 255.",
    }.get(tuple(map(float, value_range)), "")
    raise InputError(
        f"{name} must lie in [{value_range[0]:g}, {value_range[1]:g}]; got values from {low:.3g} to {high:.3g}.{advice}"
    )


def value_range(value: Any, name: str = "value_range") -> tuple[float, float]:
    """`value` as a (low, high) pair of floats with low < high, such as (-1, 1)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise InputError(f"{name} must be a pair (low, high), such as (-1, 1); got {value!r}.")
    low, high = (number(bound, name) for bound in value)
    if not low < high:
        raise InputError(f"{name} must go from low to high, such as (-1, 1); got {value!r}.")
    return low, high


def not_zero_to_one(value: torch.Tensor, name: str, on_purpose: str = "") -> None:
    """Raise if images meant to fill [-1, 1] have bright pixels but none below 0: that is the
    mark of images in [0, 1], where black is 0 instead of -1 (and shows as mid-grey).
    `on_purpose` says how to go on with such images when they are meant."""
    if value.numel() and value.min().item() >= 0 and value.max().item() > 0:
        raise InputError(
            f"{name} have no pixel below 0, so they look like images in [0, 1]; the workbook's "
            "images fill [-1, 1] (black is -1, the bottom of the generator's Tanh). Rescale them "
            f"with x * 2 - 1.{' ' + on_purpose if on_purpose else ''}"
        )


def noise(z: Any, latent_dim: int | None, name: str = "z") -> torch.Tensor:
    """Noise vectors for a generator as a float32 batch (N, latent_dim); one vector (latent_dim,)
    becomes a batch of one."""
    z = tensor(z, name)
    if z.dim() == 1:
        z = z.unsqueeze(0)
    if z.dim() != 2 or (latent_dim is not None and z.shape[1] != latent_dim):
        size = latent_dim if latent_dim is not None else "D"
        raise InputError(
            f"This generator takes noise of shape (N, {size}): N vectors of {size} numbers; "
            f"got shape {tuple(z.shape)}. Make it with torch.randn(N, {size})."
        )
    if not z.is_floating_point():
        raise InputError(f"{name} must hold floats; got {z.dtype}. Make noise with torch.randn(N, {latent_dim}).")
    return finite(z.float(), name)


def latent_vector(z: Any, latent_dim: int | None = None, name: str = "z") -> torch.Tensor:
    """One latent vector (latent_dim,); a batch holding exactly one, (1, latent_dim), is accepted."""
    z = tensor(z, name)
    if z.dim() == 2 and len(z) == 1:
        z = z[0]
    if z.dim() != 1 or (latent_dim is not None and len(z) != latent_dim):
        size = latent_dim if latent_dim is not None else "D"
        hint = f" To use the first vector of a batch, pass {name}[0]." if z.dim() == 2 else ""
        raise InputError(f"{name} must be one latent vector of shape ({size},); got shape {tuple(z.shape)}.{hint}")
    if not z.is_floating_point():
        raise InputError(f"{name} must hold floats; got {z.dtype}.")
    return finite(z.float(), name)


def labels(value: Any, classes: int, count: int, name: str = "labels") -> torch.Tensor:
    """The classes a conditional generator should draw: `count` whole numbers from 0 to
    classes - 1 (int64), or `count` label vectors (count, classes) of floats, such as a
    blend 0.7 of a 3 and 0.3 of an 8."""
    value = tensor(value, name)
    if value.dim() == 2 and value.is_floating_point() and tuple(value.shape) == (count, classes):
        return finite(value.float(), name)
    if value.dim() != 1 or len(value) != count:
        raise InputError(
            f"{name} must hold one class per image: shape ({count},), whole numbers from 0 to {classes - 1}; "
            f"got shape {tuple(value.shape)}. For {count} images of the digit 3: torch.full(({count},), 3)."
        )
    if value.is_floating_point() or value.dtype == torch.bool:
        raise InputError(
            f"{name} must be whole numbers (torch.long) from 0 to {classes - 1}; got {value.dtype}. "
            f"Convert with {name}.long(), or pass label vectors of shape ({count}, {classes}) to blend classes."
        )
    if count and not (0 <= value.min().item() and value.max().item() < classes):
        raise InputError(f"{name} must be from 0 to {classes - 1}; got values from {value.min().item()} to {value.max().item()}.")
    return value.long()


# --- paths and settings ---------------------------------------------------------------

_FOLDER_NAME = re.compile(r"\w[\w.\- ]*", re.UNICODE)


def path(value: Any, name: str = "path") -> Path:
    """`value` as a Path, if it is one or a string (a leading ~ means the home folder)."""
    if isinstance(value, (str, os.PathLike)) and str(value).strip():
        try:
            return Path(value).expanduser()
        except RuntimeError:  # "~someone" for a user that does not exist
            raise InputError(f"{name} {value!r} starts with ~, but there is no such home folder.") from None
    raise InputError(f'{name} must be a file or folder path, such as "runs/mnist-mlp"; got {value!r}.')


def folder_name(value: Any, name: str = "the name") -> str:
    """`value`, if it is a plain folder name: letters (any script), digits, '-', '_', '.' and
    spaces, not starting with a dot or a space, not ending in one. No '/', no '..': such a
    name can only ever mean a folder inside its parent, never one elsewhere on the disk."""
    if not isinstance(value, str) or not _FOLDER_NAME.fullmatch(value) or value[-1] in ". " or len(value) > 100:
        raise InputError(
            f'{name} must be a plain folder name such as "mnist-mlp" (letters, digits, -, _ and ., '
            f"at most 100 characters, no / or \\); got {value!r}."
        )
    return value


def writable_folder(path: Path, what: str, setting: str | None = None) -> Path:
    """`path`, created if missing, after checking that files can be written into it."""
    fix = f" Set {setting} to a folder you can write to (for example ~/gan-runs)." if setting else ""
    if path.exists() and not path.is_dir():
        raise InputError(f"{what} {path} is a file, not a folder.{fix}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise InputError(f"Cannot write into {what} {path}: {error.strerror or error}.{fix}") from None
    return path


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def env_flag(variable: str) -> bool:
    """A yes/no setting from an environment variable: 1/true/yes/on or 0/false/no/off (any case);
    unset is no."""
    text = os.environ.get(variable, "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise InputError(f"The environment variable {variable} must be 1 or 0 (or true/false, yes/no, on/off); got {text!r}.")
