"""A front end on another origin calls the API from a real browser, as a RealWorld
client served elsewhere would: CORS lets the configured origin in, and no other."""

import http.server
import threading

import pytest

from server_helpers import BROWSER_TIMEOUT_MS, LiveServer

pytestmark = pytest.mark.browser

FRONT_PAGE = b"<!doctype html><title>A RealWorld front end</title><h1>Conduit</h1>"


class FrontEnd:
    """A static page on its own loopback port: another origin than the API's."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(FRONT_PAGE)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def front_end():
    front = FrontEnd()
    yield front
    front.stop()


@pytest.fixture
def api_server(make_app, front_end):
    app = make_app(REQUIRE_VERIFIED_EMAIL=False, API_CORS_ORIGINS=[front_end.url])
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def front_page(browser, front_end, api_server):
    context = browser.new_context()
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    page.goto(front_end.url)
    yield page
    context.close()


# What a front end's code does: register, then write with the token in a header
# (which makes the browser ask the API first, with a CORS preflight).
SESSION_SCRIPT = """async (api) => {
  const send = async (method, path, body, token) => {
    const headers = {"Content-Type": "application/json"};
    if (token) headers["Authorization"] = "Token " + token;
    const response = await fetch(api + path, {method, headers, body: JSON.stringify(body)});
    return [response.status, await response.json()];
  };
  const [registered, user] = await send("POST", "/api/users", {user: {
    username: "jake", email: "jake@example.com", password: "a long passphrase"}});
  const [created, article] = await send("POST", "/api/articles", {article: {
    title: "From afar", description: "Sent by fetch", body: "Hello"}}, user.user.token);
  return {registered, created, slug: article.article.slug};
}"""


def test_the_configured_origin_can_register_and_write(front_page, api_server):
    result = front_page.evaluate(SESSION_SCRIPT, api_server.url)
    assert result == {"registered": 201, "created": 201, "slug": "from-afar"}


def test_another_origin_is_refused_by_the_browser(browser, api_server):
    # The API's own origin serves a page of its own; a third origin is needed.
    other = FrontEnd()
    context = browser.new_context()
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(other.url)
        error = page.evaluate(
            "async (api) => { try { await fetch(api + '/api/tags'); return 'allowed'; }"
            " catch (e) { return e.name; } }",
            api_server.url,
        )
        assert error == "TypeError"  # the browser blocks the answer: no CORS header for it
    finally:
        context.close()
        other.stop()
