"""A small MNIST digit classifier, the measuring instrument of `ganlib.evaluate.metrics`.

It is trained once, by `python -m ganlib train-classifier`, with a fixed seed, and its
weights ship inside ganlib (`weights/mnist_classifier.pt`, half precision, about 0.2 MB)
next to a JSON record of the exact settings and its test accuracy.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ganlib.data.batches import ShuffledBatches
from ganlib.data.mnist import load_mnist
from ganlib.gan.checkpoint import atomic_save, replace_together, safe_load
from ganlib.gan.device import configure_threads
from ganlib.gan.game import seed_everything

WEIGHTS = Path(__file__).resolve().parents[1] / "weights"
"""The folder of everything that ships trained: the classifier and the pretrained generators."""
CLASSIFIER = WEIGHTS / "mnist_classifier.pt"
RECIPE = {"epochs": 6, "batch_size": 128, "lr": 1e-3, "seed": 0, "max_shift": 2}


class MnistClassifier(nn.Module):
    """LeNet-style: two convolution + pooling stages, then two linear layers.

    Input: images (B, 1, 28, 28) in [-1, 1], the workbook's usual range. `features(x)`
    gives the 128 numbers of the penultimate layer, in which the metrics measure
    distances and fit Gaussians; `forward(x)` gives the ten class logits.
    """

    num_features = 128

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # 16 × 14 × 14
            nn.Conv2d(16, 32, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),  # 32 × 5 × 5
            nn.Flatten(), nn.Linear(32 * 5 * 5, self.num_features), nn.ReLU(),
        )
        self.head = nn.Linear(self.num_features, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


@lru_cache(maxsize=1)
def load_classifier() -> MnistClassifier:
    """The shipped classifier, in float32 and evaluation mode (loaded once, then reused)."""
    classifier = MnistClassifier()
    classifier.load_state_dict(safe_load(CLASSIFIER)["weights"])
    return classifier.eval().requires_grad_(False)


def random_shift(images: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    """Move every image by up to `max_shift` pixels in x and y (filling with black):
    the classifier learns that a digit is the same digit one pixel to the left."""
    padded = F.pad(images, [max_shift] * 4, value=-1.0)
    dx, dy = torch.randint(0, 2 * max_shift + 1, (2,), generator=generator).tolist()
    return padded[:, :, dy : dy + images.shape[2], dx : dx + images.shape[3]]


@torch.no_grad()
def accuracy(classifier: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    classifier.eval()
    predictions = torch.cat([classifier(batch).argmax(1) for batch in images.split(1000)])
    return (predictions == labels).float().mean().item()


def train_classifier(root=None) -> dict:
    """Train the classifier as RECIPE says, save it (half precision) and its record."""
    configure_threads()
    seed_everything(RECIPE["seed"])
    images, labels = load_mnist(root, train=True)
    test_images, test_labels = load_mnist(root, train=False)
    classifier = MnistClassifier()
    optimizer = torch.optim.Adam(classifier.parameters(), lr=RECIPE["lr"])
    batches = ShuffledBatches(images, RECIPE["batch_size"], seed=RECIPE["seed"], labels=labels)
    shifts = torch.Generator().manual_seed(RECIPE["seed"])
    steps = RECIPE["epochs"] * batches.steps_per_epoch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=RECIPE["lr"], total_steps=steps)
    started = time.perf_counter()
    classifier.train()
    for _ in range(steps):
        x, y = next(batches)
        loss = F.cross_entropy(classifier(random_shift(x, RECIPE["max_shift"], shifts)), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
    weights = {key: value.half() for key, value in classifier.state_dict().items()}
    shipped = MnistClassifier()
    shipped.load_state_dict(weights)  # measure the half-precision weights that ship
    record = {
        "command": "python -m ganlib train-classifier",
        **RECIPE,
        "train_minutes": round((time.perf_counter() - started) / 60, 1),
        "test_accuracy": round(accuracy(shipped, test_images, test_labels), 4),
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }
    with replace_together(CLASSIFIER.parent) as staging:  # both files, or neither
        atomic_save({"weights": weights}, staging / CLASSIFIER.name)
        (staging / CLASSIFIER.with_suffix(".json").name).write_text(json.dumps(record, indent=2) + "\n")
    load_classifier.cache_clear()
    return record
