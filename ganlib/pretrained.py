"""Generators trained in advance, shipped inside ganlib for when time is short.

A participant whose laptop is too slow for notebook 03, or who joins late, can load the
generator that the workbook's own code trained, and carry on with the later notebooks.
Each generator is stored in half precision (2 bytes per weight instead of 4: the
reference MLP takes 3 MB) next to a JSON record of exactly how it was made, so anyone can
make it again:

    python -m ganlib train-pretrained mlp_mnist
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import torch
from torch import nn

from ganlib.checkpoint import atomic_save, check_architecture, architecture
from ganlib.data import ShuffledBatches, load_mnist
from ganlib.device import configure_threads
from ganlib.errors import CheckpointError
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.train import fit, make_gan, seed_everything

WEIGHTS = Path(__file__).resolve().parent / "weights"

RECIPES = {
    "mlp_mnist": {
        "description": "the seed's MLP generator, trained on MNIST with the seed's settings",
        "build": MLPGenerator,
        "epochs": 30,
        "batch_size": 64,
        "lr": 2e-4,
        "seed": 0,
    },
}


def available() -> list[str]:
    """Names of the shipped generators."""
    return sorted(path.stem for path in WEIGHTS.glob("*.pt"))


def record(name: str) -> dict:
    """How a shipped generator was made: command, seed, settings, time, figures."""
    return json.loads((WEIGHTS / f"{name}.json").read_text())


def load_generator(name: str = "mlp_mnist", device: str | torch.device = "cpu") -> nn.Module:
    """A shipped generator, in float32 and evaluation mode, ready to make samples."""
    if name not in RECIPES:
        raise CheckpointError(f"There is no pretrained generator {name!r}; choose one of {sorted(RECIPES)}.")
    path = WEIGHTS / f"{name}.pt"
    state = torch.load(path, map_location="cpu", weights_only=True)
    generator = RECIPES[name]["build"]()
    check_architecture(state["architecture"], generator, "generator", path)
    generator.load_state_dict(state["weights"])  # load_state_dict converts half to float
    return generator.to(device).eval()


def train(name: str = "mlp_mnist", root=None) -> dict:
    """Train the generator `name` as its recipe says and store it in ganlib/weights/."""
    recipe = RECIPES[name]
    threads = configure_threads()
    seed_everything(recipe["seed"])
    images, _ = load_mnist(root)
    gan = make_gan(recipe["build"](), MLPDiscriminator(), lr=recipe["lr"], seed=recipe["seed"])
    batches = ShuffledBatches(images, recipe["batch_size"], seed=recipe["seed"])
    fit(gan, batches, max_steps=recipe["epochs"] * batches.steps_per_epoch)
    generator = gan.generator.cpu()
    weights = {key: value.half() for key, value in generator.state_dict().items()}
    atomic_save({"architecture": architecture(generator), "weights": weights}, WEIGHTS / f"{name}.pt")
    last = slice(-500, None)
    made = {
        "name": name,
        "description": recipe["description"],
        "command": f"python -m ganlib train-pretrained {name}",
        **{key: recipe[key] for key in ("epochs", "batch_size", "lr", "seed")},
        "steps": gan.step,
        "train_minutes": round(gan.train_seconds / 60, 1),
        "machine": f"{platform.processor() or platform.machine()}, {threads} threads, {gan.device.type}",
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "last_500_steps_mean": {
            key: round(sum(values[last]) / len(values[last]), 4)
            for key, values in gan.history.state_dict().items() if key in ("d_loss", "g_loss", "d_real", "d_fake")
        },
    }
    (WEIGHTS / f"{name}.json").write_text(json.dumps(made, indent=2) + "\n")
    return made
