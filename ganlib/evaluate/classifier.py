"""Small classifiers, the measuring instruments of `ganlib.evaluate.metrics`: one for MNIST's
digits, one for the letterforms collection's letters (notebook 08).

Each is trained once, by `python -m ganlib train-classifier [mnist|letterforms]`, with a
fixed seed, and its weights ship inside ganlib (`weights/<name>_classifier.pt`, half
precision, about 0.2 MB) next to a JSON record of the exact settings and its test
accuracy. The letter classifier is tested on typefaces it never saw in training.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ganlib import checks
from ganlib.data.batches import ShuffledBatches
from ganlib.data.letterforms import load_letterforms
from ganlib.data.mnist import load_mnist
from ganlib.gan.checkpoint import atomic_save, replace_together, safe_load
from ganlib.gan.device import configure_threads
from ganlib.gan.game import seed_everything

WEIGHTS = Path(__file__).resolve().parents[1] / "weights"
"""The folder of everything that ships trained: the classifiers and the pretrained generators."""
RECIPES = {
    "mnist": {"size": 28, "classes": 10, "epochs": 6, "batch_size": 128, "lr": 1e-3, "seed": 0, "max_shift": 2},
    "letterforms": {"size": 32, "classes": 26, "epochs": 12, "batch_size": 128, "lr": 1e-3, "seed": 0, "max_shift": 2},
}
"""How each classifier is trained: picture size, classes, epochs, batch, peak learning rate,
seed, and the largest random shift of the training pictures, in pixels."""


class LeNetClassifier(nn.Module):
    """LeNet-style: two convolution + pooling stages, then two linear layers.

    Input: images (B, 1, size, size) in [-1, 1], the workbook's usual range. `features(x)`
    gives the 128 numbers of the penultimate layer, in which the metrics measure
    distances and fit Gaussians; `forward(x)` gives the class logits.
    """

    num_features = 128

    def __init__(self, size: int = 28, classes: int = 10) -> None:
        super().__init__()
        self.in_shape = (1, size, size)
        self.classes = classes
        side = ((size // 2) - 4) // 2  # after pool, 5 × 5 convolution, pool
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # 16 × size/2 × size/2
            nn.Conv2d(16, 32, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),  # 32 × side × side
            nn.Flatten(), nn.Linear(32 * side * side, self.num_features), nn.ReLU(),
        )
        self.head = nn.Linear(self.num_features, classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def weights_path(name: str) -> Path:
    """Where the classifier `name` ("mnist" or "letterforms") ships."""
    return WEIGHTS / f"{checks.one_of(name, 'the classifier', tuple(RECIPES))}_classifier.pt"


@lru_cache(maxsize=2)
def load_classifier(name: str = "mnist") -> LeNetClassifier:
    """The shipped classifier `name`, in float32 and evaluation mode (loaded once, then reused)."""
    recipe = RECIPES[checks.one_of(name, "the classifier", tuple(RECIPES))]
    classifier = LeNetClassifier(recipe["size"], recipe["classes"])
    classifier.load_state_dict(safe_load(weights_path(name))["weights"])
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


def _data(name: str, root, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    if name == "mnist":
        return load_mnist(root, train=train)
    letters = load_letterforms("train" if train else "test")
    return letters.images, letters.letters


def train_classifier(name: str = "mnist", root=None) -> dict:
    """Train the classifier `name` as its recipe says, save it (half precision) and its record."""
    recipe = RECIPES[checks.one_of(name, "the classifier", tuple(RECIPES))]
    configure_threads()
    seed_everything(recipe["seed"])
    images, labels = _data(name, root, train=True)
    test_images, test_labels = _data(name, root, train=False)
    classifier = LeNetClassifier(recipe["size"], recipe["classes"])
    optimizer = torch.optim.Adam(classifier.parameters(), lr=recipe["lr"])
    batches = ShuffledBatches(images, recipe["batch_size"], seed=recipe["seed"], labels=labels)
    shifts = torch.Generator().manual_seed(recipe["seed"])
    steps = recipe["epochs"] * batches.steps_per_epoch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=recipe["lr"], total_steps=steps)
    started = time.perf_counter()
    classifier.train()
    for _ in range(steps):
        x, y = next(batches)
        loss = F.cross_entropy(classifier(random_shift(x, recipe["max_shift"], shifts)), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
    weights = {key: value.half() for key, value in classifier.state_dict().items()}
    shipped = LeNetClassifier(recipe["size"], recipe["classes"])
    shipped.load_state_dict(weights)  # measure the half-precision weights that ship
    record = {
        "command": f"python -m ganlib train-classifier {name}",
        **recipe,
        "train_minutes": round((time.perf_counter() - started) / 60, 1),
        "test_accuracy": round(accuracy(shipped, test_images, test_labels), 4),
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }
    path = weights_path(name)
    with replace_together(path.parent) as staging:  # both files, or neither
        atomic_save({"weights": weights}, staging / path.name)
        (staging / path.with_suffix(".json").name).write_text(json.dumps(record, indent=2) + "\n")
    load_classifier.cache_clear()
    return record
