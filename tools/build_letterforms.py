"""Build the letterforms collection: the capital letters A-Z of several hundred openly
licensed typefaces, as 32 × 32 grey pictures, white on black like MNIST.

    sudo apt-get install $(python tools/build_letterforms.py --packages)
    python tools/build_letterforms.py            (writes ganlib/datasets/letterforms/)

Every font comes from a Debian package (the list is PACKAGES below), so the collection
can be rebuilt by anyone from public package registries. The script writes:

* `letterforms.npz`: `images` (N, 32, 32) bytes, `letters` (N,) 0-25 for A-Z, `fonts`
  (N,) the index of each image's typeface in `font_names`, and `test_fonts`, the typefaces
  held out to test the letter classifier and to measure generators against;
* `SOURCES.md`: every package used, its version, the licences its copyright file names
  for the fonts, and every typeface taken from it.

How a letter is drawn. Each typeface is scaled so that its capital H is CAP_HEIGHT pixels
tall, so that a narrow I and a wide W keep their proportions within one typeface; a
letter still too large for the picture is shrunk to fit MAX_SIDE. The letter is centred
on its own outline. A typeface is skipped when it lacks a capital letter, when its
letters are blank or too alike (symbol and barcode fonts), and when its 26 pictures are
almost the same as those of a typeface already taken (the same design under two names).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "ganlib" / "datasets" / "letterforms"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SIZE, CAP_HEIGHT, MAX_SIDE, RENDER_SIZE = 32, 22, 30, 160
NEAR_DUPLICATE = 3.0  # mean difference in grey levels (0-255) below which two typefaces count as one
TEST_SHARE = 10  # every tenth typeface (in name order) is held out

PACKAGES = """
fonts-noto-core fonts-noto-mono fonts-urw-base35 fonts-liberation2 fonts-dejavu-core fonts-dejavu-extra
fonts-freefont-ttf fonts-lato fonts-open-sans fonts-cantarell fonts-crosextra-carlito fonts-crosextra-caladea
fonts-croscore fonts-linuxlibertine fonts-texgyre fonts-comic-neue fonts-sil-gentium fonts-sil-gentiumplus
fonts-sil-charis fonts-sil-andika fonts-sil-doulos fonts-ebgaramond fonts-inconsolata fonts-hack fonts-firacode
fonts-dkg-handwriting fonts-breip fonts-humor-sans fonts-isabella fonts-beteckna fonts-blankenburg
fonts-yanone-kaffeesatz fonts-adf-accanthis fonts-adf-baskervald fonts-adf-berenis fonts-adf-gillius
fonts-adf-ikarius fonts-adf-irianis fonts-adf-libris fonts-adf-mekanus fonts-adf-oldania fonts-adf-romande
fonts-adf-switzera fonts-adf-tribun fonts-adf-universalis fonts-adf-verana fonts-cabin fonts-league-spartan
fonts-junicode fonts-fanwood fonts-goudybookletter fonts-quattrocento fonts-radisnoir fonts-staypuft
fonts-tuffy fonts-roboto-unhinted fonts-go fonts-ferrite-core fonts-dosis fonts-lobster fonts-lobstertwo
fonts-league-mono fonts-inter fonts-oxygen fonts-mononoki fonts-agave fonts-b612 fonts-bebas-neue
fonts-paratype fonts-stix fonts-averia-gwf fonts-averia-sans-gwf fonts-averia-serif-gwf fonts-prociono
fonts-rufscript fonts-vollkorn fonts-fantasque-sans fonts-courier-prime
""".split()


def font_files(package: str) -> list[Path]:
    """The TrueType and OpenType files a package installed, in name order."""
    listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
    if listing.returncode != 0:
        sys.exit(f"{package} is not installed: run  sudo apt-get install $(python {sys.argv[0]} --packages)")
    return sorted(Path(line) for line in listing.stdout.split() if re.search(r"\.(ttf|otf)$", line, re.I))


def package_record(package: str) -> tuple[str, list[str]]:
    """A package's version and the licences its Debian copyright file gives for the fonts
    (the stanzas about the Debian packaging itself are left out)."""
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True).stdout
    licences: list[str] = []
    text = Path(f"/usr/share/doc/{package}/copyright").read_text(errors="replace")
    for stanza in re.split(r"\n\s*\n", text):
        files = re.search(r"^Files:\s*(.+)$", stanza, re.M)
        licence = re.search(r"^License:\s*(.+)$", stanza, re.M)
        if licence and not (files and files.group(1).strip().startswith("debian/")):
            name = licence.group(1).strip()
            if files and name not in licences:
                licences.append(name)
    return version, licences


def typeface_name(path: Path) -> str | None:
    """The font's full name, if it has every capital letter; None if it lacks any."""
    try:
        font = TTFont(path, fontNumber=0, lazy=True)
        cmap = font.getBestCmap() or {}
        name = font["name"].getDebugName(4) or path.stem
    except Exception:  # an unreadable font file: skipped like a font without letters
        return None
    return name if all(ord(letter) in cmap for letter in LETTERS) else None


