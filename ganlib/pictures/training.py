"""Pictures of training: loss curves, D's verdicts, a live dashboard and a film.

`Dashboard` and `SampleFilm` are `fit` callbacks: the dashboard redraws one picture in
place while training runs; the film keeps the samples of fixed noise at chosen steps.
Both draw with `gan.sampler`, the generator's moving average when the GAN keeps one.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure

from ganlib import checks
from ganlib.data.pixels import from_bytes, to_bytes
from ganlib.errors import CheckpointError, InputError
from ganlib.gan.checkpoint import atomic_save, safe_load, set_aside
from ganlib.gan.fit import Callback
from ganlib.gan.game import GAN, check_gan, generate
from ganlib.gan.history import History
from ganlib.gan.losses import CROSS_ENTROPY_GAMES, UNDECIDED
from ganlib.pictures.images import draw_grid, figure_png, image_grid, in_notebook, picture_path


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


def compare_histories(histories: dict[str, History], smooth: int = 50) -> Figure:
    """Several runs' curves: up to three runs in columns (losses on top, D's verdicts
    below); more runs one to a row (losses left, verdicts right), so that the figure stays
    within the width JupyterLab shows without shrinking it."""
    if not isinstance(histories, dict) or not histories:
        raise InputError('compare_histories takes named runs: {"name": gan.history, ...}.')
    histories = {name: _history_of(history) for name, history in histories.items()}
    smooth = checks.whole_number(smooth, "smooth", 1)
    if len(histories) > 3:
        fig = Figure(figsize=(10, 2.6 * len(histories)), layout="constrained")
        panels = fig.subplots(len(histories), 2, squeeze=False)
    else:
        fig = Figure(figsize=(3.8 * len(histories), 5.6), layout="constrained")
        panels = fig.subplots(2, len(histories), squeeze=False).T
    for (losses, verdicts), (name, history) in zip(panels, histories.items()):
        _draw_losses(losses, history, smooth)
        losses.set_title(f"{name}: losses")
        _draw_d_outputs(verdicts, history, smooth)
        verdicts.set_title(f"{name}: D's verdicts" if history.loss in CROSS_ENTROPY_GAMES else f"{name}: D's scores")
    return fig


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
        self.path = picture_path(path, "dashboard.png") if path is not None else (None if self.live else Path("dashboard.png"))
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
        self.path = picture_path(path, "film.pt") if path is not None else None
        self.frames: dict[int, torch.Tensor] = {}
        if self.path is not None and self.path.exists():
            self.frames = self._read_frames(self.path)

    @staticmethod
    def _read_frames(path: Path) -> dict[int, torch.Tensor]:
        """The frames saved at `path`. An unreadable file (empty, cut short) is set aside, not
        deleted, and the film starts afresh: a film is worth less than the training it shows.
        A readable file that is not a film (a checkpoint, say) is refused and left alone."""
        try:
            frames = safe_load(path)
        except CheckpointError:
            kept = set_aside(path)
            print(f"The film {path.name} could not be read (damaged or empty); it is kept as {kept.name}, and a new film starts.")
            return {}
        if not (isinstance(frames, dict) and all(isinstance(step, int) and torch.is_tensor(f) for step, f in frames.items())):
            raise InputError(f"{path} holds something other than a film (a checkpoint?); it is left as it is. "
                             "Give the film a file of its own, such as run_dir / 'film.pt'.")
        return dict(frames)

    def capture(self, gan: GAN) -> None:
        """Keep the current samples, as bytes (0-255), to keep the film small."""
        images = generate(gan.sampler, self.fixed_noise).float().cpu()
        self.frames[gan.step] = to_bytes(images)
        if self.path is not None:
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
        return plot_film({step: from_bytes(images) for step, images in self.frames.items()}, per_frame)


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
    """Both losses, and D's loss where it cannot tell real from fake (log 2 in the 2014 game)."""
    critic = history.loss == "wasserstein"  # its loss is minus its estimate of the distance
    _draw_curve(ax, history.step, history.d_loss, smooth, "D loss (−distance)" if critic else "D loss", "tab:blue")
    _draw_curve(ax, history.step, history.g_loss, smooth, "G loss", "tab:orange")
    undecided = UNDECIDED[history.loss][0]
    said = "log 2" if history.loss in CROSS_ENTROPY_GAMES else f"{undecided:g}"
    ax.axhline(undecided, color="grey", linestyle=":", linewidth=1, label=f"{said} (D can't tell)")
    ax.set_xlabel("step")
    ax.set_title("losses" if history.loss == "non-saturating" else f"losses ({history.loss})")
    ax.legend(loc="upper right", fontsize=8)


def _draw_d_outputs(ax, history: History, smooth: int) -> None:
    """D's mean verdicts on real and fake: probabilities in the 2014 game, scores in the others."""
    probabilities = history.loss in CROSS_ENTROPY_GAMES
    real, fake = ("D(x)", "D(G(z))") if probabilities else ("D's score of x", "of G(z)")
    _draw_curve(ax, history.step, history.d_real, smooth, f"{real}, real", "tab:green")
    _draw_curve(ax, history.step, history.d_fake, smooth, f"{fake}, fake", "tab:red")
    undecided = UNDECIDED[history.loss][1]
    if undecided is not None:
        ax.axhline(undecided, color="grey", linestyle=":", linewidth=1, label=f"{undecided:g} (equilibrium)")
    if probabilities:
        ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("step")
    ax.set_title("discriminator's verdicts" if probabilities else "discriminator's scores")
    ax.legend(loc="upper right", fontsize=8)
