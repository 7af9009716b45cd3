"""Tables and pictures of the metrics (`ganlib.evaluate`), as notebooks 04 and 05 show them."""

from __future__ import annotations

import html
import math

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from ganlib.errors import InputError
from ganlib.evaluate.experiments import Curve, Outcome
from ganlib.evaluate.metrics import Scores
from ganlib.evaluate.neighbours import kth_neighbour_distance
from ganlib.pictures.images import draw_grid, image_grid

LABELS = {
    "entropy_bits": "class entropy (bits, max 3.32)",
    "confidence": "confidence",
    "classifier_score": "classifier score (max 10)",
    "frechet": "Fréchet distance (lower is better)",
    "precision": "precision",
    "recall": "recall",
    "density": "density",
    "coverage": "coverage",
}


def _named(collection, what: str, kind: type | tuple[type, ...]) -> dict:
    """`collection`, if it is a non-empty dict whose values are `kind`; else a clear InputError."""
    if not isinstance(collection, dict) or not collection or not all(isinstance(v, kind) for v in collection.values()):
        raise InputError(f"Expected {what}; got {collection!r:.80}.")
    return collection


class ScoreTable:
    """Several sets of samples side by side, one row per figure: HTML in JupyterLab, text elsewhere."""

    def __init__(self, scores: dict[str, Scores]) -> None:
        self.scores = _named(scores, '{"name": metrics.score(...), ...}', Scores)

    def _rows(self) -> list[tuple[str, list[str]]]:
        return [(LABELS[key], [f"{s.row()[key]:.3f}" for s in self.scores.values()]) for key in LABELS]

    def __repr__(self) -> str:
        names = list(self.scores)
        width = max(len(label) for label in LABELS.values())
        lines = [f"{'':{width}}  " + "  ".join(f"{name:>14}" for name in names)]
        lines += [f"{label:{width}}  " + "  ".join(f"{v:>14}" for v in values) for label, values in self._rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(name)}</th>" for name in self.scores)
        rows = "".join(
            f"<tr><td style='text-align:left'>{html.escape(label)}</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
            for label, values in self._rows()
        )
        return f"<table><tr><th></th>{head}</tr>{rows}</table>"


def plot_class_histograms(counts: dict[str, list[int]]) -> Figure:
    """The share of each digit 0-9, as the classifier sees it, for several sample sets."""
    _named(counts, '{"name": ten counts (scores.class_counts), ...}', (list, tuple, torch.Tensor))
    if not all(len(values) == 10 for values in counts.values()):
        raise InputError("Each set needs ten counts, one per digit: scores.class_counts.")
    fig = Figure(figsize=(8, 3))
    ax = fig.add_subplot()
    width = 0.8 / len(counts)
    for i, (name, values) in enumerate(counts.items()):
        shares = np.asarray(values) / max(1, sum(values))
        ax.bar(np.arange(10) + (i - (len(counts) - 1) / 2) * width, shares, width, label=name)
    ax.axhline(0.1, color="grey", linestyle=":", linewidth=1)
    ax.set_xticks(range(10))
    ax.set_xlabel("digit (the classifier's top class)")
    ax.set_ylabel("share of samples")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def frechet_1d(mean_a: float, std_a: float, mean_b: float, std_b: float) -> float:
    """The Fréchet distance between two 1-D Gaussians: (m_a − m_b)² + (s_a − s_b)²."""
    return (mean_a - mean_b) ** 2 + (std_a - std_b) ** 2


