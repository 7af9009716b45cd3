"""Pictures of images: a batch tiled into a grid, a figure of it, and PNG bytes.

Every function here builds a `matplotlib.figure.Figure` directly instead of going
through `pyplot`. Such a figure belongs to nobody but the caller: nothing accumulates in
the background during a long training run, and nothing is shown twice. In Jupyter a
returned figure is drawn as a PNG at a modest resolution, so notebooks stay small.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import PIL.Image
import torch
from matplotlib.figure import Figure

from ganlib import checks
from ganlib.data.pixels import to_bytes
from ganlib.errors import InputError

DPI = 80
"""Resolution of the PNGs shown in notebooks: sharp on screen, small on disk."""


def image_grid(
    images: torch.Tensor, nrow: int | None = None, padding: int = 2, value_range: tuple[float, float] = (-1.0, 1.0)
) -> np.ndarray:
    """Tile a batch of images into one array in [0, 1]: grey images (B, 1, H, W) into a
    (rows·H, cols·W) array, colour images (B, 3, H, W) into (rows·H, cols·W, 3).

    The images' pixels lie in `value_range`, [-1, 1] unless you say otherwise: its low end
    is drawn black, its high end white (in each of red, green and blue for colour). `nrow`
    is the number of images per row (default: as square as possible). The gaps between
    tiles are mid-grey, so black digits on a black background stay visible.
    """
    value_range = checks.value_range(value_range)
    images = checks.images(images, value_range=value_range).detach().cpu()
    if images.shape[1] not in (1, 3):
        raise InputError(f"Expected grey images (B, 1, H, W) or colour images (B, 3, H, W); got shape {tuple(images.shape)}.")
    nrow = None if nrow is None else checks.whole_number(nrow, "nrow", 1)
    padding = checks.whole_number(padding, "padding", 0)
    low, high = value_range
    # channels last, as image arrays have them; grey images keep no channel axis at all
    pictures = ((images - low) / (high - low)).clamp(0, 1).permute(0, 2, 3, 1).squeeze(-1).numpy()
    count, height, width = pictures.shape[:3]
    cols = nrow or math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    grid = np.full((rows * (height + padding) + padding, cols * (width + padding) + padding, *pictures.shape[3:]), 0.5)
    for i, picture in enumerate(pictures):
        top = padding + (i // cols) * (height + padding)
        left = padding + (i % cols) * (width + padding)
        grid[top : top + height, left : left + width] = picture
    return grid


def show_images(
    images: torch.Tensor, nrow: int | None = None, title: str | None = None, size: float = 4.0,
    value_range: tuple[float, float] | None = None,
) -> Figure:
    """A figure of a batch of images, grey or colour, tiled `nrow` to a row.

    The workbook's images lie in [-1, 1] (black -1, white +1). Images in [0, 1] or bytes
    0..255 would be drawn washed out or white, so they are refused with the line that
    rescales them. To draw images as they are, give their `value_range`, such as (0, 1);
    with an explicit range nothing is guessed.
    """
    checked_range = (-1.0, 1.0) if value_range is None else checks.value_range(value_range)
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


def draw_grid(ax, grid: np.ndarray, title: str | None) -> None:
    """Draw a grid from `image_grid` on `ax`: grey through the grey colour map, colour as it is."""
    if grid.ndim == 3:
        ax.imshow(grid, interpolation="nearest")
    else:
        ax.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)


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
    """One image, grey (1, H, W) or colour (3, H, W), in [-1, 1] as a small PNG, enlarged
    `scale` times (for widgets)."""
    if image.dim() != 3 or image.shape[0] not in (1, 3):
        raise InputError(f"Expected one grey image (1, H, W) or colour image (3, H, W); got shape {tuple(image.shape)}.")
    pixels = to_bytes(image).permute(1, 2, 0).squeeze(-1).numpy()  # (H, W) grey, (H, W, 3) colour
    picture = PIL.Image.fromarray(pixels).resize((pixels.shape[1] * scale, pixels.shape[0] * scale), PIL.Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="png")
    return buffer.getvalue()


def picture_path(path, example: str) -> Path:
    """`path` as a Path to a file (not a folder), for a picture or a film to be saved at."""
    path = checks.path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the file to write, such as run_dir / {example!r}.")
    return path


def in_notebook() -> bool:
    """True when running inside a Jupyter kernel (JupyterLab, papermill, VS Code...)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


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
