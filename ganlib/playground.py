"""A 2-D GAN playground in the spirit of GAN Lab (poloclub.github.io/ganlab).

Real points come from a ring (or grid) of Gaussian bumps in the plane; fake points come
from a small generator. The background shows the discriminator's verdict D(x) at every
point of the plane: green where it says "real", purple where it says "fake". The arrows
on the fake points show where the generator's loss pushes each of them: G moves its
points uphill on D's map, toward places D believes are real. Arrow lengths are relative:
the strongest push the non-saturating loss would give at this moment is drawn 0.8 long.

Press "D step" a few times and watch the map sharpen; press "G step" and watch the fakes
follow the arrows. Switch the generator loss to "minimax" and see the arrows shrink where
D is confident: that is the saturation of notebook 02, made visible.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ganlib import checks
from ganlib.losses import GENERATOR_LOSSES, generator_loss
from ganlib.toy import GaussianMixture, ToyBatches, grid, make_toy_gan, modes_covered, ring
from ganlib.train import discriminator_step, generate, generator_step, sample_noise, train_step
from ganlib.viz import figure_png
from ganlib.widgets import Interactive

DATASETS = {"ring": ring, "grid": grid}
VIEW = 3.2  # the plane is drawn from -VIEW to +VIEW on both axes
ARROW_LENGTH = 0.8  # the longest non-saturating arrow, in plane units


class Playground:
    """The playground's state and actions; `widget()` wraps them in buttons and sliders."""

    def __init__(
        self, data: str = "ring", g_loss: str = "non-saturating", g_lr: float = 1e-3,
        d_lr: float = 1e-3, seed: int = 0, batch_size: int = 256, shown: int = 300,
    ) -> None:
        checks.one_of(data, "data", list(DATASETS))
        self.shown = checks.whole_number(shown, "shown", 1)
        seed = checks.seed(seed)
        self.options = dict(data=data, g_loss=g_loss, g_lr=g_lr, d_lr=d_lr, seed=seed, batch_size=batch_size)
        self.reset()

    def reset(self) -> None:
        """Start over: fresh networks with the current settings, step 0."""
        o = self.options
        self.data: GaussianMixture = DATASETS[o["data"]]()
        self.gan = make_toy_gan(2, latent_dim=2, hidden=(64, 64), lr=o["g_lr"], d_lr=o["d_lr"],
                                g_loss=o["g_loss"], seed=o["seed"])
        self.batches = ToyBatches(self.data, o["batch_size"], seed=o["seed"])
        view_rng = torch.Generator().manual_seed(o["seed"] + 1)
        self.real_view = self.data.sample(self.shown, view_rng)
        self.z_view = torch.randn(self.shown, 2, generator=view_rng)  # the same fakes are drawn each time
        self.d_steps = self.g_steps = 0
        self.last: dict[str, float] = {}

    def set_option(self, name: str, value) -> None:
        """Change a setting: learning rates and the loss apply at once; the data resets."""
        checks.one_of(name, "the setting", list(self.options))
        if name == "g_loss":
            checks.one_of(value, "g_loss", GENERATOR_LOSSES)
        elif name == "data":
            checks.one_of(value, "data", list(DATASETS))
        elif name in ("g_lr", "d_lr"):
            value = checks.number(value, name, 0.0, 1.0)
        elif name == "seed":
            value = checks.seed(value)
        elif name == "batch_size":
            value = checks.whole_number(value, "batch_size", 1)
        self.options[name] = value
        if name == "g_lr":
            self.gan.g_optimizer.param_groups[0]["lr"] = value
        elif name == "d_lr":
            self.gan.d_optimizer.param_groups[0]["lr"] = value
        elif name == "g_loss":
            self.gan.g_loss = value
        else:
            self.reset()

    def d_step(self) -> None:
        fake = self.gan.generator(sample_noise(self.gan, self.options["batch_size"]))
        self.last.update(discriminator_step(self.gan, next(self.batches), fake))
        self.d_steps += 1

    def g_step(self) -> None:
        fake = self.gan.generator(sample_noise(self.gan, self.options["batch_size"]))
        self.last.update(generator_step(self.gan, fake))
        self.g_steps += 1

    def train(self, steps: int) -> None:
        """`steps` full training steps: one D step and one G step each."""
        steps = checks.whole_number(steps, "steps", 0)
        for _ in range(steps):
            self.last.update(train_step(self.gan, next(self.batches)))
        self.d_steps += steps
        self.g_steps += steps

    def arrows(self, fake: torch.Tensor, loss_kind: str | None = None) -> torch.Tensor:
        """-dL_G/dx at each fake point: the direction (and strength) G's loss pushes it."""
        x = fake.clone().requires_grad_(True)
        loss = generator_loss(self.gan.discriminator(x), loss_kind or self.gan.g_loss) * len(x)
        (gradient,) = torch.autograd.grad(loss, x)
        return -gradient

    def figure(self) -> Figure:
        """The plane: D's map, real points, fake points with their arrows."""
        fig = Figure(figsize=(5.2, 5.2))
        ax = fig.add_subplot()
        ticks = torch.linspace(-VIEW, VIEW, 120)
        plane = torch.cartesian_prod(ticks, ticks).flip(1)  # rows are y, columns are x
        with torch.no_grad():
            verdict = torch.sigmoid(self.gan.discriminator(plane)).view(len(ticks), len(ticks))
        ax.imshow(verdict.numpy(), extent=(-VIEW, VIEW, -VIEW, VIEW), origin="lower",
                  cmap="PRGn", vmin=0, vmax=1, alpha=0.75)
        fake = generate(self.gan.generator, self.z_view)
        push = self.arrows(fake)
        # Arrows are drawn relative to the push the non-saturating loss would give right
        # now: its strongest arrow is ARROW_LENGTH long. Under the minimax loss the same
        # scale applies, so its weaker push shows as visibly shorter arrows.
        reference = self.arrows(fake, "non-saturating").norm(dim=1).max().clamp_min(1e-12)
        shown_push = push * (ARROW_LENGTH / reference)
        ax.scatter(*self.real_view.T.numpy(), s=6, c="darkgreen", label="real")
        ax.scatter(*fake.T.numpy(), s=6, c="indigo", label="fake")
        ax.quiver(*fake.T.numpy(), *shown_push.T.numpy(), angles="xy", scale_units="xy",
                  scale=1, width=0.004, color="black", alpha=0.6)
        covered = modes_covered(generate(self.gan.generator, sample_noise(self.gan, 2000)), self.data)
        ax.set_title(f"D steps {self.d_steps}, G steps {self.g_steps} - modes covered "
                     f"{covered}/{len(self.data.means)}", fontsize=10)
        ax.set_xlim(-VIEW, VIEW)
        ax.set_ylim(-VIEW, VIEW)
        ax.set_aspect("equal")
        ax.legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        return fig

    def status(self) -> str:
        numbers = ", ".join(f"{key} {value:.3f}" for key, value in self.last.items())
        return f"{self.options['g_loss']} loss; last step: {numbers or 'none yet'}"

    def widget(self) -> Interactive:
        """Buttons for one D step, one G step, 1 or 100 training steps and a reset;
        choices of data and loss; sliders for both learning rates."""
        image = widgets.Image(value=figure_png(self.figure()), format="png")
        status = widgets.Label(self.status())

        def redraw() -> None:
            image.value = figure_png(self.figure())
            status.value = self.status()

        def button(text: str, action) -> widgets.Button:
            b = widgets.Button(description=text, layout=widgets.Layout(width="120px"))
            b.on_click(lambda _: (action(), redraw()))
            return b

        def control(name: str, control_widget: widgets.ValueWidget) -> widgets.ValueWidget:
            control_widget.observe(lambda change: (self.set_option(name, change["new"]), redraw()), names="value")
            return control_widget

        buttons = widgets.HBox([
            button("D step", self.d_step), button("G step", self.g_step),
            button("Train 1 step", lambda: self.train(1)), button("Train 100 steps", lambda: self.train(100)),
            button("Reset", self.reset),
        ])
        o = self.options
        settings = widgets.HBox([
            control("data", widgets.Dropdown(options=list(DATASETS), value=o["data"], description="data")),
            control("g_loss", widgets.Dropdown(options=list(GENERATOR_LOSSES), value=o["g_loss"], description="G loss")),
        ])
        rates = widgets.HBox([
            control("g_lr", widgets.FloatLogSlider(value=o["g_lr"], base=10, min=-5, max=-1, description="G lr")),
            control("d_lr", widgets.FloatLogSlider(value=o["d_lr"], base=10, min=-5, max=-1, description="D lr")),
        ])
        return Interactive([buttons, settings, rates, status, image], what="the 2-D playground")


