"""The creative session of notebook 08: the material, what a noise vector draws, the copy
check and the review of a team's picks, directions for a conditional generator, labelled
exports in colour, the evolution board of words, and the notebook's exercise checks."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import ganlib
from ganlib.creative import latent, provenance, studio
from ganlib.creative.evolution import Evolution
from ganlib.data.letterforms import LETTERS, load_letterforms
from ganlib.errors import DataError, InputError
from ganlib.evaluate import copies
from ganlib.evaluate.recipes import LETTERFORMS
from ganlib.gan.image_models import ImageGenerator
from ganlib.workbook import widgets
from ganlib.workbook.exercises import check_08_direction, check_08_exported, check_08_near_copy_line
from ganlib.workbook.exercises.feedback import RIGHT


@pytest.fixture(scope="module")
def letters() -> studio.Material:
    return studio.load_material("")


@pytest.fixture(scope="module")
def typeface_studio() -> nn.Module:
    return ganlib.pretrained.load_generator("letterforms_studio")


class Copier(nn.Module):
    """A "generator" that hands back one training typeface's letters, whatever the noise."""

    def __init__(self, alphabet: torch.Tensor) -> None:
        super().__init__()
        self.latent_dim, self.classes = 100, 26
        self.alphabet = alphabet
        self.weight = nn.Parameter(torch.zeros(1))  # generate() looks up the device of a parameter

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.alphabet[labels]


def test_the_letterforms_material_has_labels_sources_a_classifier_and_its_rights(letters):
    assert len(letters) == 13_026 and letters.labels is not None and letters.classifier == "letterforms"
    assert len(letters.sources) == len(letters) and letters.run_name == "design-letterforms"
    assert "13,026 letters" in letters.summary and "held out" in letters.summary
    assert "SOURCES.md" in letters.rights
    assert studio.settings_for(letters) == LETTERFORMS


def test_a_folder_becomes_material_with_settings_for_few_pictures(shapes_folder):
    material = studio.load_material(str(shapes_folder), colour=True)
    assert material.images.shape == (60, 3, 32, 32) and material.labels is None and material.classifier is None
    assert material.run_name == "design-our-designs"  # a plain folder name, whatever the source is called
    assert material.sources[0] == "design-000.png" and "Used 60 of 61 files" in material.summary
    recipe = studio.settings_for(material)
    assert recipe.augment == "colour,translation,cutout" and recipe.batch_size == 16
    gan = recipe.build()
    assert ganlib.generate(gan.sampler, torch.randn(2, 100)).shape == (2, 3, 32, 32)


def test_too_few_pictures_are_refused_with_what_to_do(tmp_path, shapes_drawer):
    with pytest.raises(DataError, match="at least 50 — add more images"):
        studio.load_material(str(shapes_drawer(tmp_path / "few", count=20)))


def test_draw_sets_a_word_in_each_style_with_spaces(typeface_studio):
    z = torch.randn(3, 100, generator=torch.Generator().manual_seed(0))
    words = studio.draw(typeface_studio, z, "qu ay")
    assert words.shape == (3, 1, 32, 5 * 32)
    assert torch.all(words[..., 64:96] == -1)  # the space is black
    q = ganlib.generate(typeface_studio, z, torch.full((3,), LETTERS.index("Q")))
    assert torch.allclose(words[..., :32], q, atol=1e-5)  # the first letter is the studio's Q of each style
    alphabet = studio.alphabet(typeface_studio, z[1])
    assert alphabet.shape == (26, 1, 32, 32) and torch.allclose(alphabet[LETTERS.index("A")], words[1, :, :, 96:128], atol=1e-5)


def test_draw_refuses_what_it_cannot_write_and_ignores_text_without_labels(typeface_studio):
    for text, message in ((None, "give text"), ("", "give text"), ("CAFÉ 2", "also has '2', 'É'")):
        with pytest.raises(InputError, match=message):
            studio.draw(typeface_studio, torch.randn(1, 100), text)
    plain = ImageGenerator(latent_dim=16, width=8)
    assert studio.draw(plain, torch.randn(2, 16), "QUAY").shape == (2, 1, 32, 32)


def test_the_near_copy_line_sits_between_copies_and_new_pictures(letters):
    line = copies.near_copy_line(letters.images)
    assert 0 < line < 5
    held_out = load_letterforms("test").images
    trained = copies.copy_check(letters.images[:200], letters.images, line=line)
    new = copies.copy_check(held_out, letters.images, line=line)
    assert trained.near_copy.all() and trained.distance.max() == 0
    assert torch.equal(letters.images[trained.nearest], letters.images[:200])  # itself, or a letter drawn the same
    assert new.near_copy.float().mean() < 0.1  # typefaces never trained on are new, nearly all of their letters
    with pytest.raises(InputError, match="same size"):
        copies.copy_check(torch.zeros(2, 1, 28, 28), letters.images, line=line)


