"""The 2-D playground's view: its picture, and the buttons and sliders that drive it.

The background shows the discriminator's verdict at every point of the plane: green
where it says "real", purple where it says "fake". The arrows on the fake points show
where the generator's loss pushes each of them: G moves its points uphill on D's map,
toward places D believes are real. Arrow lengths are relative: the strongest push the
non-saturating loss would give at this moment is drawn 0.8 long (in the later games,
the strongest push of the game's own loss).

Press "D step" a few times and watch the map sharpen; press "G step" and watch the fakes
follow the arrows. Switch the loss to "minimax" and see the arrows shrink where D is
confident: that is the saturation of notebook 02, made visible. The later games
("least-squares", "hinge", "wasserstein") start over with a D trained for them; a
critic's map is coloured around the middle of its scores, which have no fixed level.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ganlib.data.toy import modes_covered
from ganlib.gan.game import generate, sample_noise
from ganlib.gan.losses import CROSS_ENTROPY_GAMES, LOSSES
from ganlib.pictures.images import figure_png
from ganlib.workbook.lesson02 import VIEW
from ganlib.workbook.playground import DATASETS, Playground
from ganlib.workbook.widgets import Interactive

ARROW_LENGTH = 0.8  # the longest non-saturating arrow, in plane units


class PlaygroundView:
    """What a `Playground` looks like, now: `figure()`, `status()` and `widget()`."""

    def __init__(self, playground: Playground) -> None:
        self.playground = playground

    def figure(self) -> Figure:
        """The plane: D's map, real points, fake points with their arrows."""
        game = self.playground
        fig = Figure(figsize=(5.2, 5.2))
        ax = fig.add_subplot()
        ticks = torch.linspace(-VIEW, VIEW, 120)
        plane = torch.cartesian_prod(ticks, ticks).flip(1)  # rows are y, columns are x
        with torch.no_grad():
            scores = game.gan.discriminator(plane).view(len(ticks), len(ticks))
        verdict, low, high = _map_colours(scores, game.gan.loss)
        ax.imshow(verdict.numpy(), extent=(-VIEW, VIEW, -VIEW, VIEW), origin="lower",
                  cmap="PRGn", vmin=low, vmax=high, alpha=0.75)
        fake = generate(game.gan.generator, game.z_shown)
        push = game.arrows(fake)
        # Arrows are drawn relative to the push the non-saturating loss would give right
        # now: its strongest arrow is ARROW_LENGTH long. Under the minimax loss the same
        # scale applies, so its weaker push shows as visibly shorter arrows. The later
        # games are scaled by their own strongest push.
        scale_by = "non-saturating" if game.gan.loss in CROSS_ENTROPY_GAMES else game.gan.loss
        reference = game.arrows(fake, scale_by).norm(dim=1).max().clamp_min(1e-12)
        shown_push = push * (ARROW_LENGTH / reference)
        ax.scatter(*game.real_shown.T.numpy(), s=6, c="darkgreen", label="real")
        ax.scatter(*fake.T.numpy(), s=6, c="indigo", label="fake")
        ax.quiver(*fake.T.numpy(), *shown_push.T.numpy(), angles="xy", scale_units="xy",
                  scale=1, width=0.004, color="black", alpha=0.6)
        covered = modes_covered(generate(game.gan.generator, sample_noise(game.gan, 2000)), game.data)
        ax.set_title(f"D steps {game.d_steps}, G steps {game.g_steps} - modes covered "
                     f"{covered}/{len(game.data.means)}", fontsize=10)
        ax.set_xlim(-VIEW, VIEW)
        ax.set_ylim(-VIEW, VIEW)
        ax.set_aspect("equal")
        ax.legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        return fig

    def status(self) -> str:
        """The loss in use, and the figures of the last step."""
        numbers = ", ".join(f"{key} {value:.3f}" for key, value in self.playground.last.items())
        return f"{self.playground.options['loss']} loss; last step: {numbers or 'none yet'}"

    def widget(self) -> Interactive:
        """Buttons for one D step, one G step, 1 or 100 training steps and a reset;
        choices of data and loss; sliders for both learning rates."""
        image = widgets.Image(value=figure_png(self.figure()), format="png")
        status = widgets.Label(self.status())

        def redraw() -> None:
            image.value = figure_png(self.figure())
            status.value = self.status()

        def button(text: str, action) -> widgets.Button:
            pressed = widgets.Button(description=text, layout=widgets.Layout(width="120px"))
            pressed.on_click(lambda _: (action(), redraw()))
            return pressed

        def control(name: str, control_widget: widgets.ValueWidget) -> widgets.ValueWidget:
            control_widget.observe(lambda change: (game.set_option(name, change["new"]), redraw()), names="value")
            return control_widget

        game, options = self.playground, self.playground.options
        buttons = widgets.HBox([
            button("D step", game.d_step), button("G step", game.g_step),
            button("Train 1 step", lambda: game.train(1)), button("Train 100 steps", lambda: game.train(100)),
            button("Reset", game.reset),
        ])
        settings = widgets.HBox([
            control("data", widgets.Dropdown(options=list(DATASETS), value=options["data"], description="data")),
            control("loss", widgets.Dropdown(options=list(LOSSES), value=options["loss"], description="loss")),
        ])
        rates = widgets.HBox([
            control("g_lr", widgets.FloatLogSlider(value=options["g_lr"], base=10, min=-5, max=-1, description="G lr")),
            control("d_lr", widgets.FloatLogSlider(value=options["d_lr"], base=10, min=-5, max=-1, description="D lr")),
        ])
        return Interactive([buttons, settings, rates, status, image], what="the 2-D playground")


def _map_colours(scores: torch.Tensor, loss: str) -> tuple[torch.Tensor, float, float]:
    """D's raw outputs over the plane as the colours of its map, with the values for full
    purple and full green: the probability D(x) from 0 to 1 in the 2014 game, the score
    from 0 to 1 (its two targets) for least squares, from -1 to +1 (its two margins) for
    the hinge loss. A critic's scores have no fixed level, so its map is centred on their
    median over the plane and spans the bulk of their spread."""
    if loss in CROSS_ENTROPY_GAMES:
        return torch.sigmoid(scores), 0.0, 1.0
    if loss == "least-squares":
        return scores, 0.0, 1.0
    if loss == "hinge":
        return scores, -1.0, 1.0
    centred = scores - scores.median()
    spread = centred.abs().quantile(0.95).clamp_min(1e-6).item()
    return centred, -spread, spread
