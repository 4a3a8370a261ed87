"""Command-line tasks: flask --app blog init-db | seed-demo | create-admin | send-mail."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from .extensions import db
from .models import User

# Printed for people trying the demo; seed-demo refuses to run in production.
DEMO_PASSWORD = "demo-password-2024"  # noqa: S105
DEMO_USERS = [
    ("alice", "Alice Liddell", "Writes about Python and the web."),
    ("bob", "Bob Builder", "Backend engineer. Databases, queues, things that scale."),
    ("carol", "Carol Danvers", "Frontend, accessibility and design systems."),
]


def init_app(app):
    """Register the commands."""
    for command in (init_db, seed_demo, create_admin, send_mail):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the database or bring it to the newest schema."""
    upgrade()
    click.echo(f"Database ready: {_safe_url()}")


def _safe_url():
    return db.engine.url.render_as_string(hide_password=True)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the site already has members.")
def seed_demo(if_empty):
    """Add a few verified demo members."""
    from .accounts import create_user

    if current_app.config["BLOG_ENV"] == "production":
        raise click.ClickException("Demo data is for development sites; BLOG_ENV is production.")
    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("The database already has members; no demo data added.")
        return
    for username, name, bio in DEMO_USERS:
        if db.session.scalar(select(User).where(User.username == username)):
            continue
        user = create_user(f"{username}@example.com", username, DEMO_PASSWORD)
        user.display_name, user.bio = name, bio
    db.session.commit()
    click.echo(f"Demo members: {', '.join(u for u, _, _ in DEMO_USERS)}")
    click.echo(f"Demo login: alice / {DEMO_PASSWORD}")


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--username", prompt=True)
@click.password_option()
def create_admin(email, username, password):
    """Create a verified administrator account."""
    from .accounts import (
        AccountError,
        create_user,
        find_by_email,
        normalize_email,
        username_problem,
    )
    from .passwords import password_problem

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
    create_user(email, username, password, admin=True)
    click.echo(f"Administrator {username} created.")


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Deliver every email that is due in the outbox, once."""
    from .outbox import deliver_due, uses_dev_mailbox

    report = deliver_due()
    where = "the dev mailbox (/dev/mail)" if uses_dev_mailbox() else "SMTP"
    click.echo(f"Sent {report.sent}, failed {report.failed} (through {where}).")
    if report.failed:
        raise SystemExit(1)
