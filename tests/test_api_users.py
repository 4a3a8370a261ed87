"""The API's accounts and profiles: register, login, the current user, tokens, follows."""

import re

import pytest

from helpers import TEST_PASSWORD, api_errors, link_in

NEW_USER = {"username": "jake", "email": "jake@example.com", "password": TEST_PASSWORD}
JWT_PATTERN = re.compile(r"^[\w-]+\.[\w-]+\.[\w-]+$")


def register(api, **fields):
    return api.post("/api/users", {"user": {**NEW_USER, **fields}})


# --- register ----------------------------------------------------------------------------


def test_register_answers_201_with_the_user_and_a_working_token(api, deliver):
    response = register(api)
    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user["username"] == "jake" and user["email"] == "jake@example.com"
    assert user["bio"] is None and user["image"] is None  # RealWorld 2.0: null when unset
    assert JWT_PATTERN.match(user["token"])

    me = api.get("/api/user", token=user["token"])
    assert me.status_code == 200
    assert me.get_json()["user"]["username"] == "jake"


def test_register_sends_the_same_verification_email_as_the_page(api, deliver, client):
    register(api)
    [message] = deliver()
    assert message["To"] == "jake@example.com"
    assert message["Subject"] == "Confirm your email address"
    path = link_in(message, "/auth/verify/").removeprefix("http://localhost")
    response = client.submit(path, follow_redirects=True)
    assert "your email is confirmed" in response.get_data(as_text=True)


@pytest.mark.parametrize("missing", ["username", "email", "password"])
def test_register_names_a_missing_or_blank_field(api, missing):
    fields = {**NEW_USER}
    del fields[missing]
    assert api_errors(api.post("/api/users", {"user": fields}), 422) == {
        missing: ["can't be blank"]
    }
    assert api_errors(register(api, **{missing: "   "}), 422) == {missing: ["can't be blank"]}


def test_register_names_every_missing_field_at_once(api):
    errors = api_errors(api.post("/api/users", {"user": {}}), 422)
    assert set(errors) == {"username", "email", "password"}


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"email": "not-an-email"}, "email", "email"),
        ({"username": "a b"}, "username", "letters"),
        ({"username": "admin"}, "username", "reserved"),
        ({"password": "password"}, "password", "common"),
        ({"password": "jake"}, "password", ""),
        ({"email": 7}, "email", "must be a string"),
    ],
)
def test_register_refuses_bad_fields_with_the_sites_rules(api, fields, field, words):
    errors = api_errors(register(api, **fields), 422)
    assert list(errors) == [field]
    assert words.lower() in errors[field][0].lower()


def test_register_says_when_a_username_or_email_is_taken(api, make_member, deliver, mailbox):
    make_member("taken", email="taken@example.com")
    assert api_errors(register(api, username="TAKEN"), 409) == {
        "username": ["has already been taken"]
    }
    assert api_errors(register(api, email="Taken@example.com"), 409) == {
        "email": ["has already been taken"]
    }
    # The owner of the address hears about the attempt, as after the sign-up page.
    [message] = deliver()
    assert message["To"].lower() == "taken@example.com"
    assert message["Subject"] == "You already have an account"


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ("{not json", "application/json", "body"),
        ('["a list"]', "application/json", "body"),
        ('{"user": "jake"}', "application/json", "user"),
        ('{"username": "jake"}', "application/json", "user"),
        ("user[email]=x", "application/x-www-form-urlencoded", "body"),
        ("", None, "body"),
    ],
)
def test_a_body_that_is_not_the_specs_json_is_a_422(api, body, content_type, field):
    response = api.client.post("/api/users", data=body, content_type=content_type)
    assert list(api_errors(response, 422)) == [field]


def test_nothing_is_written_when_registration_is_refused(api, app):
    from blog.models import User

    register(api, password="password")
    assert User.query.count() == 0


# --- login and tokens ---------------------------------------------------------------------


def test_login_returns_the_user_with_a_token(api, make_member):
    make_member("jake", email="jake@example.com")
    response = api.post(
        "/api/users/login", {"user": {"email": "JAKE@example.com", "password": TEST_PASSWORD}}
    )
    assert response.status_code == 200
    token = response.get_json()["user"]["token"]
    assert api.get("/api/user", token=token).get_json()["user"]["email"] == "jake@example.com"


def test_wrong_credentials_are_a_401_that_does_not_say_which_part_was_wrong(api, make_member):
    make_member("jake", email="jake@example.com")
    wrong_password = api.post(
        "/api/users/login", {"user": {"email": "jake@example.com", "password": "nope-nope"}}
    )
    unknown_email = api.post(
        "/api/users/login", {"user": {"email": "who@example.com", "password": "nope-nope"}}
    )
    assert api_errors(wrong_password, 401) == api_errors(unknown_email, 401) == {
        "credentials": ["invalid"]  # RealWorld 2.0 (1.1.0 clients read any 401 body)
    }


def test_login_needs_both_fields(api):
    errors = api_errors(api.post("/api/users/login", {"user": {"email": ""}}), 422)
    assert errors == {"email": ["can't be blank"], "password": ["can't be blank"]}


# --- the current user ---------------------------------------------------------------------


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


