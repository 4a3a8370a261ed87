"""Addresses no browser sends (bytes that are not UTF-8, broken escapes) get a 4xx, never a 500.

Werkzeug decodes a query string strictly: every reader of `request.args` (the checks,
the page cache, the views) would fail on `?tab=\\xff` with a 500. The path it decodes
leniently (U+FFFD for a bad byte), which finds no page: a 404.
"""

import socket

import pytest

from helpers import api_errors, page

BAD_QUERIES = [b"tab=\xff", b"\xff=1", b"tag=\xc3\x28", b"limit=\xff&offset=\xfe", b"page=%ff\xfe"]
PAGES = ["/", "/t/python", "/@ada", "/articles/hello-world", "/feed.atom", "/auth/login",
         "/no-such-page"]
API = ["/api/articles", "/api/tags", "/api/articles/hello-world", "/api/profiles/ada",
       "/api/articles/hello-world/comments", "/api/no-such-thing"]


def send(client, path, query=b"", method="GET"):
    """A request with the raw bytes as a server gives them to WSGI (latin-1 strings)."""
    return client.open(method=method, environ_overrides={
        "PATH_INFO": path, "QUERY_STRING": query.decode("latin-1")})


@pytest.fixture
def story(make_member, make_article):
    return make_article(author=make_member("ada"), title="Hello world", tags="python")


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_a_query_that_is_not_utf8_is_a_400_page(client, story, query, method):
    for path in PAGES:
        response = send(client, path, query, method)
        assert response.status_code == 400, (path, query, method)
        if method == "GET":
            assert "a character that cannot be used" in page(response)


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_query_that_is_not_utf8_is_a_422_in_the_api_s_format(client, story, query):
    for path in API:
        response = send(client, path, query)
        assert api_errors(response, 422) == {"body": ["contains characters that cannot be used"]}


def test_a_path_that_is_not_utf8_finds_no_page(client, story):
    for path in ["/\xff", "/articles/\xff\xfe", "/t/\xc3\x28", "/@\xff", "/static/\xff"]:
        assert send(client, path).status_code == 404, path
    for path in ["/api/articles/\xff", "/api/profiles/\xc3\x28", "/api/articles/\xff/comments"]:
        api_errors(send(client, path), 404)


def test_broken_escapes_are_read_as_written(client, story):
    for query in [b"tab=%", b"tab=%zz", b"page=%ff", b"=&&=", b"tag=%c3%28"]:
        assert send(client, "/", query).status_code < 500, query
        assert send(client, "/api/articles", query).status_code < 500, query


def test_through_the_real_server_no_address_is_a_500(live_server, story):
    """Waitress refuses raw bytes itself (400, before the app); escapes reach the app."""
    host, port = live_server.url.removeprefix("http://").split(":")
    for target in [b"/?tab=\xff", b"/api/articles?tag=\xff", b"/\xff\xfe", b"/?tab=%ff",
                   b"/api/articles?tag=%ff%fe", b"/%ff", b"/t/%c3%28?page=%"]:
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\n"
                               b"Connection: close\r\n\r\n")
            status = int(connection.recv(64).split(b" ")[1])
        assert 200 <= status < 500, (target, status)
