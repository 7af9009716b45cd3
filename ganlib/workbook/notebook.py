"""What the first cells of every notebook use: set-up, quick mode and parameter checks.

* `setup(seed)` gives PyTorch one thread per core, seeds every random number generator,
  and makes ganlib's own errors show as their message alone (no stack trace to scroll
  past). It returns the device that training will use.
* `quick_mode()` is True when the environment variable GANLIB_QUICK is 1 (or true, yes,
  on): the tests use it to run each notebook in seconds, with tiny step counts. You never
  need it.
* `check_parameters(...)` rejects impossible parameter values (negative epochs, a batch
  size of 0, text where a number belongs, a run name that is a path) with the
  parameter's name and valid range, before any time is spent.
* `run_folder(name)` is where a training run called `name` keeps its files: a folder of
  that name inside the runs folder, never anywhere else.
* `show_code(function)` shows a function's source, so that a notebook can show the very
  code that just ran (notebook 02 shows the two training steps).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import torch

from ganlib import checks
from ganlib.data.mnist import REPO_ROOT
from ganlib.errors import GanlibError, InputError, ParameterError
from ganlib.gan.device import configure_threads, pick_device
from ganlib.gan.game import seed_everything

QUICK_ENV = "GANLIB_QUICK"
RUNS_ENV = "GANLIB_RUNS"


@contextmanager
def _as_parameter_error() -> Iterator[None]:
    """Report a failed check as a ParameterError: a setting of the notebook's to fix."""
    try:
        yield
    except InputError as error:
        raise ParameterError(str(error)) from None


def quick_mode() -> bool:
    """True when GANLIB_QUICK is 1, true, yes or on: tiny runs, for the tests."""
    with _as_parameter_error():
        return checks.env_flag(QUICK_ENV)


def runs_folder() -> Path:
    """Where training runs are saved: GANLIB_RUNS if set, else `runs/` in the workbook.
    Created if missing; a clear error if it is a file or cannot be written to."""
    with _as_parameter_error():
        folder = checks.path(os.environ.get(RUNS_ENV, "").strip() or REPO_ROOT / "runs", RUNS_ENV).resolve()
        return checks.writable_folder(folder, "the runs folder", setting=RUNS_ENV)


def run_folder(name: str) -> Path:
    """The folder of the training run called `name`: `name` inside the runs folder.

    `name` must be a plain folder name ("mnist-mlp"), so that a run can never reach, rename
    or fill a folder outside the runs folder ("../notebooks", "", "/home/...").
    """
    with _as_parameter_error():
        checks.folder_name(name, "RUN_NAME")
    return runs_folder() / name


def setup(seed: int = 0) -> torch.device:
    """Prepare a notebook: threads, seeds, readable errors. Returns the training device."""
    _show_ganlib_errors_briefly()  # first, so that even a bad SEED is shown as one line
    check_parameters(SEED=(seed, checks.seed))
    configure_threads()
    seed_everything(seed)
    return pick_device()


def show_code(function: Callable) -> Any:
    """The source code of `function`, shown with colours in Jupyter (and as plain text elsewhere)."""
    from IPython.display import Code  # here, not at the top: only the notebooks have IPython loaded

    return Code(inspect.getsource(function), language="python")


def check_parameters(**rules: tuple) -> None:
    """Check each parameter against its rule; raise one ParameterError listing every problem.

    A rule is `(value, low, high)` for a number (whole numbers if both bounds are ints),
    `(value, [choice, ...])` for a fixed set of choices, or `(value, check)` for one of the
    checks of `ganlib.checks` (such as `folder_name`):

        check_parameters(EPOCHS=(EPOCHS, 1, 200), LR=(LR, 1e-6, 1.0), LOSS=(LOSS, ["minimax", "non-saturating"]),
                         RUN_NAME=(RUN_NAME, ganlib.checks.folder_name))
    """
    problems = []
    for name, rule in rules.items():
        if not isinstance(rule, tuple) or len(rule) not in (2, 3) or (len(rule) == 2 and isinstance(rule[1], str)):
            raise TypeError(f"check_parameters: the rule for {name} must be (value, low, high), (value, [choices]) "
                            f"or (value, check); got {rule!r}.")
        value, *rule = rule
        try:
            _check(name, value, *rule)
        except InputError as problem:
            problems.append(str(problem))
    if problems:
        raise ParameterError("Please fix the parameters cell:\n  " + "\n  ".join(problems))


def _check(name: str, value: Any, *rule: Any) -> None:
    if len(rule) == 2:
        low, high = rule
        if isinstance(low, int) and isinstance(high, int):
            checks.whole_number(value, name, low, high)
        else:
            checks.number(value, name, low, high)
    elif callable(rule[0]):
        check: Callable[[Any, str], Any] = rule[0]
        check(value, name)
    else:
        checks.one_of(value, name, list(rule[0]))


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
