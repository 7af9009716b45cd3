"""Checkpoints: save a training run, pick it up again, and never lose it.

A checkpoint holds everything needed to continue a run exactly where it stopped: both
networks (and the generator's moving average, if the GAN keeps one), both optimisers
(Adam keeps running averages per weight), the history, the
step count, and the state of every random number generator the run uses, including the
position in the shuffled data. Resuming from it gives the same losses as never stopping.

Three safety rules:

* **Atomic writes.** A checkpoint is written to a temporary file beside the target, flushed
  to disk, then renamed over the old one. A rename is all-or-nothing, so a crash, a kill or
  a full disk in the middle of saving leaves the previous checkpoint intact.
* **No code on load.** Files are read with `torch.load(..., weights_only=True)`, which
  accepts tensors, numbers, strings and containers only. A plain `torch.load` unpickles
  arbitrary Python objects, and a crafted file could run any command on your machine.
* **The right model.** Loading checks that the checkpoint's layers match the networks
  you load it into, and says which layers differ if they don't.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ganlib.errors import CheckpointError, InputError
from ganlib.train import GAN, Callback, History

FORMAT = "ganlib-checkpoint-1"
LAST = "last.pt"
"""The file name of a run folder's latest checkpoint."""


def architecture(model: nn.Module) -> dict[str, Any]:
    """A model's class name and the shape of every tensor in it: what a checkpoint must match."""
    shapes = {name: list(tensor.shape) for name, tensor in model.state_dict().items()}
    return {"class": type(model).__name__, "shapes": shapes}


def save_checkpoint(path: str | os.PathLike, gan: GAN, batches: Any = None) -> Path:
    """Write `gan` (and the data stream's position, if `batches` has one) to `path`, atomically."""
    state = {
        "format": FORMAT,
        "generator_architecture": architecture(gan.generator),
        "discriminator_architecture": architecture(gan.discriminator),
        "generator": gan.generator.state_dict(),
        "discriminator": gan.discriminator.state_dict(),
        "generator_ema": None if gan.generator_ema is None else gan.generator_ema.state_dict(),
        "g_optimizer": gan.g_optimizer.state_dict(),
        "d_optimizer": gan.d_optimizer.state_dict(),
        "g_loss": gan.g_loss,
        "step": gan.step,
        "train_seconds": gan.train_seconds,
        "history": gan.history.state_dict(),
        "noise_rng": gan.noise_rng.get_state(),
        "torch_rng": torch.get_rng_state(),
        "batches": batches.state_dict() if hasattr(batches, "state_dict") else None,
    }
    return atomic_save(state, path)


def atomic_save(obj: Any, path: str | os.PathLike) -> Path:
    """`torch.save(obj, path)` such that `path` always holds either the old or the new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "wb") as file:
            torch.save(obj, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as error:  # also Ctrl-C in the middle of a save
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise CheckpointError(
                f"Could not write the checkpoint {path}: {error.strerror or error}. "
                "The previous checkpoint, if there was one, is intact. Free some disk "
                "space (or choose another folder) and save again."
            ) from None
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself survive a power cut
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return path


def safe_load(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> Any:
    """`torch.load(path, weights_only=True)`, with every failure turned into a clear message."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"There is no checkpoint at {path}.")
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:  # whatever a damaged or hostile file makes the reader raise
        if isinstance(error, pickle.UnpicklingError) and "global" in str(error).lower():
            raise CheckpointError(
                f"{path} was not loaded: it contains Python objects other than tensors and "
                "numbers, which could run code on your machine when loaded. Only load "
                "checkpoints that ganlib wrote, from a source you trust."
            ) from None
        raise CheckpointError(
            f"{path} is not a readable checkpoint: it is truncated, damaged or not a "
            f"PyTorch file ({type(error).__name__}). If a save was interrupted, the "
            "previous checkpoint in the same folder is still good."
        ) from None


def read_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict:
    """Load a ganlib training checkpoint safely (see `safe_load`) and check that it is one."""
    state = safe_load(path, map_location)
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path} is a PyTorch file but not a ganlib checkpoint.")
    return state


def check_architecture(saved: dict[str, Any], model: nn.Module, role: str, path: Path) -> None:
    """Raise `CheckpointError` naming the differences if `model` does not match `saved`."""
    current = architecture(model)
    if current == saved:
        return
    differences = []
    if current["class"] != saved["class"]:
        differences.append(f"the checkpoint has a {saved['class']}, you passed a {current['class']}")
    for name in sorted(set(saved["shapes"]) | set(current["shapes"])):
        have, want = current["shapes"].get(name), saved["shapes"].get(name)
        if have != want:
            differences.append(f"{name}: checkpoint {want}, your model {have}")
    listed = "\n  ".join(differences[:8])
    raise CheckpointError(
        f"{path} was saved from a different {role}:\n  {listed}\n"
        f"Build the {role} with the same sizes as when the checkpoint was saved, or "
        "start a new run in another folder."
    )


