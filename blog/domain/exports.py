"""Take your data with you: a zip of everything a member wrote, built in the background.

request_export() starts one: it takes the member's build lock (a file made
with O_EXCL, so a second click, another tab or another thread finds it and
nothing is built twice), signs the download link and announces the job
(export_requested); blog/export_worker.py builds it with build_export(), which
writes the zip, drops the member's older one and emails the link (through
the outbox, like every email).

The zip lives in EXPORT_FOLDER/<member id>/<random name>.zip for
EXPORT_LINK_HOURS. The link carries that random name in a signed token, and
it opens only for the member who asked, logged in: the zip holds drafts and
the account's email, and a link in a mailbox travels (forwarded, scanned,
kept in logs), so the link alone is worth nothing to anyone else. A newer
export, or the hours passing, deletes the file.
"""

import contextlib
import os
import re
import secrets
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..extensions import db
from ..models import User, utcnow
from ..runtime import running_app, settings
from . import site as site_settings
from .errors import Forbidden
from .export_contents import export_files
from .links import page_link
from .outbox import queue_email
from .signals import export_requested
from .tokens import TokenError, make_token, read_token

PURPOSE = "export"
LOCK = "building"
FAILED = "failed"  # marks the member's last build as failed, until they ask again
FILE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class ExportJob:
    """One export to build: whose, the file's random name, and the links to email.

    The links are made while the request that asked is answered: the worker
    has no request to build them from.
    """

    member_id: int
    file_id: str
    link: str
    settings_link: str


@dataclass(frozen=True)
class ExportStatus:
    """What Settings shows: an export being built, until when the last one is kept, a failure."""

    building: bool
    ready_until: datetime | None
    failed_at: datetime | None = None


def link_lifetime():
    return timedelta(hours=settings["EXPORT_LINK_HOURS"])


def export_folder():
    configured = settings.get("EXPORT_FOLDER")
    return Path(configured) if configured else Path(running_app().instance_path) / "exports"


def _member_folder(member_id):
    return export_folder() / str(int(member_id))


# --- asking ---------------------------------------------------------------------------


def request_export(member):
    """Start building `member`'s export; False when one is being built already."""
    sweep_expired()
    folder = _member_folder(member.id)
    folder.mkdir(parents=True, exist_ok=True)
    if not _take_lock(folder):
        return False
    (folder / FAILED).unlink(missing_ok=True)
    try:
        file_id = secrets.token_urlsafe(24)
        token = make_token(PURPOSE, member, f=file_id)
        export_requested.send(ExportJob(member.id, file_id, page_link("export", token=token),
                                        page_link("settings")))
    except Exception:
        (folder / LOCK).unlink(missing_ok=True)  # nothing will build it: let the next ask try
        raise
    return True


def _take_lock(folder):
    """Create the build lock; a lock older than EXPORT_BUILD_TIMEOUT is a lost build's."""
    lock = folder / LOCK
    for _ in range(2):
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            if _age_seconds(lock) < settings["EXPORT_BUILD_TIMEOUT"]:
                return False
            lock.unlink(missing_ok=True)
        else:
            return True
    return False


def _age_seconds(path):
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def export_status(member):
    """Is an export being built for `member`, and until when is the last one kept?"""
    folder = _member_folder(member.id)
    building = (folder / LOCK).exists()
    ready = sorted(folder.glob("*.zip"), key=lambda path: path.stat().st_mtime) \
        if folder.exists() else []
    until = None
    if ready:
        until = _modified_at(ready[-1]) + link_lifetime()
        if until <= utcnow():
            until = None
    failed = folder / FAILED
    failed_at = _modified_at(failed) if failed.exists() and not building else None
    return ExportStatus(building=building, ready_until=until, failed_at=failed_at)


def _modified_at(path):
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


# --- building (in the background) ------------------------------------------------------


def build_export(job):
    """Write the zip of `job`, delete the member's older one, queue the email (commits).

    A build that fails tells the member (Settings, and an email) before the
    error goes on to the worker's log: without that they would wait for a
    link that never comes.
    """
    folder = _member_folder(job.member_id)
    partial = folder / f"{job.file_id}.zip.part"
    try:
        return _write_export(job, folder, partial)
    except Exception:
        db.session.rollback()
        _tell_failure(job, folder)
        raise
    finally:
        partial.unlink(missing_ok=True)
        (folder / LOCK).unlink(missing_ok=True)


def _write_export(job, folder, partial):
    member = db.session.get(User, job.member_id)
    if member is None:  # the account was deleted meanwhile
        return None
    made_at = utcnow()
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in export_files(member, site_settings.current().name, made_at):
            archive.writestr(name, text)
    finished = folder / f"{job.file_id}.zip"
    os.replace(partial, finished)
    for older in folder.glob("*.zip"):
        if older != finished:
            older.unlink(missing_ok=True)
    queue_email(
        member.email, "Your data is ready to download", "export_ready",
        user=member, download_url=job.link, hours=settings["EXPORT_LINK_HOURS"],
    )
    db.session.commit()
    return finished


def _tell_failure(job, folder):
    (folder / FAILED).touch()
    member = db.session.get(User, job.member_id)
    if member is not None:
        queue_email(member.email, "Your data export could not be built", "export_failed",
                    user=member, settings_url=job.settings_link)
        db.session.commit()


def forget_exports(member_id):
    """Delete every export of a member whose account is gone."""
    folder = _member_folder(member_id)
    if not folder.exists():
        return
    for path in folder.iterdir():
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # a build finishing this instant; the sweep takes it
        folder.rmdir()


def sweep_expired():
    """Delete every export older than EXPORT_LINK_HOURS, and lost builds' leftovers."""
    root = export_folder()
    if not root.exists():
        return
    keep = link_lifetime().total_seconds()
    for path in root.glob("*/*.zip*"):
        age = _age_seconds(path)
        if age > keep or (path.suffix == ".part" and age > settings["EXPORT_BUILD_TIMEOUT"]):
            path.unlink(missing_ok=True)


# --- downloading ---------------------------------------------------------------------------


def export_file(member, token):
    """The zip the emailed `token` names, for `member` logged in.

    Raises TokenError for a forged, expired or replaced export, Forbidden for
    another member's link.
    """
    owner, payload = read_token(PURPOSE, token, max_age=link_lifetime().total_seconds())
    if owner.id != member.id:
        raise Forbidden(
            "export",
            "This link belongs to another account. Log in as the member who asked for the "
            "export to download it.",
        )
    file_id = payload.get("f")
    path = _member_folder(member.id) / f"{file_id}.zip" \
        if isinstance(file_id, str) and FILE_ID.fullmatch(file_id) else None
    if path is None or not path.is_file() or _age_seconds(path) > link_lifetime().total_seconds():
        raise TokenError(
            "This export is no longer kept (a newer one replaced it, or it expired). "
            "Ask for a new one in Settings."
        )
    return path


def download_name(member, now=None):
    """The file name the browser saves: site, username and date."""
    day = (now or utcnow()).strftime("%Y-%m-%d")
    site = re.sub(r"[^A-Za-z0-9_-]+", "-", site_settings.current().name).strip("-") or "blog"
    return f"{site}-{member.username}-{day}.zip"
