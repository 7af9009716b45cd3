"""The design-collection pieces: the letterforms collection, the convolutional pair for
small pictures, and differentiable augmentation (DiffAugment)."""

from __future__ import annotations

import dataclasses

import pytest
import torch

import ganlib
from ganlib.data.letterforms import LETTERS, load_letterforms
from ganlib.errors import InputError
from ganlib.evaluate import metrics
from ganlib.evaluate.recipes import LETTERFORMS, for_collection
from ganlib.gan.augment import cut_out, diff_augment, translate
from ganlib.gan.image_models import ImageDiscriminator, ImageGenerator


def test_letterforms_ship_whole_and_split_by_typeface():
    train, test, every = load_letterforms("train"), load_letterforms("test"), load_letterforms("all")
    assert len(train) + len(test) == len(every) == 26 * len(every.font_names)
    assert set(train.fonts.tolist()).isdisjoint(test.fonts.tolist())  # held-out typefaces are never trained on
    assert every.images.shape[1:] == (1, 32, 32) and every.images.min() == -1 and every.images.max() == 1
    alphabet = every.typeface(0)
    assert alphabet.shape == (26, 1, 32, 32) and len(LETTERS) == 26
    assert torch.equal(every.letters[every.fonts == 0], torch.arange(26))


@pytest.mark.parametrize("size, channels, classes", [(32, 1, 26), (32, 3, None), (64, 3, None), (64, 1, 5)])
def test_image_pair_makes_and_judges_pictures_of_its_size(size, channels, classes):
    generator = ImageGenerator(latent_dim=16, channels=channels, size=size, width=8, classes=classes)
    discriminator = ImageDiscriminator(channels=channels, size=size, width=8, classes=classes)
    gan = ganlib.make_gan(generator, discriminator)
    labels = None if classes is None else torch.arange(4) % classes
    real = torch.rand(4, channels, size, size) * 2 - 1
    stats = ganlib.train_step(gan, real, labels)
    assert set(stats) == {"d_loss", "d_real", "d_fake", "g_loss"}
    pictures = ganlib.generate(generator, torch.randn(3, 16), None if labels is None else labels[:3])
    assert pictures.shape == (3, channels, size, size) and pictures.abs().max() <= 1


def test_image_pair_refuses_other_sizes_and_half_conditional_pairs():
    with pytest.raises(InputError, match="32, 64"):
        ImageGenerator(size=28)
    with pytest.raises(InputError, match="conditional"):
        ganlib.make_gan(ImageGenerator(classes=26), ImageDiscriminator())


def test_augmentation_keeps_shapes_and_lets_gradients_through():
    images = (torch.rand(8, 3, 32, 32) * 2 - 1).requires_grad_(True)
    changed = diff_augment(images, "colour,translation,cutout", torch.Generator().manual_seed(0))
    assert changed.shape == images.shape
    changed.square().sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0


def test_augmentation_repeats_with_the_same_seed_and_varies_sample_by_sample():
    images = torch.rand(16, 1, 32, 32) * 2 - 1
    first = diff_augment(images, "translation,cutout", torch.Generator().manual_seed(3))
    again = diff_augment(images, "translation,cutout", torch.Generator().manual_seed(3))
    other = diff_augment(images, "translation,cutout", torch.Generator().manual_seed(4))
    assert torch.equal(first, again) and not torch.equal(first, other)
    same = diff_augment(images[:1].expand(16, -1, -1, -1), "translation", torch.Generator().manual_seed(0))
    assert len({tuple(picture.flatten().tolist()) for picture in same}) > 1  # each sample has its own shift


def test_translation_moves_the_picture_and_repeats_its_edge():
    picture = torch.arange(32.0).view(1, 1, 1, 32).expand(1, 1, 32, 32) / 16 - 1
    moved = translate(picture.repeat(20, 1, 1, 1), torch.Generator().manual_seed(1))
    shifts = (moved[:, 0, 16, 16] - picture[0, 0, 16, 16]) * 16  # columns moved, in pixels
    assert shifts.abs().max() <= 4 and shifts.abs().max() > 0
    assert moved.min() >= picture.min() and moved.max() <= picture.max()  # no new values: the edge repeats


def test_cutout_blanks_one_square_of_half_the_side():
    holes = cut_out(torch.ones(10, 1, 32, 32), torch.Generator().manual_seed(0)) == 0
    blanked = holes.flatten(1).sum(dim=1)
    assert blanked.max() == 16 * 16 and blanked.min() > 0  # a whole square, or a part of it at the border


def test_augmentation_applies_to_what_d_sees_in_both_updates(monkeypatch):
    seen = []
    import ganlib.gan.steps as steps

    def recording(images, policy, generator):
        seen.append((len(images), policy))
        return images

    monkeypatch.setattr(steps, "diff_augment", recording)
    gan = ganlib.make_gan(ImageGenerator(latent_dim=8, width=4), ImageDiscriminator(width=4), augment="translation")
    ganlib.train_step(gan, torch.rand(4, 1, 32, 32) * 2 - 1)
    assert seen == [(8, "translation"), (4, "translation")]  # real and fake in D's update, fakes in G's


def test_a_policy_that_is_not_one_is_refused():
    with pytest.raises(InputError, match="translation"):
        ganlib.make_gan(ImageGenerator(), ImageDiscriminator(), augment="flip")


def test_recipes_for_a_collection_depend_on_its_size():
    few, many = for_collection(200), for_collection(20_000, channels=3, size=64)
    assert few.batch_size == 25 and "cutout" in few.augment and "colour" in few.augment
    assert many.batch_size == 64 and "colour" not in many.augment
    assert many.build().generator.out_shape == (3, 64, 64)
    assert LETTERFORMS.build().generator.classes == 26


def test_letter_metrics_read_letters():
    letters = load_letterforms("test")
    seen = metrics.classify(letters.images[:260], "letterforms")
    assert metrics.class_histogram(seen.probabilities).tolist() == [10] * 26
    shifted = dataclasses.replace(LETTERFORMS).build()
    samples = metrics.sample_generator(shifted.sampler, 52)
    assert metrics.score(samples, seen, classifier="letterforms").samples == 52
    with pytest.raises(InputError, match="1, 32, 32"):
        metrics.classify(torch.zeros(2, 1, 28, 28), "letterforms")


def test_the_shipped_typeface_studio_draws_legible_alphabets_as_recorded():
    made = ganlib.pretrained.record("letterforms_studio")
    generator = ganlib.pretrained.load_generator("letterforms_studio")
    held_out = load_letterforms("test")
    reference = metrics.classify(held_out.images, "letterforms")
    figures = metrics.score(metrics.sample_generator(generator, 2600, seed=1), reference, classifier="letterforms")
    assert figures.confidence > 0.8 and figures.entropy_bits > 4.4  # log2(26) = 4.70 for all letters alike
    assert figures.frechet < 3 * made["figures"]["frechet"] and made["collection"] == "letterforms"
    alphabet = ganlib.generate(generator, torch.randn(1, generator.latent_dim).expand(26, -1), torch.arange(26))
    read = metrics.classify(alphabet, "letterforms").probabilities.argmax(dim=1)
    assert (read == torch.arange(26)).float().mean() >= 0.8  # one noise vector, one alphabet
