"""A faithful re-implementation of the source example's MNIST training loop, for comparison.

Everything that costs time is kept as the source text has it: a torchvision DataLoader with the
per-image transforms ToTensor and Normalize, a discriminator that ends in Sigmoid and is
trained with BCELoss, plain Adam (lr 2e-4, betas (0.5, 0.999)), a discriminator step
whose fakes are not detached (so its backward pass also runs through the generator), and
a fresh generator forward pass for the generator step. Only the printing and plotting
are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import torch
from torch import nn
from torchvision import datasets, transforms


class SourceGenerator(nn.Module):
    def __init__(self, latent_dim: int = 100) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.model = nn.Sequential(
            nn.Linear(latent_dim, 256), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(256, 512), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 1024), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(1024, 784), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.model(z).view(z.size(0), 1, 28, 28)


class SourceDiscriminator(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(784, 512), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 256), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(256, 1), nn.Sigmoid(),
        )

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        return self.model(img.view(img.size(0), -1))


class SourceExampleTrainer:
    """The source example's loop, one step per `step()` call, its DataLoader cycling over epochs."""

    def __init__(self, root: Path, batch_size: int = 64, latent_dim: int = 100, seed: int = 0) -> None:
        torch.manual_seed(seed)
        transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])
        dataset = datasets.MNIST(root=str(root), train=True, download=False, transform=transform)
        self.loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
        self.latent_dim = latent_dim
        self.generator = SourceGenerator(latent_dim)
        self.discriminator = SourceDiscriminator()
        self.g_optimizer = torch.optim.Adam(self.generator.parameters(), lr=0.0002, betas=(0.5, 0.999))
        self.d_optimizer = torch.optim.Adam(self.discriminator.parameters(), lr=0.0002, betas=(0.5, 0.999))
        self.loss = nn.BCELoss()
        self.steps = 0
        self.images_seen = 0
        self._batches = self._cycle()

    def _cycle(self) -> Iterator[torch.Tensor]:
        while True:
            for real_imgs, _ in self.loader:
                yield real_imgs

    def step(self) -> None:
        real_imgs = next(self._batches)
        valid = torch.ones(real_imgs.size(0), 1)
        fake = torch.zeros(real_imgs.size(0), 1)

        real_loss = self.loss(self.discriminator(real_imgs), valid)
        noise = torch.randn(real_imgs.size(0), self.latent_dim)
        fake_loss = self.loss(self.discriminator(self.generator(noise)), fake)
        d_loss = 0.5 * (real_loss + fake_loss)
        self.d_optimizer.zero_grad()
        d_loss.backward()
        self.d_optimizer.step()

        noise = torch.randn(real_imgs.size(0), self.latent_dim)
        g_loss = self.loss(self.discriminator(self.generator(noise)), valid)
        self.g_optimizer.zero_grad()
        g_loss.backward()
        self.g_optimizer.step()
        self.steps += 1
        self.images_seen += real_imgs.size(0)