def plot_frechet_1d(pairs: list[tuple[float, float, float, float]]) -> Figure:
    """Pairs of 1-D Gaussians (mean_a, std_a, mean_b, std_b), each with its Fréchet distance."""
    fig = Figure(figsize=(3.3 * len(pairs), 2.6))
    x = np.linspace(-6, 6, 400)
    for i, (ma, sa, mb, sb) in enumerate(pairs):
        ax = fig.add_subplot(1, len(pairs), i + 1)
        for mean, std, colour, name in ((ma, sa, "0.4", "real"), (mb, sb, "tab:orange", "fake")):
            ax.fill_between(x, np.exp(-((x - mean) ** 2) / (2 * std**2)) / (std * math.sqrt(2 * math.pi)),
                            color=colour, alpha=0.45, label=f"{name}: N({mean:g}, {std:g}²)")
        ax.set_title(f"Fréchet distance = {frechet_1d(ma, sa, mb, sb):.2f}", fontsize=10)
        ax.set_yticks([])
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def plot_manifold_2d(real: torch.Tensor, fake: torch.Tensor, k: int = 3, title: str = "") -> Figure:
    """Real points with their k-NN balls (the 'real manifold'), and fake points over them."""
    for name, points in (("real", real), ("fake", fake)):
        if not torch.is_tensor(points) or points.dim() != 2 or points.shape[1] != 2:
            raise InputError(f"{name} must be points in the plane, shape (N, 2).")
    radii = kth_neighbour_distance(real, k)
    fig = Figure(figsize=(4, 4))
    ax = fig.add_subplot()
    for (x, y), r in zip(real.tolist(), radii.tolist()):
        ax.add_patch(Circle((x, y), r, color="tab:green", alpha=0.12, linewidth=0))
    ax.scatter(*real.T.numpy(), s=5, c="darkgreen", label="real")
    ax.scatter(*fake.T.numpy(), s=5, c="indigo", label="fake")
    ax.set_aspect("equal")
    ax.set_xlim(-3.5, 3.5)
    ax.set_ylim(-3.5, 3.5)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def plot_nearest(samples: torch.Tensor, training_images: torch.Tensor, indices: torch.Tensor,
                 distances: torch.Tensor, title: str = "") -> Figure:
    """Each sample (left column) next to its nearest training images, with their distances."""
    if not torch.is_tensor(indices) or indices.dim() != 2 or tuple(distances.shape) != tuple(indices.shape):
        raise InputError("indices and distances must be what metrics.nearest_training_images returns: two (S, k) tensors.")
    rows, k = indices.shape
    fig = Figure(figsize=(1.1 * (k + 1), 1.15 * rows + 0.4))
    for r in range(rows):
        cells = [samples[r]] + [training_images[i] for i in indices[r]]
        for c, image in enumerate(cells):
            ax = fig.add_subplot(rows, k + 1, r * (k + 1) + c + 1)
            draw_grid(ax, image_grid(image.unsqueeze(0), padding=0),
                       "sample" if c == 0 else f"{distances[r, c - 1]:.1f}")
            ax.title.set_fontsize(8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_distance_histograms(distances: dict[str, torch.Tensor]) -> Figure:
    """How far each set's images are from their nearest training image (pixel space)."""
    _named(distances, '{"name": distances (a tensor), ...}', torch.Tensor)
    fig = Figure(figsize=(7, 3))
    ax = fig.add_subplot()
    top = max(d.max().item() for d in distances.values())
    for name, values in distances.items():
        ax.hist(values.numpy(), bins=60, range=(0, top), alpha=0.55, label=name)
    ax.set_xlabel("distance to the nearest training image (pixels)")
    ax.set_ylabel("images")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_quality_over_steps(scores: dict[int, Scores], floor: Scores | None = None) -> Figure:
    """Fréchet distance, coverage and confidence against the training step."""
    _named(scores, "{step: metrics.score(...), ...}", Scores)
    steps = sorted(scores)
    shown = [s if s > 0 else 1 for s in steps]  # step 0 drawn at 1 on the log axis
    fig = Figure(figsize=(11, 3))
    for i, key in enumerate(("frechet", "coverage", "confidence")):
        ax = fig.add_subplot(1, 3, i + 1)
        ax.plot(shown, [scores[s].row()[key] for s in steps], marker="o", color="tab:purple", label="generator")
        if floor is not None:
            ax.axhline(floor.row()[key], color="grey", linestyle=":", label="real vs real")
        ax.set_xscale("log")
        if key == "frechet":
            ax.set_yscale("log")
        ax.set_xlabel("training step (log scale; 0 drawn at 1)")
        ax.set_title(LABELS[key], fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


COLUMNS = 4
"""Panels per row of `plot_outcomes`: four panels of 2.5 inches fit the width JupyterLab
shows a figure at without shrinking it, so that the titles stay readable."""


def plot_outcomes(outcomes: dict[str, Outcome], per_run: int = 36, title: str = "") -> Figure:
    """Each run's samples, four runs to a row, titled with its Fréchet distance and coverage."""
    if not isinstance(outcomes, dict) or not outcomes or not all(isinstance(o, Outcome) for o in outcomes.values()):
        raise InputError("plot_outcomes takes what compare(...) returns: {name: Outcome}.")
    columns = min(COLUMNS, len(outcomes))
    rows = math.ceil(len(outcomes) / columns)
    fig = Figure(figsize=(2.5 * columns, 2.9 * rows + (0.4 if title else 0)), layout="constrained")
    for i, outcome in enumerate(outcomes.values()):
        panel_title = f"{outcome.name}\nFréchet {outcome.scores.frechet:.0f}, coverage {outcome.scores.coverage:.2f}"
        draw_grid(fig.add_subplot(rows, columns, i + 1), image_grid(outcome.samples[:per_run]), panel_title)
        fig.axes[-1].title.set_fontsize(10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_learning_curves(curves: dict[str, Curve]) -> Figure:
    """The Fréchet distance of each run as it trained: against steps (left) and against
    seconds of training on this machine (right), on a log scale. The dashed line marks
    the wait both runs had: the training time of the one that finished first."""
    _named(curves, "what learning_curves(...) returns: {name: Curve}", Curve)
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    for ax, clock, label in ((fig.add_subplot(1, 2, 1), "steps", "training steps"),
                             (fig.add_subplot(1, 2, 2), "seconds", "seconds of training, on this machine")):
        for curve in curves.values():
            ax.plot(getattr(curve, clock), curve.frechet, marker="o", markersize=3, label=curve.name)
        ax.set(xlabel=label, ylabel="Fréchet distance (lower is better)", yscale="log")
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    same_wait = min(curve.seconds[-1] for curve in curves.values())  # the shorter run's training time
    fig.axes[1].axvline(same_wait, color="grey", linestyle="--", linewidth=1)
    fig.axes[0].set_title("equal steps: the same point of training")
    fig.axes[1].set_title("equal time: the same wait (dashed)")
    return fig
