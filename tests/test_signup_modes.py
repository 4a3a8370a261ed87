"""Sign-up modes: open, invite-only, closed; invitations; the admins' approval of new members."""

from datetime import timedelta

import pytest

from blog.domain import accounts, invites
from blog.extensions import db
from blog.models import Invite, User, utcnow
from helpers import (
    TEST_PASSWORD,
    Auth,
    api_errors,
    fresh,
    link_in,
    logged_in,
    only,
    page,
    path_of,
)

NEW = {"username": "jake", "email": "jake@example.com", "password": TEST_PASSWORD}


def api_register(api, **fields):
    return api.post("/api/users", {"user": {**NEW, **fields}})


def accounts_named(name):
    return accounts.find_by_username(name)


# --- closed --------------------------------------------------------------------------------


def test_closed_sign_ups_refuse_the_page_and_the_api(client, api, set_site):
    set_site(signup_mode="closed")
    response = client.get("/auth/register")
    assert response.status_code == 403 and "Sign-ups are closed" in page(response)
    assert Auth(client).register(username="jake").status_code == 403
    assert api_errors(api_register(api), 403) == {"signup": ["is closed"]}
    assert accounts_named("jake") is None
    assert "Create an account" not in page(client.get("/"))


# --- invite-only ---------------------------------------------------------------------------


def test_invite_only_refuses_without_an_invitation(client, api, set_site):
    set_site(signup_mode="invite")
    response = client.get("/auth/register")
    assert response.status_code == 403 and "by invitation only" in page(response)
    assert api_errors(api_register(api), 403) == {"invite": ["is required"]}
    assert api_errors(api_register(api, invite="made-up"), 403) == {
        "invite": ["is invalid or used"]}
    assert accounts_named("jake") is None


