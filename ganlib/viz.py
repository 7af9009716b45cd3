"""Pictures of a GAN: sample grids, training curves and a live dashboard.

Every function here builds a `matplotlib.figure.Figure` directly instead of going
through `pyplot`. Such a figure belongs to nobody but the caller: nothing accumulates in
the background during a long training run, and nothing is shown twice. In Jupyter a
returned figure is drawn as a PNG at a modest resolution, so notebooks stay small.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure

from ganlib.train import GAN, Callback, History, generate

DPI = 80
"""Resolution of the PNGs shown in notebooks: sharp on screen, small on disk."""


def image_grid(images: torch.Tensor, nrow: int | None = None, padding: int = 2) -> np.ndarray:
    """Tile a batch of images (B, 1, H, W) in [-1, 1] into one (rows·H, cols·W) array in [0, 1].

    `nrow` is the number of images per row (default: as square as possible). The gaps
    between tiles are mid-grey, so black digits on a black background stay visible.
    """
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"Expected grey images of shape (B, 1, H, W), got {tuple(images.shape)}.")
    pictures = ((images.detach().float().cpu()[:, 0] + 1) / 2).clamp(0, 1).numpy()
    count, height, width = pictures.shape
    cols = nrow or math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    grid = np.full((rows * (height + padding) + padding, cols * (width + padding) + padding), 0.5)
    for i, picture in enumerate(pictures):
        top = padding + (i // cols) * (height + padding)
        left = padding + (i % cols) * (width + padding)
        grid[top : top + height, left : left + width] = picture
    return grid


def show_images(
    images: torch.Tensor, nrow: int | None = None, title: str | None = None, size: float = 4.0
) -> Figure:
    """A figure of a batch of images in [-1, 1], tiled `nrow` to a row."""
    grid = image_grid(images, nrow)
    fig = Figure(figsize=(size, size * grid.shape[0] / grid.shape[1] + (0.3 if title else 0)))
    ax = fig.add_subplot()
    _draw_grid(ax, grid, title)
    fig.tight_layout()
    return fig


def plot_history(history: History, smooth: int = 50) -> Figure:
    """Loss curves (left) and the discriminator's mean outputs (right) for a run."""
    fig = Figure(figsize=(9, 3.2))
    _draw_losses(fig.add_subplot(1, 2, 1), history, smooth)
    _draw_d_outputs(fig.add_subplot(1, 2, 2), history, smooth)
    fig.tight_layout()
    return fig


def figure_png(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def in_notebook() -> bool:
    """True when running inside a Jupyter kernel (JupyterLab, papermill, VS Code...)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


class Dashboard(Callback):
    """A live view of training: losses, D(x) and D(G(z)), and samples from fixed noise.

    In a notebook the same picture is redrawn in place every `every` steps (one output,
    not a new figure per update). With `path`, or when not in a notebook, each update is
    also written to that PNG file (default `dashboard.png`), so a script or a headless
    run leaves a picture behind.

    The samples always come from the same noise vectors `fixed_noise`, so from one
    update to the next you see the *same* fakes improve.
    """

    def __init__(
        self, fixed_noise: torch.Tensor, every: int = 200, path: str | os.PathLike | None = None,
        smooth: int = 50,
    ) -> None:
        self.fixed_noise = fixed_noise
        self.every = every
        self.smooth = smooth
        self.live = in_notebook()
        self.path = Path(path) if path is not None else (None if self.live else Path("dashboard.png"))
        self._handle = None

    def figure(self, gan: GAN) -> Figure:
        """The dashboard for the current state of `gan`."""
        fig = Figure(figsize=(11, 3.3))
        _draw_losses(fig.add_subplot(1, 3, 1), gan.history, self.smooth)
        _draw_d_outputs(fig.add_subplot(1, 3, 2), gan.history, self.smooth)
        samples = generate(gan.generator, self.fixed_noise)
        _draw_grid(fig.add_subplot(1, 3, 3), image_grid(samples), f"samples at step {gan.step:,}")
        fig.tight_layout()
        return fig

    def update(self, gan: GAN) -> None:
        png = figure_png(self.figure(gan))
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(png)
        if self.live:
            from IPython.display import Image, display

            if self._handle is None:
                self._handle = display(Image(png), display_id=True)
            else:
                self._handle.update(Image(png))

    def on_step(self, gan: GAN) -> None:
        if gan.step % self.every == 0:
            self.update(gan)

    def on_end(self, gan: GAN) -> None:
        self.update(gan)


# --- drawing helpers shared by the figures above -------------------------------------


def _smoothed(values: list[float], window: int) -> np.ndarray:
    """Trailing moving average, so a noisy per-step curve shows its trend."""
    values = np.asarray(values, dtype=float)
    window = max(1, min(window, len(values)))
    cumulative = np.cumsum(np.insert(values, 0, 0.0))
    return (cumulative[window:] - cumulative[:-window]) / window


def _draw_curve(ax, steps: list[int], values: list[float], smooth: int, label: str, color: str) -> None:
    if not steps:
        return
    ax.plot(steps, values, color=color, alpha=0.2, linewidth=0.8)
    trend = _smoothed(values, smooth)
    ax.plot(steps[len(steps) - len(trend) :], trend, color=color, linewidth=1.8, label=label)


def _draw_losses(ax, history: History, smooth: int) -> None:
    _draw_curve(ax, history.step, history.d_loss, smooth, "D loss", "tab:blue")
    _draw_curve(ax, history.step, history.g_loss, smooth, "G loss", "tab:orange")
    ax.axhline(math.log(2), color="grey", linestyle=":", linewidth=1, label="log 2 (D can't tell)")
    ax.set_xlabel("step")
    ax.set_title("losses")
    ax.legend(loc="upper right", fontsize=8)


def _draw_d_outputs(ax, history: History, smooth: int) -> None:
    _draw_curve(ax, history.step, history.d_real, smooth, "D(x), real", "tab:green")
    _draw_curve(ax, history.step, history.d_fake, smooth, "D(G(z)), fake", "tab:red")
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1, label="1/2 (equilibrium)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("step")
    ax.set_title("discriminator's verdicts")
    ax.legend(loc="upper right", fontsize=8)


def _draw_grid(ax, grid: np.ndarray, title: str | None) -> None:
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def _register_png_display() -> None:
    """Let Jupyter draw a returned Figure as a PNG at `DPI` (no pyplot needed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)


_register_png_display()
