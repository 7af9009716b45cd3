"""A creative session on design material: what it trains on, what a noise vector draws,
and how a team's favourites are reviewed.

Notebook 08 runs one session in two ways: on the letterforms that ship with the workbook
(a typeface studio, where the letter is the label and the style lives in the noise) or
on a folder of the team's own pictures (no labels: the noise is everything). Both come
as a `Material`, so the rest of the session is the same code:

    material = load_material("")                 # the letterforms; or "our-packaging/", or "photos.zip"
    recipe = settings_for(material)              # the GAN's settings, from the material
    draw(generator, z, "QUAY")                   # what each noise vector draws (a word, for letters)
    review(generator, z, [3, 11], material, "QUAY")   # the team's picks: new, or near-copies?
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import torch
from torch import nn

from ganlib import checks
from ganlib.data.folder import load_image_folder
from ganlib.data.letterforms import LETTERS, load_letterforms
from ganlib.errors import InputError
from ganlib.evaluate import metrics
from ganlib.evaluate.copies import copy_check, near_copy_line, nearest
from ganlib.evaluate.recipes import LETTERFORMS, Recipe, for_collection
from ganlib.gan.game import generate

LETTERFORMS_RIGHTS = (
    "The letterforms are pictures of letters set in typefaces under open licences (OFL, GPL with or without the "
    "font exception, Apache, Bitstream Vera and others: ganlib/datasets/letterforms/SOURCES.md lists each typeface "
    "and its licence). Those licences govern the fonts as software; pictures of letters set in a font are generally "
    "free to use. Letters a generator invents may go into design drafts; before a font file is made of letters "
    "close to one typeface, read that typeface's licence (and the OFL's reserved names)."
)

OWN_RIGHTS = (
    "Your own pictures: train only on pictures your team may use for this (its own work, or licensed for it), "
    "and treat what the generator makes as derived from them."
)


@dataclass
class Material:
    """What a creative session trains on and compares its ideas with.

    `images` (N, C, S, S) in [-1, 1]; `labels` the letter (0-25) of each picture for the
    letterforms, None for a team's own pictures; `sources[i]` where picture i came from
    (its typeface, or its file); `classifier` the name of the classifier that can read
    the pictures ("letterforms"), or None; `rights` what may be done with the pictures
    and with what a generator makes from them; `summary` what was read, in a few lines.
    """

    name: str
    images: torch.Tensor
    labels: torch.Tensor | None
    sources: list[str]
    classifier: str | None
    rights: str
    summary: str

    def __len__(self) -> int:
        return len(self.images)

    @property
    def run_name(self) -> str:
        """A training run's folder name for this material ("design-letterforms"): another
        collection trains in another folder, never on top of this one's run."""
        return ("design-" + re.sub(r"[^\w.-]+", "-", self.name).strip(".-"))[:100]


def load_material(source: str = "", size: int = 32, colour: bool = False, fit: str = "crop",
                  min_images: int = 50) -> Material:
    """The letterforms' training typefaces when `source` is "", else the pictures in the
    folder or .zip file `source`, prepared by `ganlib.data.folder.load_image_folder` with
    `size`, `colour`, `fit` and `min_images` (which the letterforms do not need)."""
    if not isinstance(source, str):
        source = str(checks.path(source, "source"))
    if source.strip() == "":
        letters, held_out = load_letterforms("train"), load_letterforms("test")
        typefaces = len(set(letters.fonts.tolist()))
        return Material(
            name="letterforms", images=letters.images, labels=letters.letters,
            sources=[letters.font_names[i] for i in letters.fonts.tolist()], classifier="letterforms",
            rights=LETTERFORMS_RIGHTS,
            summary=(f"The letterforms: {len(letters):,} letters, A to Z in {typefaces} typefaces (32 × 32, "
                     f"greyscale); the {len(held_out):,} letters of {len(set(held_out.fonts.tolist()))} more "
                     "typefaces are held out for measuring."),
        )
    collection = load_image_folder(source, size=size, colour=colour, fit=fit, min_images=min_images)
    return Material(
        name=collection.source.name, images=collection.images, labels=None, sources=collection.names,
        classifier=None, rights=OWN_RIGHTS, summary=collection.summary(),
    )


