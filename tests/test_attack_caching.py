"""Attacks on what is kept: by the page cache, by browsers and by proxies in front."""

import contextlib
import socket
import threading
import time

import pytest
import redis
from sqlalchemy import event

from blog.domain import articles
from blog.extensions import db
from helpers import FormClient, page
from server_helpers import OwnRedis, free_port


@pytest.fixture
def live_config():
    return {"PUBLIC_MAX_AGE": 1}


def retitle(article, title):
    return articles.update_article(article, article.author, title, article.description,
                                   article.body, [t.name for t in article.tags],
                                   article.cover_url, publish=True)


def visit(app, url, **headers):
    """A first-time visitor's GET: no cookie."""
    return FormClient(app.test_client()).get(url, headers=headers)


@contextlib.contextmanager
def rebuild_under_way(app, url):
    """Another visitor's request for `url`, held at its first SQL statement meanwhile."""
    builder, started, release = {}, threading.Event(), threading.Event()

    def hold(connection, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == builder.get("thread"):
            started.set()
            release.wait(10)

    def rebuild():
        builder["thread"] = threading.get_ident()
        visit(app, url)

    event.listen(db.engine, "before_cursor_execute", hold)
    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert started.wait(10)
        yield
    finally:
        release.set()
        thread.join()
        event.remove(db.engine, "before_cursor_execute", hold)


def test_a_title_that_goes_back_traps_no_visitor_in_a_redirect_loop(new_page, live_server,
                                                                     make_member, make_article):
    """A 301 without an age is kept by the browser for good: after One -> Two -> One, its
    /one -> /two and the site's /two -> /one went round until ERR_TOO_MANY_REDIRECTS."""
    article = retitle(make_article(author=make_member("ada"), title="One"), "Two")
    tab = new_page()
    tab.goto(f"{live_server.url}/articles/one")
    assert tab.url == f"{live_server.url}/articles/two"
    retitle(article, "One")
    time.sleep(1.5)  # PUBLIC_MAX_AGE
    tab.goto(f"{live_server.url}/articles/one")
    assert tab.url == f"{live_server.url}/articles/one"
    assert tab.locator("h1").inner_text() == "One"


def test_the_dev_mailbox_is_never_kept(app, make_member, make_client):
    """Outside production and development (the inspector off) its list was kept: a reset
    link mailed meanwhile was missing, and every emailed link went out as public."""
    make_member("ada")
    make_client().get("/dev/mail")
    make_client().submit("/auth/reset", {"email": "ada@example.com"})
    response = make_client().get("/dev/mail")
    assert "Reset your password" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_deleted_article_is_not_served_from_its_kept_copy_meanwhile(app, make_member,
                                                                      make_article):
    """A 404 was not kept, and did not drop the kept 200 either: until that copy expired,
    whoever came while another visitor's rebuild ran got the deleted article."""
    article = make_article(author=make_member("ada"), title="Regretted")
    visit(app, "/articles/regretted")
    articles.delete_article(article, article.author)
    assert visit(app, "/articles/regretted").status_code == 404  # a rebuild: nothing to keep
    with rebuild_under_way(app, "/articles/regretted"):
        assert visit(app, "/articles/regretted").status_code == 404


def test_made_up_hosts_and_values_cannot_fill_redis(make_app, shared_redis, key_prefix,
                                                    make_member, make_article):
    """Unknown arguments were not kept, but any Host and any value of a known argument
    were (?page=x1, ?tag=t1 ...): each one more page in Redis, which nothing bounded."""
    app = make_app(PAGE_CACHE_URL=shared_redis, PAGE_CACHE_KEY_PREFIX=key_prefix,
                   PAGE_CACHE_ENTRIES=5)
    with app.app_context():
        make_article(author=make_member("ada"), title="Filler", tags="python")
        for n in range(20):
            assert visit(app, f"/?page=x{n}", Host=f"h{n}.example").status_code == 200
            assert visit(app, f"/api/articles?tag=t{n}").status_code == 200
        client = redis.Redis.from_url(shared_redis)
        pages = list(client.scan_iter(match=f"{key_prefix}*page:*"))
        client.close()
        assert 0 < len(pages) <= 5
        visit(app, "/api/articles")
        assert visit(app, "/api/articles").headers.get("X-Page-Cache") == "hit"


class RedisLink:
    """A loopback hop to the machine's Redis that the test cuts and restores."""

    def __init__(self):
        self.port, self.sockets, self.listener = free_port(), [], None

    def up(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                near, _ = listener.accept()
            except OSError:
                return
            far = socket.create_connection(("127.0.0.1", 6379))
            self.sockets += [near, far]
            for source, sink in ((near, far), (far, near)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)


def test_a_write_redis_did_not_hear_of_still_makes_the_kept_pages_stale(
        make_app, shared_redis, key_prefix, make_member, make_article):
    """The clock's tick was lost with the connection: once Redis answered again, the page
    kept before the write was served as fresh for PAGE_CACHE_SECONDS."""
    link = RedisLink()
    link.up()
    app = make_app(PAGE_CACHE_URL=f"redis://127.0.0.1:{link.port}",
                   PAGE_CACHE_KEY_PREFIX=key_prefix)
    with app.app_context():
        article = make_article(author=make_member("ada"), title="Soon gone")
        visit(app, "/")
        assert visit(app, "/").headers.get("X-Page-Cache") == "hit"
        link.down()
        articles.delete_article(article, article.author)
        link.up()
        try:
            assert "Soon gone" not in page(visit(app, "/"))
        finally:
            link.down()


def test_one_long_article_cannot_fill_the_cache_with_its_copies(app, make_member, make_article):
    """A 100,000-character article makes a page of about 280 KB; under ?page=x1, x2 ...
    (an argument the site reads, a value it ignores) each copy took one of the 2,000
    places: 550 MB in every process, or in Redis. Pages over PAGE_CACHE_PAGE_BYTES
    (256 KiB) are served, not kept."""
    make_article(author=make_member("ada"), title="Long read", body="*a* " * 24_900)
    first = visit(app, "/articles/long-read?page=x1")
    assert first.status_code == 200 and len(first.get_data()) > 256 * 1024
    again = visit(app, "/articles/long-read?page=x1")
    assert again.get_data() == first.get_data()
    assert "X-Page-Cache" not in again.headers


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own on loopback (its settings change: not the shared one)."""
    server = OwnRedis(tmp_path)
    server.start()
    client = redis.Redis(port=server.port)
    yield client
    client.close()
    server.kill()


def test_a_redis_that_reads_but_refuses_writes_serves_no_page_from_before_a_write(
        make_app, own_redis, make_member, make_article):
    """At its maxmemory (noeviction) Redis still answers GET but refuses INCR: the write's
    tick was lost, and the page from before it was served as fresh meanwhile."""
    port = own_redis.connection_pool.connection_kwargs["port"]
    app = make_app(PAGE_CACHE_URL=f"redis://127.0.0.1:{port}")
    with app.app_context():
        article = make_article(author=make_member("ada"), title="Soon gone")
        visit(app, "/")
        assert visit(app, "/").headers.get("X-Page-Cache") == "hit"
        own_redis.config_set("maxmemory-policy", "noeviction")
        own_redis.config_set("maxmemory", 1)
        articles.delete_article(article, article.author)
        assert "Soon gone" not in page(visit(app, "/"))


def test_no_places_at_all_is_a_cache_that_keeps_one_page(make_app, make_member, make_article):
    app = make_app(PAGE_CACHE_ENTRIES=0)
    with app.app_context():
        make_article(author=make_member("ada"), title="Kept anyway")
        assert visit(app, "/").status_code == 200
        assert visit(app, "/").headers.get("X-Page-Cache") == "hit"
