"""The security event log: who, what, when, from where, which request; never a secret."""

import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from blog.events import security_event
from helpers import TEST_PASSWORD, Auth, FormClient, link_in, security_events, text_of

ADMIN_PASSWORD = "an admin's own long passphrase"


@pytest.fixture
def events(caplog):
    """The events written so far, as dicts: events() for all, events("logout") for one kind."""
    caplog.set_level(logging.INFO, logger="blog.security")
    return lambda action=None: security_events(caplog, action)


def assert_from_this_request(event, response, path, method="POST", ip="127.0.0.1"):
    """The event names the request it happened in, and when."""
    assert event["request_id"] == response.headers["X-Request-Id"]
    assert (event["method"], event["path"], event["ip"]) == (method, path, ip)
    when = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    assert datetime.now(UTC) - when < timedelta(seconds=30)


def test_a_csrf_failure_is_logged_with_who_and_where(client, auth, make_member, events):
    member = make_member("member1")
    auth.login()
    response = client.post("/settings", data={"profile-display_name": "Mallory's choice"},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 400
    [event] = events("csrf.failed")
    assert (event["user_id"], event["username"]) == (member.id, "member1")
    assert "missing" in event["reason"].lower()
    assert_from_this_request(event, response, "/settings", ip="203.0.113.9")


def test_a_visitors_csrf_failure_is_logged_without_a_member(client, events):
    response = client.post("/auth/login", data={"login": "someone", "password": "hunter2hunter2"})
    assert response.status_code == 400
    [event] = events("csrf.failed")
    assert event["user_id"] is None
    assert_from_this_request(event, response, "/auth/login")


def test_a_rate_limit_hit_is_logged_with_the_limit(make_app, events):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP_PER_IP="2 per minute")
    with app.app_context():
        browser = Auth(FormClient(app.test_client()))
        statuses = [browser.register(email=f"n{n}@example.com", username=f"n{n}",
                                     password="x", confirm="y").status_code for n in range(3)]
    assert statuses[2] == 429
    [event] = events("rate_limit.exceeded")
    assert event["limit"] == "2 per 1 minute"
    assert event["scope"] == "signup-ip"  # shared by the page and POST /api/users
    assert (event["method"], event["path"]) == ("POST", "/auth/register")


def test_logging_out_is_logged(client, auth, make_member, events):
    member = make_member("member1")
    auth.login()
    response = auth.logout()
    [event] = events("logout")
    assert event["user_id"] == member.id
    assert_from_this_request(event, response, "/auth/logout")


def test_an_admin_deleting_someone_elses_article_or_comment_is_logged(
    client, auth, api, make_member, make_article, events
):
    from blog.domain import comments

    author = make_member("author")
    admin = make_member("boss", role="admin")
    first, second = make_article(author=author, title="First"), make_article(author=author,
                                                                             title="Second")
    comment = comments.add_comment(author, second, "A comment")
    comment_id = comment.id
    mine = make_article(author=admin, title="Mine")
    auth.login("boss")

    response = client.submit(f"/articles/{first.slug}/delete")
    assert response.status_code == 302
    [event] = events("admin.delete_article")
    assert (event["user_id"], event["author_id"], event["slug"]) == (admin.id, author.id, "first")
    assert_from_this_request(event, response, "/articles/first/delete")

    token = api.login("boss@example.com")
    response = api.delete(f"/api/articles/second/comments/{comment_id}", token=token)
    assert response.status_code == 204
    [event] = events("admin.delete_comment")
    assert (event["user_id"], event["comment_id"], event["author_id"]) == (
        admin.id, comment_id, author.id)
    assert_from_this_request(event, response, f"/api/articles/second/comments/{comment_id}",
                             method="DELETE")

    assert client.submit(f"/articles/{mine.slug}/delete").status_code == 302
    assert len(events("admin.delete_article")) == 1  # deleting your own is no admin action


def test_creating_an_administrator_is_logged(app, events):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "root@example.com", "--username", "chief",
        "--password", ADMIN_PASSWORD])
    assert result.exit_code == 0, result.output
    [event] = events("admin.created")
    assert event["username"] == "chief" and event["user_id"]
    assert event["via"] == "command line"
    assert ADMIN_PASSWORD not in json.dumps(event)


def test_events_go_to_the_security_log_file_of_their_own_app(make_app, tmp_path):
    first = make_app(SECURITY_LOG_FILE=str(tmp_path / "first.log"))
    second = make_app(SECURITY_LOG_FILE=str(tmp_path / "second.log"))
    responses = [FormClient(app.test_client()).post("/auth/logout") for app in (first, second)]
    for name, response in zip(("first", "second"), responses, strict=True):
        lines = (tmp_path / f"{name}.log").read_text().splitlines()
        assert [json.loads(line)["request_id"] for line in lines] == [
            response.headers["X-Request-Id"]]