def settings_for(material: Material) -> Recipe:
    """The GAN's settings for `material`: the typeface studio's recipe for the letterforms
    (conditional, no augmentation: 13,026 letters are plenty), else `for_collection`, which
    chooses from the number of pictures (DiffAugment below 2,000 of them)."""
    if material.labels is not None:
        return LETTERFORMS
    channels, size = material.images.shape[1], material.images.shape[-1]
    return for_collection(len(material), channels=channels, size=size)


def draw(generator: nn.Module, z: torch.Tensor, text: str | None = None) -> torch.Tensor:
    """What each noise vector in `z` (N, latent_dim) draws: for a generator without labels,
    its picture (N, C, S, S); for the typeface studio (a generator with 26 classes), the
    letters of `text` in that vector's style, side by side as one picture (N, 1, S, S·len(text)),
    with a black gap for each space. A generator without labels ignores `text`."""
    classes = getattr(generator, "classes", None)
    if classes is None:
        return generate(generator, z)
    if classes != len(LETTERS):
        raise InputError(f"draw writes words with a generator of the 26 letters; this one has {classes} classes. "
                         "Use ganlib.generate(generator, z, labels) for it.")
    z = checks.noise(z, generator.latent_dim)
    letters = _letters_of(text)
    asked = [LETTERS.index(letter) for letter in letters if letter != " "]
    drawn = generate(generator, z.repeat_interleave(len(asked), dim=0), torch.tensor(asked * len(z)))
    drawn = drawn.view(len(z), len(asked), *drawn.shape[1:])
    tiles, next_letter = [], 0
    for letter in letters:
        if letter == " ":
            tiles.append(torch.full_like(drawn[:, 0], -1.0))
        else:
            tiles.append(drawn[:, next_letter])
            next_letter += 1
    return torch.cat(tiles, dim=-1)


