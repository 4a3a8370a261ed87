"""The settings page: profile, password, email change, sessions, account deletion."""

import pytest
from sqlalchemy import func, select

from blog.extensions import db
from blog.models import LoginSession, User
from helpers import TEST_PASSWORD, Auth, fresh, link_in, page


@pytest.fixture
def member(make_member, auth):
    user = make_member("member1")
    auth.login()
    return user


def test_settings_needs_login(client):
    assert client.get("/settings").headers["Location"] == "/auth/login?next=%2Fsettings"
    assert client.submit("/settings/password", {}).status_code == 302


def test_settings_page_shows_every_section(client, member):
    html = page(client.get("/settings"))
    for heading in ("Profile", "Email", "Password", "Where you are logged in", "Delete account"):
        assert f">{heading}</h2>" in html
    for label in ("Display name", "Bio", "Current password", "New password", "New email"):
        assert f">{label}</label>" in html
    assert "member1@example.com" in html
    assert "This browser" in html


def test_profile_is_saved(client, member):
    response = client.submit(
        "/settings", {"profile-display_name": " Ada L. ", "profile-bio": "Counts things."},
        follow_redirects=True,
    )
    assert "Your profile is saved." in page(response)
    user = fresh(member)
    assert (user.display_name, user.bio) == ("Ada L.", "Counts things.")


def test_a_profile_picture_shows_on_the_profile(client, member):
    client.submit("/settings", {"profile-display_name": "", "profile-bio": "",
                                "profile-image_url": " https://example.org/me.png "})
    assert fresh(member).image_url == "https://example.org/me.png"
    assert '<img class="avatar" src="https://example.org/me.png"' in page(client.get("/@member1"))


@pytest.mark.parametrize("url", ["http://example.org/me.png", "javascript:alert(1)", "me.png"])
def test_a_profile_picture_must_be_an_https_address(client, member, url):
    response = client.submit("/settings", {"profile-display_name": "x",
                                           "profile-image_url": url})
    assert response.status_code == 422
    assert "Use an https:// address of an image" in page(response)
    assert fresh(member).image_url == ""


def test_too_long_bio_is_refused_with_a_message(client, member):
    response = client.submit("/settings", {"profile-display_name": "x", "profile-bio": "b" * 501})
    assert response.status_code == 422
    assert "Field cannot be longer than 500 characters." in page(response)
    assert fresh(member).bio == ""


def test_change_password_needs_the_current_one(client, member):
    response = client.submit(
        "/settings/password",
        {"password-current_password": "not it", "password-new_password": "another good one",
         "password-confirm": "another good one"},
    )
    assert response.status_code == 422
    assert "Your current password is not correct." in page(response)


def test_change_password_rules_are_the_sign_up_rules(client, member):
    response = client.submit(
        "/settings/password",
        {"password-current_password": TEST_PASSWORD, "password-new_password": "member1",
         "password-confirm": "member1"},
    )
    assert "Use at least 8 characters." in page(response)
    response = client.submit(
        "/settings/password",
        {"password-current_password": TEST_PASSWORD, "password-new_password": "member1member1",
         "password-confirm": "different"},
    )
    assert "The passwords do not match." in page(response)


def test_change_password_keeps_this_session_and_ends_the_others(client, member, make_client):
    other = make_client()
    Auth(other).login(remember=True)
    remember_cookie = other.client.get_cookie("remember_token").value
    before = fresh(member).password_changed_at

    response = client.submit(
        "/settings/password",
        {"password-current_password": TEST_PASSWORD, "password-new_password": "another good one",
         "password-confirm": "another good one"},
        follow_redirects=True,
    )
    assert "Your password is changed" in page(response)
    assert "@member1" in page(client.get("/"))
    assert "@member1" not in page(other.get("/"))
    thief = make_client()
    thief.client.set_cookie("remember_token", remember_cookie)
    assert "@member1" not in page(thief.get("/"))
    assert fresh(member).password_changed_at > before
    assert db.session.scalar(select(func.count(LoginSession.id))) == 1