def draw_letters(path: Path) -> np.ndarray | None:
    """The 26 capitals of one typeface, (26, SIZE, SIZE) bytes; None if they cannot be drawn."""
    try:
        font = ImageFont.truetype(str(path), RENDER_SIZE)
    except OSError:
        return None
    big = [_draw_big(font, letter) for letter in LETTERS]
    if any(picture is None for picture in big):
        return None
    scale = CAP_HEIGHT / big[LETTERS.index("H")].height
    return np.stack([_fit(picture, scale) for picture in big])


def _draw_big(font: ImageFont.FreeTypeFont, letter: str) -> Image.Image | None:
    canvas = Image.new("L", (RENDER_SIZE * 3, RENDER_SIZE * 3))
    ImageDraw.Draw(canvas).text((RENDER_SIZE, RENDER_SIZE), letter, font=font, fill=255)
    box = canvas.getbbox()
    return None if box is None else canvas.crop(box)


def _fit(picture: Image.Image, scale: float) -> np.ndarray:
    scale = min(scale, MAX_SIDE / picture.width, MAX_SIDE / picture.height)
    width, height = max(1, round(picture.width * scale)), max(1, round(picture.height * scale))
    small = picture.resize((width, height), Image.Resampling.LANCZOS)
    tile = Image.new("L", (SIZE, SIZE))
    tile.paste(small, ((SIZE - width) // 2, (SIZE - height) // 2))
    return np.asarray(tile)


def looks_like_letters(letters: np.ndarray) -> bool:
    """False for symbol fonts that map A-Z to pictures or boxes: letters with almost no
    ink, or 26 pictures nearly all alike."""
    ink = letters.reshape(26, -1).mean(axis=1)
    if ink.min() < 8:
        return False
    flat = letters.reshape(26, -1).astype(np.float32)
    spread = np.abs(flat[:, None] - flat[None]).mean(axis=2)
    return spread[np.triu_indices(26, 1)].min() > 4


def build() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    taken: list[np.ndarray] = []
    names: list[str] = []
    sources: dict[str, list[str]] = {}
    skipped = {"no capitals": 0, "not letters": 0, "near duplicate": 0}
    for package in PACKAGES:
        for path in font_files(package):
            name = typeface_name(path)
            letters = None if name is None else draw_letters(path)
            if letters is None:
                skipped["no capitals"] += 1
                continue
            if not looks_like_letters(letters):
                skipped["not letters"] += 1
                continue
            flat = letters.reshape(1, -1).astype(np.int16)
            if taken and np.abs(np.stack(taken) - flat).mean(axis=1).min() < NEAR_DUPLICATE:
                skipped["near duplicate"] += 1
                continue
            taken.append(flat[0])
            names.append(name)
            sources.setdefault(package, []).append(name)
    order = np.argsort(names, kind="stable")
    names = [names[i] for i in order]
    pictures = np.stack([taken[i] for i in order]).reshape(-1, 26, SIZE, SIZE).astype(np.uint8)
    count = len(names)
    np.savez_compressed(
        OUTPUT / "letterforms.npz",
        images=pictures.reshape(-1, SIZE, SIZE),
        letters=np.tile(np.arange(26, dtype=np.uint8), count),
        fonts=np.repeat(np.arange(count, dtype=np.int16), 26),
        font_names=np.array(names),
        test_fonts=np.arange(TEST_SHARE - 1, count, TEST_SHARE, dtype=np.int16),
    )
    write_sources(sources, count, skipped)
    print(f"{count} typefaces, {count * 26:,} letters -> {OUTPUT / 'letterforms.npz'}; skipped: {skipped}")


def write_sources(sources: dict[str, list[str]], count: int, skipped: dict[str, int]) -> None:
    lines = [
        "# Letterforms: where every typeface comes from",
        "",
        f"{count} typefaces, {count * 26:,} pictures (A-Z, 32 × 32, white on black), built by "
        "`python tools/build_letterforms.py` from the Debian packages below. "
        f"Fonts skipped: {skipped['no capitals']} without all 26 capitals or unreadable, "
        f"{skipped['not letters']} symbol fonts, {skipped['near duplicate']} near-duplicates of a typeface already taken.",
        "",
        "The licences are those the package's copyright file gives for the font files (the Debian packaging's "
        "own licence is left out). They govern the fonts; the pictures here are renderings of letters set in them.",
        "",
        "| Package | Version | Licence of the fonts | Typefaces taken |",
        "|---|---|---|---|",
    ]
    for package, typefaces in sources.items():
        version, licences = package_record(package)
        lines.append(f"| {package} | {version} | {'; '.join(licences)} | {len(typefaces)}: {', '.join(typefaces)} |")
    (OUTPUT / "SOURCES.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", action="store_true", help="print the Debian packages the build needs")
    if parser.parse_args().packages:
        print(" ".join(PACKAGES))
    else:
        build()
