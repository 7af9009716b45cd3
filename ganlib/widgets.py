"""Interactive pieces for JupyterLab, built from ipywidgets.

Widgets need a live kernel and a browser: on GitHub, or in a notebook opened without
running it, they do not show. Every notebook therefore draws a static figure of the same
thing next to each widget.
"""

from __future__ import annotations

from typing import Sequence

import ipywidgets as widgets

from ganlib.viz import Frames1D


class Interactive(widgets.VBox):
    """A VBox that, where no widget can be drawn (on GitHub, say), says what it is."""

    def __init__(self, children: list, what: str) -> None:
        super().__init__(children)
        self.what = what

    def __repr__(self) -> str:
        return f"[{self.what}: run this notebook in JupyterLab to use it]"


def frame_slider(frames: Sequence[bytes], labels: list[str], description: str = "step") -> Interactive:
    """A slider that flips through PNG frames; `frames[i]` may draw frame i on demand."""
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
