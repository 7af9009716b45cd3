"""Generators trained in advance, shipped inside ganlib for when time is short.

A participant whose laptop is too slow for notebook 03, or who joins late, can load the
generator that the workbook's own code trained, and carry on with the later notebooks.

How a shipped generator is made (`python -m ganlib train-pretrained NAME`):

1. train with `fit` as its recipe says, scoring the generator after every epoch with the
   Fréchet distance of `ganlib.metrics` (10,000 samples against the MNIST test set); where
   the recipe keeps a moving average of the generator (`ema_decay`), the average is what
   is scored and shipped;
2. keep the epoch with the lowest distance: GAN quality wanders, and the last epoch is
   not always the best;
3. only if training ran to its end, store it in half precision (2 bytes per weight instead of 4: the MLP takes 3 MB), with
   a JSON record of the command, seed, settings, time and figures;
4. store a *snapshot series* as well: 1,000 samples from fixed noise at a few moments of
   training, so that notebook 05 can plot quality against training steps without
   training anything. Samples, not weights: nine copies of the generator would take
   27 MB. The samples are kept with 16 grey levels instead of 256, which makes them
   compress to under 2 MB in all; it moves the Fréchet distance of a snapshot by about
   10%, while training moves it by a factor of 20.

The new files are written beside the shipped ones and replace them only once all of them
are complete: a remake that is interrupted (Ctrl-C) or fails leaves the shipped generator,
its record and its snapshots exactly as they were.
"""

from __future__ import annotations

import copy
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ganlib.checkpoint import architecture, atomic_save, check_architecture, replace_together, safe_load
from ganlib.errors import CheckpointError
from ganlib.models import (
    ConditionalMLPDiscriminator,
    ConditionalMLPGenerator,
    DCGANDiscriminator,
    DCGANGenerator,
    MLPDiscriminator,
    MLPGenerator,
)
from ganlib.train import GAN, Callback, generate

WEIGHTS = Path(__file__).resolve().parent / "weights"
SNAPSHOT_SAMPLES = 1000
GREY_LEVELS = 16  # of the stored snapshot samples
GREY_STEP = 255 // (GREY_LEVELS - 1)  # 17: level k stands for pixel byte 17·k

RECIPES = {
    "mlp_mnist": {
        "description": "the seed's MLP generator, trained on MNIST with notebook 03's settings",
        "generator": MLPGenerator,
        "discriminator": MLPDiscriminator,
        "epochs": 50,
        "batch_size": 128,
        "lr": 1e-3,
        "betas": (0.0, 0.99),
        "ema_decay": 0.995,
        "precision": "auto",
        "seed": 0,
        "snapshot_steps": [0, 250, 500, 1000, 2000, 4000, 8000, 16000, 23400],
    },
    "dcgan_mnist": {
        "description": "the convolutional generator of notebook 04 (DCGAN-style, width 32)",
        "generator": DCGANGenerator,
        "discriminator": DCGANDiscriminator,
        "epochs": 20,
        "batch_size": 128,
        "lr": 5e-4,
        "betas": (0.5, 0.999),
        "ema_decay": 0.0,
        "precision": "auto",
        "seed": 0,
    },
    "conditional_mlp_mnist": {
        "description": "the seed's MLP with the digit as extra input (a conditional GAN), notebook 06",
        "generator": ConditionalMLPGenerator,
        "discriminator": ConditionalMLPDiscriminator,
        "epochs": 30,
        "batch_size": 128,
        "lr": 7e-4,
        "betas": (0.5, 0.999),
        "ema_decay": 0.0,
        "precision": "auto",
        "seed": 0,
    },
}


def _recipe(name: str) -> dict:
    if not isinstance(name, str) or name not in RECIPES:
        raise CheckpointError(f"There is no pretrained generator {name!r}; choose one of {sorted(RECIPES)}.")
    return RECIPES[name]


def record(name: str) -> dict:
    """How a shipped generator was made: command, seed, settings, time, figures."""
    _recipe(name)
    return json.loads((WEIGHTS / f"{name}.json").read_text())


def load_generator(name: str = "mlp_mnist", device: str | torch.device = "cpu") -> nn.Module:
    """A shipped generator, in float32 and evaluation mode, ready to make samples."""
    from ganlib.device import pick_device

    return _read_generator(name, WEIGHTS).to(pick_device(device)).eval()


def _read_generator(name: str, folder: Path) -> nn.Module:
    """The generator `name` with the weights stored in `folder`."""
    generator = _recipe(name)["generator"]()
    path = folder / f"{name}.pt"
    state = safe_load(path)
    check_architecture(state["architecture"], generator, "generator", path)
    generator.load_state_dict(state["weights"])  # load_state_dict converts half to float
    return generator.eval()


def load_snapshots(name: str = "mlp_mnist") -> dict[int, torch.Tensor]:
    """The snapshot series: {training step: samples (N, 1, 28, 28) in [-1, 1]}."""
    _recipe(name)
    if "snapshot_steps" not in RECIPES[name]:
        having = [other for other, recipe in RECIPES.items() if "snapshot_steps" in recipe]
        raise CheckpointError(f"{name} ships without a snapshot series; {', '.join(having)} has one.")
    with np.load(WEIGHTS / f"{name}_snapshots.npz", allow_pickle=False) as stored:
        return {int(key.removeprefix("step_")): torch.from_numpy(stored[key]).float() * GREY_STEP / 127.5 - 1
                for key in stored}


