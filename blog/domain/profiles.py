"""The public profile: display name, bio and picture, as a member sets them."""

from ..extensions import db
from . import uploads
from .accounts import refuse
from .images import https_url_problem

MAX_BIO = 500
MAX_IMAGE_URL = 500


def bio_problem(bio):
    """Why this bio cannot be saved, or None."""
    if len(bio.strip()) > MAX_BIO:
        return f"Use at most {MAX_BIO} characters."
    return None


def image_url_problem(url):
    """Why this profile picture address cannot be used, or None ("" means no picture)."""
    return https_url_problem(url, MAX_IMAGE_URL)


def update_profile(user, display_name, bio, image_url="", picture=None):
    """Save the public profile fields (commits).

    `picture`: the bytes of an uploaded picture, which becomes the profile picture
    (stored first; FieldError("image", why) when refused, and nothing is saved).
    """
    refuse("image_url", image_url_problem(image_url))
    refuse("bio", bio_problem(bio))
    if picture is not None:
        image_url = uploads.media_url(uploads.store(user, picture, "avatar"))
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    user.image_url = image_url
    replaced = uploads.drop_unshown_avatars(user)
    db.session.commit()
    uploads.forget_files(replaced)
