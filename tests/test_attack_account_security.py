"""Attacks on the account-security fixes of issue 9 that once worked, each kept as a test.

The attackers: a thief holding a stolen API token, a hostile visitor, and
whoever finds an old link in a mailbox.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from blog.extensions import db
from blog.models import OutboxEmail
from helpers import (
    CSRF_PATTERN,
    TEST_PASSWORD,
    THIEF_PASSWORD,
    Auth,
    browser,
    deliver_all,
    fresh,
    link_in,
    move_account_with_stolen_token,
    only,
    page,
    path_of,
    security_events,
)
from server_helpers import LiveServer, stop_when_idle


def test_a_thief_cannot_keep_the_account_by_signing_up_with_the_old_address(
    api, make_member, make_client, deliver, mailbox, caplog
):
    """Squatting the old address with an unconfirmed sign-up once made "this wasn't me" fail:
    the account kept the thief's address, and a reset there gave it back to the thief."""
    owner = make_member("jake", email="jake@example.com")
    stolen, notice = move_account_with_stolen_token(
        api, make_client, deliver, "jake@example.com", "thief@example.org")
    # The thief signs up with the address the account left: nobody confirms it.
    assert Auth(make_client()).register(email="jake@example.com",
                                        username="squatter").status_code == 302
    mailbox.clear()

    response = make_client().submit(path_of(link_in(notice, "/auth/not-me/")))
    assert response.status_code == 200
    assert fresh(owner).email == "jake@example.com"
    only(deliver(), "jake@example.com", "Reset your password")
    # The thief's address has no account any more: a reset there gives nothing back.
    thief = make_client()
    thief.submit("/auth/reset", {"email": "thief@example.org"})
    only(deliver(), "thief@example.org", "You do not have an account here")
    assert "Incorrect" in page(Auth(thief).login("squatter", TEST_PASSWORD))
    [removed] = security_events(caplog, "account.unconfirmed_removed")
    assert (removed["user_id"], removed["removed_username"]) == (owner.id, "squatter")


def change_email_in_settings(client, email, password=TEST_PASSWORD):
    return client.submit("/settings/email", {"email-email": email, "email-password": password})


def test_the_settings_page_cannot_mail_an_address_without_limit(limited, make_member, mailbox):
    """Each email change in Settings mails a link to any address: it was never limited."""
    app = limited()
    make_member("sender")
    member = browser(app)
    Auth(member).login("sender")
    statuses = [change_email_in_settings(member, "victim@example.org").status_code
                for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]  # RATELIMIT_EMAIL_PER_ACCOUNT, 3 per hour
    deliver_all()
    assert len(mailbox.to("victim@example.org")) == 3

    # More accounts do not send more to one address (RATELIMIT_EMAILS_PER_ADDRESS).
    make_member("helper")
    other = browser(app, "198.51.100.20")
    Auth(other).login("helper")
    assert change_email_in_settings(other, "Victim@example.org").status_code == 429
    # A wrong password mails nothing and spends nothing of the address's budget.
    make_member("third")
    third = browser(app, "198.51.100.21")
    Auth(third).login("third")
    assert change_email_in_settings(third, "someone@example.org", "wrong").status_code == 422
    assert change_email_in_settings(third, "someone@example.org").status_code == 302


def test_a_reset_link_never_switches_the_logged_in_member(
    client, make_member, make_client, deliver
):
    """Login CSRF by a reset link: a member who opened someone else's link and chose a
    "new password" was logged out and into the other account (the link's sender's)."""
    make_member("attacker")
    make_member("victim")
    make_client().submit("/auth/reset", {"email": "attacker@example.com"})
    path = path_of(link_in(only(deliver(), "attacker@example.com", "Reset your password"),
                           "/auth/reset/"))
    Auth(client).login("victim")
    opened = client.get(path)
    assert opened.status_code == 400
    assert "You are logged in as victim" in page(opened)
    new = {"password": "a brand new secret", "confirm": "a brand new secret"}
    assert client.submit(path, new).status_code == 400
    assert "@victim" in page(client.get("/"))
    assert "Incorrect" in page(Auth(make_client()).login("attacker", "a brand new secret"))
    # The link still works for a browser that is not logged in.
    assert make_client().submit(path, new).status_code == 302


