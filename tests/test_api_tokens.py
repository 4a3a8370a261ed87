"""API tokens: what a client must send, and tokens as logins a member can see and end."""

import re
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import func, select, update

from blog.api.auth import ALGORITHM, _signing_key
from blog.domain import sessions
from blog.extensions import db
from blog.models import LoginSession, utcnow
from helpers import TEST_PASSWORD, api_errors, link_in, page, path_of

CLIENT_AGENT = {"User-Agent": "ConduitReader/2.1 (Android)"}
API_ENTRY = re.compile(
    r'<strong>API token</strong>.*?action="(?P<action>/settings/sessions/\d+/end)"', re.S
)


def api_login(api, user, headers=None, password=TEST_PASSWORD):
    response = api.post("/api/users/login", {"user": {"email": user.email, "password": password}},
                        headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["user"]["token"]


def me(api, token):
    return api.get("/api/user", token=token)


def sessions_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count(LoginSession.id)))


# --- what a client must send ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "is missing"),
        ("Token", "must be sent as 'Authorization: Token <token>'"),
        ("Basic amFrZTpqYWtl", "must be sent as 'Authorization: Token <token>'"),
        ("Token not.a.jwt", "is invalid"),
        ("Token eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "is invalid"),
    ],
)
def test_a_missing_or_malformed_token_is_a_401(api, header, message):
    headers = {"Authorization": header} if header else {}
    assert api_errors(api.get("/api/user", headers=headers), 401) == {"token": [message]}


def test_a_token_signed_with_another_key_is_refused(api, api_member, make_app):
    user, token = api_member("jake")
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    assert api_errors(api.get("/api/user", token=forged), 401) == {"token": ["is invalid"]}


def test_an_expired_token_is_a_401(api, app, make_member):
    user = make_member("jake")
    app.config["API_TOKEN_MAX_AGE"] = -60
    token = api.login(user.email)
    app.config["API_TOKEN_MAX_AGE"] = 3600
    assert api_errors(api.get("/api/user", token=token), 401) == {"token": ["has expired"]}


