"""The algorithm's steps, the fit loop, determinism and stopping rules."""

from __future__ import annotations

import math
import time

import pytest
import torch
from torch import nn

from ganlib import (
    Callback,
    MLPDiscriminator,
    MLPGenerator,
    ShuffledBatches,
    TrainingDiverged,
    discriminator_step,
    fit,
    generator_step,
    load_mnist,
    make_gan,
    sample_noise,
    seed_everything,
    train_step,
    update_ema,
)
from ganlib.data.toy import ToyBatches, mixture_1d


def small_mnist_gan(seed: int = 0, **options):
    seed_everything(seed)
    return make_gan(MLPGenerator(latent_dim=16, hidden=(32, 64)), MLPDiscriminator(hidden=(64, 32)), seed=seed, **options)


def toy_gan(seed: int = 0, **options):
    seed_everything(seed)
    generator = MLPGenerator(latent_dim=4, hidden=(32, 32), out_shape=(1,), tanh=False)
    return make_gan(generator, MLPDiscriminator(in_shape=(1,), hidden=(32, 32)), seed=seed, **options)


def _snapshot(module: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _changed(before: list[torch.Tensor], module: nn.Module) -> bool:
    return any(not torch.equal(a, b) for a, b in zip(before, module.parameters()))


def test_make_gan_uses_the_seeds_optimiser_settings():
    gan = small_mnist_gan()
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        group = optimizer.param_groups[0]
        assert isinstance(optimizer, torch.optim.Adam)
        assert group["lr"] == 2e-4 and group["betas"] == (0.5, 0.999)
        assert group["fused"]  # the fast form, on the CPU
    assert gan.loss == "non-saturating" and gan.device.type in ("cpu", "cuda", "mps")


def test_discriminator_step_updates_only_d(tiny_mnist):
    gan = small_mnist_gan()
    real = next(ShuffledBatches(load_mnist(tiny_mnist)[0], 16))
    fake = gan.generator(sample_noise(gan, 16))
    g_before, d_before = _snapshot(gan.generator), _snapshot(gan.discriminator)
    stats = discriminator_step(gan, real, fake)
    assert _changed(d_before, gan.discriminator) and not _changed(g_before, gan.generator)
    assert set(stats) == {"d_loss", "d_real", "d_fake"}
    assert 0 < stats["d_real"] < 1 and 0 < stats["d_fake"] < 1


def test_generator_step_updates_only_g_and_leaves_d_trainable():
    gan = small_mnist_gan()
    fake = gan.generator(sample_noise(gan, 16))
    g_before, d_before = _snapshot(gan.generator), _snapshot(gan.discriminator)
    generator_step(gan, fake)
    assert _changed(g_before, gan.generator) and not _changed(d_before, gan.discriminator)
    assert all(p.grad is None for p in gan.discriminator.parameters())  # no wasted D gradients
    assert all(p.requires_grad for p in gan.discriminator.parameters())


def test_fit_stops_at_max_steps_counted_over_the_whole_run():
    gan = toy_gan()
    batches = ToyBatches(mixture_1d(), 64)
    history = fit(gan, batches, max_steps=30, progress=False)
    assert gan.step == 30 and len(history) == 30 and history.step[-1] == 30
    fit(gan, batches, max_steps=45, progress=False)  # 15 more, as after a resume
    assert gan.step == 45 and len(gan.history) == 45
    assert all(a < b for a, b in zip(gan.history.seconds, gan.history.seconds[1:]))


def test_fit_stops_at_the_time_budget():
    gan = toy_gan()
    started = time.perf_counter()
    fit(gan, ToyBatches(mixture_1d(), 64), max_seconds=0.5, progress=False)
    assert 0.5 <= time.perf_counter() - started < 2.0
    assert gan.step > 10


def test_fit_needs_a_budget():
    with pytest.raises(ValueError, match="budget"):
        fit(toy_gan(), ToyBatches(mixture_1d(), 8))


def test_same_seed_gives_the_same_losses(tiny_mnist):
    images, _ = load_mnist(tiny_mnist)
    runs = []
    for seed in (7, 7, 8):
        gan = small_mnist_gan(seed)
        fit(gan, ShuffledBatches(images, 16, seed=seed), max_steps=25, progress=False)
        runs.append((gan.history.d_loss, gan.history.g_loss))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_callbacks_see_every_step_and_the_end():
    class Recorder(Callback):
        def __init__(self):
            self.steps, self.ended = [], 0

        def on_step(self, gan):
            self.steps.append(gan.step)

        def on_end(self, gan):
            self.ended += 1

    recorder = Recorder()
    fit(toy_gan(), ToyBatches(mixture_1d(), 32), max_steps=12, callbacks=[recorder], progress=False)
    assert recorder.steps == list(range(1, 13)) and recorder.ended == 1


def test_interrupting_fit_keeps_the_run_and_still_ends_callbacks(capsys):
    class StopAtFive(Callback):
        ended = False

        def on_step(self, gan):
            if gan.step == 5:
                raise KeyboardInterrupt

        def on_end(self, gan):
            self.ended = True

    callback = StopAtFive()
    gan = toy_gan()
    fit(gan, ToyBatches(mixture_1d(), 32), max_steps=100, callbacks=[callback], progress=False)
    assert gan.step == 5 and callback.ended
    assert "Interrupted at step 5" in capsys.readouterr().out


def test_a_nan_loss_stops_training_with_advice():
    class Broken(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(1))

        def forward(self, x):
            return self.scale * x.reshape(len(x), -1).sum(1) * float("nan")

    seed_everything(0)
    gan = make_gan(MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(1,), tanh=False), Broken())
    ended = []

    class Saver(Callback):
        def on_end(self, gan):
            ended.append(gan.step)

    with pytest.raises(TrainingDiverged, match="lower learning rate"):
        fit(gan, ToyBatches(mixture_1d(), 8), max_steps=10, callbacks=[Saver()], progress=False)
    assert ended == [1]  # callbacks end, and can see the NaN; a Checkpointer then keeps its last good save
    assert not math.isfinite(gan.history.d_loss[-1])


