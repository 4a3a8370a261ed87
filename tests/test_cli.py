"""The command-line tasks a self-hoster runs."""

import pytest
from sqlalchemy import func, inspect, select

from blog import create_app
from blog.cli import DEMO_PASSWORD
from blog.extensions import db
from blog.models import User
from helpers import FormClient


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
    assert {u.username for u in users} == {"alice", "bob", "carol", "dana", "milo"}
    assert all(u.is_verified for u in users)

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has members" in again.output
    assert db.session.scalar(select(func.count(User.id))) == 5

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


# --- seed-demo in bulk ----------------------------------------------------------------

BULK = ["seed-demo", "--users", "5", "--articles", "30", "--comments", "60", "--likes", "40",
        "--follows", "10"]


def _count(sql):
    return db.session.execute(db.text(sql)).scalar()


def _rows_in(*tables):
    return [db.session.scalar(select(func.count()).select_from(db.metadata.tables[name]))
            for name in tables]


def test_seed_demo_in_bulk_writes_consistent_data(app):
    result = app.test_cli_runner().invoke(args=[*BULK, "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "Added 10 members, 30 articles" in result.output
    assert _rows_in("users", "articles", "comments", "likes", "follows") == [10, 30, 60, 40, 10]
    # The counters equal the rows they count; deleted placeholders do not count.
    assert _count("""SELECT count(*) FROM articles a
        WHERE likes_count <> (SELECT count(*) FROM likes l WHERE l.article_id = a.id)
           OR comments_count <> (SELECT count(*) FROM comments c
                                 WHERE c.article_id = a.id AND c.deleted_at IS NULL)""") == 0
    assert _count("SELECT count(*) FROM comments WHERE parent_id IS NOT NULL") > 0
    # "[deleted]" placeholders: emptied, no author, and only where replies keep them.
    assert _count("SELECT count(*) FROM comments WHERE deleted_at IS NOT NULL") > 0
    assert _count("""SELECT count(*) FROM comments p WHERE deleted_at IS NOT NULL
        AND (body <> '' OR author_id IS NOT NULL
             OR NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = p.id))""") == 0
    assert _count("""SELECT count(*) FROM comments r JOIN comments p ON r.parent_id = p.id
        WHERE p.parent_id IS NOT NULL OR p.article_id <> r.article_id""") == 0
    # Comments and likes only on published articles, after they were published.
    assert _count("""SELECT count(*) FROM likes l JOIN articles a ON a.id = l.article_id
        WHERE a.status <> 'published' OR l.created_at < a.published_at""") == 0
    assert _count("""SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id
        WHERE a.status <> 'published' OR c.created_at < a.published_at""") == 0
    assert _count("SELECT count(*) FROM follows WHERE follower_id = followed_id") == 0
    assert _count("""SELECT count(*) FROM articles a WHERE
        (SELECT count(*) FROM article_tags t WHERE t.article_id = a.id) NOT BETWEEN 1 AND 4""") == 0
    assert _count("SELECT count(*) FROM users WHERE email_verified_at IS NULL") == 0
    assert _count("SELECT count(DISTINCT password_hash) FROM users") == 1
    assert _count("SELECT count(*) FROM users WHERE username <> lower(username)") == 0

    member = _count("SELECT username FROM users WHERE username NOT IN ('alice', 'bob', 'carol')")
    client = FormClient(app.test_client())
    response = client.submit("/auth/login", {"login": member, "password": DEMO_PASSWORD},
                             follow_redirects=True)
    assert f"@{member}" in response.get_data(as_text=True)
    slug = _count("SELECT slug FROM articles WHERE status = 'published' ORDER BY likes_count DESC")
    tag = _count("SELECT name FROM tags ORDER BY name")
    for path in (f"/articles/{slug}", "/", "/?tab=top&period=all", f"/@{member}", f"/t/{tag}"):
        assert client.get(path).status_code == 200, path


def test_seed_demo_twice_adds_more_without_collisions(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=[*BULK, "--seed", "2"])
        assert result.exit_code == 0, result.output
    assert _rows_in("users", "articles", "comments", "likes", "follows") == [15, 60, 120, 80, 20]
    assert _count("SELECT count(DISTINCT lower(email)) FROM users") == 15
    assert _count("SELECT count(DISTINCT name) FROM tags") == _count("SELECT count(*) FROM tags")


def test_seed_demo_without_options_adds_only_the_demo_members(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert _count("SELECT count(*) FROM users") == 5  # alice, bob, carol and the staff
    assert _count("SELECT role FROM users WHERE username = 'dana'") == "admin"
    assert _count("SELECT role FROM users WHERE username = 'milo'") == "moderator"
    assert _count("SELECT count(*) FROM articles") == 0


MAKE_RUN = ["seed-demo", "--if-empty", "--users", "12", "--articles", "60", "--comments", "150",
            "--likes", "300", "--follows", "40", "--seed", "1"]  # as the Makefile's run


def test_the_demo_bell_rings_for_alice_with_comments_likes_and_a_follow(app):
    result = app.test_cli_runner().invoke(args=MAKE_RUN)
    assert result.exit_code == 0, result.output
    kinds = dict(db.session.execute(db.text(
        "SELECT kind, count(*) FROM notifications n JOIN users u ON u.id = n.recipient_id "
        "WHERE u.username = 'alice' GROUP BY kind")).all())
    assert kinds.keys() >= {"comment", "like", "follow"}
    # Nobody is told of their own doing, and no email goes out about the demo's past.
    assert _count("SELECT count(*) FROM notifications WHERE recipient_id = actor_id") == 0
    assert _count("SELECT count(*) FROM notifications WHERE emailed_at IS NULL") == 0
    client = FormClient(app.test_client())
    client.submit("/auth/login", {"login": "alice", "password": DEMO_PASSWORD})
    home = client.get("/").get_data(as_text=True)
    assert '<span class="bell-count">6</span>' in home
    assert "notifications" in result.output
    again = app.test_cli_runner().invoke(args=MAKE_RUN[:1] + MAKE_RUN[2:-2])  # more, not twice
    assert again.exit_code == 0, again.output
    assert _count("SELECT count(*) FROM notifications n JOIN users u ON u.id = n.recipient_id "
                  "WHERE u.username = 'alice'") == sum(kinds.values())


@pytest.mark.parametrize(("args", "message"), [
    (["--articles", "-1"], "-1 is not in the range x>=0"),
    (["--comments", "5"], "add --articles"),
    (["--likes", "5"], "add --articles"),
    (["--articles", "2", "--likes", "100"], "Cannot add 100 likes"),
    (["--follows", "100"], "Cannot add 100 follows"),
])
def test_seed_demo_rejects_impossible_options(app, args, message):
    result = app.test_cli_runner().invoke(args=["seed-demo", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert _count("SELECT count(*) FROM users") == 0