def load_checkpoint(path: str | os.PathLike, gan: GAN, batches: Any = None) -> GAN:
    """Restore `gan` (and `batches`, if given) in place from a checkpoint; return `gan`."""
    path = Path(path)
    state = read_checkpoint(path, map_location=gan.device)
    check_architecture(state["generator_architecture"], gan.generator, "generator", path)
    check_architecture(state["discriminator_architecture"], gan.discriminator, "discriminator", path)
    gan.generator.load_state_dict(state["generator"])
    gan.discriminator.load_state_dict(state["discriminator"])
    if gan.generator_ema is not None:
        saved_average = state.get("generator_ema")  # None: saved without one, so start it from G
        gan.generator_ema.load_state_dict(state["generator"] if saved_average is None else saved_average)
    _load_optimizer(gan.g_optimizer, state["g_optimizer"])
    _load_optimizer(gan.d_optimizer, state["d_optimizer"])
    gan.g_loss = state["g_loss"]
    gan.step = state["step"]
    gan.train_seconds = state["train_seconds"]
    gan.history = History.from_state_dict(state["history"])
    gan.noise_rng.set_state(state["noise_rng"])
    torch.set_rng_state(state["torch_rng"])
    if batches is not None and state["batches"] is not None:
        batches.load_state_dict(state["batches"])
    return gan


def _load_optimizer(optimizer: torch.optim.Optimizer, state: dict) -> None:
    """Load an optimiser's state but keep its own implementation flags (fused or not),
    which depend on the device it runs on, not on where the checkpoint was made."""
    flags = [{key: group.get(key) for key in ("fused", "foreach")} for group in optimizer.param_groups]
    optimizer.load_state_dict(state)
    for group, saved_flags in zip(optimizer.param_groups, flags):
        group.update(saved_flags)


def resume(run_dir: str | os.PathLike, gan: GAN, batches: Any = None) -> bool:
    """Continue the run in `run_dir` if it has a checkpoint: True if one was loaded."""
    path = Path(run_dir) / LAST
    if not path.exists():
        return False
    load_checkpoint(path, gan, batches)
    return True


RUN_MODES = ("continue", "restart")


def start_or_resume(run_dir: str | os.PathLike, gan: GAN, batches: Any = None, mode: str = "continue") -> str:
    """Pick up the run in `run_dir`, or start it; return a sentence saying which happened.

    * "continue": load the run's checkpoint if there is one (after a kernel restart, say),
      so training goes on where it stopped; otherwise start at step 0.
    * "restart": start at step 0. An earlier run in `run_dir` is not deleted: the folder
      is renamed with the time appended, so what you trained before is still there.
    """
    if mode not in RUN_MODES:
        raise InputError(f"mode must be one of {RUN_MODES}, got {mode!r}.")
    run_dir = Path(run_dir)
    if mode == "restart" and run_dir.exists():
        kept = run_dir.with_name(f"{run_dir.name}-before-{time.strftime('%Y%m%d-%H%M%S')}")
        run_dir.rename(kept)
        return f"Starting a new run in {run_dir.name}/; the previous one is kept in {kept.name}/."
    if resume(run_dir, gan, batches):
        return f"Continuing the run in {run_dir.name}/ from step {gan.step:,} (its last checkpoint)."
    return f"Starting a new run in {run_dir.name}/."


class Checkpointer(Callback):
    """Saves `run_dir/last.pt` every `every` steps and when training stops.

    Pass the same `batches` you train on, so that the checkpoint also remembers where in
    the shuffled data the run is.
    """

    def __init__(self, run_dir: str | os.PathLike, every: int, batches: Any = None) -> None:
        self.path = Path(run_dir) / LAST
        self.every = every
        self.batches = batches
        self._saved_step: int | None = None

    def save(self, gan: GAN) -> None:
        save_checkpoint(self.path, gan, self.batches)
        self._saved_step = gan.step

    def on_step(self, gan: GAN) -> None:
        if gan.step % self.every == 0:
            self.save(gan)

    def on_end(self, gan: GAN) -> None:
        if self._saved_step != gan.step:
            self.save(gan)