def test_training_moves_the_toy_generator_toward_the_data():
    data = mixture_1d()
    gan = toy_gan(seed=1, lr=1e-3)
    reference = torch.sort(data.sample(2000, torch.Generator().manual_seed(0)).flatten()).values

    def distance() -> float:  # 1-D Wasserstein distance between sorted samples
        with torch.no_grad():
            fake = torch.sort(gan.generator(sample_noise(gan, 2000)).flatten()).values
        return (fake - reference).abs().mean().item()

    before = distance()
    fit(gan, ToyBatches(data, 128, seed=0), max_steps=1500, progress=False)
    assert distance() < before / 3


def test_train_step_records_history():
    gan = toy_gan()
    stats = train_step(gan, next(ToyBatches(mixture_1d(), 16)))
    assert gan.step == 1 and gan.history.d_loss == [stats["d_loss"]]
    assert set(stats) == {"d_loss", "d_real", "d_fake", "g_loss"}


def test_the_moving_average_follows_the_generator_by_one_minus_decay():
    gan = toy_gan(ema_decay=0.9)
    assert gan.sampler is gan.generator_ema and not any(p.requires_grad for p in gan.sampler.parameters())
    start = _snapshot(gan.generator_ema)
    with torch.no_grad():
        for weight in gan.generator.parameters():
            weight.add_(1.0)  # the generator moves by 1 everywhere
    update_ema(gan)
    for before, after in zip(start, gan.generator_ema.parameters()):
        torch.testing.assert_close(after, before + 0.1)  # the average by 1 - 0.9 of that


def test_training_updates_the_average_and_samples_come_from_it():
    gan = toy_gan(ema_decay=0.99)
    average_before = _snapshot(gan.generator_ema)
    fit(gan, ToyBatches(mixture_1d(), 32), max_steps=20, progress=False)
    assert _changed(average_before, gan.generator_ema)
    assert any(not torch.equal(a, g) for a, g in zip(gan.generator_ema.parameters(), gan.generator.parameters()))
    assert all(p.grad is None for p in gan.generator_ema.parameters())  # looked at, never trained
    plain = toy_gan()
    assert plain.generator_ema is None and plain.sampler is plain.generator


def test_an_impossible_ema_decay_is_refused():
    for decay in (1.0, -0.1, 2):
        with pytest.raises(ValueError, match="ema_decay"):
            toy_gan(ema_decay=decay)