def test_a_security_log_file_that_cannot_be_written_stops_the_start(make_app, tmp_path):
    with pytest.raises(RuntimeError, match="SECURITY_LOG_FILE"):
        make_app(SECURITY_LOG_FILE=str(tmp_path / "missing-directory" / "security.log"))


SERVER_PROCESS = """
from blog import create_app
app = create_app({"SECRET_KEY": "s" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
app.logger.warning("the app logs something first (Flask gives its logger a stderr handler)")
print(app.test_client().post("/auth/logout").headers["X-Request-Id"])
"""


def test_each_event_is_one_line_on_stderr(tmp_path):
    """In a server process of its own: no test's logging setup in the way."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SERVER_PROCESS], capture_output=True, text=True, timeout=60,
        cwd=tmp_path, env={**os.environ, "SECURITY_LOG_FILE": "", "ACCESS_LOG": "0",
                           "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert result.returncode == 0, result.stderr
    request_id = result.stdout.strip()
    printed = [line for line in result.stderr.splitlines() if request_id in line]
    assert len(printed) == 1, result.stderr
    assert json.loads(printed[0])["event"] == "csrf.failed"


def test_the_access_log_line_is_printed_once_beside_the_event(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SERVER_PROCESS], capture_output=True, text=True, timeout=60,
        cwd=tmp_path, env={**os.environ, "SECURITY_LOG_FILE": "", "ACCESS_LOG": "1",
                           "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    request_id = result.stdout.strip()
    printed = [line for line in result.stderr.splitlines() if request_id in line]
    assert len(printed) == 2, result.stderr
    assert json.loads(printed[0])["event"] == "csrf.failed"
    assert f" {request_id} POST /auth/logout 400 " in printed[1]


def test_a_request_id_is_taken_from_a_trusted_proxy_only(make_app, events):
    direct = FormClient(make_app().test_client())
    response = direct.post("/auth/logout", headers={"X-Request-Id": "chosen-by-client"})
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-Id"])

    proxied = FormClient(make_app(TRUSTED_PROXIES=1).test_client())
    response = proxied.post("/auth/logout", headers={"X-Request-Id": "from-nginx-42"})
    assert response.headers["X-Request-Id"] == "from-nginx-42"
    assert events("csrf.failed")[-1]["request_id"] == "from-nginx-42"
    for bad in ('a" "event": "forged', "x" * 65):
        response = proxied.post("/auth/logout", headers={"X-Request-Id": bad})
        assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-Id"])


def test_secrets_are_refused_by_the_event_function_itself(app):
    for key in ("password", "token", "body", "Authorization"):
        with pytest.raises(ValueError, match="never log"):
            security_event("test.slip", **{key: "x"})


def test_no_password_token_or_email_body_ever_reaches_the_log(
    client, auth, api, make_client, deliver, events, caplog
):
    """Sign up, confirm, log in and out, reset the password, use the API: scan every line."""
    secrets = [TEST_PASSWORD, "a brand new passphrase", "an API member's passphrase",
               "typed into the wrong box", "a wrong guess at it"]
    assert auth.register(email="ada@example.com", username="ada").status_code == 302
    [welcome] = deliver()
    verify_link = link_in(welcome, "/verify/")
    prose = max((line for line in text_of(welcome).splitlines() if "://" not in line), key=len)
    secrets += [verify_link.rsplit("/", 1)[-1], prose]
    client.get(verify_link)
    assert client.submit(verify_link.removeprefix("http://localhost")).status_code == 302
    auth.logout()
    assert auth.login("ada", secrets[4]).status_code == 200
    # People type their password into the login box: a failed login must not log it verbatim.
    assert auth.login(secrets[3], "ada").status_code == 200
    assert auth.login("ada").status_code == 302
    client.post("/settings/password", data={"password-current_password": TEST_PASSWORD})  # no CSRF

    stranger = make_client()
    stranger.submit("/auth/reset", {"email": "ada@example.com"})
    reset = [m for m in deliver() if "/reset/" in text_of(m)][-1]
    reset_link = link_in(reset, "/reset/")
    secrets.append(reset_link.rsplit("/", 1)[-1])
    response = stranger.submit(reset_link, {"password": secrets[1], "confirm": secrets[1]})
    assert response.status_code == 302

    registered = api.post("/api/users", {"user": {
        "username": "bob", "email": "bob@example.com", "password": secrets[2]}})
    logged_in = api.post("/api/users/login",
                         {"user": {"email": "bob@example.com", "password": secrets[2]}})
    api.post("/api/users/login", {"user": {"email": secrets[3], "password": "bob@example.com"}})
    secrets += [registered.get_json()["user"]["token"], logged_in.get_json()["user"]["token"]]
    assert api.get("/api/user", token=secrets[-1]).status_code == 200
    api.put("/api/user", {"user": {"password": "yet another passphrase 1"}}, token=secrets[-1])
    secrets.append("yet another passphrase 1")

    assert events("csrf.failed") and events("logout")
    everything = caplog.text + "\n".join(json.dumps(event) for event in events())
    for secret in secrets:
        assert secret not in everything, secret
