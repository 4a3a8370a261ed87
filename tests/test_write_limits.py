"""Limits on writing: articles, comments, likes and bookmarks, follows; per member and per IP.

Rate limits are off in the other tests; each test here builds an app with
them on and small limits, and writes through the pages and the API alike.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from api_contract import ApiClient
from sqlalchemy import func, select

from blog.extensions import db
from blog.models import Article, Comment
from helpers import TEST_PASSWORD, Auth, FormClient, api_errors, json_headers
from server_helpers import LiveServer

TOO_MANY = "Too many attempts. Please wait a little and try again later."
PLENTY = "1000 per minute"
ANOTHER_IP = {"REMOTE_ADDR": "10.9.8.7"}


@pytest.fixture
def limited(make_app):
    """Build the app with rate limits on and these limits; its context stays open for the test."""
    contexts = []

    def factory(**limits):
        app = make_app(RATELIMIT_ENABLED=True, **limits)
        context = app.app_context()
        context.push()
        contexts.append(context)
        return app

    yield factory
    for context in reversed(contexts):
        db.session.remove()
        context.pop()


def browser(app, username, **environ):
    """A browser logged in as `username` (from another IP address when environ says so)."""
    client = FormClient(app.test_client())
    client.client.environ_base.update(environ)
    assert Auth(client).login(username).status_code == 302
    return client


def comment(client, slug, body="A comment"):
    return client.submit(f"/articles/{slug}/comments", {"body": body})


def api_comment(api, token, slug, body="A comment"):
    return api.post(f"/api/articles/{slug}/comments", {"comment": {"body": body}}, token=token)


def publish(client, title, button="publish"):
    data = {"title": title, "description": "", "cover_url": "", "tags": "", "body": "Text."}
    data[button] = "x"
    return client.submit("/new", data)


def assert_429_page(response):
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert TOO_MANY in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def make_article(author, title="Open for talk", tags=""):
    """A published article, saved in the app of the test (not the `app` fixture's)."""
    from blog.domain.articles import create_article

    return create_article(author, title, "", "Text.", tags, "", publish=True)


@pytest.fixture
def article(make_member):
    """Make a published article by a new member, in the app the test built."""
    return lambda title="Open for talk": make_article(make_member(), title)


# --- per member -----------------------------------------------------------------------------


def test_comments_per_member_count_on_the_page_and_in_the_api_together(
    limited, make_member, article
):
    app = limited(RATELIMIT_COMMENTS_PER_MEMBER="3 per minute", RATELIMIT_COMMENTS_PER_IP=PLENTY)
    make_member("chatty")
    slug = article().slug
    page = browser(app, "chatty")
    api = ApiClient(app.test_client())
    token = api.login("chatty@example.com")

    assert comment(page, slug).status_code == 302
    assert comment(page, slug).status_code == 302
    assert api_comment(api, token, slug).status_code == 201

    assert_429_page(comment(page, slug))
    assert api_errors(api_comment(api, token, slug), 429) == {"body": [TOO_MANY]}
    # Another member on the same address still may.
    make_member("calm")
    assert comment(browser(app, "calm"), slug).status_code == 302


def test_refused_comments_do_not_count_per_member_but_do_per_ip(limited, make_member, article):
    app = limited(RATELIMIT_COMMENTS_PER_MEMBER="2 per minute",
                  RATELIMIT_COMMENTS_PER_IP="5 per minute")
    make_member("typo")
    slug = article().slug
    page = browser(app, "typo")
    for _ in range(3):
        assert comment(page, slug, body="  ").status_code == 422
    assert comment(page, slug).status_code == 302
    assert comment(page, slug).status_code == 302
    assert_429_page(comment(page, slug))  # the member's 2, after 3 refused ones
    # The address has sent 5 that were answered: any member on it waits now...
    make_member("neighbour")
    assert_429_page(comment(browser(app, "neighbour"), slug))
    # ...and on another address they may.
    assert comment(browser(app, "neighbour", **ANOTHER_IP), slug).status_code == 302


def test_articles_per_member_on_the_editor_and_the_api(limited, make_member):
    app = limited(RATELIMIT_ARTICLES_PER_MEMBER="2 per hour", RATELIMIT_ARTICLES_PER_IP=PLENTY)
    make_member("prolific")
    page = browser(app, "prolific")
    api = ApiClient(app.test_client())
    token = api.login("prolific@example.com")

    # Previews and refused forms save nothing, and count for nothing.
    assert publish(page, "A preview", button="preview").status_code == 200
    assert publish(page, "").status_code == 422
    assert publish(page, "First").status_code == 302
    assert publish(page, "Second", button="save_draft").status_code == 302

    assert_429_page(publish(page, "Third"))
    response = api.post("/api/articles", {"article": {
        "title": "Fourth", "description": "d", "body": "Text."}}, token=token)
    assert api_errors(response, 429) == {"body": [TOO_MANY]}
    assert page.get("/new").status_code == 200  # the editor itself still opens


def test_likes_and_bookmarks_share_one_budget_and_taking_back_is_free(
    limited, make_member, article
):
    app = limited(RATELIMIT_REACTIONS_PER_MEMBER="3 per minute", RATELIMIT_REACTIONS_PER_IP=PLENTY)
    make_member("clicker")
    first, second = article("First").slug, article("Second").slug
    page = browser(app, "clicker")
    api = ApiClient(app.test_client())
    token = api.login("clicker@example.com")

    assert page.submit(f"/articles/{first}/like").status_code == 302
    assert page.post(f"/articles/{first}/bookmark", headers=json_headers(page)).status_code == 200
    assert api.post(f"/api/articles/{second}/favorite", token=token).status_code == 200

    # The buttons' script gets JSON it can show.
    response = page.post(f"/articles/{second}/bookmark", headers=json_headers(page))
    assert api_errors(response, 429) == {"body": [TOO_MANY]}
    assert api_errors(api.post(f"/api/articles/{second}/favorite", token=token), 429)
    # Unlike and unbookmark still work.
    response = page.post(f"/articles/{first}/unlike", headers=json_headers(page))
    assert response.get_json() == {"liked": False, "likes_count": 0}
    assert page.post(f"/articles/{first}/unbookmark", headers=json_headers(page)).status_code == 200


def test_follows_of_members_and_tags_share_one_budget(limited, make_member):
    app = limited(RATELIMIT_FOLLOWS_PER_MEMBER="2 per minute", RATELIMIT_FOLLOWS_PER_IP=PLENTY)
    make_member("fan")
    for name in ("star", "idol", "hero"):
        make_member(name)
    make_article(make_member("writer"), "Tagged", tags="python")
    page = browser(app, "fan")
    api = ApiClient(app.test_client())
    token = api.login("fan@example.com")

    assert page.submit("/@star/follow").status_code == 302
    assert page.post("/t/python/follow", headers=json_headers(page)).status_code == 200

    assert api_errors(page.post("/@idol/follow", headers=json_headers(page)), 429)
    assert api_errors(api.post("/api/profiles/hero/follow", token=token), 429) == {
        "body": [TOO_MANY]
    }
    assert page.submit("/@star/unfollow").status_code == 302


# --- per IP address ---------------------------------------------------------------------------


def write_once(kind, client, api, token, n):
    """One write of `kind` by this member, numbered n; returns the page's and the API's answer."""
    if kind == "article":
        return publish(client, f"Article {n}"), api.post("/api/articles", {"article": {
            "title": f"Api article {n}", "description": "d", "body": "Text."}}, token=token)
    if kind == "comment":
        return comment(client, "open-for-talk"), api_comment(api, token, "open-for-talk")
    if kind == "reaction":
        return (client.submit(f"/articles/open-for-talk-{n}/like"),
                api.post(f"/api/articles/open-for-talk-{n}/favorite", token=token))
    return client.submit(f"/@target{n}/follow"), api.post(
        f"/api/profiles/target{n}x/follow", token=token)


@pytest.mark.parametrize("kind", ["article", "comment", "reaction", "follow"])
def test_every_kind_of_write_is_limited_per_ip_address(kind, limited, make_member):
    name = f"RATELIMIT_{kind.upper()}S_PER_"
    app = limited(**{name + "MEMBER": PLENTY, name + "IP": "4 per minute"})
    author = make_member("author")
    make_article(author)
    for n in range(3):
        make_article(author, f"Open for talk {n}")
        make_member(f"target{n}")
        make_member(f"target{n}x")
    api = ApiClient(app.test_client())
    answers = []
    for n, username in enumerate(("one", "two")):
        make_member(username)
        page = browser(app, username)
        answers.extend(write_once(kind, page, api, api.login(f"{username}@example.com"), n))
    assert all(r.status_code < 400 for r in answers), [r.status_code for r in answers]

    make_member("three")
    page = browser(app, "three")
    token = api.login("three@example.com")
    on_page, in_api = write_once(kind, page, api, token, 2)
    assert_429_page(on_page)
    assert api_errors(in_api, 429) == {"body": [TOO_MANY]}
    # From another address the same member may.
    other_api = ApiClient(app.test_client())
    other_api.client.environ_base.update(ANOTHER_IP)
    other = browser(app, "three", **ANOTHER_IP)
    assert all(r.status_code < 400 for r in write_once(kind, other, other_api, token, 2))


def test_what_the_limit_lets_through_as_a_preview_is_never_saved(limited, make_member):
    """preview= (empty) beside publish: the limit exempted it as a preview, the editor saved it."""
    app = limited(RATELIMIT_ARTICLES_PER_MEMBER="1 per hour",
                  RATELIMIT_ARTICLES_PER_IP="2 per hour")
    make_member("sly")
    page = browser(app, "sly")
    assert publish(page, "First").status_code == 302

    for title in ("Second", "Third", "Fourth"):
        data = {"title": title, "description": "", "cover_url": "", "tags": "", "body": "Text.",
                "publish": "x", "preview": ""}
        assert page.submit("/new", data).status_code in (200, 429)
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 1


def test_a_member_sending_many_comments_at_once_gets_exactly_the_limit_through(
    make_app, make_member, make_article
):
    """Parallel requests through the real server: the member's limit is spent before the write.

    (Counted after the answer, 40 comments at once got 11 through a limit of 5.)
    """
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_COMMENTS_PER_MEMBER="5 per minute",
                   RATELIMIT_COMMENTS_PER_IP=PLENTY, RATELIMIT_LOGIN_PER_IP=PLENTY)
    with app.app_context():
        member = make_member("flooder")
        article = make_article(title="Flooded")  # held: the session must not keep its old count
        slug = article.slug
        server = LiveServer(app)
        server.start()
        try:
            login = requests.post(f"{server.url}/api/users/login", timeout=20, json={
                "user": {"email": member.email, "password": TEST_PASSWORD}})
            headers = {"Authorization": "Token " + login.json()["user"]["token"],
                       "Connection": "close"}
            start = threading.Barrier(40, timeout=20)

            def post(n):
                start.wait()
                return requests.post(f"{server.url}/api/articles/{slug}/comments", timeout=20,
                                     headers=headers, json={"comment": {"body": f"Flood {n}"}}
                                     ).status_code

            with ThreadPoolExecutor(40) as pool:
                statuses = sorted(pool.map(post, range(40)))
        finally:
            server.stop()
        assert statuses == [201] * 5 + [429] * 35, statuses
        assert article.comments_count == 5
        assert db.session.scalar(
            select(func.count()).select_from(Comment).where(Comment.article_id == article.id)
        ) == 5


def test_edits_are_limited_on_the_pages_and_in_the_api(make_app, make_member, make_article):
    """Every edit changes pages that readers get: a flood of them is refused with 429."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_EDITS_PER_MEMBER="2 per minute",
                   RATELIMIT_LOGIN_PER_IP=PLENTY)
    with app.app_context():
        member = make_member("editor")
        slug = make_article(author=member, title="Edited").slug
        page = FormClient(app.test_client())
        Auth(page).login("editor")
        form = {"title": "Edited", "description": "", "tags": "", "cover_url": "",
                "body": "Again", "publish": "y"}
        statuses = [page.submit(f"/articles/{slug}/edit", form).status_code for _ in range(2)]
        assert statuses == [302, 302]
        assert page.submit(f"/articles/{slug}/edit", form).status_code == 429
        assert page.submit("/settings", {"profile-display_name": "Ed"}).status_code == 429
        api = ApiClient(app.test_client())
        token = api.login(member.email)
        answer = api.put(f"/api/articles/{slug}", {"article": {"body": "More"}}, token=token)
        assert answer.status_code == 429 and "errors" in answer.json
        assert api.put("/api/user", {"user": {"bio": "Hi"}}, token=token).status_code == 429
