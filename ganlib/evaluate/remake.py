"""Making a shipped generator again: `python -m ganlib train-pretrained NAME`.

1. Train with `fit` as its recipe says (`ganlib.evaluate.recipes.SHIPPED`), scoring the
   generator after every epoch with the Fréchet distance of `ganlib.evaluate.metrics`
   (10,000 samples against the MNIST test set, or the letters of the held-out typefaces); where the recipe keeps a moving average
   of the generator, the average is what is scored and shipped.
2. Keep the epoch with the lowest distance: GAN quality wanders, and the last epoch is
   not always the best.
3. Only if training ran to its end, store it in half precision (2 bytes per weight
   instead of 4: the MLP takes 3 MB), with a JSON record of the command, seed, settings,
   time and figures (for a conditional generator also how often the classifier reads
   the class that was asked for), and the snapshot series where the recipe asks for one.

The new files are written beside the shipped ones and replace them only once all of them
are complete: a remake that is interrupted (Ctrl-C) or fails leaves the shipped generator,
its record and its snapshots exactly as they were.
"""

from __future__ import annotations

import copy
import json
import platform
import time

import numpy as np
import torch

from ganlib.data.batches import ShuffledBatches
from ganlib.data.letterforms import load_letterforms
from ganlib.data.mnist import load_mnist
from ganlib.evaluate import metrics
from ganlib.evaluate.pretrained import WEIGHTS, read_generator, shipped, to_grey_levels
from ganlib.gan.checkpoint import architecture, atomic_save, replace_together
from ganlib.gan.device import configure_threads
from ganlib.gan.fit import Callback, fit
from ganlib.gan.game import GAN, generate

SNAPSHOT_SAMPLES = 1000


class BestEpochKeeper(Callback):
    """During training: score every epoch, keep the best generator, take the snapshots."""

    def __init__(self, every: int, snapshot_steps: list[int], reference: metrics.Classified,
                 classifier: str = "mnist") -> None:
        self.every = every
        self.classifier = classifier
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
        if gan.step in self.snapshot_steps:
            self.snapshots[gan.step] = to_grey_levels(generate(gan.sampler, self.noise))
        if gan.step % self.every == 0 and gan.step > 0:
            samples = metrics.sample_generator(gan.sampler, 10_000, seed=gan.step)
            distance = metrics.frechet_distance(self.reference.features, metrics.classify(samples, self.classifier).features)
            self.frechet_by_step[gan.step] = round(distance, 3)
            if self.best is None or distance < self.best[0]:
                self.best = (distance, gan.step, copy.deepcopy(gan.sampler.state_dict()))


def _collection(name: str, root) -> tuple[torch.Tensor, torch.Tensor, metrics.Classified]:
    """Training images and labels of a collection, and what its classifier sees in its test
    pictures (MNIST's test set; the letters of the held-out typefaces)."""
    if name == "mnist":
        images, labels = load_mnist(root)
        return images, labels, metrics.real_reference(root=root)
    letters, held_out = load_letterforms("train"), load_letterforms("test")
    return letters.images, letters.letters, metrics.classify(held_out.images, "letterforms")


def remake(name: str = "mlp_mnist", root=None) -> dict:
    """Make the shipped generator `name` as its recipe says (see the module's docstring)."""
    made = shipped(name)
    threads = configure_threads()
    images, labels, reference = _collection(made.collection, root)
    gan = made.recipe.build(made.seed)
    conditional = hasattr(gan.generator, "classes")  # a conditional GAN trains on (image, label) pairs
    batches = ShuffledBatches(images, made.recipe.batch_size, seed=made.seed, labels=labels if conditional else None)
    keeper = BestEpochKeeper(batches.steps_per_epoch, made.snapshot_steps, reference, made.collection)
    total_steps = made.epochs * batches.steps_per_epoch
    fit(gan, batches, max_steps=total_steps, callbacks=[keeper])
    if gan.step < total_steps:  # fit stops early only when interrupted
        raise KeyboardInterrupt

    _, best_step, best_state = keeper.best
    generator = gan.sampler.cpu()
    generator.load_state_dict(best_state)
    weights = {key: value.half() for key, value in generator.state_dict().items()}
    with replace_together(WEIGHTS) as staging:
        atomic_save({"architecture": architecture(generator), "weights": weights}, staging / f"{name}.pt")
        if keeper.snapshots:
            np.savez_compressed(staging / f"{name}_snapshots.npz",
                                **{f"step_{step}": samples for step, samples in sorted(keeper.snapshots.items())})
        samples = metrics.sample_generator(read_generator(name, staging), 10_000, seed=12345)
        scored = metrics.score(samples, reference, classifier=made.collection)
        record = {
            "name": name,
            "description": made.description,
            "command": f"python -m ganlib train-pretrained {name}",
            "collection": made.collection,
            "epochs": made.epochs,
            **{key: getattr(made.recipe, key) for key in ("batch_size", "lr", "betas", "ema_decay", "loss")},
            "seed": made.seed,
            "precision": "bfloat16" if gan.bfloat16 else "float32",
            "steps": gan.step,
            "chosen_step": best_step,
            "train_minutes": round(gan.train_seconds / 60, 1),
            "machine": f"{platform.machine()}, {threads} threads, {gan.device.type}",
            "torch": torch.__version__,
            "date": time.strftime("%Y-%m-%d"),
            "figures": {key: round(value, 4) for key, value in scored.row().items()},
            **({"read_as_asked": round(metrics.read_as_asked(samples, gan.generator.classes, made.collection), 4)}
               if conditional else {}),
            "class_counts": scored.class_counts,
            "frechet_by_step": keeper.frechet_by_step,
        }
        (staging / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    return record
