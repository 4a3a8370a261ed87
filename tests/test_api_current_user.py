"""The API's current user: PUT /api/user changes the profile, the password and the email."""

import pytest
from test_api_users import NEW_USER

from helpers import api_errors, link_in


def test_update_user_changes_profile_fields(api, api_member, client):
    _, token = api_member("jake")
    response = api.put("/api/user", {"user": {
        "bio": "I like to skateboard", "image": "https://example.org/jake.png", "username": "Jacob",
    }}, token=token)
    assert response.status_code == 200
    user = response.get_json()["user"]
    assert (user["bio"], user["image"], user["username"]) == (
        "I like to skateboard", "https://example.org/jake.png", "Jacob"
    )
    profile = client.get("/@Jacob").get_data(as_text=True)
    assert "I like to skateboard" in profile


def test_update_user_is_all_or_nothing(api, api_member, make_member):
    make_member("taken")
    _, token = api_member("jake")
    errors = api_errors(
        api.put("/api/user", {"user": {"bio": "New bio", "username": "taken"}}, token=token), 409
    )
    assert errors == {"username": ["has already been taken"]}
    me = api.get("/api/user", token=token).get_json()["user"]
    assert (me["username"], me["bio"]) == ("jake", None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"image": "javascript:alert(1)"}, "image"),
        ({"image": "http://example.org/a.png"}, "image"),
        ({"bio": "x" * 501}, "bio"),
        ({"email": "nope"}, "email"),
        ({"password": "password"}, "password"),
        ({"username": "no spaces"}, "username"),
        ({}, "user"),
    ],
)
def test_update_user_refuses_bad_fields(api, api_member, fields, field):
    _, token = api_member("jake")
    assert list(api_errors(api.put("/api/user", {"user": fields}, token=token), 422)) == [field]


def test_a_new_email_waits_for_confirmation(api, api_member, deliver, client):
    _, token = api_member("jake")
    response = api.put("/api/user", {"user": {"email": "new@example.com"}}, token=token)
    assert response.get_json()["user"]["email"] == "jake@example.com"
    [message] = deliver()
    assert message["To"] == "new@example.com"
    client.submit(link_in(message, "/settings/email/confirm/").removeprefix("http://localhost"))
    assert api.get("/api/user", token=token).get_json()["user"]["email"] == "new@example.com"


def test_where_addresses_need_no_confirming_a_taken_email_is_a_409(make_app):
    """As at sign-up, where RealWorld 2.0 says so; with confirmation on, nothing tells."""
    from api_contract import ApiClient

    app = make_app(REQUIRE_VERIFIED_EMAIL=False)
    with app.app_context():
        api = ApiClient(app.test_client())
        token = api.post("/api/users", {"user": NEW_USER}).get_json()["user"]["token"]
        other = api.post("/api/users", {"user": {
            **NEW_USER, "username": "other", "email": "other@example.com"}})
        assert other.status_code == 201
        response = api.put("/api/user", {"user": {"email": "Other@example.com", "bio": "Hi"}},
                           token=token)
        assert api_errors(response, 409) == {"email": ["has already been taken"]}
        me = api.get("/api/user", token=token).get_json()["user"]
        assert (me["email"], me["bio"]) == ("jake@example.com", None)  # all or nothing


def test_a_taken_address_is_not_revealed_while_confirmation_is_required(
    api, api_member, make_member, deliver
):
    make_member("alice", email="alice@example.com")
    _, token = api_member("jake")
    response = api.put("/api/user", {"user": {"email": "alice@example.com"}}, token=token)
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == "jake@example.com"
    assert deliver() == []  # nothing sent, as for a free address nothing would show either


def test_email_changes_are_limited_per_account(make_app, make_member):
    from api_contract import ApiClient

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_EMAIL_PER_ACCOUNT="2 per minute")
    with app.app_context():
        user = make_member("jake", email="jake@example.com")
        api = ApiClient(app.test_client())
        token = api.login(user.email)
        # A front end sends the whole settings form back: an unchanged email does not count.
        for bio in ("one", "two", "three"):
            response = api.put("/api/user", {"user": {"email": "jake@example.com", "bio": bio}},
                               token=token)
            assert response.status_code == 200
        for n in range(2):
            response = api.put("/api/user", {"user": {"email": f"new{n}@example.com"}}, token=token)
            assert response.status_code == 200
        response = api.put("/api/user", {"user": {"email": "new9@example.com"}}, token=token)
        assert list(api_errors(response, 429)) == ["body"]


def test_a_bio_is_measured_without_the_spaces_around_it(api, api_member):
    _, token = api_member("jake")
    response = api.put("/api/user", {"user": {"bio": "  " + "b" * 500 + "\n"}}, token=token)
    assert response.get_json()["user"]["bio"] == "b" * 500


def test_an_image_address_with_control_characters_is_refused(api, api_member):
    _, token = api_member("jake")
    # A tab passes the door (blog.web.security refuses \x01 before any field is read).
    response = api.put("/api/user", {"user": {"image": "https://x.example/\ta.png"}}, token=token)
    assert list(api_errors(response, 422)) == ["image"]


def test_null_clears_bio_and_image_and_a_blank_or_null_name_is_refused(api, api_member):
    _, token = api_member("jake")
    set_both = {"user": {"bio": "I like to skateboard", "image": "https://img.example.org/j.png"}}
    assert api.put("/api/user", set_both, token=token).status_code == 200

    cleared = api.put("/api/user", {"user": {"bio": None, "image": ""}}, token=token)
    assert cleared.status_code == 200
    user = cleared.get_json()["user"]
    assert (user["bio"], user["image"]) == (None, None)
    assert api.get("/api/profiles/jake").get_json()["profile"]["bio"] is None

    for field in ("email", "username", "password"):
        for value in (None, "", "  "):
            response = api.put("/api/user", {"user": {field: value}}, token=token)
            assert api_errors(response, 422) == {field: ["can't be blank"]}, (field, value)
    assert api.get("/api/user", token=token).get_json()["user"]["username"] == "jake"