def _as_grey_levels(images: torch.Tensor) -> np.ndarray:
    """Images in [-1, 1] as numbers 0..GREY_LEVELS-1, one byte each (compressed on saving)."""
    pixel_bytes = (images + 1) * 127.5
    return (pixel_bytes / GREY_STEP).round().clamp(0, GREY_LEVELS - 1).to(torch.uint8).numpy()


class _Selection(Callback):
    """During training: score every epoch, keep the best generator, take the snapshots."""

    def __init__(self, every: int, snapshot_steps: list[int], reference) -> None:
        self.every = every
        self.snapshot_steps = set(snapshot_steps)
        self.reference = reference
        self.snapshots: dict[int, np.ndarray] = {}
        self.frechet_by_step: dict[int, float] = {}
        self.best: tuple[float, int, dict] | None = None
        self.noise: torch.Tensor | None = None  # made in on_start, when the latent size is known

    def on_start(self, gan: GAN) -> None:
        self.noise = torch.randn(SNAPSHOT_SAMPLES, gan.latent_dim, generator=torch.Generator().manual_seed(1))
        self.on_step(gan)  # step 0: the untrained generator

    def on_step(self, gan: GAN) -> None:
        from ganlib import metrics

        if gan.step in self.snapshot_steps:
            self.snapshots[gan.step] = _as_grey_levels(generate(gan.sampler, self.noise).cpu())
        if gan.step % self.every == 0 and gan.step > 0:
            samples = metrics.sample_generator(gan.sampler, 10_000, seed=gan.step)
            distance = metrics.frechet_distance(self.reference.features, metrics.look_at(samples).features)
            self.frechet_by_step[gan.step] = round(distance, 3)
            if self.best is None or distance < self.best[0]:
                self.best = (distance, gan.step, copy.deepcopy(gan.sampler.state_dict()))


def train(name: str = "mlp_mnist", root=None) -> dict:
    """Make the shipped generator `name` as its recipe says (see the module's docstring)."""
    from ganlib import metrics
    from ganlib.data import ShuffledBatches, load_mnist
    from ganlib.device import configure_threads
    from ganlib.train import fit, make_gan, seed_everything

    recipe = _recipe(name)
    threads = configure_threads()
    seed_everything(recipe["seed"])
    images, labels = load_mnist(root)
    generator = recipe["generator"]()
    conditional = hasattr(generator, "classes")  # a conditional GAN trains on (image, label) pairs
    gan = make_gan(generator, recipe["discriminator"](), lr=recipe["lr"], betas=recipe["betas"], seed=recipe["seed"],
                   precision=recipe["precision"], ema_decay=recipe["ema_decay"])
    batches = ShuffledBatches(images, recipe["batch_size"], seed=recipe["seed"], labels=labels if conditional else None)
    reference = metrics.real_reference(root=root)
    selection = _Selection(batches.steps_per_epoch, recipe.get("snapshot_steps", []), reference)
    total_steps = recipe["epochs"] * batches.steps_per_epoch
    fit(gan, batches, max_steps=total_steps, callbacks=[selection])
    if gan.step < total_steps:  # fit stops early only when interrupted
        raise KeyboardInterrupt

    _, best_step, best_state = selection.best
    generator = gan.sampler.cpu()
    generator.load_state_dict(best_state)
    weights = {key: value.half() for key, value in generator.state_dict().items()}
    with replace_together(WEIGHTS) as staging:
        atomic_save({"architecture": architecture(generator), "weights": weights}, staging / f"{name}.pt")
        if selection.snapshots:
            np.savez_compressed(staging / f"{name}_snapshots.npz",
                                **{f"step_{step}": samples for step, samples in sorted(selection.snapshots.items())})
        shipped = _read_generator(name, staging)  # score what ships (half precision), with fresh noise
        figures = metrics.score(metrics.sample_generator(shipped, 10_000, seed=12345), reference)
        made = _record(name, recipe, gan, best_step, threads, figures, selection.frechet_by_step)
        (staging / f"{name}.json").write_text(json.dumps(made, indent=2) + "\n")
    return made


def _record(name: str, recipe: dict, gan: GAN, best_step: int, threads: int, figures, frechet_by_step: dict) -> dict:
    """The JSON record of a finished remake: how it was made, and what it scores."""
    return {
        "name": name,
        "description": recipe["description"],
        "command": f"python -m ganlib train-pretrained {name}",
        **{key: recipe[key] for key in ("epochs", "batch_size", "lr", "betas", "ema_decay", "seed")},
        "precision": "bfloat16" if gan.bfloat16 else "float32",
        "steps": gan.step,
        "chosen_step": best_step,
        "train_minutes": round(gan.train_seconds / 60, 1),
        "machine": f"{platform.machine()}, {threads} threads, {gan.device.type}",
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "figures": {key: round(value, 4) for key, value in figures.row().items()},
        "class_counts": figures.class_counts,
        "frechet_by_step": frechet_by_step,
    }
