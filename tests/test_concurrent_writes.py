"""Articles created and edited at once through the real server (waitress): never a 500.

Every test starts its clients together (a barrier per round) so that their
requests reach the server at the same moment, on SQLite and PostgreSQL alike.
Bounded: a few dozen requests per test, each with a timeout. The race, the
clients and the members fixture below serve test_concurrent_reactions.py and
test_account_races.py too.
"""

import re
import threading
import time
from collections import Counter

import pytest
import requests
from sqlalchemy import select

from blog.extensions import db
from blog.models import Article, Tag
from helpers import CSRF_PATTERN, TEST_PASSWORD

CLIENTS = 8
ROUNDS = 4
TIMEOUT = 20  # seconds, for one request and for a whole race
OPEN_CLIENTS = []


def race(jobs):
    """Run each job (a function of the round) in its own thread, all starting at once.

    Returns each job's answers (status codes), in the order of `jobs`.
    """
    barrier = threading.Barrier(len(jobs), timeout=TIMEOUT)
    answers = [[] for _ in jobs]
    failures = []

    def run(index, job):
        try:
            for round_ in range(ROUNDS):
                barrier.wait()
                answers[index].append(job(round_))
        except Exception as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    assert not failures, failures
    return answers


def server_errors(answers):
    return [status for statuses in answers for status in statuses if status >= 500]


class ApiClient:
    """One member's HTTP client for the JSON API of the live server."""

    def __init__(self, server, email):
        self.base = server.url
        self.http = requests.Session()
        OPEN_CLIENTS.append(self)
        response = self.http.post(
            f"{self.base}/api/users/login",
            json={"user": {"email": email, "password": TEST_PASSWORD}},
            timeout=TIMEOUT,
        )
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = "Token " + response.json()["user"]["token"]

    def send(self, method, path, json=None):
        return self.http.request(method, self.base + path, json=json, timeout=TIMEOUT).status_code


