"""One image file made ready for a GAN: a small square of bytes, the same for every file.

Photos and drawings arrive in every shape and kind: turned on their side by a phone,
16 bits per pixel, CMYK from a print shop, transparent PNGs, animations. `prepare_image`
turns each into the one thing a network can learn from, a size × size square of bytes
(greyscale or colour), in a fixed order of steps:

1. **Open it safely.** Only PNG, JPEG and WebP are read, recognised by their content
   (not their name). Pillow's guard against decompression bombs (a small file that
   claims billions of pixels, `PIL.Image.MAX_IMAGE_PIXELS`) stays on, and its warning
   counts as a refusal too.
2. **Make it plain.** The EXIF orientation is applied (a phone's portrait photo stands
   up), an animation keeps its first frame, 16-bit greyscale is scaled to 8 bits (65535
   becomes 255, not clipped), CMYK becomes RGB, and transparent parts are laid on white.
3. **Make it square.** `fit="crop"` keeps the centre square; `fit="pad"` keeps the whole
   image and fills the sides with white, the colour the transparent parts get too.
4. **Make it small.** The square is resized with the Lanczos filter, which averages
   neighbouring pixels instead of dropping them, so thin lines survive the shrinking.

A file that cannot be used raises `Unusable`, whose message is the one-line reason.
"""

from __future__ import annotations

import io
import struct
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "WEBP")
"""The formats read, by content; anything else is skipped as 'not an image'."""

MIN_SIDE = 16
"""Images whose shorter side is under this many pixels carry too little to learn from."""

WHITE = (255, 255, 255, 255)
"""The colour under transparent parts, and of the borders that `fit="pad"` adds."""

SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")
"""Pillow's modes for 16-bit greyscale (a 16-bit PNG opens as one of them)."""


class Unusable(Exception):
    """A file that cannot become a training image; the message says why, in one line."""


def prepare_image(data: bytes, size: int, colour: bool, fit: str) -> tuple[np.ndarray, bool]:
    """The image file `data` as a uint8 array (C, size, size), C = 3 for `colour` else 1,
    and whether it was animated (only its first frame is used). Raises `Unusable`."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if min(width, height) < MIN_SIDE:
                raise Unusable(f"too small: {width} × {height} px, needs at least {MIN_SIDE}")
            animated = getattr(image, "n_frames", 1) > 1
            image.draft(None, (4 * size, 4 * size))  # a JPEG decodes at 1/2 to 1/8 scale: fast, and ample
            image.load()  # decodes now, so that a damaged file fails here
            image = plain(ImageOps.exif_transpose(image))
        except UnidentifiedImageError:
            raise Unusable("not a PNG, JPEG or WebP image") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Unusable(f"too large: over Pillow's safety limit of {Image.MAX_IMAGE_PIXELS:,} pixels "
                           "(a decompression bomb?)") from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            raise Unusable("unreadable: the file is damaged or cut short") from None
    image = square(image.convert("RGB" if colour else "L"), size, fit)
    pixels = np.asarray(image, dtype=np.uint8)
    return (pixels.transpose(2, 0, 1) if colour else pixels[None]).copy(), animated


def plain(image: Image.Image) -> Image.Image:
    """`image` in a mode that converts faithfully to "L" or "RGB": 8-bit greyscale, RGB,
    or one that Pillow converts well by itself (CMYK, YCbCr, black-and-white)."""
    if image.mode in SIXTEEN_BIT:
        sixteen = np.clip(np.asarray(image, dtype=np.float64), 0, 65535)
        return Image.fromarray((sixteen / 257).round().astype(np.uint8))  # 65535 / 257 = 255
    if image.mode in ("P", "PA", "LA", "La", "RGBA", "RGBa") or "transparency" in image.info:
        layer = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", layer.size, WHITE), layer).convert("RGB")
    return image


def square(image: Image.Image, size: int, fit: str) -> Image.Image:
    """`image` as a size × size square: its centre cut out (`fit="crop"`), or the whole of
    it with white borders (`fit="pad"`)."""
    if fit == "crop":
        return ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    border = WHITE[0] if image.mode == "L" else WHITE[:3]
    return ImageOps.pad(image, (size, size), method=Image.Resampling.LANCZOS, color=border)
