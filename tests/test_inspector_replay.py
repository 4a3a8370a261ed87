"""The flow inspector's "What if?": a recorded write sent again with one thing changed."""

import json
import sqlite3

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from test_inspector import texts

from blog.cli import DEMO_PASSWORD
from blog.extensions import db
from blog.models import Article, Comment, Like
from helpers import TEST_PASSWORD, Auth, FormClient, json_headers
from page_helpers import article_form


@pytest.fixture
def demo_site(make_app, smtp):
    """A development site with the inspector on, as `make run` has it."""
    app = make_app(FLOW_INSPECTOR=True, BLOG_ENV="development",
                   MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        yield app


@pytest.fixture
def browser(demo_site):
    return lambda: FormClient(demo_site.test_client())


@pytest.fixture
def member(browser, make_member):
    """member1, logged in on a browser of their own."""
    make_member("member1")
    client = browser()
    Auth(client).login()
    return client


def record(client, record_id):
    found = client.get(f"/flow/{record_id}.json")
    assert found.status_code == 200, found.status_code
    return found.get_json()


def what_if(client, response, change):
    """Press the what-if button `change` on the story of `response`; the replay's record."""
    original = response.headers["X-Request-Id"]
    answer = client.submit(f"/flow/{original}/replay", {"change": change})
    assert answer.status_code == 302, answer.status_code
    replayed_id = answer.headers["Location"].rsplit("/", 1)[-1]
    assert replayed_id != original
    replayed = record(client, replayed_id)
    assert replayed["came_from"] == original
    assert replayed["steps"][0]["kind"] == "replay"
    return replayed


def refused(client, response, change):
    """Press a what-if that is refused: back to the story, with why; nothing sent."""
    original = response.headers["X-Request-Id"]
    answer = client.submit(f"/flow/{original}/replay", {"change": change})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/flow/{original}"
    return client.get(answer.headers["Location"]).get_data(as_text=True)


def like(client, article):
    return client.post(f"/articles/{article.slug}/like", headers=json_headers(client))


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_without_the_csrf_token_a_like_and_a_comment_are_refused(member, make_member, make_article):
    article = make_article(author=make_member("author"), title="Liked")
    liked = like(member, article)
    assert liked.get_json() == {"liked": True, "likes_count": 1}

    replayed = what_if(member, liked, "no_csrf")
    assert replayed["status"] == 400
    assert replayed["replay"] == "without the CSRF token"
    assert texts(replayed, "csrf") == []
    assert "Security log: csrf.failed (The CSRF token is missing.)." in texts(replayed, "event")
    assert "(what if: without the CSRF token)" in member.get("/flow").get_data(as_text=True)

    commented = member.submit(f"/articles/{article.slug}/comments", {"body": "First!"})
    assert commented.status_code == 302
    assert what_if(member, commented, "no_csrf")["status"] == 400
    assert count(Comment) == 1


def test_logged_out_a_form_goes_to_the_login_page_and_a_fetch_gets_401(
        member, make_member, make_article):
    article = make_article(author=make_member("author"), title="Talked about")
    commented = member.submit(f"/articles/{article.slug}/comments", {"body": "Hello"})
    replayed = what_if(member, commented, "logged_out")
    assert replayed["status"] == 302
    assert replayed["steps"][-1]["detail"]["Location"].startswith("/auth/login")
    assert texts(replayed, "who")[0].startswith("No login came with this request")
    assert count(Comment) == 1

    replayed = what_if(member, like(member, article), "logged_out")
    assert replayed["status"] == 401
    assert replayed["steps"][-1]["detail"]["JSON body"] == {
        "errors": {"body": ["Please log in first."]}}
    # The browser that asked is still logged in: only the replay went without.
    assert member.get("/settings").status_code == 200


def test_as_another_member_deleting_someone_s_article_is_forbidden(
        member, make_member, make_article):
    article = make_article(author=make_member("author"), title="Not yours")
    make_member("alice", password=DEMO_PASSWORD)
    tried = member.submit(f"/articles/{article.slug}/delete")
    assert tried.status_code == 403

    replayed = what_if(member, tried, "other_member")
    assert replayed["status"] == 403
    assert replayed["replay"] == "as @alice, another (demo) member"
    assert replayed["member_name"] == "alice"
    assert texts(replayed, "who") == [
        "For this what-if you are @alice, a demo member whose password is public: the "
        "inspector set it without a password or cookie."]
    assert "You may delete this article: no (rule can_delete)." in texts(replayed, "rule")
    assert replayed["changes"] == {}
    assert db.session.get(Article, article.id) is not None


def test_as_another_member_one_s_own_edit_is_forbidden_and_changes_nothing(
        browser, make_member, make_article):
    author = make_member("author")
    article = make_article(author=author, title="Mine")
    make_member("alice", password=DEMO_PASSWORD)
    client = browser()
    Auth(client).login("author")
    edited = client.submit(f"/articles/{article.slug}/edit", article_form(title="Mine, edited"))
    assert edited.status_code == 302

    replayed = what_if(client, edited, "other_member")
    assert replayed["status"] == 403
    assert "You may edit this article: no (rule can_edit)." in texts(replayed, "rule")
    db.session.expire_all()
    assert db.session.get(Article, article.id).title == "Mine, edited"


def test_another_member_is_only_a_demo_member_with_the_public_password(
        member, make_member, make_article):
    article = make_article(author=make_member("author"), title="Liked")
    make_member("alice")  # a real member named alice: her password is her own
    make_member("bob", password=DEMO_PASSWORD, role="admin")  # never an admin
    page = refused(member, like(member, article), "other_member")
    assert "There is no demo member to act as" in page
    make_member("carol", password=DEMO_PASSWORD)
    replayed = what_if(member, like(member, article), "other_member")
    assert replayed["member_name"] == "carol" and replayed["status"] == 200
    assert replayed["changes"]["likes"] == {"inserted": 1}
    assert texts(replayed, "replay")[-1].startswith("Then the inspector rolled back")
    story = member.get(f"/flow/{replayed['id']}").get_data(as_text=True)
    assert "what if: as @carol" in story and "rolled back: nothing kept" in story  # diagram
    told = texts(replayed, "sql")  # its savepoints in words, not "The database: RELEASE."
    assert any(text.startswith("The database: the request's commit") for text in told)
    assert count(Like) == 1  # member1's own: carol's like was not kept


def test_an_invalid_field_is_refused_by_validation(member, make_member, make_article):
    written = member.submit("/new", article_form(title="Fine title"))
    assert written.status_code == 302
    replayed = what_if(member, written, "invalid_field")
    assert replayed["status"] == 422
    assert replayed["replay"] == "with the field title left empty"
    [checked] = texts(replayed, "validation")
    assert checked.startswith("The form was checked and refused: title:")
    assert count(Article) == 1

    article = make_article(author=make_member("author"), title="Commented")
    commented = member.submit(f"/articles/{article.slug}/comments", {"body": "Hi"})
    replayed = what_if(member, commented, "invalid_field")
    assert replayed["status"] == 422
    assert replayed["replay"] == "with the field body left empty"
    assert count(Comment) == 1


def test_an_api_call_is_replayed_without_its_token(demo_site, member, make_member, make_article):
    from api_contract import ApiClient

    article = make_article(author=make_member("author"), title="Favorite")
    api = ApiClient(demo_site.test_client())
    token = api.login("member1@example.com")
    favorited = api.post(f"/api/articles/{article.slug}/favorite", token=token)
    assert favorited.status_code == 200

    assert what_if(member, favorited, "logged_out")["status"] == 401
    page = refused(member, favorited, "no_csrf")
    assert "The API takes no CSRF token" in page

    written = api.post("/api/articles", {"article": {
        "title": "By API", "description": "d", "body": "b", "tagList": []}}, token=token)
    assert written.status_code == 201
    replayed = what_if(member, written, "invalid_field")
    assert replayed["status"] == 422
    assert replayed["replay"] == "with the field article.body left empty"  # keys sorted
    assert replayed["member_name"] == "member1"
    assert texts(replayed, "who")[0].startswith("For this what-if the API call runs as you")
    assert len(texts(replayed, "who")) == 1 and texts(replayed, "validation")
    assert token not in json.dumps(replayed)


def test_a_login_is_never_replayed(browser, make_member):
    make_member("member1")
    client = browser()
    login = Auth(client).login()
    story = client.get(f"/flow/{login.headers['X-Request-Id']}").get_data(as_text=True)
    assert story.count("never keeps") == 1 and 'name="change"' not in story  # said once
    for change in ("no_csrf", "logged_out", "other_member", "invalid_field"):
        assert "never keeps" in refused(client, login, change)


def test_a_read_is_not_replayed(member):
    page = member.get("/")
    story = member.get(f"/flow/{page.headers['X-Request-Id']}").get_data(as_text=True)
    assert "What if?" not in story
    assert "Only a write" in refused(member, page, "no_csrf")


def test_another_browser_cannot_replay_your_record(member, browser, make_member, make_article):
    article = make_article(author=make_member("author"), title="Mine to replay")
    liked = like(member, article)
    make_member("member2")
    stranger = browser()
    Auth(stranger).login("member2")
    answer = stranger.submit(f"/flow/{liked.headers['X-Request-Id']}/replay",
                             {"change": "no_csrf"})
    assert answer.status_code == 404


def test_the_replay_form_needs_its_own_csrf_token(member, make_member, make_article):
    liked = like(member, make_article(author=make_member("author"), title="Liked"))
    answer = member.post(f"/flow/{liked.headers['X-Request-Id']}/replay",
                         data={"change": "no_csrf"})
    assert answer.status_code == 400


@pytest.mark.parametrize("environment", ["production", "testing"])
def test_outside_development_there_is_no_what_if(make_app, make_member, environment):
    app = make_app(FLOW_INSPECTOR=True, BLOG_ENV=environment)
    with app.app_context():
        make_member("member1")
        client = FormClient(app.test_client())
        Auth(client).login()
        page = client.get("/")
        response = client.submit("/auth/logout")
        story = client.get(f"/flow/{response.headers['X-Request-Id']}").get_data(as_text=True)
        assert "What if?" not in story
        answer = client.submit(f"/flow/{response.headers['X-Request-Id']}/replay",
                               {"change": "no_csrf"})
        assert answer.status_code == 404
        assert page.status_code == 200


def test_no_secret_reaches_a_replay(demo_site, member, make_member, make_article):
    article = make_article(author=make_member("author"), title="Secretive")
    commented = member.submit(f"/articles/{article.slug}/comments", {"body": "Quiet"})
    kept = record(member, commented.headers["X-Request-Id"])["replayable"]
    assert kept["form"]["csrf_token"] == "••••"
    assert kept["form"]["body"] == ["Quiet"]
    replayed = what_if(member, commented, "invalid_field")
    assert replayed["steps"][1]["detail"]["form fields"] == {
        "csrf_token": "••••", "body": [""]}  # steps[0] tells the change, [1] what arrived
    page = member.get(f"/flow/{replayed['id']}").get_data(as_text=True)
    cookies = {cookie.key: cookie.value for cookie in member.client._cookies.values()}
    for shown in (json.dumps(replayed), page):
        assert TEST_PASSWORD not in shown
        assert demo_site.config["SECRET_KEY"] not in shown
        for name, value in cookies.items():
            if name != "flow_from":
                assert value not in shown, name


def test_replays_are_rate_limited_and_so_is_what_they_send(make_app, make_member, make_article):
    app = make_app(FLOW_INSPECTOR=True, BLOG_ENV="development", RATELIMIT_ENABLED=True,
                   RATELIMIT_REPLAYS_PER_IP="2 per minute",
                   RATELIMIT_COMMENTS_PER_MEMBER="1 per minute")
    with app.app_context():
        article = make_article(author=make_member("author"), title="Busy")
        make_member("member1")
        client = FormClient(app.test_client())
        Auth(client).login()
        commented = client.submit(f"/articles/{article.slug}/comments", {"body": "Once"})
        assert commented.status_code == 302
        # Sent again as member1, the comment meets member1's spent budget, as a real one would.
        assert what_if(client, commented, "invalid_field")["status"] == 429
        assert what_if(client, commented, "logged_out")["status"] == 302
        third = client.submit(f"/flow/{commented.headers['X-Request-Id']}/replay",
                              {"change": "no_csrf"})
        assert third.status_code == 429
        db.session.remove()


def test_a_visitor_replays_their_own_refused_write(browser, make_member, make_article):
    article = make_article(author=make_member("author"), title="Visited")
    visitor = browser()
    tried = visitor.submit(f"/articles/{article.slug}/comments", {"body": "Hi"})
    assert tried.status_code == 302  # to the login page
    assert what_if(visitor, tried, "no_csrf")["status"] == 400
    assert what_if(visitor, tried, "invalid_field")["status"] == 302  # login comes first


def test_a_write_committed_elsewhere_during_a_what_if_does_not_make_it_fail(
        member, make_member, make_article, demo_site):
    """Another request commits while a what-if runs: the what-if still answers as a real one.

    On SQLite a transaction that read first and writes later fails at once ("database is
    locked") when another connection committed in between; a what-if's transaction is
    opened before its first read, so it must hold the write lock from the start.
    """
    article = make_article(author=make_member("author"), title="Raced")
    make_member("carol", password=DEMO_PASSWORD)
    liked = like(member, article)
    other_write = []

    def commit_elsewhere(conn, cursor, statement, parameters, context, executemany):
        if other_write or not statement.lstrip().upper().startswith("INSERT INTO LIKES"):
            return
        other_write.append(commit_from_another_connection(demo_site, "author"))

    event.listen(Engine, "before_cursor_execute", commit_elsewhere)
    try:
        replayed = what_if(member, liked, "other_member")
    finally:
        event.remove(Engine, "before_cursor_execute", commit_elsewhere)
    assert other_write, "the what-if never wrote its like"
    assert replayed["status"] == 200, texts(replayed)
    assert replayed["changes"]["likes"] == {"inserted": 1}
    assert count(Like) == 1


def commit_from_another_connection(app, username):
    """Change a member's bio from a connection of its own; 'waited' when the lock was taken."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(url.database, timeout=0.2)
        try:
            other.execute("UPDATE users SET bio = 'elsewhere' WHERE username = ?", (username,))
            other.commit()
            return "committed"
        except sqlite3.OperationalError:
            return "waited"
        finally:
            other.close()
    engine = create_engine(url)
    try:
        with engine.begin() as other:
            other.execute(text("UPDATE users SET bio = 'elsewhere' WHERE username = :name"),
                          {"name": username})
        return "committed"
    finally:
        engine.dispose()
