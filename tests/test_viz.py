"""Sample grids, curves and the dashboard (headless)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from ganlib import MLPDiscriminator, MLPGenerator, ShuffledBatches, fit, load_mnist, make_gan, seed_everything
from ganlib.pictures.images import figure_png, image_grid, in_notebook, show_images
from ganlib.pictures.training import Dashboard, plot_history

PNG = b"\x89PNG\r\n\x1a\n"


def test_image_grid_tiles_and_rescales():
    images = torch.full((6, 1, 28, 28), -1.0)
    images[1] = 1.0
    grid = image_grid(images, nrow=3, padding=2)
    assert grid.shape == (2 * 30 + 2, 3 * 30 + 2)
    assert grid[2:30, 2:30].max() == 0.0  # image 0 is black
    assert grid[2:30, 32:60].min() == 1.0  # image 1 is white
    assert grid[0, 0] == 0.5  # the gaps are grey
    assert np.isclose(image_grid(images).shape[1], 3 * 30 + 2)  # 6 images: 3 per row by default


def test_image_grid_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*images\[None\]"):
        image_grid(torch.zeros(4, 28, 28))


def test_figures_render_to_png(tiny_mnist):
    images, _ = load_mnist(tiny_mnist)
    fig = show_images(images[:16], nrow=4, title="real")
    assert isinstance(fig, Figure) and figure_png(fig).startswith(PNG)
    seed_everything(0)
    gan = make_gan(MLPGenerator(latent_dim=8, hidden=(16,)), MLPDiscriminator(hidden=(16,)))
    fit(gan, ShuffledBatches(images, 8), max_steps=5, progress=False)
    assert figure_png(plot_history(gan.history)).startswith(PNG)


def test_dashboard_writes_pngs_when_headless(tiny_mnist, tmp_path):
    assert not in_notebook()
    images, _ = load_mnist(tiny_mnist)
    seed_everything(0)
    gan = make_gan(MLPGenerator(latent_dim=8, hidden=(16,)), MLPDiscriminator(hidden=(16,)))
    path = tmp_path / "run" / "dashboard.png"
    dashboard = Dashboard(torch.randn(16, 8), every=4, path=path)
    fit(gan, ShuffledBatches(images, 8), max_steps=6, callbacks=[dashboard], progress=False)
    assert path.read_bytes().startswith(PNG)
    assert gan.generator.training  # sampling for the picture left training mode as it was