def collapse_film(gan, data: GaussianMixture, steps: int, frames: int = 8, seed: int = 0) -> tuple[Figure, list[int]]:
    """Train `gan` on `data` for `steps`, drawing its samples at `frames` moments.

    Returns the filmstrip and the number of modes covered at each moment: the way to
    see mode collapse is a count that stays at 1 or 2 while the data has 8.
    """
    frames = checks.whole_number(frames, "frames", 1)
    steps = checks.whole_number(steps, "steps", frames)
    batches = ToyBatches(data, 256, seed=seed)
    z = torch.randn(1000, gan.latent_dim, generator=torch.Generator().manual_seed(seed))
    fig = Figure(figsize=(2.0 * frames, 2.3))
    covered = []
    for i, until in enumerate(np.linspace(steps / frames, steps, frames).round().astype(int)):
        while gan.step < until:
            train_step(gan, next(batches))
        fake = generate(gan.generator, z)
        covered.append(modes_covered(fake, data))
        ax = fig.add_subplot(1, frames, i + 1)
        ax.scatter(*data.means.T.numpy(), s=14, c="darkgreen", marker="x")
        ax.scatter(*fake.T.numpy(), s=1, c="indigo", alpha=0.3)
        ax.set_xlim(-VIEW, VIEW)
        ax.set_ylim(-VIEW, VIEW)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"step {gan.step:,}: {covered[-1]}/{len(data.means)}", fontsize=8)
    fig.tight_layout()
    return fig, covered
