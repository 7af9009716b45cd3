"""One training step of a GAN, as the algorithm writes it.

The algorithm (the source text's steps 1-6) maps onto these functions:

    1. initialise G and D              gan = make_gan(generator, discriminator)
    2. sample a batch of real data     real = next(batches)
    3. sample noise, make fakes        z = sample_noise(gan, len(real)); fake = gan.generator(z)
    4. update D on real vs fake        discriminator_step(gan, real, fake)
    5. update G to fool D              generator_step(gan, fake)
    5b. keep G's average (optional)    update_ema(gan)
    6. repeat                          fit(gan, batches, max_steps=...)

`train_step` is steps 3 to 5b for one batch, and `fit` (in `ganlib.gan.fit`) repeats it.
Whatever the game (`gan.loss`, see `ganlib.gan.losses`), the steps are the same; only the
two loss functions differ. The Wasserstein game adds the gradient penalty to D's loss,
and usually several D updates for each of G's (`gan.critic_steps`).
Both update functions read top to bottom like the textbook: score, loss, zero the
gradients, backward, step. Three speed-ups keep the maths and each sits in one commented
place: the fakes of step 3 serve both updates, so G runs forward once per step; D scores
real and fake in one batched pass; and in G's update D's weights are frozen, so the
backward pass skips D's own weight gradients. Forward passes run under `gan.autocast()`,
which is bfloat16 where the processor is fast at it and a no-op otherwise.
"""

from __future__ import annotations

import time

import torch
from torch import nn

from ganlib import checks
from ganlib.errors import InputError
from ganlib.gan.augment import diff_augment
from ganlib.gan.game import GAN, check_gan, checked_labels, sample_noise
from ganlib.gan.losses import discriminator_loss, generator_loss, gradient_penalty, r1_penalty, verdicts


def discriminator_step(
    gan: GAN, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None = None
) -> dict[str, float]:
    """Step 4: one update of D, to score `real` as real and `fake` as fake (1 and 0 in the
    2014 game; in the others, as its loss defines them).

    For a conditional GAN, `labels` are the digits of the real batch, and the fakes were
    made for the same digits. With `gan.r1_gamma` or `gan.gp_weight` above 0, D's loss also
    carries the R1 penalty or the gradient penalty (`ganlib.gan.losses`). Returns the game's
    loss (without the penalties) and D's mean verdicts on real and fake: the probabilities
    D(x) and D(G(z)) in the 2014 game, the raw scores in the others.
    """
    real, labels = check_batch(gan, real, labels)
    fake = check_fakes(gan, fake, len(real)).detach()  # detached: this step must not change G
    if gan.r1_gamma > 0:  # the R1 penalty differentiates D's scores with respect to the real images
        real = real.detach().requires_grad_(True)
    with gan.autocast():
        if gan.d_has_batch_norm:  # batch statistics must not mix real and fake: two passes
            real_logits, fake_logits = _judge(gan, real, labels), _judge(gan, fake, labels)
        else:  # one pass over both batches: one product of 2B rows is faster than two of B
            both_labels = None if labels is None else torch.cat([labels, labels])
            logits = _judge(gan, torch.cat([real, fake.to(real.dtype)]), both_labels)
            real_logits, fake_logits = logits[: len(real)], logits[len(real) :]
    game_loss = discriminator_loss(real_logits.float(), fake_logits.float(), gan.loss, gan.real_label)
    loss = game_loss
    if gan.r1_gamma > 0:
        loss = loss + gan.r1_gamma / 2 * r1_penalty(real_logits.float(), real)
    if gan.gp_weight > 0:  # the critic's slope on the lines between real and fake (WGAN-GP)
        loss = loss + gan.gp_weight * gradient_penalty(lambda x: _judge(gan, x, labels), real, fake, gan.noise_rng)
    if torch.isfinite(loss):  # a NaN must never reach the weights (fit stops on it instead)
        gan.d_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        gan.d_optimizer.step()
    return {
        "d_loss": game_loss.item(),  # the game's loss alone, comparable with or without a penalty
        "d_real": verdicts(real_logits.detach().float(), gan.loss).mean().item(),
        "d_fake": verdicts(fake_logits.detach().float(), gan.loss).mean().item(),
    }


