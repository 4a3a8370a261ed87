"""What the admins set for the whole site: its name and texts, and how people join.

The values live in the site_settings table, one row per key; a key never set
reads as its default (the text the templates had before), so an upgrade
keeps what a self-hoster chose and a fresh site looks as it always did.

Every page shows the name, so the values are kept in the app for
SITE_SETTINGS_MAX_AGE seconds: a page reads them from the database at most
once in that time, not once per request. A save here drops this process's
copy at once; other server processes see it when their copy ages out.
"""

import time
from dataclasses import dataclass, fields, replace

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..events import security_event
from ..extensions import db
from ..models import SiteSetting, utcnow
from ..runtime import running_app, settings
from . import permissions
from .errors import FieldError
from .images import https_url_problem
from .markdown import render_markdown

SIGNUP_MODES = ("open", "invite", "closed")
LIMITS = {"name": 60, "description": 200, "welcome": 2000, "about": 20_000,
          "conduct": 20_000, "contact_email": 254, "logo_url": 500}
DEFAULT_WELCOME = ("A small community of people who write about what they build. Join to "
                   "write, comment, and follow the people and topics you care about.")
CACHE_KEY = "site_settings"


class SiteSettingsError(FieldError):
    """A value the settings page cannot take; `field` names it."""


@dataclass(frozen=True)
class SiteSettings:
    """Everything the admins set; the *_html are the Markdown texts, rendered and sanitised."""

    name: str = ""
    description: str = "a small, self-hosted community"
    welcome: str = DEFAULT_WELCOME
    about: str = ""
    about_html: str = ""
    conduct: str = ""
    conduct_html: str = ""
    contact_email: str = ""
    logo_url: str = ""
    signup_mode: str = "open"
    require_approval: bool = False
    members_invite: bool = False

    @property
    def invite_only(self):
        return self.signup_mode == "invite"

    @property
    def closed(self):
        return self.signup_mode == "closed"


FLAGS = {"require_approval", "members_invite"}
EDITABLE = ("name", "description", "welcome", "about", "conduct", "contact_email", "logo_url",
            "signup_mode", "require_approval", "members_invite")


def _from_rows(rows):
    values = {}
    known = {f.name for f in fields(SiteSettings)}
    for key, value in rows:
        if key in known:  # a key a newer version wrote, read by an older one: ignored
            values[key] = value == "1" if key in FLAGS else value
    if values.get("signup_mode") not in SIGNUP_MODES:
        values.pop("signup_mode", None)
    loaded = SiteSettings(**values)
    return loaded if loaded.name else replace(loaded, name=settings["SITE_NAME"])


def current():
    """The site's settings now (one statement at most every SITE_SETTINGS_MAX_AGE seconds)."""
    app = running_app()
    kept = app.extensions.get(CACHE_KEY)
    if kept is not None and time.monotonic() - kept[1] < settings["SITE_SETTINGS_MAX_AGE"]:
        return kept[0]
    try:
        rows = db.session.execute(select(SiteSetting.key, SiteSetting.value)).all()
    except SQLAlchemyError:
        # The database is down (or not migrated yet): the error page still needs a name.
        db.session.rollback()
        return _from_rows([])  # not kept: the next page asks the database again
    loaded = _from_rows(rows)
    app.extensions[CACHE_KEY] = (loaded, time.monotonic())
    return loaded


def load_at_start(app):
    """Read the settings as the app starts, so that no visitor's page pays for it.

    A database that is not there yet (before `flask db upgrade`) leaves the
    defaults, and the first page reads the table then.
    """
    with app.app_context():
        current()
        db.session.remove()
        # Keep no connection open from here: an app only built (a command, a test) would
        # leave it to the garbage collector. The first request connects again.
        db.engine.dispose()


def forget():
    """Drop this process's copy: the next page reads the table again."""
    running_app().extensions.pop(CACHE_KEY, None)


# --- saving -----------------------------------------------------------------------------


def _clean(values):
    """The submitted values checked and trimmed; raises SiteSettingsError on the first bad one."""
    cleaned = {}
    for key in EDITABLE:
        value = values.get(key, False if key in FLAGS else "")
        if key in FLAGS:
            cleaned[key] = bool(value)
            continue
        value = (value or "").strip()
        if key in LIMITS and len(value) > LIMITS[key]:
            raise SiteSettingsError(key, f"Use at most {LIMITS[key]} characters.")
        cleaned[key] = value
    if not cleaned["name"]:
        raise SiteSettingsError("name", "The site needs a name.")
    if cleaned["signup_mode"] not in SIGNUP_MODES:
        raise SiteSettingsError("signup_mode", "Choose open, invite-only or closed.")
    if cleaned["contact_email"]:
        try:
            cleaned["contact_email"] = validate_email(
                cleaned["contact_email"], check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise SiteSettingsError("contact_email", str(error)) from error
    cleaned["logo_url"] = _logo(cleaned["logo_url"])
    return cleaned


def _logo(url):
    """An https:// address or a path on this site ("/static/logo.svg"), or ""."""
    if url.startswith("/") and not url.startswith("//"):
        problem = https_url_problem("https://site" + url, LIMITS["logo_url"])
    else:
        problem = https_url_problem(url, LIMITS["logo_url"])
    if problem:
        raise SiteSettingsError(
            "logo_url", "Use an https:// address of an image, a path on this site "
                        "(starting with /), or leave this empty.")
    return url


def save(admin, values):
    """Store the admin's settings (commits); the Markdown is rendered and sanitised now.

    Logged as a security event naming what changed, so admins can see who
    changed the site's name or opened its sign-ups.
    """
    permissions.require(permissions.may_administer(admin), "site")
    cleaned = _clean(values)
    cleaned["about_html"] = render_markdown(cleaned["about"]) if cleaned["about"] else ""
    cleaned["conduct_html"] = render_markdown(cleaned["conduct"]) if cleaned["conduct"] else ""
    before = current()
    stored = {key: ("1" if value else "") if key in FLAGS else value
              for key, value in cleaned.items()}
    existing = {row.key: row for row in db.session.scalars(select(SiteSetting))}
    now = utcnow()
    for key, value in stored.items():
        row = existing.get(key)
        if row is None:
            db.session.add(SiteSetting(key=key, value=value, updated_at=now,
                                       updated_by_id=admin.id))
        elif row.value != value:
            row.value, row.updated_at, row.updated_by_id = value, now, admin.id
    changed = sorted(key for key in EDITABLE if getattr(before, key) != cleaned[key])
    db.session.commit()
    forget()
    security_event("admin.site_settings", user=admin, changed=changed)
    return current()