def test_the_review_passes_the_studios_ideas_and_catches_a_copier(letters, typeface_studio):
    board = torch.randn(12, 100, generator=torch.Generator().manual_seed(0))
    line = copies.near_copy_line(letters.images)
    reviews = studio.review(typeface_studio, board, [3, 10, 5], letters, line=line)
    assert [r.number for r in reviews] == [3, 10, 5]
    assert all(r.legibility >= 0.8 and r.verdict == "new" and r.distance > 2 * line for r in reviews)
    typeface = letters.sources[0]
    copier = Copier(letters.images[[letters.sources[i] == typeface for i in range(len(letters))]])
    copied = studio.review(copier, board, [0, 1], letters, line=line)[0]
    assert copied.near_copies == 26 and copied.verdict == "near-copy" and copied.legibility > 0.9
    assert (copied.closest, copied.closest_count) == (typeface, 26)
    table = studio.review_table(reviews + [copied])
    assert "near-copy" in table and f"{typeface} (26 of 26)" in table
    pairs = studio.with_nearest(copier, board, [0, 1], letters, "AB")
    assert torch.equal(pairs[0], pairs[1])  # a copy looks exactly like its nearest training letters


def test_picks_are_checked(letters, typeface_studio):
    board = torch.randn(12, 100)
    for picks, message in (([3], "2 to 6"), ([3, 12], "from 0 to 11"), ([3, 3], "twice"), ("3, 4", "2 to 6")):
        with pytest.raises(InputError, match=message):
            studio.review(typeface_studio, board, picks, letters)


def test_a_direction_for_a_conditional_generator_adds_its_property(typeface_studio):
    heavier = latent.direction_of(typeface_studio, latent.ink, n=600, seed=0)
    z = torch.randn(50, 100, generator=torch.Generator().manual_seed(1))
    labels = torch.arange(50) % 26
    light, heavy = (latent.ink(ganlib.generate(typeface_studio, z + t * heavier, labels)).mean() for t in (-1, 1))
    assert heavy > light + 0.02


def test_labelled_exports_keep_colour_and_details(tmp_path):
    picture = torch.rand(3, 8, 12) * 2 - 1
    path = provenance.save_labelled_png(picture, tmp_path / "idea.png", model="design-ours", seed=4, scale=2,
                                        details={"board number": 17, "trained on": "our designs"})
    label = provenance.read_label(path)
    assert label["board number"] == 17 and label["trained on"] == "our designs" and label["generated"] is True
    import PIL.Image

    with PIL.Image.open(path) as saved:
        assert saved.mode == "RGB" and saved.size == (24, 16)
    for details, message in (({"seed": 1}, "recorded already"), ({"x": [1]}, "short text or number"), ("x", "dictionary")):
        with pytest.raises(InputError, match=message):
            provenance.save_labelled_png(picture, tmp_path / "other.png", model="m", seed=0, details=details)


def test_the_evolution_board_shows_words_as_wide_pictures(typeface_studio):
    board = widgets.evolution_board(typeface_studio, Evolution(100, size=4), columns=2, text="QUAY")
    images = board.children[1].children
    assert len(images) == 4 and images[0].children[0].layout.width == "336px"
    with pytest.raises(InputError, match="give text"):
        widgets.evolution_board(typeface_studio, Evolution(100, size=4))


def test_the_exercise_checks_pass_their_solutions_and_name_the_usual_mistakes(letters, typeface_studio, tmp_path):
    sample = letters.images[:500]
    distances = copies.nearest(sample.flatten(1), letters.images.flatten(1), k=2)[1]
    right = check_08_near_copy_line(torch.quantile(distances[:, 1], 0.05).item(), sample, letters.images, 0.9)
    assert repr(right).startswith(RIGHT)
    assert "itself" in repr(check_08_near_copy_line(0.0, sample, letters.images, 0.9))

    board = torch.randn(12, 100, generator=torch.Generator().manual_seed(0))
    path = provenance.save_labelled_png(studio.draw(typeface_studio, board[10:11], "QUAY")[0], tmp_path / "idea.png",
                                        model="letterforms_studio", seed=0,
                                        details={"board number": 10, "trained on": "letterforms"})
    assert repr(check_08_exported(path, 10)).startswith(RIGHT)
    assert "board number 10" in repr(check_08_exported(path, 3))

    def width(images):
        return (images > 0).any(dim=2).float().mean(dim=(1, 2))

    wider = latent.direction_of(typeface_studio, width, n=1000, seed=0)
    assert repr(check_08_direction(width, wider, typeface_studio)).startswith(RIGHT)
    assert "falls" in repr(check_08_direction(width, -wider, typeface_studio))
