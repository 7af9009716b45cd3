"""What the first cells of every notebook use: set-up, quick mode and parameter checks.

* `setup(seed)` gives PyTorch one thread per core, seeds every random number generator,
  and makes ganlib's own errors show as their message alone (no stack trace to scroll
  past). It returns the device that training will use.
* `quick_mode()` is True when the environment variable GANLIB_QUICK is set: the tests use
  it to run each notebook in seconds, with tiny step counts. You never need it.
* `check_parameters(...)` rejects impossible parameter values (negative epochs, a batch
  size of 0, text where a number belongs) with the parameter's name and valid range,
  before any time is spent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from ganlib.data import REPO_ROOT
from ganlib.device import configure_threads, pick_device
from ganlib.errors import GanlibError
from ganlib.train import seed_everything

QUICK_ENV = "GANLIB_QUICK"
RUNS_ENV = "GANLIB_RUNS"


class ParameterError(GanlibError):
    """A notebook parameter has a value that cannot work."""


def quick_mode() -> bool:
    """True when GANLIB_QUICK is set (to anything but 0): tiny runs, for the tests."""
    return os.environ.get(QUICK_ENV, "0") not in ("", "0")


def runs_folder() -> Path:
    """Where training runs are saved: GANLIB_RUNS if set, else `runs/` in the workbook."""
    return Path(os.environ.get(RUNS_ENV) or REPO_ROOT / "runs").expanduser().resolve()


def setup(seed: int = 0) -> torch.device:
    """Prepare a notebook: threads, seeds, readable errors. Returns the training device."""
    configure_threads()
    seed_everything(seed)
    _show_ganlib_errors_briefly()
    return pick_device()


def check_parameters(**rules: tuple) -> None:
    """Check each parameter against its rule; raise one ParameterError listing every problem.

    A rule is `(value, low, high)` for a number (whole numbers if both bounds are ints),
    or `(value, [choice, ...])` for a fixed set of choices:

        check_parameters(EPOCHS=(EPOCHS, 1, 200), LR=(LR, 1e-6, 1.0), LOSS=(LOSS, ["minimax", "non-saturating"]))
    """
    problems = [problem for name, rule in rules.items() if (problem := _check(name, *rule))]
    if problems:
        raise ParameterError("Please fix the parameters cell:\n  " + "\n  ".join(problems))


def _check(name: str, value: Any, *bounds: Any) -> str | None:
    if len(bounds) == 1:
        choices = list(bounds[0])
        return None if value in choices else f"{name} must be one of {choices}; got {value!r}."
    low, high = bounds
    whole = isinstance(low, int) and isinstance(high, int)
    kind = "a whole number" if whole else "a number"
    allowed = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, allowed):
        hint = " (text in quotes: write the number without quotes)" if isinstance(value, str) else ""
        return f"{name} must be {kind} from {low} to {high}; got {value!r}{hint}."
    if not low <= value <= high:
        return f"{name} must be {kind} from {low} to {high}; got {value!r}."
    return None


def _show_ganlib_errors_briefly() -> None:
    """In IPython, show a GanlibError as 'ErrorName: message' instead of a full traceback.

    These errors are about something you can fix (missing data, a bad parameter), and the
    message says how; the stack trace would only bury it. Other errors keep their trace.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def brief(shell, etype, value, tb, tb_offset=None) -> None:
        # IPython runs this handler instead of showing the error; show it ourselves, as
        # an error whose whole "traceback" is the one-line message.
        shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])

    shell.set_custom_exc((GanlibError,), brief)
