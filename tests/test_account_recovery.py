"""'This wasn't me': the link in a change notice takes the account back, from the old address."""

import pytest
import test_account_notices
from sqlalchemy import func, select
from test_account_notices import change_password_in_settings, email_notice, password_notice

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
    move_account_with_stolen_token,
    only,
    page,
    path_of,
    text_of,
)
from helpers import security_events as events

member = test_account_notices.member  # the fixture: member1, logged in


def test_the_not_me_link_opens_a_page_and_a_get_changes_nothing(client, member, deliver):
    link = link_in(password_notice(client, deliver), "/auth/not-me/")
    html = page(client.get(path_of(link)))
    assert "@member1" in html and "member1@example.com" in html
    assert "Secure my account" in html
    assert client.post(path_of(link)).status_code == 400  # no CSRF token
    assert "@member1" in page(client.get("/"))  # still logged in: nothing happened
    assert Auth(client).logout()
    assert "Welcome back" in page(Auth(client).login(password=NEW_PASSWORD, follow_redirects=True))


def test_a_stolen_token_is_undone_from_the_old_address(
    client, api, make_member, make_client, deliver, mailbox, caplog
):
    """The thief changes email and password by API; the owner takes the account back."""
    owner = make_member("jake", email="jake@example.com")
    Auth(client).login("jake", remember=True)
    stolen = api.login("jake@example.com")
    # The thief: a new password and their own address, which they confirm.
    response = api.put("/api/user", {"user": {"password": THIEF_PASSWORD,
                                              "email": "thief@example.org"}}, token=stolen)
    stolen = response.get_json()["user"]["token"]
    confirm = link_in(only(deliver(), "thief@example.org", "Confirm your new email address"),
                      "/settings/email/confirm/")
    thief_browser = make_client()
    thief_browser.submit(path_of(confirm))
    assert fresh(owner).email == "thief@example.org"
    Auth(thief_browser).login("jake", THIEF_PASSWORD)
    assert "@jake" in page(thief_browser.get("/"))

    # The owner reads the notice at the old address.
    notices = deliver()
    only(notices, "jake@example.com", "Your password was changed")
    notice = only(notices, "jake@example.com", "Your email address was changed")
    assert "thief@example.org" in text_of(notice)
    mailbox.clear()
    owner_browser = make_client()
    path = path_of(link_in(notice, "/auth/not-me/"))
    response = owner_browser.submit(path)
    assert response.status_code == 200
    html = page(response)
    assert "Your account is secured" in html
    assert "jake@example.com" in html

    # Every session and token of the account ended; the address is back.
    assert fresh(owner).email == "jake@example.com"
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0
    assert "@jake" not in page(thief_browser.get("/"))
    assert "@jake" not in page(client.get("/"))
    assert api_errors(api.get("/api/user", token=stolen), 401) == {"token": ["is no longer valid"]}
    # Neither password works any more.
    for password in (TEST_PASSWORD, THIEF_PASSWORD):
        assert "Incorrect" in page(Auth(make_client()).login("jake", password))
        assert api.post("/api/users/login", {"user": {
            "email": "jake@example.com", "password": password}}).status_code == 401
    # A reset link went to the old address, and only there.
    [reset] = deliver()
    assert (reset["To"], reset["Subject"]) == ("jake@example.com", "Reset your password")
    owner_browser.submit(path_of(link_in(reset, "/auth/reset/")),
                         {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "@jake" in page(owner_browser.get("/"))
    [secured] = events(caplog, "account.secured")
    assert secured["user_id"] == owner.id and secured["email_restored"] is True


def test_not_me_cancels_an_email_change_still_waiting_for_confirmation(
    client, api, make_member, deliver
):
    owner = make_member("jake", email="jake@example.com")
    stolen = api.login("jake@example.com")
    api.put("/api/user", {"user": {"password": THIEF_PASSWORD, "email": "thief@example.org"}},
            token=stolen)
    messages = deliver()
    confirm = link_in(only(messages, "thief@example.org", "Confirm your new email address"),
                      "/settings/email/confirm/")
    notice = only(messages, "jake@example.com", "Your password was changed")
    client.submit(path_of(link_in(notice, "/auth/not-me/")))
    response = client.submit(path_of(confirm))
    assert response.status_code == 400
    assert fresh(owner).email == "jake@example.com"


@pytest.mark.parametrize("notice_of", [password_notice, email_notice])
def test_a_not_me_link_works_once(client, member, deliver, make_client, notice_of):
    path = path_of(link_in(notice_of(client, deliver), "/auth/not-me/"))
    assert make_client().submit(path).status_code == 200
    again = make_client().submit(path)
    assert again.status_code == 400
    assert "no longer works" in page(again)


def test_an_old_notice_is_void_once_the_owner_changed_things_again(
    client, member, deliver, mailbox
):
    """A leaked old notice is no weapon: a later change by the owner voids it."""
    old = path_of(link_in(password_notice(client, deliver), "/auth/not-me/"))
    mailbox.clear()
    change_password_in_settings(client, new="yet another passphrase", current=NEW_PASSWORD)
    response = client.get(old)
    assert response.status_code == 400
    assert "no longer works" in page(response)
    assert client.submit(old).status_code == 400
    assert "@member1" in page(client.get("/"))


def test_the_thief_cannot_void_the_notice_sent_to_the_old_address(
    client, api, make_member, make_client, deliver, mailbox
):
    """Whatever the thief does after moving the account, the old address takes it back."""
    owner = make_member("jake", email="jake@example.com")
    stolen, notice = move_account_with_stolen_token(
        api, make_client, deliver, "jake@example.com", "thief@example.org")
    mailbox.clear()
    # The thief changes the password, which is told to their own address...
    response = api.put("/api/user", {"user": {"password": THIEF_PASSWORD}}, token=stolen)
    stolen = response.get_json()["user"]["token"]
    thief_notice = only(deliver(), "thief@example.org", "Your password was changed")
    # ...tries to move the account once more: refused while the old address may take it back...
    errors = api_errors(api.put("/api/user", {"user": {"email": "thief2@example.org"}},
                                token=stolen), 422)
    assert list(errors) == ["email"] and "again after" in errors["email"][0]
    # ...and even "secures" it with their own notice, resetting the password at their address.
    thief = make_client()
    thief.submit(path_of(link_in(thief_notice, "/auth/not-me/")))
    reset = only(deliver(), "thief@example.org", "Reset your password")
    thief.submit(path_of(link_in(reset, "/auth/reset/")),
                 {"password": THIEF_PASSWORD, "confirm": THIEF_PASSWORD})
    assert "@jake" in page(thief.get("/"))
    mailbox.clear()

    response = make_client().submit(path_of(link_in(notice, "/auth/not-me/")))
    assert response.status_code == 200
    assert fresh(owner).email == "jake@example.com"
    assert "@jake" not in page(thief.get("/"))
    messages = deliver()
    only(messages, "jake@example.com", "Reset your password")
    # The thief's notices are dead now: the account is no longer as they left it.
    thief_notices = [thief_notice] + [m for m in messages if m["To"] == "thief@example.org"]
    assert len(thief_notices) == 2  # the second one is about their reset
    for message in thief_notices:
        assert make_client().submit(path_of(link_in(message, "/auth/not-me/"))).status_code == 400
    assert fresh(owner).email == "jake@example.com"


def test_when_the_old_address_was_taken_meanwhile_no_reset_goes_to_the_new_one(
    client, api, make_member, deliver, mailbox
):
    owner = make_member("jake", email="jake@example.com")
    stolen = api.login("jake@example.com")
    api.put("/api/user", {"user": {"email": "thief@example.org"}}, token=stolen)
    confirm = only(deliver(), "thief@example.org", "Confirm your new email address")
    client.submit(path_of(link_in(confirm, "/settings/email/confirm/")))
    notice = only(deliver(), "jake@example.com", "Your email address was changed")
    make_member("newcomer", email="jake@example.com")
    mailbox.clear()
    response = client.submit(path_of(link_in(notice, "/auth/not-me/")))
    assert response.status_code == 200
    assert "another account uses it now" in page(response)
    assert fresh(owner).email == "thief@example.org"
    assert deliver() == []  # no reset link for the thief's address
    assert api_errors(api.get("/api/user", token=stolen), 401)


def test_the_email_changes_again_only_after_the_old_address_had_its_week(
    client, member, deliver, mailbox
):
    from datetime import timedelta

    from blog.models import utcnow

    client.submit("/settings/email",
                  {"email-email": "second@example.com", "email-password": TEST_PASSWORD})
    client.submit(path_of(link_in(deliver()[0], "/settings/email/confirm/")))
    old_notice = only(deliver(), "member1@example.com", "Your email address was changed")
    mailbox.clear()
    response = client.submit("/settings/email", {"email-email": "third@example.com",
                                                 "email-password": TEST_PASSWORD})
    assert response.status_code == 422
    assert "You can change it again after" in page(response)
    assert deliver() == []

    # A week later the old address's notice has expired, and a new change goes through.
    user = fresh(member)
    user.email_changed_at = utcnow() - timedelta(days=7, seconds=1)
    db.session.commit()
    response = client.submit(path_of(link_in(old_notice, "/auth/not-me/")))
    assert response.status_code == 400
    client.submit("/settings/email", {"email-email": "third@example.com",
                                      "email-password": TEST_PASSWORD})
    client.submit(path_of(link_in(deliver()[0], "/settings/email/confirm/")))
    assert fresh(member).email == "third@example.com"


def test_an_expired_or_forged_not_me_link_is_a_clear_400(app, client, member, deliver):
    assert client.get("/auth/not-me/forged").status_code == 400
    path = path_of(link_in(password_notice(client, deliver), "/auth/not-me/"))
    app.config["NOT_ME_TOKEN_MAX_AGE"] = -1
    response = client.submit(path)
    assert response.status_code == 400
    assert "expired" in page(response)