def register_by_api(app, email, username, ip="192.0.2.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client.post("/api/users", json={"user": {
        "email": email, "username": username, "password": "a long passphrase"}})


def test_sign_up_on_the_page_and_in_the_api_share_one_budget(limited, make_member, mailbox):
    """The README promised it; each had its own, so switching doubled a flood."""
    app = limited(RATELIMIT_SIGNUP_PER_IP="2 per hour")
    visitor = browser(app)
    assert [Auth(visitor).register(email=f"new{i}@example.com", username=f"new{i}").status_code
            for i in range(2)] == [302, 302]
    assert register_by_api(app, "other@example.com", "other").status_code == 429

    # And an address gets RATELIMIT_EMAILS_PER_ADDRESS sign-up emails, whichever way.
    make_member("owner", email="owner@example.com")
    for i in range(3):
        assert Auth(browser(app, f"198.51.100.{i}")).register(
            email="owner@example.com", username=f"try{i}").status_code == 302
    assert register_by_api(app, "owner@example.com", "apitry", "198.51.100.9").status_code == 429
    deliver_all()
    assert len(mailbox.to("owner@example.com")) == 3


def test_email_changes_in_settings_and_the_api_share_one_budget(limited, make_member, mailbox):
    """Alternating Settings and PUT /api/user once mailed an address twice as often."""
    app = limited()
    make_member("sender", email="sender@example.com")
    member = browser(app)
    Auth(member).login("sender")
    api = app.test_client()
    token = api.post("/api/users/login", json={"user": {
        "email": "sender@example.com", "password": TEST_PASSWORD}}).get_json()["user"]["token"]

    def by_api(email):
        return api.put("/api/user", json={"user": {"email": email}},
                       headers={"Authorization": f"Token {token}"}).status_code

    assert [change_email_in_settings(member, "victim@example.org").status_code,
            by_api("victim@example.org"),
            change_email_in_settings(member, "victim@example.org").status_code,
            by_api("victim@example.org")] == [302, 200, 302, 429]
    deliver_all()
    assert len(mailbox.to("victim@example.org")) == 3


