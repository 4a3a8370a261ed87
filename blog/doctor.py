"""`flask --app blog doctor`: one screen that says whether the site is healthy, and what to do.

Each check answers ok, warn or fail with what it saw and, unless ok, what to do
about it. Nothing is changed; SMTP and Redis are only connected to and greeted.
"""

import shutil
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from .config_env import MIN_SECRET_LENGTH, PLACEHOLDER_SECRETS
from .extensions import db
from .models import OutboxEmail, utcnow

OK, WARN, FAIL = "ok", "warn", "fail"
LOW_DISK_BYTES = 1 << 30  # 1 GiB


@dataclass
class Finding:
    status: str
    check: str
    saw: str
    advice: str = ""


def examine(app, migrations):
    """Every check, in the order a person would fix things."""
    checks = (_secret_key, _database, _smtp, _outbox, _counts, _disk, _storages)
    findings = []
    for check in checks:
        try:
            findings.extend(check(app, migrations))
        except Exception as error:  # noqa: BLE001 - a check that breaks is itself a finding
            findings.append(Finding(FAIL, check.__name__.strip("_"), f"the check failed: {error}",
                                    "Read the message above; the other checks still ran."))
    return findings


def _secret_key(app, migrations):
    key = app.config.get("SECRET_KEY") or ""
    if key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH:
        yield Finding(FAIL, "secret key", "missing or too short",
                      "Set SECRET_KEY to the output of: python3 -c 'import secrets; "
                      "print(secrets.token_urlsafe(48))'")
    elif app.config["BLOG_ENV"] != "production":
        yield Finding(WARN, "secret key", f"set, but the site runs in {app.config['BLOG_ENV']} "
                      "mode", "Set BLOG_ENV=production (the default) on a real site.")
    else:
        yield Finding(OK, "secret key", "set and strong")


def _database(app, migrations):
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            level = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # noqa: BLE001 - any driver error means the same to the reader
        yield Finding(FAIL, "database", f"{url}: {str(error).splitlines()[0]}",
                      "Check DATABASE_URL, that the server runs, then: flask --app blog init-db")
        return
    config = app.extensions["migrate"].migrate.get_config(str(migrations))
    head = ScriptDirectory.from_config(config).get_current_head()
    if level != head:
        yield Finding(FAIL, "database", f"{url} at migration {level}, the code needs {head}",
                      "Back up (flask --app blog backup), then: flask --app blog init-db")
    else:
        yield Finding(OK, "database", f"{url}, migrations at {head}")


def _smtp(app, migrations):
    server = app.config.get("MAIL_SERVER")
    if not server:
        status = WARN if app.config["BLOG_ENV"] == "production" else OK
        yield Finding(status, "email", "no SMTP server: mail waits in the outbox"
                      + (" (the dev mailbox shows it at /dev/mail)" if status == OK else ""),
                      "" if status == OK else "Set MAIL_SERVER, MAIL_PORT and the rest: "
                      "sign-ups cannot be confirmed without email.")
        return
    port = int(app.config.get("MAIL_PORT") or 25)
    try:
        kind = smtplib.SMTP_SSL if app.config.get("MAIL_USE_SSL") else smtplib.SMTP
        with kind(server, port, timeout=5) as smtp:
            smtp.ehlo()
    except (OSError, smtplib.SMTPException) as error:
        yield Finding(FAIL, "email", f"{server}:{port} does not answer ({error})",
                      "Check MAIL_SERVER and MAIL_PORT, and that this machine may reach it.")
    else:
        yield Finding(OK, "email", f"{server}:{port} answers")


def _outbox(app, migrations):
    unsent = select(func.count(), func.min(OutboxEmail.created_at)).where(
        OutboxEmail.sent_at.is_(None))
    given_up = app.config["MAIL_MAX_ATTEMPTS"]
    waiting, oldest = db.session.execute(
        unsent.where(OutboxEmail.attempts < given_up)).one()
    failed = db.session.scalar(select(func.count()).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.attempts >= given_up))
    if failed:
        yield Finding(FAIL, "outbox", f"{failed} email(s) given up after {given_up} attempts",
                      "See their last_error in outbox_emails; fix SMTP, then "
                      "flask --app blog send-mail.")
    if waiting and oldest < utcnow() - timedelta(minutes=15):
        yield Finding(WARN, "outbox", f"{waiting} email(s) waiting, the oldest since "
                      f"{oldest:%Y-%m-%d %H:%M} UTC", "Is the server (its mail worker) running, "
                      "and SMTP reachable? flask --app blog send-mail sends them now.")
    elif not failed:
        yield Finding(OK, "outbox", f"{waiting} email(s) waiting")


def _counts(app, migrations):
    from .domain import published_counts

    wrong = published_counts.drift()
    if wrong:
        what, kept, counted = wrong[0]
        yield Finding(WARN, "published counts",
                      f"{len(wrong)} differ from the articles ({what}: {kept} kept, "
                      f"{counted} counted)", "Rows changed by hand, or by a server process "
                      "older than the migration? flask --app blog recount counts them again.")
    else:
        yield Finding(OK, "published counts", "match the articles")


def _disk(app, migrations):
    places = {Path(app.instance_path)}
    if db.engine.url.get_backend_name() == "sqlite" and db.engine.url.database:
        places.add(Path(db.engine.url.database).resolve().parent)
    for place in sorted(places):
        usage = shutil.disk_usage(place)
        free = f"{usage.free / (1 << 30):.1f} GiB free of {usage.total / (1 << 30):.1f} GiB"
        if usage.free < LOW_DISK_BYTES or usage.free < usage.total * 0.05:
            yield Finding(WARN, "disk", f"{place}: {free}",
                          "Free some space: the database, backups and logs grow.")
        else:
            yield Finding(OK, "disk", f"{place}: {free}")


def _storages(app, migrations):
    for setting, what in (("RATELIMIT_STORAGE_URI", "rate limits"),
                          ("PAGE_CACHE_URL", "page cache")):
        url = app.config.get(setting) or "memory://"
        if not url.startswith(("redis://", "rediss://")):
            yield Finding(OK, what, "kept in this process's memory (fine for one process; give "
                          f"several processes Redis: {setting}=redis://...)")
            continue
        import redis

        try:
            redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
        except (redis.RedisError, OSError) as error:
            yield Finding(FAIL, what, f"Redis does not answer ({error})",
                          f"Start Redis or fix {setting}; meanwhile each process counts alone.")
        else:
            yield Finding(OK, what, "Redis answers")
