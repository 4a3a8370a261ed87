"""Notices to the old address after a password or email change, and the security log.

A stolen API token may change the password and the email (RealWorld's
contract). Every such change emails the address the account had before, with
a signed link that secures the account (test_account_recovery.py): every
session and token ends, the email goes back, the password stops working and a
reset link is sent.
"""

import pytest
from sqlalchemy import select

from blog.extensions import db
from blog.models import LoginSession
from helpers import (
    NEW_PASSWORD,
    TEST_PASSWORD,
    THIEF_PASSWORD,
    Auth,
    api_errors,
    fresh,
    link_in,
    only,
    page,
    path_of,
    text_of,
)
from helpers import security_events as events


def change_password_in_settings(client, new=NEW_PASSWORD, current=TEST_PASSWORD):
    return client.submit("/settings/password", {
        "password-current_password": current,
        "password-new_password": new,
        "password-confirm": new,
    })


def password_notice(client, deliver):
    """Change member1's password in Settings; the notice it sends."""
    change_password_in_settings(client)
    return only(deliver(), "member1@example.com", "Your password was changed")


def email_notice(client, deliver):
    """Change member1's email in Settings and confirm it; the notice to the old address."""
    client.submit("/settings/email",
                  {"email-email": "new@example.com", "email-password": TEST_PASSWORD})
    client.submit(path_of(link_in(deliver()[0], "/settings/email/confirm/")))
    return only(deliver(), "member1@example.com", "Your email address was changed")


@pytest.fixture
def member(make_member, auth):
    user = make_member("member1")
    auth.login()
    return user


# --- the notices --------------------------------------------------------------------------


def test_a_password_changed_in_settings_is_told_to_the_address_with_a_not_me_link(
    client, member, deliver
):
    change_password_in_settings(client)
    notice = only(deliver(), "member1@example.com", "Your password was changed")
    body = text_of(notice)
    assert "@member1" in body
    assert NEW_PASSWORD not in body
    assert "/auth/not-me/" in link_in(notice, "/auth/not-me/")
    assert "7 days" in body


def test_a_password_set_by_a_reset_link_is_told_too(client, make_member, deliver, mailbox):
    make_member("member1")
    client.submit("/auth/reset", {"email": "member1@example.com"})
    reset = link_in(deliver()[0], "/auth/reset/")
    mailbox.clear()
    client.submit(path_of(reset), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    notice = only(deliver(), "member1@example.com", "Your password was changed")
    assert link_in(notice, "/auth/not-me/")


def test_a_password_changed_through_the_api_is_told_to_the_address(api, api_member, deliver):
    _, token = api_member("jake")
    api.put("/api/user", {"user": {"password": THIEF_PASSWORD}}, token=token)
    notice = only(deliver(), "jake@example.com", "Your password was changed")
    assert link_in(notice, "/auth/not-me/")


def test_an_email_change_is_told_to_the_old_address_when_it_takes_effect(
    client, member, deliver, mailbox
):
    client.submit("/settings/email",
                  {"email-email": "new@example.com", "email-password": TEST_PASSWORD})
    [confirm] = deliver()
    assert confirm["To"] == "new@example.com"
    mailbox.clear()
    path = path_of(link_in(confirm, "/settings/email/confirm/"))
    client.submit(path)
    notice = only(deliver(), "member1@example.com", "Your email address was changed")
    assert "new@example.com" in text_of(notice)
    assert link_in(notice, "/auth/not-me/")


# --- the email confirmation page ----------------------------------------------------------


def test_an_email_change_link_asks_before_it_changes_anything(client, member, deliver):
    client.submit("/settings/email",
                  {"email-email": "new@example.com", "email-password": TEST_PASSWORD})
    path = path_of(link_in(deliver()[0], "/settings/email/confirm/"))
    html = page(client.get(path))  # what a link scanner does
    assert "new@example.com" in html and "@member1" in html
    assert "Use this address" in html
    assert fresh(member).email == "member1@example.com"
    assert client.post(path).status_code == 400  # no CSRF token
    assert fresh(member).email == "member1@example.com"


# --- the API: an email change waits for confirmation --------------------------------------


def test_where_addresses_need_no_confirming_an_api_email_change_is_undone_from_the_old_one(
    make_app, make_member, smtp, mailbox
):
    """RealWorld 2.0's PUT /user answers with the new address; the old one can take it back."""
    from api_contract import ApiClient

    from blog.mailer import deliver_due
    from helpers import FormClient

    app = make_app(REQUIRE_VERIFIED_EMAIL=False, MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        owner = make_member("jake")
        api = ApiClient(app.test_client())
        token = api.login("jake@example.com")
        response = api.put("/api/user", {"user": {"email": "new@example.com"}}, token=token)
        assert response.get_json()["user"]["email"] == "new@example.com"
        assert api.get("/api/user", token=token).get_json()["user"]["email"] == "new@example.com"
        again = api.put("/api/user", {"user": {"email": "third@example.com"}}, token=token)
        assert list(api_errors(again, 422)) == ["email"]  # not twice within a week

        deliver_due()
        [notice] = mailbox.messages
        assert (notice["To"], notice["Subject"]) == ("jake@example.com",
                                                     "Your email address was changed")
        assert "new@example.com" in text_of(notice)
        FormClient(app.test_client()).submit(path_of(link_in(notice, "/auth/not-me/")))
        assert fresh(owner).email == "jake@example.com"
        assert api_errors(api.get("/api/user", token=token), 401) == {
            "token": ["is no longer valid"]}


# --- security events ----------------------------------------------------------------------


def test_account_changes_are_written_to_the_security_log(
    client, member, make_client, deliver, caplog
):
    others = [make_client() for _ in range(3)]
    for other in others:
        Auth(other).login()
    ids = db.session.scalars(select(LoginSession.id).order_by(LoginSession.id)).all()
    client.submit(f"/settings/sessions/{ids[-1]}/end")
    client.submit("/settings/sessions/end-others")
    change_password_in_settings(client)
    client.submit("/settings/email",
                  {"email-email": "new@example.com", "email-password": NEW_PASSWORD})
    confirm = only(deliver(), "new@example.com", "Confirm your new email address")
    client.submit(path_of(link_in(confirm, "/settings/email/confirm/")))
    notice = only(deliver(), "member1@example.com", "Your email address was changed")
    client.submit(path_of(link_in(notice, "/auth/not-me/")))

    scopes = [e["scope"] for e in events(caplog, "session.ended")]
    assert scopes == ["one", "others", "others", "all"]
    [changed] = events(caplog, "password.changed")
    assert changed["user_id"] == member.id
    [requested] = events(caplog, "email.change_requested")
    [done] = events(caplog, "email.changed")
    assert requested["user_id"] == done["user_id"] == member.id
    assert len(events(caplog, "account.secured")) == 1
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "blog.security")
    assert NEW_PASSWORD not in logged and TEST_PASSWORD not in logged