def test_bearer_is_accepted_as_well_as_token(api, api_member):
    _, token = api_member("jake")
    response = api.get("/api/user", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_a_logged_in_browsers_cookie_does_not_work_on_the_api(client, auth, make_member):
    make_member("member1")
    auth.login()
    assert client.get("/settings").status_code == 200  # the cookie works on the pages
    response = client.get("/api/user")
    assert api_errors(response, 401) == {"token": ["is missing"]}
    response = client.post("/api/articles", json={"article": {"title": "t"}})
    assert response.status_code == 401


def test_a_token_from_before_tokens_had_sessions_must_log_in_again(api, app, make_member):
    user = make_member("jake")
    with app.app_context():
        old = jwt.encode({"sub": str(user.id), "iat": utcnow(), "exp": utcnow() + timedelta(days=1),
                          "pw": "0123456789abcdef"}, _signing_key(), algorithm=ALGORITHM)
    assert api_errors(me(api, old), 401) == {"token": ["is no longer valid"]}


def test_a_browser_session_cannot_be_dressed_up_as_a_token(api, app, make_member):
    """Even with the signing key, a browser's session token is not an API login."""
    user = make_member("jake")
    with app.test_request_context():
        browser_token = sessions.start_session(user)
        claims = {"sub": str(user.id), "sid": browser_token, "iat": utcnow(),
                  "exp": utcnow() + timedelta(days=1)}
        forged = jwt.encode(claims, _signing_key(), algorithm=ALGORITHM)
    assert api_errors(me(api, forged), 401) == {"token": ["is no longer valid"]}


# --- tokens are logins ----------------------------------------------------------------------


def test_every_login_and_sign_up_is_a_login_of_its_own(api, make_member):
    user = make_member("jake")
    first, second = api_login(api, user), api_login(api, user)
    assert first != second
    assert me(api, first).status_code == me(api, second).status_code == 200
    registered = api.post("/api/users", {"user": {
        "username": "ada", "email": "ada@example.com", "password": TEST_PASSWORD}})
    assert registered.status_code == 201
    assert sessions_count() == 3


def test_the_current_user_comes_back_with_the_token_it_was_asked_with(api, make_member):
    token = api_login(api, make_member("jake"))
    assert me(api, token).get_json()["user"]["token"] == token
    updated = api.put("/api/user", {"user": {"bio": "Skateboards"}}, token=token)
    assert updated.get_json()["user"]["token"] == token
    assert sessions_count() == 1  # reading or changing the profile starts no new login


def test_settings_lists_a_token_with_its_client_and_can_log_it_out(api, client, auth, make_member):
    user = make_member("member1")
    token = api_login(api, user, headers=CLIENT_AGENT)
    auth.login()
    settings = page(client.get("/settings"))
    entry = API_ENTRY.search(settings)
    assert entry and "ConduitReader/2.1" in entry.group(0)
    assert "This browser" in settings

    response = client.submit(entry.group("action"), follow_redirects=True)
    assert "That session is logged out." in page(response)
    assert not API_ENTRY.search(page(response)) and "ConduitReader" not in page(response)
    assert api_errors(me(api, token), 401) == {"token": ["is no longer valid"]}
    assert client.get("/settings").status_code == 200  # the browser is still logged in


def test_log_out_of_all_other_sessions_ends_tokens_too(api, client, auth, make_member):
    token = api_login(api, make_member("member1"))
    auth.login()
    client.submit("/settings/sessions/end-others")
    assert api_errors(me(api, token), 401) == {"token": ["is no longer valid"]}


def test_one_member_cannot_log_out_another_s_token(api, client, auth, make_member):
    token = api_login(api, make_member("jake"))
    [jakes] = db.session.scalars(select(LoginSession.id)).all()
    make_member("member1")
    auth.login()
    client.submit(f"/settings/sessions/{jakes}/end")
    assert me(api, token).status_code == 200


def test_a_token_ends_when_its_lifetime_does(api, app, make_member):
    token = api_login(api, make_member("jake"))
    db.session.execute(update(LoginSession).values(created_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert api_errors(me(api, token), 401) == {"token": ["is no longer valid"]}


def test_last_used_is_written_at_most_once_per_interval(api, app, make_member):
    token = api_login(api, make_member("jake"))
    an_hour_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(LoginSession).values(last_seen_at=an_hour_ago))
    db.session.commit()

    me(api, token)
    db.session.expire_all()
    touched = db.session.scalar(select(LoginSession.last_seen_at))
    assert touched > an_hour_ago
    me(api, token)
    db.session.expire_all()
    assert db.session.scalar(select(LoginSession.last_seen_at)) == touched


def test_logging_in_again_and_again_keeps_only_the_newest_logins(api, make_app, make_member):
    api.client = make_app(SESSIONS_PER_MEMBER=3).test_client()
    user = make_member("jake")
    tokens = [api_login(api, user) for _ in range(4)]
    assert api_errors(me(api, tokens[0]), 401) == {"token": ["is no longer valid"]}
    assert all(me(api, token).status_code == 200 for token in tokens[1:])
    assert sessions_count() == 3


# --- a new password -------------------------------------------------------------------------


def test_a_password_changed_through_the_api_keeps_the_client_that_changed_it(
        api, client, auth, make_member):
    user = make_member("member1")
    changer, other = api_login(api, user), api_login(api, user)
    auth.login()
    response = api.put("/api/user", {"user": {"password": "a brand new passphrase"}}, token=changer)
    assert response.status_code == 200
    assert response.get_json()["user"]["token"] == changer
    assert me(api, changer).status_code == 200
    assert api_errors(me(api, other), 401) == {"token": ["is no longer valid"]}
    assert client.get("/settings").status_code == 302  # the browser is logged out
    assert api_login(api, user, password="a brand new passphrase")


def test_a_password_changed_on_the_settings_page_ends_api_tokens(api, client, auth, make_member):
    token = api_login(api, make_member("member1"))
    auth.login()
    client.submit("/settings/password", {
        "password-current_password": TEST_PASSWORD,
        "password-new_password": "another good passphrase",
        "password-confirm": "another good passphrase",
    })
    assert api_errors(me(api, token), 401) == {"token": ["is no longer valid"]}
    assert client.get("/settings").status_code == 200


def test_a_password_reset_ends_every_token(api, client, make_member, deliver):
    user = make_member("member1")
    token = api_login(api, user)
    client.submit("/auth/reset", {"email": user.email})
    [message] = deliver()
    reset = path_of(link_in(message, "/auth/reset/"))
    new_password = {"password": "a reset passphrase", "confirm": "a reset passphrase"}
    response = client.submit(reset, new_password)
    assert response.status_code == 302
    assert api_errors(me(api, token), 401) == {"token": ["is no longer valid"]}

