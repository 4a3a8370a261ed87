"""The access log: one line per request, matching the X-Request-Id the client saw."""

import logging
import re

import pytest

from helpers import count_queries

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (?P<id>\S+) (?P<method>[A-Z]+) (?P<path>\S+) "
    r"(?P<status>\d{3}) (?P<ms>\d+)ms sql=(?P<sql>\d+) member=(?P<member>\S+)$"
)


@pytest.fixture
def access_lines(caplog):
    caplog.set_level(logging.INFO, logger="blog.access")

    def lines():
        return [LINE.match(r.getMessage()) for r in caplog.records if r.name == "blog.access"]

    return lines


def test_a_visitor_s_page_is_one_line_with_its_request_id(client, make_article, access_lines):
    make_article(title="Listed")
    with count_queries() as statements:
        response = client.get("/?tab=latest")

    [line] = access_lines()
    assert line is not None
    assert line["id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/?tab=latest", "200")
    assert line["member"] == "-"
    assert int(line["sql"]) == len(statements) > 0


def test_a_member_s_write_names_the_member(
    client, writer, make_article, access_lines
):
    article = make_article(author=writer, title="Counted")
    response = client.submit(f"/articles/{article.slug}/like")
    assert response.status_code == 302

    line = access_lines()[-1]
    assert (line["method"], line["path"], line["status"]) == (
        "POST", f"/articles/{article.slug}/like", "302")
    assert line["member"] == str(writer.id)
    assert int(line["sql"]) > 0


def test_an_error_is_logged_with_its_status(client, access_lines):
    client.get("/no/such/page")
    assert access_lines()[-1]["status"] == "404"


def test_an_api_call_names_the_token_s_member(api, api_member, access_lines):
    user, token = api_member()
    api.get("/api/user", token=token)
    line = access_lines()[-1]
    assert (line["path"], line["status"]) == ("/api/user", "200")
    assert line["member"] == str(user.id)


def test_it_can_be_turned_off(make_app, access_lines):
    quiet = make_app(ACCESS_LOG=False)
    quiet.test_client().get("/")
    assert access_lines() == []


def test_a_log_file_moved_away_is_started_again(make_app, tmp_path):
    # The file stays open between lines; logrotate moving it must not lose later lines.
    path = tmp_path / "access.log"
    client = make_app(ACCESS_LOG_FILE=str(path)).test_client()
    client.get("/tags")
    path.rename(tmp_path / "access.log.1")
    client.get("/no/such/page")

    [before] = (tmp_path / "access.log.1").read_text().splitlines()
    [after] = path.read_text().splitlines()
    assert LINE.match(before)["path"] == "/tags"
    assert LINE.match(after)["status"] == "404"


def test_a_request_that_waited_for_its_turn_counts_the_wait(make_app, access_lines):
    """The time logged runs from the request's arrival, before its turn in the app
    (blog/web/turns.py): a queue shows in the log."""
    import threading
    import time
    import urllib.request

    from server_helpers import LiveServer

    app = make_app(SERVER_APP_TURNS=1)
    inside = threading.Event()

    @app.route("/test-only/busy")
    def busy():
        inside.set()
        time.sleep(0.5)
        return "busy"

    @app.route("/test-only/quick")
    def quick():
        return "quick"

    server = LiveServer(app)
    server.start()
    try:
        def get(path):
            with urllib.request.urlopen(server.url + path, timeout=10) as answer:  # noqa: S310
                return answer.read()

        busy_one = threading.Thread(target=get, args=("/test-only/busy",))
        busy_one.start()
        assert inside.wait(5)
        assert get("/test-only/quick") == b"quick"
        busy_one.join()
    finally:
        server.stop()
    [quick_line] = [line for line in access_lines() if line and line["path"] == "/test-only/quick"]
    assert int(quick_line["ms"]) >= 300  # it waited for the busy request's turn
