"""The exercise checks of notebook 02, the algorithm."""

from __future__ import annotations

from typing import Callable

import torch

from ganlib.data.toy import ToyBatches, modes_covered, ring
from ganlib.gan.game import GAN, make_toy_gan, sample_noise
from ganlib.gan.losses import discriminator_loss
from ganlib.gan.steps import train_step
from ganlib.workbook.exercises.feedback import Feedback, Waiting, exercise, gan_of


@exercise(waiting_for="your function")
def check_02_discriminator_loss(my_loss: Callable) -> Feedback:
    rng = torch.Generator().manual_seed(0)
    for _ in range(3):
        real, fake = torch.randn(16, generator=rng) * 3, torch.randn(16, generator=rng) * 3
        theirs, ours = my_loss(real, fake), discriminator_loss(real, fake)
        if theirs is None:
            return Waiting("the body of your function (it returns nothing yet)")
        if not torch.is_tensor(theirs) or theirs.shape != ():
            return Feedback(False, "your function should return one number (a 0-dimensional tensor).",
                            "binary_cross_entropy_with_logits averages over the batch by default.")
        if torch.isclose(theirs, 2 * ours, rtol=1e-4):
            return Feedback(False, "your loss is twice ganlib's.", "Average the real and the fake terms (× 0.5).")
        if torch.isclose(theirs, discriminator_loss(fake, real), rtol=1e-4):
            return Feedback(False, "the labels are swapped.", "Real logits get target 1, fake logits target 0.")
        if not torch.isclose(theirs, ours, rtol=1e-4):
            return Feedback(False, f"got {theirs.item():.4f}, expected {ours.item():.4f}.",
                            "Use F.binary_cross_entropy_with_logits(logits, targets) for each half.")
    return Feedback(True, "your loss equals ganlib's discriminator_loss on random logits.")


@exercise(waiting_for="your function")
def check_02_train_step(my_train_step: Callable) -> Feedback:
    data = ring()
    fresh = make_toy_gan(2, seed=3)
    untrained = [p.detach().clone() for p in (*fresh.generator.parameters(), *fresh.discriminator.parameters())]
    results = []
    for step_function in (my_train_step, train_step):
        gan = make_toy_gan(2, seed=3)
        batches = ToyBatches(data, 64, seed=3)
        for _ in range(3):
            step_function(gan, next(batches))
        results.append([p.detach().clone() for p in (*gan.generator.parameters(), *gan.discriminator.parameters())])
    n = len(untrained) - len(list(fresh.discriminator.parameters()))  # G's tensors come first
    mine, reference = results
    if all(torch.equal(a, b) for a, b in zip(mine, untrained)):
        return Waiting("the body of your function (it does not train the GAN yet)")
    for network, now, before in (("generator", mine[:n], untrained[:n]), ("discriminator", mine[n:], untrained[n:])):
        if all(torch.equal(a, b) for a, b in zip(now, before)):
            return Feedback(False, f"your step never changes the {network}.",
                            "A training step updates both: D's loss, gan.d_optimizer.zero_grad(), d_loss.backward(), "
                            "gan.d_optimizer.step(); then the same for G's loss with gan.g_optimizer.")
    g_same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(mine[:n], reference[:n]))
    d_same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(mine[n:], reference[n:]))
    if g_same and d_same:
        return Feedback(True, "three of your steps leave both networks exactly where ganlib's train_step leaves them.")
    if not d_same and not g_same:
        return Feedback(False, "both networks end up different from ganlib's.",
                        "Order matters: noise → fakes → D's update on real and fake.detach() → G's update on the same "
                        "fakes, scored by the updated D with target 1.")
    return Feedback(False, f"the {'generator' if not g_same else 'discriminator'} ends up different from ganlib's.",
                    "Make the fakes once per step and use the same fakes in both updates; D's loss is "
                    "0.5 · (BCE(real, 1) + BCE(fake, 0)), G's is BCE(D's logits for the fakes, 1).")


@exercise(waiting_for="your trained GAN")
def check_02_no_collapse(gan: GAN) -> Feedback:
    gan = gan_of(gan, 2, "the 2-D GAN you trained on the ring")
    covered = modes_covered(gan.generator(sample_noise(gan, 2000)).detach(), ring())
    if covered == 8:
        return Feedback(True, f"all 8 modes covered after {gan.step:,} steps. No collapse.")
    return Feedback(False, f"{covered} of 8 modes covered after {gan.step:,} steps.",
                    "Give D the same learning rate as G (d_lr=None) and G the healthy run's size (latent_dim=2, "
                    "hidden=(64, 64)), and train a few thousand steps.")
