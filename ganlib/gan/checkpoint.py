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
When a run continues, what was *learned* comes from the checkpoint (weights, Adam's
running averages, the step, the history, the random number generators) and the
*settings* come from you: the learning rates, betas and losses you give `make_gan` now
apply from there on, and `load_checkpoint` says which of them differ from the saved ones.
That is what makes "lower the learning rate and resume" work after a divergence.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ganlib import checks
from ganlib.errors import CheckpointError, InputError
from ganlib.gan.game import GAN, check_gan
from ganlib.gan.history import History

FORMAT = "ganlib-checkpoint-1"


def architecture(model: nn.Module) -> dict[str, Any]:
    """A model's class name and the shape of every tensor in it: what a checkpoint must match."""
    shapes = {name: list(tensor.shape) for name, tensor in model.state_dict().items()}
    return {"class": type(model).__name__, "shapes": shapes}


def save_checkpoint(path: str | os.PathLike, gan: GAN, batches: Any = None) -> Path:
    """Write `gan` (and the data stream's position, if `batches` has one) to `path`, atomically."""
    check_gan(gan, "save_checkpoint(path, gan)")
    path = checks.path(path)
    state = {
        "format": FORMAT,
        "generator_architecture": architecture(gan.generator),
        "discriminator_architecture": architecture(gan.discriminator),
        "generator": gan.generator.state_dict(),
        "discriminator": gan.discriminator.state_dict(),
        "generator_ema": None if gan.generator_ema is None else gan.generator_ema.state_dict(),
        "g_optimizer": gan.g_optimizer.state_dict(),
        "d_optimizer": gan.d_optimizer.state_dict(),
        "settings": settings_of(gan),
        "step": gan.step,
        "train_seconds": gan.train_seconds,
        "history": gan.history.state_dict(),
        "noise_rng": gan.noise_rng.get_state(),
        "torch_rng": torch.get_rng_state(),
        "batches": batches.state_dict() if hasattr(batches, "state_dict") else None,
    }
    return atomic_save(state, path)


def settings_of(gan: GAN) -> dict[str, Any]:
    """The settings a GAN trains with, by their names in `make_gan` (and the GAN's fields)."""
    return {
        "lr": gan.g_optimizer.param_groups[0]["lr"],
        "d_lr": gan.d_optimizer.param_groups[0]["lr"],
        "betas": list(gan.g_optimizer.param_groups[0]["betas"]),
        "loss": gan.loss,
        "ema_decay": gan.ema_decay,
        "precision": "bfloat16" if gan.bfloat16 else "float32",
        "real_label": gan.real_label,
        "instance_noise": gan.instance_noise,
        "r1_gamma": gan.r1_gamma,
        "gp_weight": gan.gp_weight,
        "critic_steps": gan.critic_steps,
        "augment": gan.augment,
    }


def _saved_settings(state: dict) -> dict[str, Any]:
    """The settings a checkpoint was saved with (older checkpoints hold only some of them,
    and call the loss "g_loss")."""
    if "settings" in state:
        settings = dict(state["settings"])
    else:
        g_group, d_group = state["g_optimizer"]["param_groups"][0], state["d_optimizer"]["param_groups"][0]
        settings = {"lr": g_group["lr"], "d_lr": d_group["lr"], "betas": list(g_group["betas"]), "g_loss": state["g_loss"]}
    if "g_loss" in settings:
        settings["loss"] = settings.pop("g_loss")
    return settings


def setting_changes(state: dict, gan: GAN) -> list[str]:
    """'name saved -> now' for every setting of `gan` that differs from the checkpoint's."""
    now = settings_of(gan)
    return [f"{name} {saved!r} → {now[name]!r}" for name, saved in _saved_settings(state).items()
            if name in now and saved != now[name]]


