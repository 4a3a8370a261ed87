"""Command-line tasks: flask --app blog init-db | seed-demo | create-admin | send-mail |
backup | restore | doctor | search-reindex | rerender | recount."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from .events import security_event
from .extensions import db
from .models import User

# Printed for people trying the demo; seed-demo refuses to run in production.
DEMO_PASSWORD = "demo-password-2024"  # noqa: S105

def init_app(app):
    """Register the commands."""
    for command in (init_db, seed_demo, create_admin, send_mail, backup, restore, doctor,
                    search_reindex, rerender, recount):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the database or bring it to the newest schema."""
    upgrade()
    click.echo(f"Database ready: {_safe_url()}")


def _safe_url():
    return db.engine.url.render_as_string(hide_password=True)


COUNT = click.IntRange(min=0)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the site already has members.")
@click.option("--users", type=COUNT, default=0, help="Extra members to add.")
@click.option("--articles", type=COUNT, default=0, help="Articles to add (about 2% drafts).")
@click.option("--comments", type=COUNT, default=0, help="Comments on the new articles.")
@click.option("--likes", type=COUNT, default=0, help="Likes on the new articles.")
@click.option("--follows", type=COUNT, default=0, help="Follows between members.")
@click.option("--seed", type=int, default=None, help="Random seed, for the same data again.")
@click.option("--pictures/--no-pictures", default=True,
              help="With new articles: upload drawn covers, images and profile pictures.")
def seed_demo(if_empty, users, articles, comments, likes, follows, seed, pictures):
    """Add the verified demo members alice, bob and carol, and optionally bulk demo data.

    Every demo member logs in with the demo password.
    """
    from .seed import DEMO_STAFF, DEMO_USERS, Seeder, SeedError

    if current_app.config["BLOG_ENV"] == "production":
        raise click.ClickException("Demo data is for development sites; BLOG_ENV is production.")
    if (comments or likes) and not articles:
        raise click.UsageError("--comments and --likes go to the new articles: add --articles N.")
    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("The database already has members; no demo data added.")
        return
    started = time.perf_counter()
    seeder = Seeder(DEMO_PASSWORD, seed)
    try:
        seeder.add_members(users)
        if articles:
            seeder.add_articles(articles, comments, likes)
        if follows:
            seeder.add_follows(follows)
        seeder.add_notifications([u for u, _, _ in DEMO_USERS])
        seeder.refresh_statistics()
    except SeedError as exc:
        db.session.rollback()
        raise click.UsageError(str(exc)) from None
    db.session.commit()
    drawn = None
    if articles and pictures:
        from .seed.pictures import add_pictures

        drawn = add_pictures(seed)
    counts = seeder.counts
    click.echo(
        f"Added {counts.users:,} members, {counts.articles:,} articles ({counts.drafts:,} drafts), "
        f"{counts.comments:,} comments, {counts.likes:,} likes, {counts.follows:,} follows "
        f"and {counts.notifications:,} notifications in {time.perf_counter() - started:.1f} s."
    )
    if drawn:
        click.echo(f"Uploaded {drawn.avatars} profile pictures, {drawn.covers} covers and "
                   f"{drawn.inline} images in articles (drawn here, no download).")
    click.echo(f"Demo members: {', '.join(u for u, _, _ in DEMO_USERS)}; staff: "
               f"{', '.join(f'{u} ({role})' for u, _, _, role in DEMO_STAFF)}")
    click.echo(f"Demo login: alice / {DEMO_PASSWORD} (every demo member has this password)")


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--username", prompt=True)
@click.password_option()
def create_admin(email, username, password):
    """Create a verified administrator account."""
    from .domain.accounts import (
        AccountError,
        create_user,
        find_by_email,
        normalize_email,
        username_problem,
    )
    from .domain.passwords import password_problem

    try:
        email = normalize_email(email)
    except AccountError as exc:
        raise click.BadParameter(exc.message, param_hint="--email") from None
    problem = username_problem(username)
    if problem:
        raise click.BadParameter(problem, param_hint="--username")
    problem = password_problem(password, username=username, email=email)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    if find_by_email(email):
        raise click.BadParameter("An account already uses this email.", param_hint="--email")
    admin = create_user(email, username, password, admin=True)
    security_event("admin.created", user=admin, via="command line")
    click.echo(f"Administrator {username} created.")


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Queue the notification emails that are due, then deliver every due email, once."""
    from .domain.notification_emails import queue_due
    from .mailer import deliver_due, uses_dev_mailbox

    queue_due()
    report = deliver_due()
    where = "the dev mailbox (/dev/mail)" if uses_dev_mailbox() else "SMTP"
    click.echo(f"Sent {report.sent}, failed {report.failed} (through {where}).")
    if report.failed:
        raise SystemExit(1)


@click.command("backup")
@with_appcontext
@click.option("--to", "to_directory", type=click.Path(file_okay=False),
              help="Where to write the archive (instance/backups by default).")
def backup(to_directory):
    """Write the database, uploads and instance config into one dated archive."""
    from .backups import BackupError, make_backup, read_manifest
    from .domain.upload_storage import upload_folder

    try:
        archive = make_backup(current_app.instance_path, to_directory, uploads=upload_folder())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(read_manifest(archive)["rows"].values())
    click.echo(f"Backed up {rows} rows to {archive}")


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that holds data (stop the server first).")
def restore(archive, replace):
    """Bring back a backup into the configured database, checking every table's rows."""
    from .backups import BackupError, restore_backup
    from .domain.upload_storage import upload_folder

    try:
        manifest = restore_backup(archive, current_app.instance_path, replace=replace,
                                  uploads=upload_folder())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    security_event("site.restored", archive=str(archive), made=manifest["created_at"])
    click.echo(f"Restored {sum(manifest['rows'].values())} rows from the backup of "
               f"{manifest['created_at']} ({_safe_url()}).")


