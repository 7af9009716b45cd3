"""The discriminator's regularisers. Spectral normalisation, the switch every discriminator
has: each layer's largest singular value near 1, the whole network 1-Lipschitz, checkpoints
that keep it. The R1 penalty: its value against a hand computation, and its share of D's
gradient. Each lets a toy GAN learn the whole 2-D ring."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import ganlib
from ganlib.data import toy
from ganlib.errors import InputError
from ganlib.gan.image_models import ImageDiscriminator
from ganlib.gan.losses import discriminator_loss, r1_penalty
from ganlib.gan.models import (
    ConditionalMLPDiscriminator,
    DCGANDiscriminator,
    MLPDiscriminator,
)
from ganlib.gan.steps import discriminator_step

DISCRIMINATORS = {
    "MLP": lambda **sn: MLPDiscriminator(**sn),
    "DCGAN": lambda **sn: DCGANDiscriminator(**sn),
    "conditional MLP": lambda **sn: ConditionalMLPDiscriminator(**sn),
    "image, conditional": lambda **sn: ImageDiscriminator(channels=3, size=32, classes=26, **sn),
}


def largest_singular_values(network: nn.Module) -> list[float]:
    """sigma(W) of every linear and convolutional layer, W as the layer uses it now."""
    return [torch.linalg.matrix_norm(module.weight.detach().flatten(1), ord=2).item()
            for module in network.modules() if isinstance(module, (nn.Linear, nn.Conv2d))]


def example_input(network: nn.Module) -> tuple[torch.Tensor, ...]:
    x = torch.randn(8, *network.in_shape) if hasattr(network, "in_shape") else torch.randn(8, 1, 28, 28)
    return (x, torch.arange(8)) if hasattr(network, "classes") else (x,)


@pytest.mark.parametrize("name", DISCRIMINATORS)
def test_every_layer_stretches_by_at_most_one_even_after_its_weights_grow(name):
    torch.manual_seed(0)
    normalised, plain = DISCRIMINATORS[name](spectral_norm=True), DISCRIMINATORS[name]()
    with torch.no_grad():  # make every raw weight five times larger, as a runaway D would
        for network in (normalised, plain):
            for parameter in network.parameters():
                parameter.mul_(5)
    for _ in range(10):  # each forward pass in training refines the estimate of sigma(W), from below
        normalised(*example_input(normalised))
    assert all(0.99 <= sigma <= 1.05 for sigma in largest_singular_values(normalised))
    assert max(largest_singular_values(plain)) > 2  # without the switch, the growth stays


def test_a_normalised_mlp_discriminator_is_1_lipschitz():
    torch.manual_seed(0)
    critic = MLPDiscriminator(in_shape=(2,), hidden=(64, 64), spectral_norm=True).eval()
    x, y = torch.randn(2000, 2) * 3, torch.randn(2000, 2) * 3
    with torch.no_grad():
        ratios = (critic(x) - critic(y)).abs() / (x - y).norm(dim=1)
    assert ratios.max() <= 1.0 + 1e-3
    plain = MLPDiscriminator(in_shape=(2,), hidden=(64, 64))
    with torch.no_grad():
        for parameter in plain.parameters():
            parameter.mul_(3)
        assert ((plain(x) - plain(y)).abs() / (x - y).norm(dim=1)).max() > 1  # the test can fail


def test_a_checkpoint_keeps_the_normalised_discriminator(tmp_path):
    ring = toy.ring()
    gan = ganlib.make_toy_gan(2, spectral_norm=True, seed=0)
    ganlib.fit(gan, toy.ToyBatches(ring, 64, seed=0), max_steps=20, progress=False)
    path = ganlib.save_checkpoint(tmp_path / "sn.pt", gan)
    again = ganlib.load_checkpoint(path, ganlib.make_toy_gan(2, spectral_norm=True, seed=0))
    points = torch.randn(16, 2)
    gan.discriminator.eval()  # in evaluation mode the estimate of sigma(W) stays as saved
    again.discriminator.eval()
    with torch.no_grad():
        assert torch.equal(gan.discriminator(points), again.discriminator(points))


def test_the_switch_takes_true_or_false_only():
    with pytest.raises(InputError, match=r"spectral_norm must be one of \[False, True\]; got 'yes'"):
        MLPDiscriminator(spectral_norm="yes")


def test_r1_is_the_squared_slope_of_a_linear_critic_and_twice_x_for_a_quadratic_one():
    x = torch.randn(32, 3, requires_grad=True)
    w = torch.tensor([1.0, -2.0, 0.5])
    assert r1_penalty(x @ w + 7.0, x).item() == pytest.approx(1 + 4 + 0.25)  # grad = w for every x
    x = torch.randn(32, 3, requires_grad=True)
    quadratic = x.pow(2).sum(1)  # grad = 2x, so the penalty is the mean of 4 |x|^2
    assert r1_penalty(quadratic, x).item() == pytest.approx((4 * x.detach().pow(2).sum(1)).mean().item(), rel=1e-6)


def test_r1_adds_gamma_over_two_times_its_own_gradient_to_ds():
    torch.manual_seed(0)
    real, fake = torch.randn(64, 2), torch.randn(64, 2)
    grads = {}
    for gamma in (0.0, 10.0):
        gan = ganlib.make_toy_gan(2, r1_gamma=gamma, seed=0)
        stats = discriminator_step(gan, real, fake)
        grads[gamma] = [p.grad.clone() for p in gan.discriminator.parameters()]
    critic = ganlib.make_toy_gan(2, seed=0).discriminator  # the same starting weights, by hand
    x = real.clone().requires_grad_(True)
    parameters = list(critic.parameters())  # the last bias does not change D's slope: no gradient from R1
    penalty_grads = torch.autograd.grad(r1_penalty(critic(x), x), parameters, allow_unused=True)
    for plain, with_r1, by_hand, parameter in zip(grads[0.0], grads[10.0], penalty_grads, parameters):
        by_hand = torch.zeros_like(parameter) if by_hand is None else by_hand
        assert torch.allclose(with_r1, plain + 5.0 * by_hand, atol=1e-6)
    assert not torch.allclose(grads[10.0][0], grads[0.0][0], atol=1e-4)  # the penalty did change D's step
    with torch.no_grad():  # the recorded loss is the game's alone
        assert stats["d_loss"] == pytest.approx(discriminator_loss(critic(real), critic(fake)).item(), rel=1e-6)


@pytest.mark.parametrize("regulariser", [{"spectral_norm": True}, {"r1_gamma": 1.0}])
def test_a_regularised_discriminator_still_teaches_the_generator_the_whole_ring(regulariser):
    ring = toy.ring()
    gan = ganlib.make_toy_gan(2, latent_dim=2, hidden=(64, 64), lr=1e-3, seed=0, **regulariser)
    ganlib.fit(gan, toy.ToyBatches(ring, 256, seed=0), max_steps=1200, progress=False)
    samples = ganlib.generate(gan.generator, torch.randn(1000, 2, generator=torch.Generator().manual_seed(0)))
    assert toy.modes_covered(samples, ring) >= 6
