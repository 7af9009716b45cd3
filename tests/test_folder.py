"""A team's own images: read from a folder or a zip, prepared, skipped with reasons, cached;
uploaded through the notebook; drawn in colour."""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import PIL.Image
import pytest
import torch

from ganlib.data import folder as folder_module
from ganlib.data.folder import ImageCollection, load_image_folder
from ganlib.data.mnist import display_path
from ganlib.data.pixels import to_bytes
from ganlib.errors import DataError
from ganlib.pictures.images import figure_png, image_grid, image_png, show_images
from ganlib.workbook.upload import save_uploads, upload_box

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its cache in its own temporary folder, never in ~/.cache."""
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "collections"


def noise(seed: int, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> PIL.Image.Image:
    """A picture of random pixels: no two seeds give the same image."""
    shape = (size[1], size[0], 3) if mode == "RGB" else (size[1], size[0])
    return PIL.Image.fromarray(np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8), mode)


def save(image: PIL.Image.Image, path: Path, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    return path


@pytest.fixture
def drawings(tmp_path: Path) -> Path:
    """Six pictures, PNG, JPEG and WebP, two of them in nested folders."""
    root = tmp_path / "drawings"
    for i, name in enumerate(["b.png", "a.jpg", "c.webp", "cats/d.png", "cats/old/e.jpg", "f.webp"]):
        save(noise(i), root / name)
    return root


def bytes_of(collection: ImageCollection, i: int = 0) -> np.ndarray:
    """Image i of a collection as bytes (C, H, W)."""
    return to_bytes(collection.images[i]).numpy()


def reasons(collection: ImageCollection) -> dict[str, str]:
    return dict(collection.skipped)


# --- a folder, a zip, the settings ----------------------------------------------------


def test_a_folder_of_png_jpeg_and_webp_in_nested_folders_becomes_one_tensor(drawings):
    collection = load_image_folder(drawings, min_images=6)
    assert collection.names == ["a.jpg", "b.png", "c.webp", "cats/d.png", "cats/old/e.jpg", "f.webp"]
    assert collection.images.shape == (6, 1, 32, 32) and collection.images.dtype == torch.float32
    assert -1 <= collection.images.min() < -0.5 and 0.5 < collection.images.max() <= 1
    assert collection.skipped == [] and collection.notes == [] and not collection.from_cache
    assert collection.source == drawings


def test_a_zip_gives_the_same_images_read_in_place_and_ignores_macos_extras(drawings, tmp_path):
    archive = tmp_path / "drawings.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for path in sorted(drawings.rglob("*.*")):
            packed.write(path, path.relative_to(drawings).as_posix())
        packed.writestr("__MACOSX/._a.jpg", b"resource fork")
        packed.write(drawings / "a.jpg", "__MACOSX/a.jpg")
        packed.writestr("cats/.DS_Store", b"finder")
    from_folder = load_image_folder(drawings, min_images=6, cache=False)
    from_zip = load_image_folder(archive, min_images=6, cache=False)
    assert from_zip.names == from_folder.names and from_zip.skipped == []
    assert torch.equal(from_zip.images, from_folder.images)
    assert not (tmp_path / "cats").exists()  # nothing was unpacked


def test_colour_size_and_fit_shape_the_images(tmp_path):
    wide = PIL.Image.new("RGB", (80, 40), (200, 0, 0))  # a red band, twice as wide as high
    for i in range(2):
        save(wide, tmp_path / "wide" / f"{i}.png")
        wide = PIL.Image.new("RGB", (80, 40), (0, 0, 200))
    grey = load_image_folder(tmp_path / "wide", min_images=2)
    colour = load_image_folder(tmp_path / "wide", colour=True, size=64, min_images=2)
    padded = load_image_folder(tmp_path / "wide", colour=True, fit="pad", min_images=2)
    assert grey.images.shape == (2, 1, 32, 32) and colour.images.shape == (2, 3, 64, 64)
    assert (bytes_of(colour)[:, 32, 32] == [200, 0, 0]).all()  # cropped: red everywhere
    assert (bytes_of(colour)[:, 0, 0] == [200, 0, 0]).all()
    assert (bytes_of(padded)[:, 0, 16] == 255).all()  # padded: white above and below the band
    assert (bytes_of(padded)[:, 16, 16] == [200, 0, 0]).all()
    assert "(32 × 32, colour, padded with white)" in padded.summary()
    assert "(32 × 32, greyscale, centre-cropped)" in grey.summary()


def test_the_exif_orientation_stands_a_phone_photo_up(tmp_path):
    photo = PIL.Image.new("L", (60, 20), 255)
    photo.paste(0, (0, 0, 30, 20))  # left half black, as stored
    exif = PIL.Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    save(photo.convert("RGB"), tmp_path / "phone" / "photo.jpg", exif=exif, quality=95)
    pixels = bytes_of(load_image_folder(tmp_path / "phone", fit="pad", min_images=1))[0]
    assert pixels[4, 16] < 40  # the black half is now on top, in the middle column
    assert pixels[16, 4] > 215  # and the sides are the white padding


# --- files that are skipped, each with its reason -------------------------------------


def test_damaged_fake_and_tiny_files_are_skipped_with_one_line_reasons(drawings):
    whole = (drawings / "b.png").read_bytes()
    (drawings / "cut.png").write_bytes(whole[: len(whole) // 2])
    broken = bytearray(whole)
    broken[len(broken) // 2 :: 7] = bytes(len(broken[len(broken) // 2 :: 7]))  # scribbled over, same length
    (drawings / "broken.png").write_bytes(bytes(broken))
    (drawings / "notes.png").write_text("not a picture at all")
    save(PIL.Image.new("RGB", (12, 9)), drawings / "tiny.png")
    save(noise(9), drawings / "holiday.gif")
    collection = load_image_folder(drawings, min_images=6)
    assert len(collection.names) == 6
    assert reasons(collection) == {
        "broken.png": "unreadable: the file is damaged or cut short",
        "cut.png": "unreadable: the file is damaged or cut short",
        "holiday.gif": "not a PNG, JPEG or WebP image",
        "notes.png": "not a PNG, JPEG or WebP image",
        "tiny.png": "too small: 12 × 9 px, needs at least 16",
    }


def test_an_animated_png_or_webp_gives_its_first_frame_and_says_so(tmp_path):
    for name, first in (("moving.png", 0), ("moving.webp", 128)):
        frames = [PIL.Image.new("RGB", (20, 20), (first,) * 3), PIL.Image.new("RGB", (20, 20), (255, 255, 255))]
        save(frames[0], tmp_path / "films" / name, save_all=True, append_images=frames[1:], duration=100, lossless=True)
    save(noise(0), tmp_path / "films" / "still.png")
    collection = load_image_folder(tmp_path / "films", min_images=3)
    assert collection.names == ["moving.png", "moving.webp", "still.png"]
    assert (bytes_of(collection, 0) == 0).all() and (bytes_of(collection, 1) == 128).all()
    assert collection.notes == ["2 animated files: first frame used"]
    assert "2 animated files: first frame used." in collection.summary()


def test_cmyk_becomes_rgb_and_sixteen_bit_grey_is_scaled_not_clipped(tmp_path):
    save(PIL.Image.new("CMYK", (20, 20), (255, 0, 0, 0)), tmp_path / "print" / "cyan.jpg", quality=100)
    sixteen = np.array([[32768] * 20] * 10 + [[65535] * 20] * 10, dtype=np.uint16)
    save(PIL.Image.fromarray(sixteen), tmp_path / "print" / "scan.png")
    collection = load_image_folder(tmp_path / "print", colour=True, size=32, min_images=2)
    cyan, scan = bytes_of(collection, 0), bytes_of(collection, 1)
    assert cyan[0, 16, 16] < 10 and cyan[1:, 16, 16].min() > 245
    assert abs(int(bytes_of(load_image_folder(tmp_path / "print", min_images=2))[0, 16, 16]) - 179) <= 3  # cyan's grey
    assert abs(int(scan[0, 4, 16]) - 128) <= 1  # mid-grey stays mid-grey: 32768 / 257
    assert scan[0, 28, 16] == 255


def test_transparent_parts_are_laid_on_white(tmp_path):
    ghost = PIL.Image.new("RGBA", (20, 20), (0, 0, 0, 0))  # black, but fully transparent
    ghost.paste((0, 0, 0, 255), (0, 0, 10, 20))  # the left half opaque black
    save(ghost, tmp_path / "cutouts" / "rgba.png")
    palette = PIL.Image.new("P", (20, 20), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    save(palette, tmp_path / "cutouts" / "palette.png", transparency=1)  # all of it transparent red
    keyed = PIL.Image.new("RGB", (20, 20), (0, 0, 0))
    keyed.paste((9, 9, 9), (0, 0, 20, 10))
    save(keyed, tmp_path / "cutouts" / "keyed.png", transparency=(0, 0, 0))  # black is see-through
    collection = load_image_folder(tmp_path / "cutouts", fit="pad", min_images=3)
    assert collection.names == ["keyed.png", "palette.png", "rgba.png"]
    keyed = bytes_of(collection, 0)[0]
    assert (keyed[:12] == 9).all() and (keyed[20:] == 255).all()
    assert (bytes_of(collection, 1) == 255).all()
    rgba = bytes_of(collection, 2)[0]
    assert (rgba[:, 28:] == 255).all() and (rgba[:, :12] == 0).all()


@pytest.mark.parametrize("side", [40, 100], ids=["over the limit: Pillow warns", "over twice the limit: Pillow refuses"])
def test_a_decompression_bomb_is_skipped_not_opened(drawings, monkeypatch, side):
    monkeypatch.setattr(PIL.Image, "MAX_IMAGE_PIXELS", 1250)  # the drawings have 40 × 30 = 1200
    save(PIL.Image.new("L", (side, side)), drawings / "bomb.png")
    collection = load_image_folder(drawings, min_images=6)
    assert reasons(collection) == {"bomb.png": "too large: over Pillow's safety limit of 1,250 pixels (a decompression bomb?)"}


def test_a_zip_member_that_unpacks_to_too_much_is_refused(drawings, tmp_path, monkeypatch):
    monkeypatch.setattr(folder_module, "MAX_FILE_BYTES", 2**20)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        for path in sorted(drawings.rglob("*.*")):
            packed.write(path, path.name)
        packed.writestr("zeros.png", bytes(3 * 2**20))
    collection = load_image_folder(archive, min_images=6)
    assert reasons(collection) == {"zeros.png": "too large: unpacks to 3 MB, over 1 MB (a zip bomb?)"}


def test_duplicates_are_kept_once(drawings):
    (drawings / "copy of b.png").write_bytes((drawings / "b.png").read_bytes())
    noise(1).save(drawings / "zz.png")  # the picture of a.jpg, without JPEG's losses: not the same image
    collection = load_image_folder(drawings, min_images=6)
    assert len(collection.names) == 7 and "zz.png" in collection.names
    assert reasons(collection) == {"copy of b.png": "same image as b.png"}


# --- what cannot be used at all -------------------------------------------------------


def test_a_missing_empty_or_wrong_source_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(DataError, match="There is no file or folder .*nowhere; check the name"):
        load_image_folder(tmp_path / "nowhere")
    (tmp_path / "empty" / ".hidden").mkdir(parents=True)
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"finder")
    with pytest.raises(DataError, match="empty holds no files .*put your PNG, JPEG or WebP images in it"):
        load_image_folder(tmp_path / "empty")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match="notes.txt is neither a folder nor a .zip file"):
        load_image_folder(tmp_path / "notes.txt")


def test_too_few_or_no_usable_images_say_how_many_and_what_to_do(drawings, tmp_path):
    with pytest.raises(DataError, match=r"Found 6 usable images in .*drawings; a GAN needs at least 50 — add more "
                                        r"images, or lower min_images to try anyway \(expect copies"):
        load_image_folder(drawings)
    assert len(load_image_folder(drawings, min_images=6).names) == 6  # lowered, on purpose
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.png").write_text("words")
    with pytest.raises(DataError, match=r"no usable images among the 1 file in .*texts \(skipped 1: 1 not images\)"):
        load_image_folder(tmp_path / "texts", min_images=1)


def test_wrong_settings_are_refused():
    with pytest.raises(ValueError, match=r"size must be one of \[32, 64\]; got 28"):
        load_image_folder(".", size=28)
    with pytest.raises(ValueError, match="fit must be one of"):
        load_image_folder(".", fit="stretch")


# --- the cache ------------------------------------------------------------------------


def test_a_second_call_loads_from_the_cache_without_opening_an_image(drawings, monkeypatch, own_cache):
    first = load_image_folder(drawings, min_images=6)
    assert not first.from_cache and len(list(own_cache.glob("*.npz"))) == 1
    with monkeypatch.context() as patched:
        patched.setattr(PIL.Image, "open", lambda *args, **kwargs: pytest.fail("an image was opened"))
        again = load_image_folder(drawings, min_images=6)
    assert again.from_cache and "Loaded from the cache" in again.summary()
    assert again.names == first.names and again.skipped == first.skipped and torch.equal(again.images, first.images)
    other = load_image_folder(drawings, min_images=6, size=64)  # other settings: prepared afresh
    assert not other.from_cache
    save(noise(99), drawings / "g.png")  # a new file: prepared afresh
    assert not load_image_folder(drawings, min_images=6).from_cache
    os.utime(drawings / "b.png", ns=(0, 0))  # a changed file: prepared afresh
    assert not load_image_folder(drawings, min_images=6).from_cache
    kept = sorted(own_cache.iterdir())
    assert not load_image_folder(drawings, min_images=6, cache=False).from_cache
    assert sorted(own_cache.iterdir()) == kept  # cache=False: nothing read, nothing kept


def test_the_cache_keeps_skipped_files_and_notes_and_leaves_no_temporary_files(tmp_path, own_cache):
    frames = [PIL.Image.new("L", (20, 20), 0), PIL.Image.new("L", (20, 20), 255)]
    save(frames[0], tmp_path / "set" / "film.png", save_all=True, append_images=frames[1:])
    (tmp_path / "set" / "notes.png").write_text("words")
    first = load_image_folder(tmp_path / "set", min_images=1)
    again = load_image_folder(tmp_path / "set", min_images=1)
    assert again.from_cache and again.skipped == first.skipped and again.notes == first.notes != []
    assert [path.suffix for path in own_cache.iterdir()] == [".npz"]


def test_a_cache_that_cannot_be_written_or_read_is_passed_over(drawings, tmp_path, monkeypatch, own_cache):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "a-file" / "cache"))
    for _ in range(2):
        collection = load_image_folder(drawings, min_images=6)
        assert len(collection.names) == 6 and not collection.from_cache
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))
    load_image_folder(drawings, min_images=6)
    for kept in own_cache.glob("*.npz"):
        kept.write_bytes(b"garbage")
    rebuilt = load_image_folder(drawings, min_images=6)
    assert not rebuilt.from_cache and len(rebuilt.names) == 6
    assert load_image_folder(drawings, min_images=6).from_cache  # and written again, whole


# --- the summary ----------------------------------------------------------------------


def test_the_summary_counts_what_was_skipped_by_kind_with_a_few_examples(drawings):
    for i in range(12):
        (drawings / f"note{i:02}.png").write_text("words")
    save(PIL.Image.new("L", (12, 9)), drawings / "tiny.png")
    lines = load_image_folder(drawings, min_images=6).summary().splitlines()
    assert lines[0] == (f"Used 6 of 19 files from {display_path(drawings)} (32 × 32, greyscale, centre-cropped). "
                        "Skipped 13: 12 not images, 1 too small.")
    assert lines[1] == "  skipped note00.png: not a PNG, JPEG or WebP image"
    assert len(lines) == 1 + 10 + 1 and lines[-1] == "  ... and 3 more: see .skipped"


# --- uploads --------------------------------------------------------------------------


def upload(name: str, content: bytes) -> dict:
    """One entry of ipywidgets.FileUpload().value, as ipywidgets 8 makes it."""
    return {"name": name, "type": "image/png", "size": len(content), "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.timezone.utc)}


def test_save_uploads_keeps_names_plain_never_overwrites_and_stays_in_its_folder(tmp_path):
    target = tmp_path / "uploads"
    saved = save_uploads([upload("cat.png", b"one"), upload("cat.png", b"two"), upload("../../evil.png", b"3"),
                          upload("C:\\Users\\me\\dog.jpg", b"4"), upload(".bashrc", b"5"), upload("..", b"6"),
                          upload("a b;rm -rf *.png", b"7")], target)
    assert [path.name for path in saved] == ["cat.png", "cat-2.png", "evil.png", "dog.jpg", "bashrc", "upload",
                                             "a b_rm -rf _.png"]
    assert all(path.parent == target for path in saved)
    assert (target / "cat.png").read_bytes() == b"one" and (target / "cat-2.png").read_bytes() == b"two"
    assert not (tmp_path / "evil.png").exists()
    assert sorted(path.name for path in target.iterdir()) == sorted(path.name for path in saved)  # no temporary files
    assert save_uploads([upload("cat.png", b"three")], target)[0].name == "cat-3.png"


def test_the_upload_box_saves_what_is_uploaded_and_says_where(tmp_path):
    box = upload_box(tmp_path / "mine")
    button, status = box.children
    assert button.accept == "image/*,.zip" and button.multiple
    assert "file browser" in status.value
    picture = io.BytesIO()
    noise(0).save(picture, format="png")
    button.value = (upload("photo.png", picture.getvalue()), upload("photo.png", picture.getvalue()))
    assert sorted(path.name for path in (tmp_path / "mine").iterdir()) == ["photo-2.png", "photo.png"]
    assert status.value.startswith("Saved 2 files in ") and "mine" in status.value and "file browser" in status.value
    assert button.value == ()


# --- pictures in colour ---------------------------------------------------------------


def test_grids_figures_and_pngs_draw_colour_images():
    images = torch.full((6, 3, 8, 8), -1.0)
    images[1, 0] = 1.0  # image 1 is red
    grid = image_grid(images, nrow=3, padding=2)
    assert grid.shape == (2 * 10 + 2, 3 * 10 + 2, 3)
    assert (grid[2:10, 12:20] == [1.0, 0.0, 0.0]).all() and (grid[0, 0] == 0.5).all()
    assert image_grid(images[:, :1]).shape == (22, 32)  # grey stays two-dimensional
    assert figure_png(show_images(images)).startswith(PNG)
    drawn = PIL.Image.open(io.BytesIO(image_png(images[1], scale=2)))
    assert drawn.mode == "RGB" and drawn.size == (16, 16) and drawn.getpixel((0, 0)) == (255, 0, 0)
    assert PIL.Image.open(io.BytesIO(image_png(images[1, :1]))).mode == "L"
    with pytest.raises(ValueError, match=r"grey images \(B, 1, H, W\) or colour images \(B, 3, H, W\)"):
        image_grid(torch.zeros(2, 2, 8, 8))