def generator_step(gan: GAN, fake: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
    """Step 5: one update of G, to make D score its fakes as real.

    D has just been updated, so it scores the same fakes again. Gradients flow back
    through D into G, but only G's optimiser steps: D is held fixed here.
    """
    fake = check_fakes(gan, fake, needs_gradient=True)
    labels = checked_labels(gan.generator, labels, len(fake), gan.device)
    gan.discriminator.requires_grad_(False)  # D's own weight gradients would be wasted work
    try:
        with gan.autocast():
            logits = _judge(gan, fake, labels)
    finally:
        gan.discriminator.requires_grad_(True)
    loss = generator_loss(logits.float(), gan.loss)
    if torch.isfinite(loss):  # a NaN must never reach the weights
        gan.g_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        gan.g_optimizer.step()
    return {"g_loss": loss.item()}


@torch.no_grad()
def update_ema(gan: GAN) -> None:
    """Step 5b (optional): move the averaged generator a little toward the generator.

    For every weight, average <- decay * average + (1 - decay) * weight. With decay 0.995
    each step moves the average 0.5% of the way, so it remembers roughly the last
    1 / (1 - 0.995) = 200 steps. Buffers (batch normalisation's running statistics) are
    copied as they are.
    """
    check_gan(gan, "update_ema")
    if gan.generator_ema is None:
        return
    for average, weight in zip(gan.generator_ema.parameters(), gan.generator.parameters()):
        average.lerp_(weight, 1 - gan.ema_decay)
    for average, buffer in zip(gan.generator_ema.buffers(), gan.generator.buffers()):
        average.copy_(buffer)


def train_step(gan: GAN, real: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
    """Steps 3 to 5b for one batch of real data; records the step in `gan.history`.

    For a conditional GAN, pass the batch's `labels`: the fakes are made for the same
    digits, so D compares real and fake examples of each digit. With `gan.critic_steps` = k
    above 1, `real` holds k batches one after the other (`fit` draws them): D first takes an
    update on each of the first k - 1 with fresh fakes, then the step goes on as usual with
    the last one.
    """
    real, labels = check_batch(gan, real, labels)
    started = time.perf_counter()
    real_parts, label_parts = _critic_batches(gan, real, labels)
    for part, part_labels in zip(real_parts[:-1], label_parts[:-1]):  # the extra critic updates
        with torch.no_grad(), gan.autocast():
            extra_fake = _fakes(gan, len(part), part_labels)
        discriminator_step(gan, part, extra_fake, part_labels)
    real, labels = real_parts[-1], label_parts[-1]
    with gan.autocast():
        fake = _fakes(gan, len(real), labels)  # used by both updates
    stats = discriminator_step(gan, real, fake, labels)
    stats |= generator_step(gan, fake, labels)
    update_ema(gan)
    gan.step += 1
    gan.train_seconds += time.perf_counter() - started
    gan.history.append(gan.step, gan.train_seconds, stats)
    return stats


# --- what the steps use -----------------------------------------------------------------


def _critic_batches(gan: GAN, real: torch.Tensor, labels: torch.Tensor | None) -> tuple[list, list]:
    """`real` (and `labels`) cut into `gan.critic_steps` equal batches, one per D update."""
    steps = gan.critic_steps
    if steps == 1:
        return [real], [labels]
    if len(real) % steps:
        raise InputError(f"This GAN gives D {steps} updates per step, each on a batch of its own, so a step needs "
                         f"{steps} batches of the same size, one after the other; got {len(real)} examples. "
                         "ganlib.fit draws them for you.")
    parts = list(real.chunk(steps))
    return parts, ([None] * steps if labels is None else list(labels.chunk(steps)))


def _fakes(gan: GAN, count: int, labels: torch.Tensor | None) -> torch.Tensor:
    """Steps 3 and 5a's fakes: `count` fresh noise vectors through G (for `labels`' digits,
    in a conditional GAN)."""
    z = sample_noise(gan, count)
    return gan.generator(z) if labels is None else gan.generator(z, labels)


def _judge(gan: GAN, images: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    """D's logits for `images` (and their labels, for a conditional D), after the GAN's
    augmentation (DiffAugment: the same kinds of random change for real and fake) and its
    instance noise: Gaussian noise that makes real and fake overlap a little, so D cannot
    separate them perfectly and its gradients stay smooth."""
    if gan.augment:
        images = diff_augment(images, gan.augment, gan.noise_rng)
    if gan.instance_noise > 0:
        noise = torch.randn(images.shape, generator=gan.noise_rng, device=images.device, dtype=images.dtype)
        images = images + gan.instance_noise * noise
    return gan.discriminator(images) if labels is None else gan.discriminator(images, labels)


def check_batch(gan: GAN, real, labels=None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """A training batch (and its labels) as the steps need them, or a clear InputError: a
    float tensor on the GAN's device, of the shape D takes, finite, and, for images, with
    pixels in `gan.image_range` ([-1, 1]: the range of the generator's Tanh)."""
    check_gan(gan, "A training step")
    if isinstance(real, (list, tuple)):
        raise InputError("A step takes the images and the labels as two arguments: train_step(gan, *batch).")
    real = checks.tensor(real, "the batch")
    expected = getattr(gan.discriminator, "in_shape", None)
    if expected is not None and tuple(real.shape[1:]) != tuple(expected):
        kind = "images" if len(expected) == 3 else "samples"
        raise InputError(
            f"The discriminator expects {kind} of shape {tuple(expected)}, but the batch holds "
            f"{tuple(real.shape[1:])}. Pass batches of the data the networks were built for."
        )
    if len(real) == 0:
        raise InputError("The batch is empty: every training step needs at least one real example.")
    if len(real) == 1 and any(isinstance(m, nn.modules.batchnorm._BatchNorm)
                              for network in (gan.generator, gan.discriminator) for m in network.modules()):
        raise InputError("A batch of one cannot be normalised (these networks use batch normalisation): "
                         "use batches of 2 or more.")
    if real.dim() == 4:  # images: check the pixel range
        real = checks.images(real, "the training images", value_range=gan.image_range)
        if gan.image_range == (-1.0, 1.0):
            checks.not_zero_to_one(real, "the training images",
                                   "To train on [0, 1] on purpose, make the GAN with image_range=(0, 1).")
    elif not real.is_floating_point():
        raise InputError(f"The batch must hold floats; got {real.dtype}. Convert it with .float().")
    else:
        real = checks.finite(real.float(), "the batch")
    return real.to(gan.device), checked_labels(gan.generator, labels, len(real), gan.device)


def check_fakes(gan: GAN, fake, count: int | None = None, needs_gradient: bool = False) -> torch.Tensor:
    """The generator's samples as the steps need them: a float tensor of the shape D takes
    (and `count` of them, as many as the real batch), still attached to G's computation if
    G is to learn from them; or a clear InputError."""
    check_gan(gan, "A training step")
    fake = checks.tensor(fake, "the fakes")
    expected = getattr(gan.discriminator, "in_shape", None)
    if (expected is not None and tuple(fake.shape[1:]) != tuple(expected)) or (count is not None and len(fake) != count):
        wanted = f"({count if count is not None else 'N'}, {', '.join(map(str, expected or ('...',)))})"
        raise InputError(f"The fakes must be the generator's samples, of shape {wanted}; got {tuple(fake.shape)}. "
                         "Make them with gan.generator(ganlib.sample_noise(gan, len(real))).")
    if not fake.is_floating_point():
        raise InputError(f"The fakes must hold floats; got {fake.dtype}.")
    if needs_gradient and not fake.requires_grad:
        raise InputError("These fakes carry no gradient, so G cannot learn from them: make them with "
                         "gan.generator(z) (ganlib.generate is for looking at samples, without gradients).")
    return fake