# --- profiles and follows ---------------------------------------------------------------


def test_profile_of_a_member(api, make_member):
    make_member("jake", bio="Hello", image_url="https://example.org/j.png")
    response = api.get("/api/profiles/JAKE")
    assert response.get_json() == {"profile": {
        "username": "jake", "bio": "Hello", "image": "https://example.org/j.png",
        "following": False,
    }}


def test_unknown_profile_is_a_404(api):
    assert api_errors(api.get("/api/profiles/nobody"), 404) == {"profile": ["not found"]}


def test_follow_and_unfollow(api, api_member, make_member):
    make_member("jake")
    _, token = api_member("reader")
    response = api.post("/api/profiles/jake/follow", token=token)
    assert response.status_code == 200 and response.get_json()["profile"]["following"] is True
    assert api.get("/api/profiles/jake", token=token).get_json()["profile"]["following"] is True
    # Following twice is one follow.
    assert api.post("/api/profiles/jake/follow", token=token).status_code == 200
    response = api.delete("/api/profiles/jake/follow", token=token)
    assert response.get_json()["profile"]["following"] is False
    assert api.get("/api/profiles/jake", token=token).get_json()["profile"]["following"] is False


def test_a_follow_on_the_page_shows_in_the_api_and_back(api, api_member, client, auth):
    from page_helpers import follow_button

    api_member("jake")
    reader, token = api_member("reader")
    auth.login("reader")
    client.submit("/@jake/follow")
    assert api.get("/api/profiles/jake", token=token).get_json()["profile"]["following"] is True
    api.delete("/api/profiles/jake/follow", token=token)
    assert follow_button(client.get("/@jake")) == ("Follow", 0)


def test_following_yourself_is_refused(api, api_member):
    _, token = api_member("jake")
    assert api_errors(api.post("/api/profiles/jake/follow", token=token), 422) == {
        "username": ["You cannot follow yourself."]
    }


def test_follow_needs_a_token_and_a_confirmed_email(api, api_member, make_member):
    make_member("jake")
    assert api_errors(api.post("/api/profiles/jake/follow"), 401) == {"token": ["is missing"]}
    _, token = api_member("unconfirmed", verified=False)
    assert api_errors(api.post("/api/profiles/jake/follow", token=token), 403) == {
        "email": ["is not verified"]
    }
    assert api_errors(api.post("/api/profiles/nobody/follow", token=token), 403)


# --- rate limits ------------------------------------------------------------------------------


def test_failed_api_logins_are_limited_per_account_with_a_json_429(make_app, make_member):
    from api_contract import ApiClient

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT="3 per minute",
                   RATELIMIT_SIGNUP_PER_IP="2 per minute")
    with app.app_context():
        make_member("target", email="target@example.com")
        api = ApiClient(app.test_client())
        guess = {"user": {"email": "target@example.com", "password": "guess-guess"}}
        for _ in range(3):
            assert api.post("/api/users/login", guess).status_code == 401
        response = api.post("/api/users/login", guess)
        # The owner is told where to get in: the site's login page emails a one-time link.
        [message] = api_errors(response, 429)["body"]
        assert message.startswith("Too many attempts to log in to this account.")
        assert "http://localhost/auth/login" in message
        assert "Retry-After" in response.headers
        # Sign-ups are limited per address of the client.
        for n in range(2):
            register(api, username=f"new{n}", email=f"new{n}@example.com")
        assert api_errors(register(api, username="new9", email="new9@example.com"), 429)


def test_registrations_that_email_an_address_are_limited_per_address(make_app, make_member):
    from api_contract import ApiClient

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_EMAILS_PER_ADDRESS="2 per minute")
    with app.app_context():
        make_member("owner", email="owner@example.com")
        api = ApiClient(app.test_client())
        # Typos that send nothing do not count...
        for _ in range(3):
            assert register(api, email="owner@example.com", password="password").status_code == 422
        # ...each attempt that emails the owner does.
        for n in range(2):
            response = register(api, username=f"other{n}", email="owner@example.com")
            assert api_errors(response, 409) == {"email": ["has already been taken"]}
        response = register(api, username="other9", email="owner@example.com")
        assert list(api_errors(response, 429)) == ["body"]
        assert register(api, username="fresh", email="fresh@example.com").status_code == 201


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


def test_a_rehash_on_login_keeps_api_tokens_working(api, api_member, app):
    from blog.domain import passwords
    from blog.extensions import db

    user, token = api_member("jake")
    user.password_hash = passwords._hasher("default").hash(TEST_PASSWORD)
    db.session.commit()
    assert api.login(user.email)  # logging in re-hashes with the test profile
    assert api.get("/api/user", token=token).status_code == 200



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


def test_common_passwords_are_refused_unless_the_site_allows_them(make_app):
    from api_contract import ApiClient

    for refuse, status in ((True, 422), (False, 201)):
        app = make_app(REFUSE_COMMON_PASSWORDS=refuse)
        with app.app_context():
            api = ApiClient(app.test_client())
            response = api.post("/api/users", {"user": {
                "username": f"suite{int(refuse)}", "email": f"suite{int(refuse)}@example.com",
                "password": "password123"}})
            assert response.status_code == status, response.get_json()
