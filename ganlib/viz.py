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
import time
from pathlib import Path

import numpy as np
import PIL.Image
import torch
from matplotlib.figure import Figure

from ganlib import checks
from ganlib.errors import CheckpointError, InputError
from ganlib.train import GAN, Callback, History, check_gan, generate

DPI = 80
"""Resolution of the PNGs shown in notebooks: sharp on screen, small on disk."""


def image_grid(
    images: torch.Tensor, nrow: int | None = None, padding: int = 2, value_range: tuple[float, float] = (-1.0, 1.0)
) -> np.ndarray:
    """Tile a batch of images (B, 1, H, W) into one (rows·H, cols·W) array in [0, 1].

    The images' pixels lie in `value_range`, [-1, 1] unless you say otherwise: its low end
    is drawn black, its high end white. `nrow` is the number of images per row (default:
    as square as possible). The gaps between tiles are mid-grey, so black digits on a
    black background stay visible.
    """
    value_range = _checked_range(value_range)
    images = checks.images(images, value_range=value_range).detach().cpu()
    if images.shape[1] != 1:
        raise InputError(f"Expected grey images of shape (B, 1, H, W), got {tuple(images.shape)}.")
    nrow = None if nrow is None else checks.whole_number(nrow, "nrow", 1)
    padding = checks.whole_number(padding, "padding", 0)
    low, high = value_range
    pictures = ((images[:, 0] - low) / (high - low)).clamp(0, 1).numpy()
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
    images: torch.Tensor, nrow: int | None = None, title: str | None = None, size: float = 4.0,
    value_range: tuple[float, float] | None = None,
) -> Figure:
    """A figure of a batch of images, tiled `nrow` to a row.

    The workbook's images lie in [-1, 1] (black -1, white +1). Images in [0, 1] or bytes
    0..255 would be drawn washed out or white, so they are refused with the line that
    rescales them. To draw images as they are, give their `value_range`, such as (0, 1);
    with an explicit range nothing is guessed.
    """
    checked_range = (-1.0, 1.0) if value_range is None else _checked_range(value_range)
    images = checks.images(images, value_range=checked_range)
    if value_range is None:
        checks.not_zero_to_one(images, "the images", "To draw them as they are, give their value_range, such as (0, 1).")
    size = checks.number(size, "size", above=0.0)
    grid = image_grid(images, nrow, value_range=checked_range)
    fig = Figure(figsize=(size, size * grid.shape[0] / grid.shape[1] + (0.3 if title else 0)))
    ax = fig.add_subplot()
    draw_grid(ax, grid, title)
    fig.tight_layout()
    return fig


def _picture_path(path, example: str) -> Path:
    """`path` as a Path to a file (not a folder), for a picture or a film to be saved at."""
    path = checks.path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the file to write, such as run_dir / {example!r}.")
    return path


def _checked_range(value_range) -> tuple[float, float]:
    """`value_range` as (low, high) floats with low < high."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise InputError(f"value_range must be a pair (low, high), such as (-1, 1); got {value_range!r}.")
    low, high = (checks.number(bound, "value_range") for bound in value_range)
    if not low < high:
        raise InputError(f"value_range must go from low to high, such as (-1, 1); got {value_range!r}.")
    return low, high


def plot_history(history: History, smooth: int = 50) -> Figure:
    """Loss curves (left) and the discriminator's mean outputs (right) for a run
    (`gan.history`; a GAN itself will do)."""
    history = _history_of(history)
    smooth = checks.whole_number(smooth, "smooth", 1)
    fig = Figure(figsize=(9, 3.2))
    _draw_losses(fig.add_subplot(1, 2, 1), history, smooth)
    _draw_d_outputs(fig.add_subplot(1, 2, 2), history, smooth)
    fig.tight_layout()
    return fig


def figure_png(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes, with a palette of 256 colours.

    A plot uses few colours, so a palette PNG looks the same as a full-colour one and is
    two to four times smaller: notebooks stay light to download and to keep in git.
    """
    rendered = io.BytesIO()
    fig.savefig(rendered, format="png", dpi=dpi)
    palette = PIL.Image.open(rendered).convert("RGB").quantize(256, dither=PIL.Image.Dither.NONE)
    compact = io.BytesIO()
    palette.save(compact, format="png", optimize=True)
    return compact.getvalue()


