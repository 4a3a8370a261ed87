"""Server processes that share a Redis share the page cache, and its clock.

Two `python wsgi.py` processes in production mode on one database: a visitor page built
by one is served by the other, and a write made elsewhere (here, by the test's own app)
shows on both at once.
"""

import redis

from blog.domain.articles import create_article
from server_helpers import read_page, wsgi_servers

SITE = {"Host": "community.example.org"}


def test_two_processes_share_pages_and_see_every_write(database_url, shared_redis, key_prefix,
                                                      tmp_path, make_app, make_member):
    settings = {"PAGE_CACHE_URL": shared_redis, "PAGE_CACHE_KEY_PREFIX": key_prefix}
    writer_app = make_app(**settings)
    with writer_app.app_context(), wsgi_servers(2, database_url, tmp_path, **settings) as ports:
        author = make_member("ada")
        create_article(author, "Before", "", "Body", "", "", publish=True)
        first, second = ports
        # Behind the proxy both see the site's own Host (a page is kept per Host).
        body, headers = read_page(f"http://127.0.0.1:{first}/", SITE)
        assert "Before" in body and headers.get("X-Page-Cache") is None
        body, headers = read_page(f"http://127.0.0.1:{second}/", SITE)
        assert "Before" in body and headers.get("X-Page-Cache") == "hit"  # built by the first

        create_article(author, "After", "", "Body", "", "", publish=True)
        for port in ports:
            body, _ = read_page(f"http://127.0.0.1:{port}/", SITE)
            assert "After" in body, port


def test_two_processes_share_a_lists_count_and_count_again_after_a_write(
        database_url, shared_redis, key_prefix, tmp_path, make_app, make_member):
    import json

    settings = {"PAGE_CACHE_URL": shared_redis, "PAGE_CACHE_KEY_PREFIX": key_prefix}
    writer_app = make_app(**settings)
    with writer_app.app_context(), wsgi_servers(2, database_url, tmp_path, **settings) as ports:
        author = make_member("ada")
        create_article(author, "One", "", "Body", "", "", publish=True)

        def articles_count(port, limit):
            # Each limit its own page, kept apart; the count is the list's, shared.
            body, _ = read_page(f"http://127.0.0.1:{port}/api/articles?limit={limit}", SITE)
            return json.loads(body)["articlesCount"]

        first, second = ports
        assert articles_count(first, 1) == 1
        client = redis.Redis.from_url(shared_redis)
        try:  # kept in Redis, where the other process finds it
            assert list(client.scan_iter(match=f"{key_prefix}:*number:*"))
        finally:
            client.close()
        assert articles_count(second, 2) == 1
        create_article(author, "Two", "", "Body", "", "", publish=True)
        assert articles_count(second, 3) == 2
        assert articles_count(first, 4) == 2


def test_without_its_redis_pages_are_built_as_if_nothing_were_kept(make_app, make_member,
                                                                   caplog):
    from helpers import FormClient

    app = make_app(PAGE_CACHE_URL="redis://127.0.0.1:1")  # nothing listens there
    with app.app_context():
        create_article(make_member("ada"), "Still served", "", "Body", "", "", publish=True)
        for _ in range(2):
            response = FormClient(app.test_client()).get("/")
            assert response.status_code == 200
            assert "Still served" in response.get_data(as_text=True)
            assert "X-Page-Cache" not in response.headers
    assert "page cache unreachable" in caplog.text
