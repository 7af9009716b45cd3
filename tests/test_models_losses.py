"""The source example's networks (exact sizes) and the losses (known values and gradients)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from ganlib.gan.losses import discriminator_loss, generator_loss
from ganlib.gan.models import MLPDiscriminator, MLPGenerator, count_parameters


def test_generator_has_the_seeds_layers_and_parameter_count():
    generator = MLPGenerator()
    linear = [m for m in generator.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [(100, 256), (256, 512), (512, 1024), (1024, 784)]
    assert [m.negative_slope for m in generator.modules() if isinstance(m, nn.LeakyReLU)] == [0.2] * 3
    assert isinstance(generator.net[-1], nn.Tanh)
    # 100·256+256 + 256·512+512 + 512·1024+1024 + 1024·784+784
    assert count_parameters(generator) == 1_486_352


def test_discriminator_has_the_seeds_layers_and_returns_logits():
    discriminator = MLPDiscriminator()
    linear = [m for m in discriminator.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [(784, 512), (512, 256), (256, 1)]
    assert not any(isinstance(m, nn.Sigmoid) for m in discriminator.modules())
    assert count_parameters(discriminator) == 533_505  # 784·512+512 + 512·256+256 + 256+1


def test_shapes_and_ranges():
    torch.manual_seed(0)
    images = MLPGenerator()(torch.randn(5, 100))
    assert images.shape == (5, 1, 28, 28)
    assert images.min() >= -1 and images.max() <= 1
    discriminator = MLPDiscriminator()
    with torch.no_grad():
        discriminator.net[-1].bias.fill_(5.0)  # a logit is not squashed into [0, 1]
    assert discriminator(images).shape == (5,)
    assert discriminator(images).min() > 1


def test_toy_sizes_work_without_tanh():
    generator = MLPGenerator(latent_dim=2, hidden=(16, 16), out_shape=(2,), tanh=False)
    assert generator(torch.randn(7, 2)).shape == (7, 2)
    assert MLPDiscriminator(in_shape=(2,), hidden=(16,))(torch.randn(7, 2)).shape == (7,)


def test_losses_at_the_equilibrium_are_log_two():
    zero = torch.zeros(10)  # logit 0 means D = 1/2
    assert discriminator_loss(zero, zero).item() == pytest.approx(math.log(2))
    assert generator_loss(zero, "non-saturating").item() == pytest.approx(math.log(2))
    assert generator_loss(zero, "minimax").item() == pytest.approx(-math.log(2))


def test_losses_match_the_seeds_sigmoid_and_bce_form():
    logits = torch.linspace(-4, 4, 9)
    bce = nn.BCELoss()
    d = torch.sigmoid(logits)
    seed_d = 0.5 * (bce(d, torch.ones(9)) + bce(d.flip(0), torch.zeros(9)))
    assert discriminator_loss(logits, logits.flip(0)).item() == pytest.approx(seed_d.item(), rel=1e-5)
    assert generator_loss(logits).item() == pytest.approx(bce(d, torch.ones(9)).item(), rel=1e-5)


def test_minimax_loss_saturates_where_non_saturating_does_not():
    # D is sure the fake is fake: logit -8, D(G(z)) ~ 0.0003.
    gradients = {}
    for kind in ("minimax", "non-saturating"):
        logit = torch.tensor([-8.0], requires_grad=True)
        generator_loss(logit, kind).backward()
        gradients[kind] = logit.grad.item()
    assert gradients["minimax"] == pytest.approx(-torch.sigmoid(torch.tensor(-8.0)).item(), rel=1e-4)
    assert gradients["non-saturating"] == pytest.approx(-(1 - torch.sigmoid(torch.tensor(-8.0)).item()), rel=1e-4)
    assert abs(gradients["non-saturating"]) > 1000 * abs(gradients["minimax"])


def test_logit_form_stays_exact_where_sigmoid_rounds_to_one():
    logit = torch.tensor([20.0])  # sigmoid(20) == 1.0 in float32
    assert torch.sigmoid(logit).item() == 1.0
    loss = generator_loss(-logit, "non-saturating")  # -log sigmoid(-20) = 20 + log(1+e^-20)
    assert loss.item() == pytest.approx(20.0, rel=1e-6)


def test_unknown_loss_is_rejected():
    for loss in (generator_loss, lambda logits, kind: discriminator_loss(logits, logits, kind)):
        with pytest.raises(ValueError, match="non-saturating"):
            loss(torch.zeros(3), "wgan")