def atomic_save(obj: Any, path: str | os.PathLike) -> Path:
    """`torch.save(obj, path)` such that `path` always holds either the old or the new file."""
    path = Path(path)
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
        with open(temporary, "wb") as file:
            torch.save(obj, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as error:  # also Ctrl-C in the middle of a save
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            fix = ("Free some disk space and save again." if error.errno in (errno.ENOSPC, errno.EDQUOT)
                   else "Choose a file name in a folder you can write to (for notebooks: set GANLIB_RUNS) "
                        "and save again.")
            raise CheckpointError(
                f"Could not write {path}: {error.strerror or error}. The previous file, if "
                f"there was one, is intact. {fix}"
            ) from None
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself survive a power cut
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return path


@contextmanager
def replace_together(folder: Path) -> Iterator[Path]:
    """A fresh staging folder inside `folder` to write a set of new files into. When the
    block ends without an error, each file moves onto its namesake in `folder`; on an
    error or an interruption, `folder` is left exactly as it was.

        with replace_together(WEIGHTS) as staging:
            torch.save(weights, staging / "model.pt")
            (staging / "model.json").write_text(record)

    Each move is a rename, all-or-nothing; the files are all complete before the first one
    moves, so at worst a crash between two renames leaves one old file beside a new one.
    """
    try:
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    except OSError as error:
        raise CheckpointError(f"Cannot write into {folder}: {error.strerror or error}.") from None
    try:
        yield staging
        for file in sorted(staging.iterdir()):
            os.replace(file, folder / file.name)
    finally:
        for file in staging.iterdir():
            file.unlink()
        staging.rmdir()


def set_aside(path: Path) -> Path:
    """Rename an unreadable `path` to `<name>.unreadable-<time>` beside it and return the new
    path: a damaged file is never overwritten or deleted, in case someone can rescue it."""
    kept = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(kept)
    return kept


def safe_load(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> Any:
    """`torch.load(path, weights_only=True)`, with every failure turned into a clear message."""
    path = checks.path(path)
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


CHECKPOINT_KEYS = ("generator_architecture", "discriminator_architecture", "generator", "discriminator",
                   "g_optimizer", "d_optimizer", "step", "train_seconds", "history", "noise_rng",
                   "torch_rng", "batches")
"""What every ganlib checkpoint holds (newer ones also hold "settings" and "generator_ema")."""


def read_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict:
    """Load a ganlib training checkpoint safely (see `safe_load`) and check that it is one."""
    state = safe_load(path, map_location)
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path} is a PyTorch file but not a ganlib checkpoint.")
    missing = [key for key in CHECKPOINT_KEYS if key not in state]
    if missing:
        raise CheckpointError(f"{path} is an incomplete ganlib checkpoint (it lacks {', '.join(missing)}); "
                              "it cannot be resumed. Start a new run.")
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
    """Restore `gan` (and `batches`, if given) in place from a checkpoint; return `gan`.

    The weights, Adam's state, the step, the history and the random number generators
    come from the checkpoint; the settings (learning rates, betas, losses) stay those of
    `gan`, and any that differ from the checkpoint's are printed.
    """
    check_gan(gan, "load_checkpoint(path, gan)")
    if batches is not None and not hasattr(batches, "load_state_dict"):
        raise InputError(f"batches must be the stream you train on, such as ganlib.ShuffledBatches, which can "
                         f"continue where it stopped; got {type(batches).__name__}. Leave it out to start the data afresh.")
    path = checks.path(path)
    state = read_checkpoint(path, map_location=gan.device)
    check_architecture(state["generator_architecture"], gan.generator, "generator", path)
    check_architecture(state["discriminator_architecture"], gan.discriminator, "discriminator", path)
    if batches is not None and state["batches"] is not None:  # first: it may refuse, before anything changed
        batches.load_state_dict(state["batches"])
    gan.generator.load_state_dict(state["generator"])
    gan.discriminator.load_state_dict(state["discriminator"])
    if gan.generator_ema is not None:
        saved_average = state.get("generator_ema")  # None: saved without one, so start it from G
        gan.generator_ema.load_state_dict(state["generator"] if saved_average is None else saved_average)
    changes = setting_changes(state, gan)
    _load_optimizer(gan.g_optimizer, state["g_optimizer"])
    _load_optimizer(gan.d_optimizer, state["d_optimizer"])
    gan.step = state["step"]
    gan.train_seconds = state["train_seconds"]
    gan.history = History.from_state_dict(state["history"])
    gan.history.loss = gan.loss  # the game played from here on (a change of game is among the changes said below)
    gan.noise_rng.set_state(state["noise_rng"])
    torch.set_rng_state(state["torch_rng"])
    if changes:
        print(f"Continuing from step {gan.step:,} with the settings given now, not those of the checkpoint: "
              + "; ".join(changes) + ".")
    return gan


def _load_optimizer(optimizer: torch.optim.Optimizer, state: dict) -> None:
    """Load an optimiser's running averages but keep its settings: the learning rate and
    betas given now, and its implementation flags (fused or not), which depend on the
    device it runs on, not on where the checkpoint was made."""
    settings = [{key: value for key, value in group.items() if key != "params"} for group in optimizer.param_groups]
    optimizer.load_state_dict(state)
    for group, own_settings in zip(optimizer.param_groups, settings):
        group.update(own_settings)