@click.command("doctor")
@with_appcontext
def doctor():
    """Check the secret key, database, email, outbox, disk and Redis; say what to fix."""
    from . import MIGRATIONS
    from .doctor import FAIL, OK, examine

    findings = examine(current_app, MIGRATIONS)
    marks = {OK: "ok  ", "warn": "WARN", FAIL: "FAIL"}
    for finding in findings:
        click.echo(f"{marks[finding.status]}  {finding.check}: {finding.saw}")
        if finding.advice:
            click.echo(f"      -> {finding.advice}")
    failed = sum(finding.status == FAIL for finding in findings)
    click.echo("All good." if not failed else f"{failed} problem(s) to fix.")
    if failed:
        raise SystemExit(1)



@click.command("search-reindex")
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True,
              help="Articles per step.")
@with_appcontext
def search_reindex(batch):
    """Build the search index again from the articles (searches keep working meanwhile)."""
    from .domain import search

    total = search.reindex_size()
    with click.progressbar(length=total, label="Indexing articles") as bar:
        for done in search.reindex(batch):
            bar.update(done)
    click.echo(f"Indexed {total} articles.")


@click.command("rerender")
@with_appcontext
def rerender():
    """Render every article and comment again (after an upgrade of the Markdown renderer)."""
    from .domain import rerendering

    total = rerendering.rows_to_render()
    with click.progressbar(length=total, label="Rendering articles and comments") as bar:
        changed = rerendering.rerender_all(bar.update)
    click.echo(f"Rendered {total} articles and comments again: {changed} changed.")


@click.command("recount")
@with_appcontext
def recount():
    """Count the published articles again, in all and per tag (after rows were changed
    by hand: the site's own writes keep them counted)."""
    from .domain import published_counts

    published_counts.recount()
    db.session.commit()
    total = db.session.scalar(published_counts.site_count())
    click.echo(f"Counted {total:,} published article{'' if total == 1 else 's'}.")
