"""/learn: the guided page of the flow inspector, on a development site only."""

import json
import re
import subprocess
from html import unescape

import pytest

from blog.cli import DEMO_PASSWORD
from helpers import Auth, FormClient
from server_helpers import LiveServer


@pytest.fixture
def demo_site(make_app):
    """A development site with the inspector on, as `make run` serves it."""
    app = make_app(FLOW_INSPECTOR=True, BLOG_ENV="development")
    with app.app_context():
        yield app


@pytest.fixture
def visitor(demo_site):
    return FormClient(demo_site.test_client())


def curl_block(html):
    """The shell lines the page shows, as a learner would copy them."""
    found = re.search(r'<pre class="learn-curl"><code>(.*?)</code></pre>', html, re.DOTALL)
    return unescape(found.group(1)) if found else None


def test_learn_is_a_development_page_with_the_inspector_on(make_app):
    for config in ({"FLOW_INSPECTOR": False, "BLOG_ENV": "development"},
                   {"FLOW_INSPECTOR": True, "BLOG_ENV": "testing"},
                   {"FLOW_INSPECTOR": True, "BLOG_ENV": "production"}):
        client = make_app(**config).test_client()
        assert client.get("/learn").status_code == 404, config
        assert "/learn" not in client.get("/").get_data(as_text=True), config


def test_learn_is_linked_from_the_bar_and_the_list(visitor):
    assert 'href="/learn"' in visitor.get("/").get_data(as_text=True)
    assert 'href="/learn"' in visitor.get("/flow").get_data(as_text=True)


def test_learn_says_how_to_seed_an_empty_site(visitor):
    page = visitor.get("/learn")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "flask --app blog seed-demo --articles 20" in html
    assert curl_block(html) is None


def test_learn_points_at_a_demo_article_and_the_demo_login(visitor, make_member, make_article):
    make_member("alice")
    article = make_article(title="Demo article")
    html = visitor.get("/learn").get_data(as_text=True)
    assert f'href="/articles/{article.slug}">Demo article</a>' in html
    assert f"<code>alice</code> / <code>{DEMO_PASSWORD}</code>" in html
    assert "<code>qwertyuiop</code>" in html and 'href="/auth/register"' in html
    lines = curl_block(html)
    assert f"curl -i -X POST http://localhost/api/articles/{article.slug}/favorite\n" in lines
    assert '"email": "alice@example.com"' in lines
    assert "http://localhost/api/users/login" in lines


def test_without_alice_the_curl_lines_sign_up(visitor, make_article):
    make_article(title="Demo article")
    lines = curl_block(visitor.get("/learn").get_data(as_text=True))
    assert "http://localhost/api/users -H" in lines and "Dev mailbox" in lines


def test_learn_links_to_the_story_of_your_latest_like_and_sign_up(visitor, make_member,
                                                                  make_article):
    article = make_article(author=make_member("author"), title="Liked")
    signup = Auth(visitor).register(password="qwertyuiop", confirm="qwertyuiop")
    make_member("member1")
    Auth(visitor).login()
    like = visitor.post(f"/articles/{article.slug}/like",
                        headers={"Accept": "application/json",
                                 "X-CSRFToken": visitor.csrf_token()})
    html = visitor.get("/learn").get_data(as_text=True)
    assert (f'Your latest like: <a href="/flow/{like.headers["X-Request-Id"]}">'
            f"<code>POST /articles/{article.slug}/like</code> → 200</a>") in html
    assert f'Your latest sign-up: <a href="/flow/{signup.headers["X-Request-Id"]}">' in html
    assert f'Your latest request: <a href="/flow/{like.headers["X-Request-Id"]}">' in html


def test_the_status_step_compares_only_what_your_list_shows(demo_site, visitor, make_member,
                                                            make_article):
    from api_contract import ApiClient

    article = make_article(author=make_member("author"), title="Liked")
    alice = make_member("alice")
    Auth(visitor).login("alice")
    api = ApiClient(demo_site.test_client())
    anonymous = api.post(f"/api/articles/{article.slug}/favorite")
    assert anonymous.status_code == 401
    with_token = api.post(f"/api/articles/{article.slug}/favorite", token=api.login(alice.email))
    listed = visitor.get("/flow").get_data(as_text=True)
    assert with_token.headers["X-Request-Id"] in listed
    assert anonymous.headers["X-Request-Id"] not in listed  # no token, no cookie: no one's

    html = visitor.get("/learn").get_data(as_text=True)
    status = html[html.index("<h2>Status</h2>"):].split("</li>", 1)[0]
    assert "your API calls with a token" in status
    assert "The curl call without a token is not listed" in status


def test_the_curl_lines_work_as_pasted(make_app, make_member, make_article):
    app = make_app(FLOW_INSPECTOR=True, BLOG_ENV="development")
    with app.app_context():
        make_member("alice", password=DEMO_PASSWORD)
        slug = make_article(title="Demo article").slug
    server = LiveServer(app)
    server.start()
    try:
        html = app.test_client().get("/learn").get_data(as_text=True)
        lines = curl_block(html)
        assert server.url in lines
        shell = subprocess.run(["bash", "-c", lines], capture_output=True, text=True,
                               timeout=30, check=True)
    finally:
        server.stop()
    answers = shell.stdout.split("HTTP/1.1 ")
    assert answers[1].startswith("401")
    assert answers[2].startswith("200")
    body = json.loads(answers[2].split("\n\n", 1)[1])  # text mode: \r\n read as \n
    assert body["article"]["slug"] == slug and body["article"]["favorited"] is True


def test_the_weak_password_to_try_is_one_sign_up_refuses(make_app):
    for refuse_common, password in ((True, "qwertyuiop"), (False, "abc")):
        app = make_app(FLOW_INSPECTOR=True, BLOG_ENV="development",
                       REFUSE_COMMON_PASSWORDS=refuse_common)
        visitor = FormClient(app.test_client())
        assert f"with the password <code>{password}</code>" in visitor.get(
            "/learn").get_data(as_text=True)
        refused = Auth(visitor).register(password=password, confirm=password)
        assert refused.status_code == 200  # the form again, not a redirect: refused