def image_png(image: torch.Tensor, scale: int = 3) -> bytes:
    """One image (1, H, W) in [-1, 1] as a small PNG, enlarged `scale` times (for widgets)."""
    pixels = ((image.detach().float().cpu()[0] + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
    picture = PIL.Image.fromarray(pixels).resize((pixels.shape[1] * scale, pixels.shape[0] * scale), PIL.Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="png")
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
    update to the next you see the *same* fakes improve. They are drawn by `gan.sampler`:
    the generator's moving average, if the GAN keeps one.
    """

    def __init__(
        self, fixed_noise: torch.Tensor, every: int = 200, path: str | os.PathLike | None = None,
        smooth: int = 50,
    ) -> None:
        self.fixed_noise = checks.noise(fixed_noise, None, "fixed_noise")
        self.every = checks.whole_number(every, "every", 1)
        self.smooth = checks.whole_number(smooth, "smooth", 1)
        self.live = in_notebook()
        self.path = _picture_path(path, "dashboard.png") if path is not None else (None if self.live else Path("dashboard.png"))
        self._handle = None

    def figure(self, gan: GAN) -> Figure:
        """The dashboard for the current state of `gan`."""
        check_gan(gan, "Dashboard.figure(gan)")
        fig = Figure(figsize=(11, 3.3))
        _draw_losses(fig.add_subplot(1, 3, 1), gan.history, self.smooth)
        _draw_d_outputs(fig.add_subplot(1, 3, 2), gan.history, self.smooth)
        samples = generate(gan.sampler, self.fixed_noise)
        draw_grid(fig.add_subplot(1, 3, 3), image_grid(samples), f"samples at step {gan.step:,}")
        fig.subplots_adjust(left=0.05, right=0.99, bottom=0.15, top=0.9, wspace=0.2)  # cheaper than tight_layout
        return fig

    def update(self, gan: GAN) -> None:
        png = figure_png(self.figure(gan))
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_bytes(png)
            except OSError as error:  # a picture is not worth stopping training for
                print(f"Could not write {self.path} ({error.strerror or error}); the dashboard goes on without saving it.")
                self.path = None
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


class SampleFilm(Callback):
    """Keeps the samples of `fixed_noise` at the steps `at_steps`: how the fakes improve.

    With `path`, the frames are also saved there (and read back when a resumed run
    creates a new SampleFilm), so the film survives a kernel restart.
    """

    def __init__(self, fixed_noise: torch.Tensor, at_steps: list[int], path: str | os.PathLike | None = None) -> None:
        self.fixed_noise = checks.noise(fixed_noise, None, "fixed_noise")
        at_steps = [at_steps] if isinstance(at_steps, int) else at_steps
        self.at_steps = {checks.whole_number(step, "each of at_steps", 0) for step in at_steps}
        self.path = _picture_path(path, "film.pt") if path is not None else None
        self.frames: dict[int, torch.Tensor] = {}
        if self.path is not None and self.path.exists():
            self.frames = self._read_frames(self.path)

    @staticmethod
    def _read_frames(path: Path) -> dict[int, torch.Tensor]:
        """The frames saved at `path`. An unreadable file (empty, cut short) is set aside, not
        deleted, and the film starts afresh: a film is worth less than the training it shows.
        A readable file that is not a film (a checkpoint, say) is refused and left alone."""
        from ganlib.checkpoint import safe_load

        try:
            frames = safe_load(path)
        except CheckpointError:
            kept = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            path.rename(kept)
            print(f"The film {path.name} could not be read (damaged or empty); it is kept as {kept.name}, and a new film starts.")
            return {}
        if not (isinstance(frames, dict) and all(isinstance(step, int) and torch.is_tensor(f) for step, f in frames.items())):
            raise InputError(f"{path} holds something other than a film (a checkpoint?); it is left as it is. "
                             "Give the film a file of its own, such as run_dir / 'film.pt'.")
        return dict(frames)

    def capture(self, gan: GAN) -> None:
        """Keep the current samples, as bytes (0-255), to keep the film small."""
        images = generate(gan.sampler, self.fixed_noise).float().cpu()
        self.frames[gan.step] = ((images + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
        if self.path is not None:
            from ganlib.checkpoint import atomic_save

            try:
                atomic_save(self.frames, self.path)
            except CheckpointError as error:  # a film is not worth stopping training for
                print(f"{error} The film goes on in memory only.")
                self.path = None

    def on_start(self, gan: GAN) -> None:
        if 0 in self.at_steps and gan.step == 0:
            self.capture(gan)

    def on_step(self, gan: GAN) -> None:
        if gan.step in self.at_steps:
            self.capture(gan)

    def on_end(self, gan: GAN) -> None:
        if gan.step not in self.frames:
            self.capture(gan)

    def figure(self, per_frame: int = 16) -> Figure:
        """The frames side by side, `per_frame` samples each, labelled with their step."""
        return plot_film({step: images.float() / 127.5 - 1 for step, images in self.frames.items()}, per_frame)


def plot_film(frames: dict[int, torch.Tensor], per_frame: int = 9) -> Figure:
    """Samples at several training steps side by side: {step: images in [-1, 1]}."""
    per_frame = checks.whole_number(per_frame, "per_frame", 1)
    if not isinstance(frames, dict):
        raise InputError(f"plot_film takes the frames as {{step: images}}; got {type(frames).__name__}.")
    if not frames:
        raise InputError("The film has no frames yet: it takes its first when training starts.")
    steps = sorted(frames)
    fig = Figure(figsize=(1.9 * len(steps), 2.2))
    for i, step in enumerate(steps):
        draw_grid(fig.add_subplot(1, len(steps), i + 1), image_grid(frames[step][:per_frame]), f"step {step:,}")
    fig.tight_layout()
    return fig


# --- the 1-D game of notebook 01 -----------------------------------------------------


def draw_1d_game(ax, snapshot, data, grid: torch.Tensor, legend: bool = True) -> dict:
    """One moment of the 1-D game: the data's density (grey), G's samples (orange
    histogram), and the discriminator's D(x) (blue, on the same 0-1 scale).

    Returns the artists that change from step to step, so a caller can redraw a later
    snapshot by updating them (see `render_1d_frames`) instead of drawing from scratch.
    """
    x = grid.numpy()
    ax.fill_between(x, data.density(grid.unsqueeze(1)).numpy(), color="0.6", alpha=0.5, label="real data p_data")
    counts, edges = _density_histogram(snapshot.fake, x[0], x[-1])
    artists = {
        "fake": ax.stairs(counts, edges, fill=True, color="tab:orange", alpha=0.6, label="generator's samples p_g"),
        "d": ax.plot(x, snapshot.d_curve.numpy(), color="tab:blue", linewidth=2, label="D(x)")[0],
        "title": ax.set_title(f"step {snapshot.step:,}"),
    }
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, 1.3)
    ax.set_xlabel("x")
    if legend:
        ax.legend(loc="upper left", fontsize=7)
    return artists


def plot_1d_game(snapshots: list, data, grid: torch.Tensor, count: int = 4) -> Figure:
    """`count` moments of the 1-D game side by side, evenly spread over the snapshots."""
    picks = np.linspace(0, len(snapshots) - 1, count).round().astype(int)
    fig = Figure(figsize=(3.2 * count, 2.8))
    for i, pick in enumerate(picks):
        draw_1d_game(fig.add_subplot(1, count, i + 1), snapshots[pick], data, grid, legend=i == 0)
    fig.tight_layout()
    return fig


class Frames1D:
    """Draws any snapshot of the 1-D game as a PNG, reusing one figure: `frames[i]`.

    Only the histogram, the D(x) curve and the title change between snapshots, so those
    artists are updated in place; a frame is drawn when first asked for, then kept.
    """

    def __init__(self, snapshots: list, data, grid: torch.Tensor) -> None:
        self.snapshots = snapshots
        self.x = grid.numpy()
        self.fig = Figure(figsize=(6, 3))
        self.artists = draw_1d_game(self.fig.add_subplot(), snapshots[0], data, grid)
        self.fig.tight_layout()
        self._cache: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self.snapshots)

    def __getitem__(self, index: int) -> bytes:
        if index not in self._cache:
            snapshot = self.snapshots[index]
            counts, edges = _density_histogram(snapshot.fake, self.x[0], self.x[-1])
            self.artists["fake"].set_data(counts, edges)
            self.artists["d"].set_ydata(snapshot.d_curve.numpy())
            self.artists["title"].set_text(f"step {snapshot.step:,}")
            self._cache[index] = figure_png(self.fig)
        return self._cache[index]


def _density_histogram(samples: torch.Tensor, low: float, high: float, bins: int = 120):
    counts, edges = np.histogram(samples.numpy(), bins=bins, range=(low, high))
    return counts / (len(samples) * (edges[1] - edges[0])), edges


# --- the theory of notebook 02 --------------------------------------------------------


def plot_generator_losses() -> Figure:
    """The two generator losses against D(G(z)), and how steep each is.

    Left: minimax log(1 - D) and non-saturating -log D. Right: the size of each loss's
    gradient with respect to D's logit: minimax's vanishes where D(G(z)) -> 0, which is
    exactly where an untrained generator starts.
    """
    d = np.linspace(1e-3, 1 - 1e-3, 500)
    fig = Figure(figsize=(9, 3.2))
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    left.plot(d, np.log(1 - d), color="tab:red", label="minimax: log(1 − D(G(z)))")
    left.plot(d, -np.log(d), color="tab:green", label="non-saturating: −log D(G(z))")
    left.set_xlabel("D(G(z)): how real D finds the fake")
    left.set_ylabel("generator's loss (lower is better for G)")
    left.set_ylim(-5, 5)
    left.legend(fontsize=8)
    # d/dlogit of log(1 - sigmoid(l)) is -D; of -log sigmoid(l) it is -(1 - D).
    right.plot(d, d, color="tab:red", label="minimax: |gradient| = D(G(z))")
    right.plot(d, 1 - d, color="tab:green", label="non-saturating: |gradient| = 1 − D(G(z))")
    right.axvspan(0, 0.1, color="0.85", label="where training starts")
    right.set_xlabel("D(G(z))")
    right.set_ylabel("|d loss / d logit|")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_optimal_discriminator(grid: torch.Tensor, learned: torch.Tensor, optimal: torch.Tensor,
                               p_data: torch.Tensor, p_g: torch.Tensor, title: str = "") -> Figure:
    """A trained D(x) next to the theory's D*(x) = p_data / (p_data + p_g)."""
    x = grid.numpy()
    fig = Figure(figsize=(7, 3.2))
    ax = fig.add_subplot()
    ax.fill_between(x, p_data.numpy(), color="0.6", alpha=0.5, label="p_data")
    ax.fill_between(x, p_g.numpy(), color="tab:orange", alpha=0.35, label="p_g")
    ax.plot(x, optimal.numpy(), color="black", linestyle="--", linewidth=2, label="D* = p_data / (p_data + p_g)")
    ax.plot(x, learned.numpy(), color="tab:blue", linewidth=2, label="trained D(x)")
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("x")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def compare_histories(histories: dict[str, History], smooth: int = 50) -> Figure:
    """Several runs' curves in columns: losses on top, D's verdicts below."""
    if not isinstance(histories, dict) or not histories:
        raise InputError('compare_histories takes named runs: {"name": gan.history, ...}.')
    histories = {name: _history_of(history) for name, history in histories.items()}
    smooth = checks.whole_number(smooth, "smooth", 1)
    fig = Figure(figsize=(3.8 * len(histories), 5.6))
    for i, (name, history) in enumerate(histories.items()):
        top = fig.add_subplot(2, len(histories), i + 1)
        _draw_losses(top, history, smooth)
        top.set_title(f"{name}: losses")
        bottom = fig.add_subplot(2, len(histories), len(histories) + i + 1)
        _draw_d_outputs(bottom, history, smooth)
        bottom.set_title(f"{name}: D's verdicts")
    fig.tight_layout()
    return fig


# --- drawing helpers shared by the figures above -------------------------------------


def _history_of(history) -> History:
    """A run's History; a GAN stands for its own history."""
    if isinstance(history, GAN):
        return history.history
    if not isinstance(history, History):
        raise InputError(f"Expected a run's history (gan.history); got {type(history).__name__}.")
    return history


def _smoothed(values: list[float], window: int) -> np.ndarray:
    """Trailing moving average, so a noisy per-step curve shows its trend."""
    values = np.asarray(values, dtype=float)
    window = max(1, min(window, len(values)))
    cumulative = np.cumsum(np.insert(values, 0, 0.0))
    return (cumulative[window:] - cumulative[:-window]) / window


def _draw_curve(ax, steps: list[int], values: list[float], smooth: int, label: str, color: str,
                max_points: int = 500) -> None:
    """A faint per-step curve with its bold moving average on top.

    Both are thinned to at most `max_points` points before drawing: a screen cannot show
    ten thousand points on a small plot anyway, and drawing them all would make every
    dashboard update slow.
    """
    if not steps:
        return
    trend = _smoothed(values, smooth)
    trend_steps = steps[len(steps) - len(trend):]
    stride = max(1, len(steps) // max_points)
    ax.plot(steps[::stride], values[::stride], color=color, alpha=0.2, linewidth=0.8)
    ax.plot(trend_steps[::stride], trend[::stride], color=color, linewidth=1.8, label=label)


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


def draw_grid(ax, grid: np.ndarray, title: str | None) -> None:
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
