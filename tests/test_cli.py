"""The command-line tasks a self-hoster runs."""

from sqlalchemy import func, inspect, select

from blog import create_app
from blog.cli import DEMO_PASSWORD
from blog.extensions import db
from blog.models import User
from conftest import FormClient


def test_init_db_creates_the_schema_on_an_empty_database(tmp_path):
    app = create_app({"BLOG_ENV": "testing", "SECRET_KEY": "s" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/fresh.sqlite3"})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "login_sessions", "outbox_emails", "alembic_version"} <= tables
        journal = db.session.execute(db.text("PRAGMA journal_mode")).scalar()
        assert journal == "wal"
        db.engine.dispose()
    # Running it again is harmless.
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0


def test_seed_demo_adds_verified_members_that_can_log_in(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert f"Demo login: alice / {DEMO_PASSWORD}" in result.output
    users = db.session.scalars(select(User)).all()
    assert {u.username for u in users} == {"alice", "bob", "carol"}
    assert all(u.is_verified for u in users)

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has members" in again.output
    assert db.session.scalar(select(func.count(User.id))) == 3

    client = FormClient(app.test_client())
    response = client.submit("/auth/login", {"login": "alice", "password": DEMO_PASSWORD},
                             follow_redirects=True)
    assert "@alice" in response.get_data(as_text=True)


def test_seed_demo_refuses_production(make_app):
    app = make_app(BLOG_ENV="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "BLOG_ENV is production" in result.output


def test_create_admin_prompts_and_validates(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-admin"],
        input="boss@example.com\nboss\na sturdy passphrase\na sturdy passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Administrator boss created." in result.output
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    assert boss.is_admin and boss.is_verified

    result = runner.invoke(args=["create-admin", "--email", "x@example.com", "--username", "admin",
                                 "--password", "a sturdy passphrase"])
    assert result.exit_code != 0
    assert "This username is reserved." in result.output
    result = runner.invoke(args=["create-admin", "--email", "BOSS@example.com",
                                 "--username", "boss2", "--password", "a sturdy passphrase"])
    assert "An account already uses this email." in result.output