def test_change_email_waits_for_the_new_address_to_be_confirmed(client, member, deliver):
    response = client.submit(
        "/settings/email", {"email-email": "new@example.com", "email-password": TEST_PASSWORD},
        follow_redirects=True,
    )
    assert "We sent a link to new@example.com" in page(response)
    assert fresh(member).email == "member1@example.com"
    [message] = deliver()
    assert message["To"] == "new@example.com"
    path = link_in(message, "/settings/email/confirm/").removeprefix("http://localhost")

    assert "new@example.com" in page(client.get(path))  # the page asks first
    assert fresh(member).email == "member1@example.com"
    response = client.submit(path, follow_redirects=True)
    assert "Your email address is now new@example.com" in page(response)
    assert fresh(member).email == "new@example.com"
    # The old confirmation link cannot switch the address again.
    assert client.get(path).status_code == 400
    assert client.submit(path).status_code == 400


def test_change_email_needs_the_password_and_a_real_address(client, member):
    response = client.submit(
        "/settings/email", {"email-email": "new@example.com", "email-password": "wrong"}
    )
    assert response.status_code == 422
    assert "Your password is not correct." in page(response)
    response = client.submit(
        "/settings/email", {"email-email": "nope", "email-password": TEST_PASSWORD}
    )
    assert "An email address must have an @-sign." in page(response)


def test_change_to_a_taken_email_reveals_nothing_and_sends_nothing(
    client, member, make_member, deliver
):
    make_member("other", email="taken@example.com")
    response = client.submit(
        "/settings/email", {"email-email": "taken@example.com", "email-password": TEST_PASSWORD},
        follow_redirects=True,
    )
    assert "We sent a link to taken@example.com" in page(response)
    assert deliver() == []
    assert fresh(member).email == "member1@example.com"


def test_sessions_list_and_ending_one(client, member, make_client):
    other = make_client()
    Auth(other).login(headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"})
    html = page(client.get("/settings"))
    assert "Firefox on Linux" in html
    assert html.count("Log out this session") == 1
    other_id = db.session.scalar(
        select(LoginSession.id).where(LoginSession.user_agent.contains("Firefox"))
    )
    response = client.submit(f"/settings/sessions/{other_id}/end", follow_redirects=True)
    assert "That session is logged out." in page(response)
    assert "@member1" not in page(other.get("/"))
    assert "@member1" in page(client.get("/"))


def test_cannot_end_someone_elses_session(client, member, make_member, make_client):
    make_member("other")
    stranger = make_client()
    Auth(stranger).login("other")
    their_id = db.session.scalar(
        select(LoginSession.id).join(User).where(User.username == "other")
    )
    assert client.submit(f"/settings/sessions/{their_id}/end").status_code == 404
    assert "@other" in page(stranger.get("/"))


def test_log_out_of_all_other_sessions(client, member, make_client):
    others = [make_client() for _ in range(2)]
    for other in others:
        Auth(other).login(remember=True)
    response = client.submit("/settings/sessions/end-others", follow_redirects=True)
    assert "All your other sessions are logged out." in page(response)
    assert all("@member1" not in page(o.get("/")) for o in others)
    assert "@member1" in page(client.get("/"))


def test_session_actions_need_csrf(client, member):
    assert client.post("/settings/sessions/end-others").status_code == 400


def test_delete_account_needs_the_password(client, member):
    response = client.submit("/settings/delete", {"delete-password": "wrong"})
    assert response.status_code == 422
    assert "Your password is not correct." in page(response)
    assert fresh(member) is not None


def test_delete_account_removes_it_and_logs_out(client, member, auth):
    response = client.submit("/settings/delete", {"delete-password": TEST_PASSWORD},
                             follow_redirects=True)
    assert "Your account and everything in it are deleted." in page(response)
    assert "@member1" not in page(response)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0
    assert "Incorrect" in page(auth.login())
