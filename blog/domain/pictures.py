"""Checking and re-encoding an uploaded picture with Pillow, before anything is stored.

Only PNG, JPEG, GIF and WebP, recognised by their bytes (never by the file's name);
at most UPLOAD_MAX_BYTES and UPLOAD_MAX_PIXELS (a decompression bomb is refused from
its header, before it is decoded); never a file that is also HTML or a script. What
is stored is a new encoding of the decoded pixels: no metadata (EXIF, GPS, comments,
colour profiles) and nothing appended after the image survives it.
"""

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence

from ..runtime import give_up_turn, settings
from .errors import FieldError

FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
# What we store each format as: (Pillow format, extension, content type).
STILL_OUTPUT = {
    "PNG": ("PNG", "png", "image/png"),
    "JPEG": ("JPEG", "jpg", "image/jpeg"),
    "GIF": ("PNG", "png", "image/png"),  # a still GIF keeps its colours, losslessly
    "WEBP": ("WEBP", "webp", "image/webp"),
}
ANIMATED_OUTPUT = {
    "GIF": ("GIF", "gif", "image/gif"),
    "WEBP": ("WEBP", "webp", "image/webp"),
    "PNG": ("PNG", "png", "image/png"),  # APNG
}
CONTENT_TYPES = {ext: content_type for _, ext, content_type in
                 (*STILL_OUTPUT.values(), *ANIMATED_OUTPUT.values())}
# Bytes that make a file something a browser or a server might run as a page or a
# script, whatever else it is (a "polyglot": a valid image that is also HTML).
# Searched as plain bytes in the lowered file: a few ms for 5 MB (a regex took 0.5 s).
POLYGLOT_MARKERS = (b"<script", b"<html", b"<svg", b"<?php", b"<!doctype", b"<iframe",
                    b"<body", b"<object", b"<embed", b"<?xml", b"javascript:")
# The largest side of what we keep, per use; an avatar is cropped square.
AVATAR_SIDE = 400
# Every picture also gets a small square copy, "<hash>-96.<ext>": the faces beside names
# (24 to 48 px, sharp on a screen of double density) load it instead of the whole picture.
SMALL_SIDE = 96
MAX_WIDTH = {"cover": 1600, "inline": 1600}
MAX_HEIGHT = 4000

WRONG_TYPE = "Use a PNG, JPEG, GIF or WebP image."
DAMAGED = "This file is damaged or not a whole image: save it again and retry."
POLYGLOT = ("This file holds HTML or script code besides the picture, so it cannot "
            "be used: save the picture again from an image editor.")


@dataclass(frozen=True)
class Encoded:
    """A picture as we store it."""

    data: bytes
    extension: str
    content_type: str
    width: int
    height: int
    small: bytes  # the square copy for faces (SMALL_SIDE)


def refused(message):
    return FieldError("image", message)


def _megabytes(count):
    return f"{count / 1024 / 1024:g} MB"