def alphabet(generator: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """The 26 letters, A to Z, that the typeface studio draws from one noise vector `z`
    (latent_dim,): a whole new alphabet in one style, (26, 1, S, S)."""
    z = checks.latent_vector(z, generator.latent_dim)
    return generate(generator, z.expand(len(LETTERS), -1), torch.arange(len(LETTERS)))


def _letters_of(text) -> str:
    """`text` in capitals, checked: letters A-Z and spaces, at least one letter."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"The typeface studio draws a word: give text such as \"QUAY\"; got {text!r}.")
    letters = text.upper()
    unknown = sorted({character for character in letters if character != " " and character not in LETTERS})
    if unknown:
        raise InputError(f"The typeface studio knows the letters A to Z (and spaces); {text!r} also has "
                         f"{', '.join(map(repr, unknown))}.")
    return letters


def with_nearest(generator: nn.Module, z: torch.Tensor, numbers: list[int], material: Material,
                 text: str | None = None) -> torch.Tensor:
    """Each idea `numbers` of the board `z` as `draw` draws it, and under it the nearest
    training picture of each of its pictures, placed the same way: (2 · len(numbers), C,
    S, W) pictures, to show one a row. What "creating or copying?" looks like."""
    drawings = draw(generator, z[list(numbers)], text)
    size = material.images.shape[-1]
    if drawings.shape[-2] != size or drawings.shape[1:-1] != material.images.shape[1:-1]:
        raise InputError(f"The generator draws pictures of {tuple(drawings.shape[1:])}, the material holds "
                         f"{tuple(material.images.shape[1:])}: compare a generator with the material it was trained on.")
    blanks = [letter == " " for letter in _letters_of(text)] if getattr(generator, "classes", None) else [False]
    rows = []
    for drawing in drawings:
        tiles = torch.stack(drawing.split(size, dim=-1))  # its pictures: the letters of the word, or itself
        index, _ = nearest(tiles.flatten(1), material.images.flatten(1))
        closest = material.images[index[:, 0]]
        closest[torch.tensor(blanks)] = -1.0  # a space stays a space
        rows += [drawing, torch.cat(list(closest), dim=-1)]
    return torch.stack(rows)


@dataclass
class Review:
    """What the measures say of one idea from the board.

    `number` is its place on the board; `legibility` the share of its letters that the
    letter classifier reads as the letter asked for (None without a classifier);
    `distance` the median pixel distance from its pictures to their nearest training
    pictures; `near_copies` how many of its `pictures` are nearer than the collection's
    near-copy line (`ganlib.evaluate.copies`); `closest` the source that most of its
    nearest training pictures come from, and `closest_count` how many.
    """

    number: int
    legibility: float | None
    distance: float
    near_copies: int
    pictures: int
    closest: str
    closest_count: int

    @property
    def verdict(self) -> str:
        if self.near_copies == 0:
            return "new"
        if self.near_copies * 2 < self.pictures:
            return f"new, but {self.near_copies} near-copies"
        return "near-copy"


def check_picks(picks, board_size: int, name: str = "the picks") -> list[int]:
    """`picks` as a list of 2 to 6 different places on a board of `board_size` ideas."""
    if not isinstance(picks, (list, tuple)) or not 2 <= len(picks) <= 6:
        raise InputError(f"{name} lists 2 to 6 ideas by their number on the board, best first, such as [3, 10, 17]; "
                         f"got {picks!r}.")
    picks = [checks.whole_number(pick, f"each of {name}", 0, board_size - 1) for pick in picks]
    if len(set(picks)) < len(picks):
        raise InputError(f"{name} names an idea twice: {picks}. Each idea once, best first.")
    return picks


def review(generator: nn.Module, z: torch.Tensor, numbers: list[int], material: Material,
           line: float | None = None) -> list[Review]:
    """Review the ideas `numbers` of the board `z` (N, latent_dim) against `material`. For
    the typeface studio each idea is its whole alphabet (26 letters); for own pictures it
    is its one picture. `line` is the near-copy line (measured from the material if None)."""
    z = checks.noise(z, generator.latent_dim)
    numbers = check_picks(numbers, len(z), "numbers")
    line = near_copy_line(material.images) if line is None else line
    reviews = []
    for number in numbers:
        if material.labels is not None:
            pictures = alphabet(generator, z[number])
            read = metrics.classify(pictures, material.classifier).probabilities.argmax(dim=1)
            legibility = (read == torch.arange(len(LETTERS))).float().mean().item()
        else:
            pictures, legibility = generate(generator, z[number : number + 1]), None
        check = copy_check(pictures, material.images, line=line)
        closest, count = Counter(material.sources[i] for i in check.nearest.tolist()).most_common(1)[0]
        reviews.append(Review(number, legibility, check.distance.median().item(), int(check.near_copy.sum()),
                              len(pictures), closest, count))
    return reviews


def review_table(reviews: list[Review]) -> str:
    """The reviews as a table, one idea a line, in the order given (the team's ranking)."""
    lines = [f"{'rank':>4}  {'idea':>4}  {'legible':>7}  {'distance':>8}  {'near-copies':>11}  verdict{'':20}closest source"]
    for rank, item in enumerate(reviews, start=1):
        legible = "-" if item.legibility is None else f"{item.legibility:.0%}"
        near = f"{item.near_copies} of {item.pictures}"
        lines.append(f"{rank:>4}  {item.number:>4}  {legible:>7}  {item.distance:8.1f}  {near:>11}  {item.verdict:27}"
                     f"{item.closest}" + (f" ({item.closest_count} of {item.pictures})" if item.pictures > 1 else ""))
    return "\n".join(lines)
