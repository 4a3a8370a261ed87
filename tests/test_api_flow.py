"""A RealWorld client's whole session over real HTTP, against waitress, as on `make run`
with REQUIRE_VERIFIED_EMAIL=0: what a front end written from the spec alone does."""

import http.client
import json

import pytest

from server_helpers import LiveServer


class Http:
    """A tiny JSON client over one keep-alive connection."""

    def __init__(self, server):
        host, port = server.url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=10)
        self.token = None

    def __call__(self, method, path, body=None, headers=None):
        headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        self.connection.request(method, "/api" + path, None if body is None else json.dumps(body),
                                headers)
        response = self.connection.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None), response


@pytest.fixture
def conduit(make_app):
    app = make_app(REQUIRE_VERIFIED_EMAIL=False, API_CORS_ORIGINS=["http://front.example"])
    server = LiveServer(app)
    server.start()
    client = Http(server)
    yield client
    client.connection.close()
    server.stop()


def test_a_realworld_clients_session(conduit):
    status, body, _ = conduit("POST", "/users", {"user": {
        "username": "jake", "email": "jake@jake.jake", "password": "jakes secret passphrase"}})
    assert status == 201
    status, body, _ = conduit("POST", "/users/login", {"user": {
        "email": "jake@jake.jake", "password": "jakes secret passphrase"}})
    assert status == 200
    conduit.token = body["user"]["token"]

    status, body, _ = conduit("PUT", "/user", {"user": {"bio": "I work at statefarm"}})
    assert (status, body["user"]["bio"]) == (200, "I work at statefarm")
    conduit.token = body["user"]["token"]

    status, body, _ = conduit("POST", "/articles", {"article": {
        "title": "How to train your dragon", "description": "Ever wonder how?",
        "body": "Very carefully.", "tagList": ["training", "dragons"]}})
    assert status == 201
    slug = body["article"]["slug"]
    created = body["article"]["createdAt"]

    for query in ("", "?author=jake", "?tag=dragons", "?limit=2&offset=0"):
        status, body, _ = conduit("GET", "/articles" + query)
        assert (status, body["articlesCount"]) == (200, 1), query
        assert body["articles"][0]["createdAt"] == created

    status, body, _ = conduit("POST", f"/articles/{slug}/favorite")
    assert (body["article"]["favorited"], body["article"]["favoritesCount"]) == (True, 1)
    status, body, _ = conduit("GET", "/articles?favorited=jake")
    assert [a["slug"] for a in body["articles"]] == [slug]
    status, body, _ = conduit("DELETE", f"/articles/{slug}/favorite")
    assert (body["article"]["favorited"], body["article"]["favoritesCount"]) == (False, 0)

    status, body, _ = conduit("PUT", f"/articles/{slug}",
                              {"article": {"body": "With all my heart"}})
    assert (status, body["article"]["body"]) == (200, "With all my heart")

    status, body, _ = conduit("POST", f"/articles/{slug}/comments",
                           {"comment": {"body": "Thank you so much!"}})
    assert status == 201
    comment_id = body["comment"]["id"]
    status, body, _ = conduit("GET", f"/articles/{slug}/comments")
    assert [c["id"] for c in body["comments"]] == [comment_id]
    status, body, _ = conduit("DELETE", f"/articles/{slug}/comments/{comment_id}")
    assert (status, body) == (204, None)

    status, body, _ = conduit("GET", "/tags")
    assert sorted(body["tags"]) == ["dragons", "training"]
    status, body, _ = conduit("GET", "/profiles/jake")
    assert body["profile"] == {"username": "jake", "bio": "I work at statefarm", "image": None,
                               "following": False}
    status, body, _ = conduit("GET", "/articles/feed")
    assert (status, body) == (200, {"articles": [], "articlesCount": 0})

    status, body, _ = conduit("DELETE", f"/articles/{slug}")
    assert status == 204
    status, body, _ = conduit("GET", f"/articles/{slug}")
    assert (status, body) == (404, {"errors": {"article": ["not found"]}})


def test_a_browser_front_end_on_another_origin_may_call_the_api(conduit):
    status, _, response = conduit("OPTIONS", "/articles", headers={
        "Origin": "http://front.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    })
    assert status == 200
    assert response.getheader("Access-Control-Allow-Origin") == "http://front.example"
    assert "POST" in response.getheader("Access-Control-Allow-Methods")
    status, _, response = conduit("GET", "/tags", headers={"Origin": "http://elsewhere.example"})
    assert status == 200 and response.getheader("Access-Control-Allow-Origin") is None
