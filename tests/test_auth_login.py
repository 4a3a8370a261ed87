"""Logging in and out, through the pages, and the cookies that stop working after."""

import pytest
from sqlalchemy import func, select

from blog.domain import accounts
from blog.extensions import db
from blog.models import LoginSession
from helpers import TEST_PASSWORD, page

# --- login and logout -------------------------------------------------------------------


def test_login_page_has_the_labelled_fields(client):
    html = page(client.get("/auth/login"))
    for label in ("Email or username", "Password", "Remember me"):
        assert f">{label}</label>" in html
    assert 'value="Log in"' in html


@pytest.mark.parametrize(
    "login", ["member1", "MEMBER1", "member1@example.com", "Member1@Example.com"]
)
def test_login_with_username_or_email_in_any_case(client, auth, make_member, login):
    make_member("member1")
    response = auth.login(login, follow_redirects=True)
    assert "Welcome back" in page(response)
    assert "@member1" in page(response)


def test_an_address_with_a_capital_beyond_ascii_logs_in_as_typed(client, auth, make_member):
    """SQLite's lower() leaves Ä alone, Python's does not: lower both sides alike."""
    make_member("umlaut", email="Ärger@example.com")
    response = auth.login("Ärger@example.com", follow_redirects=True)
    assert "@umlaut" in page(response)
    assert accounts.find_by_email("Ärger@example.com").username == "umlaut"


@pytest.mark.parametrize("login", ["member1", "nobody"])
def test_wrong_password_and_unknown_user_get_the_same_answer(client, auth, make_member, login):
    make_member("member1")
    response = auth.login(login, "wrong password here")
    assert response.status_code == 200
    assert "Incorrect email, username or password." in page(response)
    assert 'value="' + login + '"' in page(response)
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0


def test_login_with_missing_fields_shows_errors(client):
    response = client.submit("/auth/login", {"login": "", "password": ""})
    assert response.status_code == 200
    assert page(response).count("This field is required.") == 2


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/settings", "/settings"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_redirects_to_next_only_within_the_site(client, make_member, next_url, expected):
    make_member("member1")
    response = client.submit(
        f"/auth/login?next={next_url}", {"login": "member1", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_pages_that_need_login_send_you_there_and_back(client, make_member):
    make_member("member1")
    response = client.get("/settings")
    assert response.headers["Location"] == "/auth/login?next=%2Fsettings"
    response = client.submit(
        "/auth/login?next=%2Fsettings", {"login": "member1", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/settings"


def test_logout_is_a_post_and_ends_the_session(client, auth, make_member):
    make_member("member1")
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert "@member1" in page(client.get("/"))
    response = auth.logout()
    assert response.status_code == 302
    assert "@member1" not in page(client.get("/"))
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0


def test_each_login_is_a_session_row(client, auth, make_member, make_client):
    make_member("member1")
    auth.login()
    from helpers import Auth

    Auth(make_client()).login(remember=True)
    rows = db.session.scalars(select(LoginSession)).all()
    assert len(rows) == 2
    assert sorted(r.remember for r in rows) == [False, True]
    assert all(len(r.token_hash) == 64 for r in rows)


# --- cookies that stop working ----------------------------------------------------------


def copy_cookies(source, target):
    for cookie in source.client._cookies.values():
        target.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def test_a_copied_session_cookie_stops_working_after_logout(client, auth, make_member, make_client):
    make_member("member1")
    auth.login()
    thief = make_client()
    copy_cookies(client, thief)
    assert "@member1" in page(thief.get("/"))
    auth.logout()
    assert "@member1" not in page(thief.get("/"))
    assert thief.get("/settings").status_code == 302


def test_remember_me_survives_the_browser_closing(client, auth, make_member, make_client):
    make_member("member1")
    auth.login(remember=True)
    remember = client.client.get_cookie("remember_token")
    assert remember is not None and remember.http_only
    reopened = make_client()  # a new browser session: only the long-lived cookie remains
    reopened.client.set_cookie("remember_token", remember.value)
    assert "@member1" in page(reopened.get("/"))


def test_a_copied_remember_cookie_stops_working_after_logout(
    client, auth, make_member, make_client
):
    make_member("member1")
    auth.login(remember=True)
    remember = client.client.get_cookie("remember_token").value
    auth.logout()
    thief = make_client()
    thief.client.set_cookie("remember_token", remember)
    assert "@member1" not in page(thief.get("/"))


def test_expired_session_rows_do_not_log_in(client, auth, make_member):
    from datetime import timedelta

    from blog.models import utcnow

    make_member("member1")
    auth.login()
    for row in db.session.scalars(select(LoginSession)):
        row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "@member1" not in page(client.get("/"))
