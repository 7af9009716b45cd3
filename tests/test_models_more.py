"""The DCGAN and conditional networks, the training options, and bfloat16."""

from __future__ import annotations

import pytest
import torch

import ganlib
from ganlib.data.toy import ToyBatches, mixture_1d
from ganlib.gan import models
from ganlib.gan.losses import discriminator_loss


def test_dcgan_shapes_layer_by_layer():
    generator, discriminator = models.DCGANGenerator(width=16), models.DCGANDiscriminator(width=16)
    shapes = [shape for _, shape, _ in models.layer_shapes(generator, torch.randn(2, 100))]
    assert shapes[0] == (32 * 7 * 7,)  # the projection, reshaped next to 32 × 7 × 7
    assert shapes[-1] == (1, 28, 28)
    assert (16, 14, 14) in shapes
    images = generator(torch.randn(3, 100))
    assert images.shape == (3, 1, 28, 28) and images.abs().max() <= 1
    assert discriminator(images).shape == (3,)
    d_shapes = [shape for _, shape, _ in models.layer_shapes(discriminator, images)]
    assert (16, 14, 14) in d_shapes and (32, 7, 7) in d_shapes and d_shapes[-1] == (1,)


def test_layer_shapes_leave_the_model_in_its_mode():
    generator = models.DCGANGenerator(width=8).eval()
    models.layer_shapes(generator, torch.randn(2, 100))
    assert not generator.training


def test_conditional_networks_take_labels():
    generator = models.ConditionalMLPGenerator(hidden=(32,))
    discriminator = models.ConditionalMLPDiscriminator(hidden=(32,))
    labels = torch.tensor([0, 3, 9])
    images = generator(torch.randn(3, 100), labels)
    assert images.shape == (3, 1, 28, 28) and generator.latent_dim == 100
    assert discriminator(images, labels).shape == (3,)
    other = discriminator(images, torch.tensor([1, 1, 1]))
    assert not torch.allclose(other, discriminator(images, labels))  # the label matters


def test_a_conditional_gan_trains_on_image_label_pairs(tiny_mnist):
    images, labels = ganlib.load_mnist(tiny_mnist)
    ganlib.seed_everything(0)
    gan = ganlib.make_gan(models.ConditionalMLPGenerator(hidden=(32,)), models.ConditionalMLPDiscriminator(hidden=(32,)))
    ganlib.fit(gan, ganlib.ShuffledBatches(images, 16, labels=labels), max_steps=5, progress=False)
    assert gan.step == 5
    samples = ganlib.generate(gan.generator, torch.randn(4, 100), torch.tensor([7, 7, 2, 2]))
    assert samples.shape == (4, 1, 28, 28)


def test_one_sided_label_smoothing_moves_only_the_real_target():
    zero = torch.zeros(4)
    assert discriminator_loss(zero, zero, real_target=0.9) == pytest.approx(discriminator_loss(zero, zero))
    confident = torch.full((4,), 8.0)  # D is sure the real images are real
    assert discriminator_loss(confident, -confident, real_target=0.9) > discriminator_loss(confident, -confident)


def test_instance_noise_and_smoothing_change_training_but_stay_deterministic():
    def run(**options):
        gan = ganlib.make_toy_gan(1, seed=0)
        for name, value in options.items():
            setattr(gan, name, value)
        ganlib.fit(gan, ToyBatches(mixture_1d(), 32), max_steps=10, progress=False)
        return gan.history.d_loss

    plain = run()
    assert run(instance_noise=0.3) != plain and run(instance_noise=0.3) == run(instance_noise=0.3)
    assert run(real_label=0.9) != plain


def test_precision_choices(tiny_mnist):
    images, _ = ganlib.load_mnist(tiny_mnist)
    assert not ganlib.make_gan(models.MLPGenerator(hidden=(16,)), models.MLPDiscriminator(hidden=(16,))).bfloat16
    gan = ganlib.make_gan(models.MLPGenerator(hidden=(16,)), models.MLPDiscriminator(hidden=(16,)), precision="bfloat16")
    stats = ganlib.train_step(gan, images[:8])
    assert all(torch.isfinite(torch.tensor(v)) for v in stats.values())
    assert next(gan.generator.parameters()).dtype == torch.float32  # master weights stay float32
    auto = ganlib.make_gan(models.MLPGenerator(hidden=(16,)), models.MLPDiscriminator(hidden=(16,)), precision="auto")
    assert auto.bfloat16 == ganlib.gan.device.fast_bfloat16(torch.device("cpu"))
    with pytest.raises(ValueError, match="precision"):
        ganlib.make_gan(models.MLPGenerator(), models.MLPDiscriminator(), precision="half")


def test_a_batch_normalised_discriminator_sees_real_and_fake_apart():
    seen = []

    class Recording(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = torch.nn.BatchNorm1d(1)
            self.linear = torch.nn.Linear(1, 1)

        def forward(self, x):
            seen.append(len(x))
            return self.linear(self.norm(x.reshape(len(x), -1))).squeeze(1)

    ganlib.seed_everything(0)
    gan = ganlib.make_gan(models.MLPGenerator(latent_dim=2, hidden=(4,), out_shape=(1,), tanh=False), Recording())
    ganlib.train_step(gan, torch.randn(8, 1))
    assert seen[:2] == [8, 8]  # two separate batches in the D step, not one of 16


@pytest.mark.parametrize("text, expected", [("200000 100000\n", 2), ("50000 100000\n", 1), ("max 100000\n", None), ("", None)])
def test_cpu_quota_reads_the_containers_limit(tmp_path, text, expected):
    limit = tmp_path / "cpu.max"
    limit.write_text(text)
    assert ganlib.gan.device.cpu_quota(str(limit)) == expected
    assert ganlib.gan.device.cpu_quota(str(tmp_path / "absent")) is None
