"""`flask --app blog doctor`: one screen of what is healthy, and what to do about the rest."""

from datetime import timedelta

from blog.extensions import db
from blog.models import OutboxEmail, article_tags, utcnow
from server_helpers import free_port


def doctor(app):
    result = app.test_cli_runner().invoke(args=["doctor"])
    lines = {line.split(":", 1)[0].strip(): line for line in result.output.splitlines()
             if line[:4] in ("ok  ", "WARN", "FAIL")}
    return result, lines


def outbox_email(**fields):
    db.session.add(OutboxEmail(recipient="a@example.com", subject="Hi", text_body="Hi",
                               html_body="<p>Hi</p>", **fields))
    db.session.commit()


def test_a_healthy_site_says_all_good(make_app, smtp):
    app = make_app(BLOG_ENV="production", MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        result, lines = doctor(app)
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("All good.")
    for check in ("ok    secret key", "ok    database", "ok    email", "ok    outbox",
                  "ok    published counts", "ok    disk", "ok    rate limits", "ok    page cache"):
        assert check in lines, (check, result.output)
    assert "migrations at 0" in lines["ok    database"]


def test_each_problem_is_named_with_what_to_do(make_app):
    silent = free_port()  # nothing listens there
    app = make_app(BLOG_ENV="production", MAIL_SERVER="127.0.0.1", MAIL_PORT=silent,
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    with app.app_context():
        outbox_email(attempts=app.config["MAIL_MAX_ATTEMPTS"], last_error="refused")
        result, lines = doctor(app)
    assert result.exit_code == 1
    assert f"127.0.0.1:{silent} does not answer" in lines["FAIL  email"]
    assert "1 email(s) given up" in lines["FAIL  outbox"]
    assert "Redis does not answer" in lines["FAIL  rate limits"]
    assert "3 problem(s) to fix." in result.output
    assert app.config["SECRET_KEY"] not in result.output  # never the secret itself


def test_counts_changed_by_hand_are_a_warning_that_says_recount(
        make_app, make_member, make_article):
    app = make_app()
    with app.app_context():
        make_article(author=make_member("author"), title="Counted", tags="python")
        db.session.execute(article_tags.delete())  # by hand: the tag's count is now wrong
        db.session.commit()
        result, lines = doctor(app)
        assert "1 differ from the articles (#python: 1 kept, 0 counted)" in lines[
            "WARN  published counts"]
        assert "flask --app blog recount counts them again" in result.output
        app.test_cli_runner().invoke(args=["recount"])
        _, lines = doctor(app)
    assert "ok    published counts" in lines


def test_mail_waiting_too_long_is_a_warning(make_app):
    app = make_app(BLOG_ENV="production")
    with app.app_context():
        outbox_email(created_at=utcnow() - timedelta(hours=2))
        result, lines = doctor(app)
    assert "1 email(s) waiting, the oldest since" in lines["WARN  outbox"]
    assert "no SMTP server" in lines["WARN  email"]
    assert result.exit_code == 0  # warnings are worth reading, not failures


def test_outside_production_the_secret_key_is_a_warning(make_app):
    app = make_app(BLOG_ENV="development")
    with app.app_context():
        _, lines = doctor(app)
    assert "development mode" in lines["WARN  secret key"]


def test_a_database_behind_the_code_says_to_migrate(new_database):
    app = new_database()  # empty: never migrated
    with app.app_context():
        result, lines = doctor(app)
    assert result.exit_code == 1
    assert "flask --app blog init-db" in result.output
    assert "FAIL  database" in lines
