"""Pictures made with Pillow for the upload tests, how the tests send them, and what they
read back. The fixtures are in tests/fixtures/uploads.py."""

import io
import os
import struct
import zlib

from PIL import Image
from sqlalchemy import func, select

from blog.extensions import db
from blog.models import Upload


def send(client, data, name="photo.png"):
    """The editor's upload (as static/js/pictures.js sends it): its JSON answer."""
    return client.post("/uploads", data={"image": (io.BytesIO(data), name)},
                       headers={"Accept": "application/json",
                                "X-CSRFToken": client.csrf_token()})


def fetched(client, url):
    """The bytes GET `url` answers (the response closed: it streams a file)."""
    response = client.get(url)
    try:
        assert response.status_code == 200
        return response.data
    finally:
        response.close()


def rows():
    """How many uploads are recorded."""
    return db.session.scalar(select(func.count()).select_from(Upload))


def picture(fmt="PNG", size=(40, 30), colour=(200, 30, 60), **options):
    """The bytes of a plain picture in `fmt`."""
    out = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, colour).save(out, format=fmt, **options)
    return out.getvalue()


def noisy(fmt="PNG", size=(40, 30)):
    """A picture that does not compress: its bytes grow with its pixels (for quotas)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format=fmt)
    return out.getvalue()


def jpeg_with_gps():
    """A JPEG whose EXIF names a camera and a place (GPS), as phones write them."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 24.0)  # latitude
    gps[3], gps[4] = "E", (2.0, 21.0, 3.0)  # longitude
    return picture("JPEG", (64, 48), exif=exif.tobytes())


def animated_gif(frames=3, size=(20, 20)):
    out = io.BytesIO()
    images = [Image.new("RGB", size, (index * 40 % 256, 90, 200 - index % 200))
              for index in range(frames)]
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=80,
                   loop=0)
    return out.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims width x height pixels (a decompression bomb's shape)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b"")


def opened(data):
    """The picture in `data`, opened with Pillow."""
    return Image.open(io.BytesIO(data))


def stored_files(folder):
    """Every stored file under the uploads folder (names only)."""
    return sorted(path.name for path in folder.rglob("*") if path.is_file())
