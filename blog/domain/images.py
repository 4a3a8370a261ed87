"""Pictures given by address: which addresses a profile picture or a cover may use."""

import re

from ..runtime import settings


def https_url_problem(url, max_length):
    """Why `url` cannot be used as the address of an image, or None ("" means none).

    Only https (pages are served with a CSP that allows https images) or the path of
    a picture uploaded here, and nothing that could break out of an attribute.
    """
    if not url or is_own_media(url):
        return None
    if not url.startswith("https://") or len(url) <= len("https://") or any(
        c.isspace() or c in "\"'<>" or ord(c) < 32 or ord(c) == 127 for c in url
    ):
        return "Use an https:// address of an image, or leave this empty."
    if len(url) > max_length:
        return f"Use at most {max_length} characters."
    return None


# The site's own uploads (blog/domain/uploads.py) are served under this path.
MEDIA_PREFIX = "/media/"
OWN_MEDIA = re.compile(r"/media/[0-9a-f]{64}\.(png|jpg|gif|webp)")


def is_own_media(url):
    """True for the address of a picture uploaded to this site."""
    return bool(OWN_MEDIA.fullmatch(url or ""))


def as_own_media(url):
    """This site's own upload given by its full address (BASE_URL/media/...), as its path;
    any other address unchanged. The API answers full addresses, and clients send them back."""
    base = settings["BASE_URL"].rstrip("/")
    if url and url.startswith(base + MEDIA_PREFIX) and is_own_media(url[len(base):]):
        return url[len(base):]
    return url


def small_copy(url):
    """The address of the small square copy of one of our uploads (for faces), or `url`."""
    if is_own_media(url):
        stem, extension = url.rsplit(".", 1)
        return f"{stem}-96.{extension}"
    return url