def test_parallel_requests_mail_an_address_no_more_than_its_limit(make_app, make_member, smtp):
    """Limits on emails were checked before and counted after the answer: twelve requests
    sent at once through the real server mailed one address 4 or 5 times for a limit of 3."""
    app = make_app(RATELIMIT_ENABLED=True, MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        make_member("sender", email="sender@example.com")
    server = LiveServer(app)
    server.start()
    try:
        token = requests.post(server.url + "/api/users/login", json={"user": {
            "email": "sender@example.com", "password": TEST_PASSWORD}}, timeout=10,
            headers={"Connection": "close"}).json()["user"]["token"]
        browsers = [requests.Session() for _ in range(12)]
        csrf = [CSRF_PATTERN.search(b.get(server.url + "/auth/reset", timeout=10,
                                          headers={"Connection": "close"}).text).group(1)
                for b in browsers]
        start = threading.Barrier(len(browsers))

        def change_email(_):
            start.wait(timeout=10)
            return requests.put(
                server.url + "/api/user", json={"user": {"email": "victim@example.org"}},
                headers={"Authorization": f"Token {token}", "Connection": "close"}, timeout=30,
            ).status_code

        def ask_for_reset(pair):
            session, csrf_token = pair
            start.wait(timeout=10)
            return session.post(server.url + "/auth/reset", timeout=30, allow_redirects=False,
                                data={"csrf_token": csrf_token, "email": "victim@example.org"},
                                headers={"Connection": "close"}).status_code

        with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
            changes = sorted(pool.map(change_email, range(len(browsers))))
            resets = sorted(pool.map(ask_for_reset, zip(browsers, csrf, strict=True)))
        assert changes == [200] * 3 + [429] * 9
        assert resets == [302] * 3 + [429] * 9
        with app.app_context():
            subjects = db.session.scalars(
                select(OutboxEmail.subject).where(OutboxEmail.recipient == "victim@example.org")
            ).all()
        assert sorted(subjects) == ["Confirm your new email address"] * 3 + [
            "You do not have an account here"] * 3
    finally:
        stop_when_idle(server)


def test_a_stolen_token_cannot_flood_the_owner_with_password_notices(limited, make_member, mailbox):
    """Each password change mails the owner a notice: through the API (a new token each
    time) a thief could change it again and again, and every change mailed the owner."""
    app = limited()
    make_member("jake", email="jake@example.com")
    api = app.test_client()
    token = api.post("/api/users/login", json={"user": {
        "email": "jake@example.com", "password": TEST_PASSWORD}}).get_json()["user"]["token"]
    statuses = []
    for n in range(5):
        response = api.put("/api/user", json={"user": {"password": f"{THIEF_PASSWORD} {n}"}},
                           headers={"Authorization": f"Token {token}"})
        statuses.append(response.status_code)
        token = response.get_json().get("user", {}).get("token", token)
    assert statuses == [200, 200, 200, 429, 429]  # RATELIMIT_EMAIL_PER_ACCOUNT, 3 per hour
    # Other fields still change, and a refused password spends nothing.
    assert api.put("/api/user", json={"user": {"bio": "hi"}},
                   headers={"Authorization": f"Token {token}"}).status_code == 200
    deliver_all()
    assert [m["Subject"] for m in mailbox.to("jake@example.com")] == [
        "Your password was changed"] * 3


def test_settings_password_changes_mail_no_more_notices_than_the_limit(
    limited, make_member, mailbox
):
    app = limited()
    make_member("jake", email="jake@example.com")
    member = browser(app)
    Auth(member).login("jake")
    current, statuses = TEST_PASSWORD, []
    assert member.submit("/settings/password", {
        "password-current_password": "wrong", "password-new_password": "x" * 12,
        "password-confirm": "x" * 12}).status_code == 422  # spends nothing
    for n in range(4):
        new = f"{THIEF_PASSWORD} {n}"
        statuses.append(member.submit("/settings/password", {
            "password-current_password": current, "password-new_password": new,
            "password-confirm": new}).status_code)
        current = new if statuses[-1] == 302 else current
    assert statuses == [302, 302, 302, 429]
    deliver_all()
    assert len(mailbox.to("jake@example.com")) == 3


@pytest.mark.parametrize("form", [
    lambda guess: ("/settings/password", {"password-current_password": guess,
                                          "password-new_password": "a brand new passphrase",
                                          "password-confirm": "a brand new passphrase"}),
    lambda guess: ("/settings/email", {"email-email": "new@example.org",
                                       "email-password": guess}),
    lambda guess: ("/settings/delete", {"delete-password": guess}),
], ids=["password", "email", "delete"])
def test_a_stolen_session_cannot_guess_the_password_in_settings_without_limit(
    limited, make_member, form, caplog
):
    """The login limit counts wrong passwords per account; the Settings forms that ask for
    the current password did not, so whoever held a session could guess it at full speed."""
    app = limited()  # 3 failures per account a minute
    make_member("jake")
    thief = browser(app)
    Auth(thief).login("jake")
    statuses = [thief.submit(*form(f"guess number {n}")).status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert thief.submit(*form(TEST_PASSWORD)).status_code == 429  # locked: even the right one
    logged = security_events(caplog)
    assert [e["username"] for e in logged if e["event"] == "reauth.locked"] == ["jake"] * 2
    # The owner's logins elsewhere are not locked by it.
    assert Auth(browser(app, "198.51.100.30")).login("jake").status_code == 302
