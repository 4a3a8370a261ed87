"""Pictures members upload: a profile picture, a cover, images in an article's body.

Pages and the API call `store()`: it checks and re-encodes the picture
(blog/domain/pictures.py), keeps the member within their quota, stores the bytes
once by their hash (blog/domain/upload_storage.py) and records who uploaded what.
The picture's address is /media/<hash>.<ext>; `markdown_for` writes it for a body.
"""

import hashlib
import re

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Article, Comment, Upload, User
from ..runtime import settings
from . import pictures
from .images import MEDIA_PREFIX
from .upload_storage import STORED_NAME, storage


def media_url(upload):
    """The site's own address of an upload (a path: pages and the API both serve it)."""
    return MEDIA_PREFIX + upload.name


def small_name(name):
    """The stored name of a picture's small square copy (blog.domain.pictures.SMALL_SIDE)."""
    stem, extension = name.rsplit(".", 1)
    return f"{stem}-96.{extension}"


def usage_of(owner):
    """The bytes `owner` has stored (each upload counted, even when shared)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Upload.bytes), 0)).where(Upload.owner_id == owner.id)
    )


def _quota_problem(owner, size):
    quota = settings["UPLOAD_QUOTA_BYTES"]
    if usage_of(owner) + size > quota:
        return (f"You have used your {pictures._megabytes(quota)} of pictures: "
                "delete an article with images, or use a smaller picture.")
    return None


def store(owner, data, kind):
    """Check, re-encode and store a picture for `kind`; its Upload row (commits).

    Raises FieldError("image", message): nothing is stored then, neither file nor row.
    The same picture uploaded again for the same use answers the row it already has.
    """
    encoded = pictures.encode(data, kind)
    sha256 = hashlib.sha256(encoded.data).hexdigest()
    existing = _find(owner, sha256, kind)
    if existing is not None:
        return existing
    problem = _quota_problem(owner, len(encoded.data))
    if problem:
        raise pictures.refused(problem)
    upload = Upload(owner_id=owner.id, sha256=sha256, kind=kind, extension=encoded.extension,
                    content_type=encoded.content_type, width=encoded.width,
                    height=encoded.height, bytes=len(encoded.data))
    # The file first: a row never names a missing file. A file whose row fails to
    # commit is an orphan the next upload of the same picture takes back.
    storage().put(small_name(upload.name), encoded.small)
    storage().put(upload.name, encoded.data)
    db.session.add(upload)
    try:
        db.session.commit()
    except IntegrityError:  # the same picture, sent twice at once: the other one won
        db.session.rollback()
        return _find(owner, sha256, kind)
    return upload


def _find(owner, sha256, kind):
    return db.session.scalar(select(Upload).where(
        Upload.owner_id == owner.id, Upload.sha256 == sha256, Upload.kind == kind))


MARKDOWN_UNSAFE = re.compile(r"[\[\]\\()<>`*_!\r\n\t]+")


def markdown_for(upload, filename=""):
    """The Markdown that shows `upload` in a body; its alt text from the file's name."""
    stem = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    alt = MARKDOWN_UNSAFE.sub(" ", stem).strip()[:80] or "image"
    return f"![{alt}]({media_url(upload)})"


def dimensions_of(urls):
    """{address: (width, height)} of the site's own uploads among `urls` (one query)."""
    by_hash = {url[len(MEDIA_PREFIX):].split(".")[0]: url for url in urls
               if url and url.startswith(MEDIA_PREFIX)}
    if not by_hash:
        return {}
    # Asked while an article is being saved (blog.domain.markdown): its row is not
    # complete yet, and must not be flushed by this query.
    with db.session.no_autoflush:
        rows = db.session.execute(
            select(Upload.sha256, Upload.width, Upload.height).where(Upload.sha256.in_(by_hash))
        ).all()
    return {by_hash[sha]: (width, height) for sha, width, height in rows}


def served(name):
    """(open file, content type) of a stored picture, or None: what GET /media/<name> sends."""
    if not STORED_NAME.fullmatch(name):
        return None
    file = storage().open(name)
    if file is None:
        return None
    return file, pictures.CONTENT_TYPES[name.rsplit(".", 1)[1]]


def names_of(member_id):
    """The stored names of a member's uploads (read before their account goes)."""
    rows = db.session.execute(
        select(Upload.sha256, Upload.extension).where(Upload.owner_id == member_id)
    )
    return {f"{sha}.{extension}" for sha, extension in rows}


def _still_used(name):
    """Another member uploaded the same picture, or shows this address in their content."""
    address = MEDIA_PREFIX + name
    pattern = f"%{address}%"
    return db.session.scalar(select(or_(
        exists().where(Upload.sha256 == name.split(".")[0]),
        exists().where(User.image_url == address),
        exists().where(or_(Article.cover_url == address, Article.body.like(pattern))),
        exists().where(Comment.body.like(pattern)),
    )))


def drop_unshown_avatars(member):
    """Delete the rows of the profile pictures `member` uploaded and no longer shows (a
    replaced or removed picture), in the caller's transaction; returns their stored
    names, for forget_files() once that commits. A picture left behind in Settings
    counts against the quota no more."""
    unshown = [upload for upload in db.session.scalars(
        select(Upload).where(Upload.owner_id == member.id, Upload.kind == "avatar"))
        if media_url(upload) != member.image_url]
    for upload in unshown:
        db.session.delete(upload)
    return {upload.name for upload in unshown}


def forget_files(names):
    """Delete the stored files of `names` that nobody uses any more (after a commit).

    Called once an account is gone (its rows went with it): a picture someone else
    uploaded too, or put in their own article or comment, stays. The LIKE over
    bodies reads every article: a cost paid only when an account with uploads goes.
    """
    for name in sorted(names):
        if not _still_used(name):
            storage().delete(name)
            storage().delete(small_name(name))


def export_images(member):
    """(path in the zip, bytes) of each picture `member` uploaded, for their export."""
    for name in sorted(names_of(member.id)):
        file = storage().open(name)
        if file is not None:
            with file:
                yield f"images/{name}", file.read()
