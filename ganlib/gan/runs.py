"""A training run: a folder of its own that a run can always pick up again, and that only
one process writes.

* `start_or_resume(run_dir, gan, batches, mode)` continues the run in `run_dir` from its
  last checkpoint, or starts it; "restart" keeps the earlier run in a renamed folder.
* `Checkpointer(run_dir, every)` is the `fit` callback that saves `run_dir/last.pt` every
  `every` steps and when training stops. It never saves a diverged state, never goes back
  in time (a checkpoint further along, or of another model, is refused), and sets an
  unreadable file aside instead of overwriting it.
* **One writer per run.** While a run trains, its folder is locked (`RunLock`): a second
  notebook or script that tries to train into the same folder is refused, with the name
  of the one that is training, instead of silently overwriting its steps.
"""

from __future__ import annotations

import json
import math
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

import torch

from ganlib import checks
from ganlib.errors import CheckpointError, InputError, RunInUse
from ganlib.gan.checkpoint import check_architecture, load_checkpoint, read_checkpoint, save_checkpoint, set_aside
from ganlib.gan.fit import Callback
from ganlib.gan.game import GAN, check_gan
from ganlib.gan.history import HISTORY_KEYS

try:  # a lock on a file, released by the system when its process ends, however it ends
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

LAST = "last.pt"
"""The file name of a run folder's latest checkpoint."""
LOCK = "training.lock"
"""The file in a run folder that is locked while the run trains; it names who trains it."""


def resume(run_dir: str | os.PathLike, gan: GAN, batches: Any = None) -> bool:
    """Continue the run in `run_dir` if it has a checkpoint: True if one was loaded."""
    path = _run_path(run_dir) / LAST
    if not path.exists():
        return False
    load_checkpoint(path, gan, batches)
    return True


def _run_path(run_dir: str | os.PathLike) -> Path:
    run_dir = checks.path(run_dir, "run_dir")
    if run_dir.exists() and not run_dir.is_dir():
        raise InputError(f"{run_dir} is a file; a run needs a folder of its own. Choose another name for the run.")
    return run_dir


def is_run_folder(path: Path) -> bool:
    """True if `path` is a folder that a training run made (it has a checkpoint or a lock file)."""
    return path.is_dir() and ((path / LAST).exists() or (path / LOCK).exists())


RUN_MODES = ("continue", "restart")


def start_or_resume(run_dir: str | os.PathLike, gan: GAN, batches: Any = None, mode: str = "continue") -> str:
    """Pick up the run in `run_dir`, or start it; return a sentence saying which happened.

    * "continue": load the run's checkpoint if there is one (after a kernel restart, say),
      so training goes on where it stopped; otherwise start at step 0.
    * "restart": start at step 0. An earlier run in `run_dir` is not deleted: the folder
      is renamed with the time appended, so what you trained before is still there.
      Only a run's own folder is ever renamed: any other folder is refused.
    """
    check_gan(gan, "start_or_resume(run_dir, gan)")
    checks.one_of(mode, "mode", RUN_MODES)
    run_dir = _run_path(run_dir)
    if mode == "restart" and run_dir.exists() and any(run_dir.iterdir()):
        if not is_run_folder(run_dir):
            raise InputError(
                f"{run_dir} is not a training run's folder (it holds no {LAST}), so it is left as it is. "
                "Give the run a name of its own."
            )
        with RunLock(run_dir):  # not while another process trains in it
            kept = _unused_name(run_dir, time.strftime("%Y%m%d-%H%M%S"))
            run_dir.rename(kept)
        return f"Starting a new run in {run_dir.name}/; the previous one is kept in {kept.name}/."
    if resume(run_dir, gan, batches):
        return f"Continuing the run in {run_dir.name}/ from step {gan.step:,} (its last checkpoint)."
    return f"Starting a new run in {run_dir.name}/."


