"""Directions of variation: what the main axes of a generator's latent space change.

Random directions in latent space mix many changes at once. GANSpace (Härkönen et al.,
2020) finds the *main* ones: run many random z through the first layer of the generator,
and take the principal components of those activations, the directions in which they vary
most. Moving a sample's first-layer activations along one component, and letting the rest
of the generator finish the picture, shows what that component controls: slant, width,
thickness, which digit.

This works for the unconditional MLP generator of the workbook (`MLPGenerator`), whose
first layer is `net[:2]` (Linear + LeakyReLU). A DCGAN's first layer is in `project`, and
a conditional generator's takes the label too, so the explorer refuses both.
"""

from __future__ import annotations

import torch
from matplotlib.figure import Figure
from torch import nn

from ganlib import checks
from ganlib.errors import InputError
from ganlib.gan.models import ConditionalMLPGenerator, MLPGenerator
from ganlib.pictures.images import draw_grid, image_grid


class LatentExplorer:
    """The `components` main directions of an MLP generator's first-layer activations."""

    def __init__(self, generator: nn.Module, components: int = 6, samples: int = 5000, seed: int = 0) -> None:
        if not isinstance(generator, MLPGenerator) or isinstance(generator, ConditionalMLPGenerator):
            raise InputError(
                f"The latent explorer works on an MLP generator (ganlib.MLPGenerator, such as "
                f'pretrained.load_generator("mlp_mnist")); got a {type(generator).__name__}. For a conditional '
                "generator, explore its noise with latent.interpolate and random_walk at a fixed label."
            )
        components = checks.whole_number(components, "components", 1, generator.net[0].out_features)
        samples = checks.whole_number(samples, "samples", components + 1)
        self.generator = generator.eval()
        self.first, self.rest = generator.net[:2], generator.net[2:]
        z = torch.randn(samples, generator.latent_dim, generator=torch.Generator().manual_seed(checks.seed(seed)))
        with torch.no_grad():
            activations = self.first(z)
        self.mean = activations.mean(dim=0)
        _, singular_values, v = torch.linalg.svd(activations - self.mean, full_matrices=False)
        self.directions = v[:components]  # (components, hidden), unit length
        self.spread = singular_values[:components] / (samples - 1) ** 0.5  # std along each
        total = (singular_values**2).sum()
        self.explained = (singular_values[:components] ** 2 / total).tolist()

    @torch.no_grad()
    def render(self, z: torch.Tensor, amounts: torch.Tensor) -> torch.Tensor:
        """Images of each z (B, latent_dim) moved by `amounts` (B, components) standard
        deviations along the directions."""
        z = checks.noise(z, self.generator.latent_dim)
        amounts = checks.finite(checks.tensor(amounts, "amounts").float(), "amounts")
        if tuple(amounts.shape) != (len(z), len(self.directions)):
            raise InputError(f"amounts must hold one move per direction for each z: shape ({len(z)}, "
                             f"{len(self.directions)}); got {tuple(amounts.shape)}.")
        h = self.first(z) + (amounts * self.spread) @ self.directions
        return self.rest(h).view(len(z), *self.generator.out_shape)

    def figure(self, z: torch.Tensor, steps: int = 7, reach: float = 3.0) -> Figure:
        """One row per direction: the sample `z` (1, latent_dim) moved from -reach to +reach."""
        z = checks.latent_vector(z, self.generator.latent_dim)[None]
        steps = checks.whole_number(steps, "steps", 2)
        reach = checks.number(reach, "reach", above=0.0)
        amounts = torch.linspace(-reach, reach, steps)
        fig = Figure(figsize=(steps * 0.75, len(self.directions) * 0.85 + 0.3))
        for i in range(len(self.directions)):
            moves = torch.zeros(steps, len(self.directions))
            moves[:, i] = amounts
            images = self.render(z.expand(steps, -1), moves)
            ax = fig.add_subplot(len(self.directions), 1, i + 1)
            draw_grid(ax, image_grid(images, nrow=steps), None)
            ax.set_axis_on()
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_ylabel(f"PC {i + 1}\n{self.explained[i]:.0%}", rotation=0, ha="right", va="center", fontsize=8)
        fig.suptitle(f"each row: one direction, from −{reach:g} to +{reach:g} standard deviations", fontsize=9)
        fig.tight_layout()
        return fig