def check_bytes(data):
    """Raise FieldError when the bytes alone rule the file out: empty, too big, a polyglot."""
    if not data:
        raise refused("Choose an image file.")
    limit = settings["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise refused(f"This image is too big: use one of at most {_megabytes(limit)}.")
    lowered = data.lower()
    if any(marker in lowered for marker in POLYGLOT_MARKERS):
        raise refused(POLYGLOT)


def _opened(data):
    """The picture, its header read (not yet decoded), or FieldError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused(_too_many_pixels()) from None
    except Image.UnidentifiedImageError:
        raise refused(WRONG_TYPE) from None
    except Exception:  # noqa: BLE001 - a broken header raises anything from struct to Syntax
        raise refused(DAMAGED) from None


def _too_many_pixels():
    return (f"This image has too many pixels: use one of at most "
            f"{settings['UPLOAD_MAX_PIXELS']:,} pixels (width × height).")


def encode(data, kind):
    """The picture in `data` checked and re-encoded for `kind` (avatar, cover, inline).

    Raises FieldError("image", message) for anything we will not store.
    """
    check_bytes(data)
    # Up to a quarter of a second in Pillow's C code for a large photo: the next request
    # may run meanwhile (blog/web/turns.py).
    give_up_turn()
    picture = _opened(data)
    width, height = picture.size
    frames = getattr(picture, "n_frames", 1)
    if width * height > settings["UPLOAD_MAX_PIXELS"]:
        raise refused(_too_many_pixels())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if frames > 1 and kind != "avatar":
                return _animated(picture, frames)
            return _still(picture, kind)
    except FieldError:
        raise
    except Exception:  # noqa: BLE001 - Pillow's decoders raise OSError, ValueError, EOFError...
        raise refused(DAMAGED) from None


def _clean_copy(picture):
    """The pixels alone, in a mode every output format takes: no info, no metadata."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    mode = "RGBA" if has_alpha else "RGB"
    converted = picture.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _decode_smaller(picture, kind):
    """Let libjpeg decode a big JPEG at 1/2, 1/4 or 1/8 of its size when that still holds
    every pixel we keep (a 12 MP photo for a 1600 px article image decodes much faster)."""
    if picture.format != "JPEG":
        return
    width, height = picture.size
    turned = picture.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # shown a quarter turn round
    if turned:
        width, height = height, width
    if kind == "avatar":
        need = (AVATAR_SIDE, AVATAR_SIDE)
    else:
        scale = min(1, MAX_WIDTH[kind] / width, MAX_HEIGHT / height)
        need = (math.ceil(width * scale), math.ceil(height * scale))
    picture.draft("RGB", need[::-1] if turned else need)


def _still(picture, kind):
    _decode_smaller(picture, kind)
    picture.load()  # decodes: a truncated or broken file fails here
    upright = ImageOps.exif_transpose(picture)  # the camera's rotation, before EXIF goes
    clean = _clean_copy(upright)
    if kind == "avatar":
        side = min(AVATAR_SIDE, *clean.size)
        clean = ImageOps.fit(clean, (side, side), Image.Resampling.LANCZOS)
    else:
        clean.thumbnail((MAX_WIDTH[kind], MAX_HEIGHT), Image.Resampling.LANCZOS)
    fmt, extension, content_type = STILL_OUTPUT[picture.format]
    if fmt == "JPEG" and clean.mode == "RGBA":
        clean = clean.convert("RGB")
    return Encoded(_saved(clean, fmt), extension, content_type, *clean.size,
                   small=_small(clean, fmt))


def _small(still, fmt):
    """The square copy for faces, in the format of the stored picture."""
    side = min(SMALL_SIDE, *still.size)
    return _saved(ImageOps.fit(still, (side, side), Image.Resampling.LANCZOS), fmt)


def _saved(picture, fmt, **options):
    out = io.BytesIO()
    quality = {"JPEG": {"quality": 85, "optimize": True}, "WEBP": {"quality": 85},
               "PNG": {"optimize": True}}.get(fmt, {})
    picture.save(out, format=fmt, **quality, **options)
    return out.getvalue()


def _animated(picture, frames):
    """An animation kept as it is, when small enough; else refused (never silently stilled)."""
    width, height = picture.size
    max_frames = settings["UPLOAD_MAX_FRAMES"]
    if frames > max_frames or width > MAX_WIDTH["inline"] or height > MAX_HEIGHT or (
        width * height * frames > settings["UPLOAD_MAX_PIXELS"]
    ):
        raise refused(
            f"This animation is too large: use at most {max_frames} frames of at most "
            f"{MAX_WIDTH['inline']} pixels wide, {settings['UPLOAD_MAX_PIXELS']:,} pixels "
            f"in all frames together (this one has {frames} frames of {width}×{height})."
        )
    fmt, extension, content_type = ANIMATED_OUTPUT[picture.format]
    kept, durations = [], []
    for frame in ImageSequence.Iterator(picture):
        kept.append(_clean_copy(frame))
        durations.append(int(frame.info.get("duration", 100)) or 100)
    data = _saved(kept[0], fmt, save_all=True, append_images=kept[1:], duration=durations,
                  loop=int(picture.info.get("loop", 0)))
    return Encoded(data, extension, content_type, width, height, small=_small(kept[0], fmt))