def test_an_invitation_signs_up_once(client, make_client, set_site, make_invite, deliver):
    set_site(signup_mode="invite")
    token = make_invite()
    form = page(client.get(f"/auth/register?invite={token}"))
    assert 'name="invite"' in form and token in form
    response = client.submit("/auth/register", {
        "email": "jake@example.com", "username": "jake", "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD, "invite": token})
    assert response.status_code == 302
    jake = accounts_named("jake")
    invite = db.session.scalars(db.select(Invite)).one()
    assert invite.used_by_id == jake.id and invite.status == "used"

    again = make_client().get(f"/auth/register?invite={token}")
    assert again.status_code == 403 and "cannot be used" in page(again)


def test_an_expired_or_revoked_invitation_is_refused(api, set_site, make_invite, staff):
    set_site(signup_mode="invite")
    expired, revoked = make_invite(), make_invite()
    rows = db.session.scalars(db.select(Invite).order_by(Invite.id)).all()
    rows[0].expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    invites.revoke(staff["admin"], rows[1].id)
    for token in (expired, revoked):
        assert api_errors(api_register(api, invite=token), 403) == {
            "invite": ["is invalid or used"]}
    assert accounts_named("jake") is None


def test_the_api_signs_up_with_an_invitation(api, set_site, make_invite):
    set_site(signup_mode="invite")
    response = api_register(api, invite=make_invite())
    assert response.status_code == 201
    assert response.get_json()["user"]["username"] == "jake"


def test_a_taken_address_does_not_spend_the_invitation(api, set_site, make_invite, staff):
    set_site(signup_mode="invite")
    token = make_invite()
    response = api_register(api, invite=token, email=staff["member"].email)
    assert response.status_code == 409
    assert api_register(api, invite=token).status_code == 201


def test_members_invite_only_when_the_site_allows_it(make_client, set_site, staff):
    set_site(signup_mode="invite")
    member = logged_in(make_client, "member1")
    assert member.get("/settings/invites").status_code == 403
    assert member.submit("/settings/invites").status_code == 403
    set_site(signup_mode="invite", members_invite=True)
    response = member.submit("/settings/invites")
    assert response.status_code == 200
    html = page(response)
    assert "/auth/register?invite=" in html and "open" in html
    assert "Invite people" in page(member.get("/settings"))


def test_an_invitation_is_revoked_by_its_maker_only(make_client, set_site, staff, make_invite):
    set_site(signup_mode="invite", members_invite=True)
    make_invite()
    invite = db.session.scalars(db.select(Invite)).one()
    member = logged_in(make_client, "member1")
    assert member.submit(f"/settings/invites/{invite.id}/revoke").status_code == 403
    assert member.submit("/settings/invites/999999/revoke").status_code == 404
    admin = logged_in(make_client, "root")
    assert "open" in page(admin.get("/settings/invites"))
    assert admin.submit(f"/settings/invites/{invite.id}/revoke").status_code == 302
    assert "revoked" in page(admin.get("/settings/invites"))


def test_making_invitations_is_rate_limited(make_app, make_member, smtp):
    from helpers import FormClient

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_INVITES_PER_MEMBER="2 per hour",
                   MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        make_member("root", role="admin")
        admin = FormClient(app.test_client())
        Auth(admin).login("root")
        statuses = [admin.submit("/settings/invites").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- approval ------------------------------------------------------------------------------


@pytest.fixture
def waiting(client, set_site, deliver):
    """jake signed up on a site that needs approval, and confirmed his address."""
    set_site(require_approval=True)
    assert "approved by the admins" in page(client.get("/auth/register"))
    Auth(client).register(email="jake@example.com", username="jake")
    verify = only(deliver(), "jake@example.com", "Confirm your email address")
    response = client.submit(path_of(link_in(verify, "/auth/verify/")), follow_redirects=True)
    assert "awaiting approval" in page(response)
    return accounts_named("jake")


def test_a_new_member_waits_for_approval_on_the_page_and_the_api(client, api, waiting):
    assert waiting.awaiting_approval and waiting.is_verified
    response = Auth(client).login("jake")
    assert response.status_code == 403 and "awaiting approval" in page(response)
    assert client.get("/settings").status_code == 302  # not logged in
    login = api.post("/api/users/login",
                     {"user": {"email": "jake@example.com", "password": TEST_PASSWORD}})
    assert api_errors(login, 403) == {"account": ["is awaiting approval"]}


def test_a_wrong_password_says_nothing_about_approval(client, waiting):
    response = Auth(client).login("jake", "wrong password")
    assert "awaiting approval" not in page(response)


def test_the_api_sign_up_says_the_account_waits(api, set_site):
    set_site(require_approval=True)
    assert api_errors(api_register(api), 403) == {"account": ["is awaiting approval"]}
    assert accounts_named("jake").awaiting_approval


def test_an_admin_approves_and_the_member_is_emailed(make_client, client, waiting, staff,
                                                     deliver):
    moderator = logged_in(make_client, "mod")
    assert moderator.submit(f"/mod/members/{waiting.id}/approve").status_code == 403
    admin = logged_in(make_client, "root")
    listed = page(admin.get("/mod/members?status=awaiting"))
    assert "@jake" in listed and "awaiting approval" in listed and "@member1" not in listed
    assert admin.submit(f"/mod/members/{waiting.id}/approve").status_code == 302
    assert not fresh(waiting).awaiting_approval
    approved = only(deliver(), "jake@example.com", "Welcome to Testers")
    assert "approved your account" in approved.get_body(("plain",)).get_content()
    assert Auth(client).login("jake").status_code == 302
    # Once approved, there is nothing left to approve.
    assert admin.submit(f"/mod/members/{waiting.id}/approve").status_code == 403


def test_an_admin_refuses_and_the_account_is_gone(make_client, waiting, staff):
    admin, waiting_id = logged_in(make_client, "root"), waiting.id
    assert admin.submit(f"/mod/members/{staff['member'].id}/refuse").status_code == 403
    assert admin.submit(f"/mod/members/{waiting_id}/refuse").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, waiting_id) is None


def test_the_admins_hear_of_a_waiting_member_once_an_hour(make_client, waiting, staff, deliver):
    told = only(deliver(), "root@example.com", "A new member is waiting for your approval")
    text = told.get_body(("plain",)).get_content()
    assert "@jake confirmed their email address" in text
    assert "/mod/members?status=awaiting" in text
    assert all(m["To"] != "mod@example.com" for m in deliver())  # admins only
    # A second newcomer within the hour joins the same list: no second email.
    second = make_client()
    Auth(second).register(email="kate@example.com", username="kate")
    verify = only(deliver(), "kate@example.com", "Confirm your email address")
    second.submit(path_of(link_in(verify, "/auth/verify/")), follow_redirects=True)
    assert accounts_named("kate").awaiting_approval and accounts_named("kate").is_verified
    admin_emails = [m for m in deliver() if m["To"] == "root@example.com"]
    assert len(admin_emails) == 1
    admin = logged_in(make_client, "root")
    listed = page(admin.get(path_of(link_in(told, "/mod/members"))))
    assert "@jake" in listed and "@kate" in listed


def test_a_waiting_member_s_profile_is_seen_by_the_staff_only(client, api, make_client, waiting):
    assert client.get("/@jake").status_code == 404
    assert api.get("/api/profiles/jake").json == {"errors": {"profile": ["not found"]}}
    assert logged_in(make_client, "member1").get("/@jake").status_code == 404
    assert logged_in(make_client, "mod").get("/@jake").status_code == 200
    assert logged_in(make_client, "root").get("/@jake").status_code == 200