def _unused_name(run_dir: Path, stamp: str) -> Path:
    """`<run>-before-<stamp>`, or with -2, -3, ... appended if that is taken (two restarts
    within one second)."""
    candidate = run_dir.with_name(f"{run_dir.name}-before-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = run_dir.with_name(f"{run_dir.name}-before-{stamp}-{number}")
    return candidate


class RunLock:
    """A lock on a run folder, held while the run trains, so that only one process writes it.

    The lock is the operating system's lock on the file `training.lock` (`flock`), which
    the system releases when the process ends, even by a crash or a kill: a lock can never
    be left behind. The file also says who holds it (process, machine, program, since
    when), so that the process that is refused can say who is training.

        with RunLock(run_dir):
            ...  # only this process trains in run_dir here
    """

    def __init__(self, run_dir: str | os.PathLike) -> None:
        self.path = Path(run_dir) / LOCK
        self._file = None

    def acquire(self) -> None:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            file = open(self.path, "a+", encoding="utf-8")
        except OSError as error:
            raise CheckpointError(f"Cannot write into the run folder {folder}: {error.strerror or error}. "
                                  "Choose a folder you can write to (for notebooks: set GANLIB_RUNS).") from None
        try:
            _lock(file)
        except BlockingIOError:
            holder = _read_holder(file)
            file.close()
            raise RunInUse(
                f"Another process is training this run right now: {holder}. Two trainings in one "
                "folder would overwrite each other's steps. Wait for it to finish (or stop it), or "
                f"give this run another name. The folder: {folder}"
            ) from None
        except OSError:  # a file system without locks (some network drives): train unguarded
            print(f"Note: {folder} cannot be locked, so nothing stops a second process from training into it.")
        file.seek(0)
        file.truncate()
        file.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "program": _program(),
                               "since": time.strftime("%Y-%m-%d %H:%M:%S")}))
        file.flush()
        self._file = file

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def _lock(file) -> None:
    """Lock `file` without waiting; BlockingIOError if another process holds it."""
    if fcntl is not None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    try:
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
    except PermissionError:  # what msvcrt raises for a lock held elsewhere
        raise BlockingIOError from None


def _program() -> str:
    """What this process is, in words: a notebook's name if Jupyter says it, else its command."""
    notebook = os.environ.get("JPY_SESSION_NAME")
    if notebook:
        return f"the notebook {Path(notebook).name}"
    return "python " + " ".join(sys.argv)[:120]


def _read_holder(file) -> str:
    """Who holds the lock, in words, from what the holder wrote into the lock file."""
    try:
        file.seek(0)
        holder = json.loads(file.read())
        return f"{holder['program']} (process {holder['pid']} on {holder['host']}, training since {holder['since']})"
    except (OSError, ValueError, KeyError, TypeError):  # not written yet, or unreadable while locked (Windows)
        return "a process that did not say which"


class Checkpointer(Callback):
    """Saves `run_dir/last.pt` every `every` steps and when training stops.

    Pass the same `batches` you train on, so that the checkpoint also remembers where in
    the shuffled data the run is. While `fit` runs, the run folder is locked (`RunLock`),
    and training does not start if the folder holds a checkpoint further along than the
    GAN (resume it first, or use another folder): a save never goes back in time. A state
    whose last step was not finite (a diverged run) is never saved.
    """

    def __init__(self, run_dir: str | os.PathLike, every: int, batches: Any = None) -> None:
        self.path = _run_path(run_dir) / LAST
        self.every = checks.whole_number(every, "every", 1)
        self.batches = batches
        self._lock = RunLock(self.path.parent)
        self._saved_step: int | None = None

    def save(self, gan: GAN) -> None:
        save_checkpoint(self.path, gan, self.batches)
        self._saved_step = gan.step

    def on_start(self, gan: GAN) -> None:
        self._lock.acquire()
        try:
            self._saved_step = self._step_on_disk(gan)
        except BaseException:
            self._lock.release()
            raise

    def _step_on_disk(self, gan: GAN) -> int | None:
        """The step of the checkpoint already in the folder, if it is this run's; a refusal if
        saving would lose it (another model, or further along); an unreadable file is set aside."""
        if not self.path.exists():
            return None
        try:
            state = read_checkpoint(self.path)
        except CheckpointError as error:
            kept = set_aside(self.path)
            print(f"{error} It is kept as {kept.name}; this run saves a new {LAST}.")
            return None
        check_architecture(state["generator_architecture"], gan.generator, "generator", self.path)
        check_architecture(state["discriminator_architecture"], gan.discriminator, "discriminator", self.path)
        if state["step"] > gan.step:
            raise CheckpointError(
                f"{self.path} holds a run at step {state['step']:,}, further along than this GAN (step {gan.step:,}); "
                "saving would throw those steps away. Resume it first (ganlib.resume(run_dir, gan, batches)), "
                "or save this run in another folder."
            )
        return state["step"]

    def on_step(self, gan: GAN) -> None:
        if gan.step % self.every == 0:
            self.save(gan)

    def on_end(self, gan: GAN) -> None:
        try:
            if self._saved_step != gan.step and _sound(gan):
                self.save(gan)
        finally:
            self._lock.release()


def _sound(gan: GAN) -> bool:
    """False if the last step's losses or any weight are NaN or infinite (a diverged run)."""
    history = gan.history
    if len(history) and not all(math.isfinite(getattr(history, key)[-1]) for key in HISTORY_KEYS):
        return False
    networks = (gan.generator, gan.discriminator)
    return all(torch.isfinite(p).all() for network in networks for p in network.parameters())