class Browser:
    """One member's browser on the pages: a cookie jar and the CSRF token of a form."""

    def __init__(self, server, username):
        self.base = server.url
        self.http = requests.Session()
        OPEN_CLIENTS.append(self)
        self.http.headers["Referer"] = self.base + "/"
        response = self.submit("/auth/login", {"login": username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.text[:500]

    def token(self):
        page = self.http.get(self.base + "/auth/reset", timeout=TIMEOUT).text
        return CSRF_PATTERN.search(page).group(1)

    def submit(self, path, data=None):
        data = {"csrf_token": self.token(), **(data or {})}
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=TIMEOUT)


@pytest.fixture
def members(live_server, make_member):
    """`CLIENTS` verified members, made in the live server's database: (username, email).

    Every client made during the test hangs up at its end, before the server
    stops (waitress would wait for open keep-alive connections).
    """
    idle = len(live_server.server._map)  # the listening socket and waitress's own trigger
    with live_server.app.app_context():
        made = [make_member(f"racer{n}") for n in range(CLIENTS)]
        yield [(m.username, m.email) for m in made]
    for client in OPEN_CLIENTS:
        client.http.close()
    OPEN_CLIENTS.clear()
    # Let waitress see the hang-ups: stopping it closes what is left from another thread.
    deadline = time.monotonic() + 5
    while len(live_server.server._map) > idle and time.monotonic() < deadline:
        time.sleep(0.02)


def test_api_creates_sharing_a_new_tag_and_a_title_all_succeed(live_server, members):
    clients = [ApiClient(live_server, email) for _, email in members]

    def create(client, n):
        def job(round_):
            return client.send("POST", "/api/articles", {"article": {
                "title": "Same title", "description": f"{n} {round_}", "body": "Racing.",
                "tagList": [f"fresh{round_}", "shared", f"mine{n}"],
            }})
        return job

    answers = race([create(c, n) for n, c in enumerate(clients)])

    assert server_errors(answers) == []
    assert all(status == 201 for statuses in answers for status in statuses), answers
    with live_server.app.app_context():
        descriptions = Counter(db.session.scalars(select(Article.description)))
        assert len(descriptions) == CLIENTS * ROUNDS and set(descriptions.values()) == {1}
        for article in db.session.scalars(select(Article)):
            n, round_ = article.description.split()
            assert sorted(t.name for t in article.tags) == sorted(
                [f"fresh{round_}", "shared", f"mine{n}"]
            )
        names = db.session.scalars(select(Tag.name)).all()
    assert sorted(names) == sorted(
        [f"fresh{r}" for r in range(ROUNDS)] + ["shared"] + [f"mine{n}" for n in range(CLIENTS)]
    )


def test_page_creates_with_the_same_title_and_a_new_tag_all_succeed(live_server, members):
    browsers = [Browser(live_server, name) for name, _ in members[:4]]

    def create(browser, n):
        def job(round_):
            return browser.submit("/new", {
                "title": "Same title", "description": f"{n} {round_}", "body": "Racing.",
                "tags": f"fresh{round_} shared", "cover_url": "", "publish": "Publish",
            }).status_code
        return job

    answers = race([create(b, n) for n, b in enumerate(browsers)])

    assert server_errors(answers) == []
    assert all(status == 302 for statuses in answers for status in statuses), answers
    with live_server.app.app_context():
        articles = db.session.scalars(select(Article)).all()
        assert sorted(a.description for a in articles) == sorted(
            f"{n} {r}" for n in range(4) for r in range(ROUNDS)
        )
        assert len({a.slug for a in articles}) == len(articles)
        for article in articles:
            round_ = article.description.split()[1]
            assert sorted(t.name for t in article.tags) == sorted([f"fresh{round_}", "shared"])


def test_edits_racing_with_new_tags_all_succeed(live_server, members):
    """The author edits an article (another each round) from 8 clients at once, with new tags."""
    author = ApiClient(live_server, members[0][1])
    slugs = []
    for n in range(4):
        assert author.send("POST", "/api/articles", {"article": {
            "title": f"Edited {n}", "description": "d", "body": "Before."}}) == 201
        slugs.append(f"edited-{n}")
    editors = [ApiClient(live_server, members[0][1]) for _ in range(CLIENTS)]

    def edit(client, n):
        def job(round_):
            return client.send("PUT", f"/api/articles/{slugs[round_]}", {"article": {
                "body": f"After {n}.", "tagList": [f"edit{round_}", f"by{n % 2}"]}})
        return job

    answers = race([edit(c, n) for n, c in enumerate(editors)])

    assert server_errors(answers) == []
    assert all(status == 200 for statuses in answers for status in statuses), answers


def test_the_same_title_from_every_client_gives_one_plain_slug(live_server, members):
    """Same title from every client in one go: one gets the plain slug, the rest a suffix."""
    clients = [ApiClient(live_server, email) for _, email in members]

    def create(client):
        return lambda round_: client.send("POST", "/api/articles", {"article": {
            "title": f"Clash {round_}", "description": "d", "body": "Racing."}})

    answers = race([create(c) for c in clients])

    assert server_errors(answers) == []
    with live_server.app.app_context():
        slugs = db.session.scalars(select(Article.slug)).all()
    for round_ in range(ROUNDS):
        mine = [s for s in slugs if re.fullmatch(rf"clash-{round_}(-[0-9a-f]{{4}})?", s)]
        assert len(mine) == CLIENTS and f"clash-{round_}" in mine


def test_tabs_editing_one_article_at_once_leave_one_of_them_whole(live_server, members):
    """Its author's tabs save new tags at once: the article ends as one of them saved it."""
    author = ApiClient(live_server, members[0][1])
    for round_ in range(ROUNDS):
        assert author.send("POST", "/api/articles", {"article": {
            "title": f"Tabs {round_}", "description": "d", "body": "Before."}}) == 201
    tabs = [ApiClient(live_server, members[0][1]) for _ in range(CLIENTS)]

    def save(tab, n):
        return lambda round_: tab.send("PUT", f"/api/articles/tabs-{round_}", {"article": {
            "body": f"By {n}.", "tagList": [f"tab{n}{letter}" for letter in "abcd"]}})

    answers = race([save(tab, n) for n, tab in enumerate(tabs)])

    assert server_errors(answers) == []
    with live_server.app.app_context():
        for article in db.session.scalars(select(Article)):
            n = article.body.removeprefix("By ").removesuffix(".")
            assert sorted(tag.name for tag in article.tags) == [f"tab{n}{x}" for x in "abcd"]
