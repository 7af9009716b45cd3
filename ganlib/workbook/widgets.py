"""Interactive pieces for JupyterLab, built from ipywidgets.

Widgets need a live kernel and a browser: on GitHub, or in a notebook opened without
running it, they do not show. Every notebook therefore draws a static figure of the same
thing next to each widget.
"""

from __future__ import annotations

from typing import Sequence

import ipywidgets as widgets
import torch

from ganlib import checks
from ganlib.creative.evolution import Evolution
from ganlib.creative.explorer import LatentExplorer
from ganlib.creative.studio import draw
from ganlib.errors import InputError
from ganlib.pictures.images import image_png
from ganlib.workbook.lesson01 import Frames1D


class Interactive(widgets.VBox):
    """A VBox that, where no widget can be drawn (on GitHub, say), says what it is."""

    def __init__(self, children: list, what: str) -> None:
        super().__init__(children)
        self.what = what

    def __repr__(self) -> str:
        return f"[{self.what}: run this notebook in JupyterLab to use it]"


def frame_slider(frames: Sequence[bytes], labels: list[str], description: str = "step") -> Interactive:
    """A slider that flips through PNG frames; `frames[i]` may draw frame i on demand."""
    if len(frames) == 0 or len(labels) != len(frames):
        raise InputError(f"frame_slider needs at least one frame and one label per frame; got {len(frames)} frames "
                         f"and {len(labels)} labels.")
    slider = widgets.IntSlider(value=0, min=0, max=len(frames) - 1, description=description,
                               readout=False, continuous_update=True,
                               layout=widgets.Layout(width="520px"))
    caption = widgets.Label(labels[0])
    image = widgets.Image(value=frames[0], format="png")

    def show(change: dict) -> None:
        image.value = frames[change["new"]]
        caption.value = labels[change["new"]]

    slider.observe(show, names="value")
    return Interactive([widgets.HBox([slider, caption]), image], what="a slider through the frames")


def scrub_1d_game(snapshots: list, data, grid) -> Interactive:
    """A slider through the recorded steps of the 1-D game of notebook 01."""
    frames = Frames1D(snapshots, data, grid)
    labels = [f"step {snapshot.step:,}" for snapshot in snapshots]
    return frame_slider(frames, labels)


def evolution_board(generator: torch.nn.Module, evolution: Evolution, columns: int = 6, text: str | None = None) -> Interactive:
    """A grid of the population's samples, each with a "pick" toggle, and a button that
    breeds the next generation from the picked ones. With the typeface studio, each
    sample is the word `text` in its style (`ganlib.creative.studio.draw`)."""
    if not isinstance(evolution, Evolution):
        raise InputError(f"evolution_board needs an Evolution; got {type(evolution).__name__}.")
    columns = checks.whole_number(columns, "columns", 1)
    first = draw(generator, evolution.population[:1], text)[0]  # checks the text, and gives the pictures' shape
    width = f"{round(84 * first.shape[-1] / first.shape[-2])}px"
    images = [widgets.Image(format="png", layout=widgets.Layout(width=width)) for _ in range(evolution.size)]
    toggles = [widgets.ToggleButton(description="pick", layout=widgets.Layout(width=width)) for _ in range(evolution.size)]
    status = widgets.Label()

    def show() -> None:
        samples = draw(generator, evolution.population, text)
        for image, toggle, sample in zip(images, toggles, samples):
            image.value = image_png(sample)
            toggle.value = False
        status.value = f"generation {evolution.generation}: pick the samples you like, then breed"

    def breed(_) -> None:
        evolution.next_generation([i for i, toggle in enumerate(toggles) if toggle.value])
        show()

    breed_button = widgets.Button(description="Breed from picks", button_style="primary")
    breed_button.on_click(breed)
    cells = [widgets.VBox([image, toggle]) for image, toggle in zip(images, toggles)]
    grid = widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns=f"repeat({columns}, {int(width[:-2]) + 6}px)"))
    show()
    return Interactive([status, grid, breed_button], what="the evolution board")


def explorer_sliders(explorer: LatentExplorer, z: torch.Tensor) -> Interactive:
    """One slider per main direction of `explorer`, moving the sample `z` (1, latent_dim)."""
    if not isinstance(explorer, LatentExplorer):
        raise InputError(f"explorer_sliders needs a LatentExplorer(generator); got {type(explorer).__name__}.")
    z = checks.latent_vector(z, explorer.generator.latent_dim)[None]
    sliders = [
        widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.25, description=f"PC {i + 1}",
                            continuous_update=False)
        for i in range(len(explorer.directions))
    ]
    image = widgets.Image(format="png", layout=widgets.Layout(width="168px"))

    def show(_=None) -> None:
        amounts = torch.tensor([[slider.value for slider in sliders]])
        image.value = image_png(explorer.render(z, amounts)[0], scale=6)

    for slider in sliders:
        slider.observe(show, names="value")
    show()
    return Interactive([widgets.HBox([widgets.VBox(sliders), image])], what="the latent explorer")
