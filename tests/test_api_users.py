"""The API's accounts: register and log in, with their limits."""

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


def test_a_rehash_on_login_keeps_api_tokens_working(api, api_member, app):
    from blog.domain import passwords
    from blog.extensions import db

    user, token = api_member("jake")
    user.password_hash = passwords._hasher("default").hash(TEST_PASSWORD)
    db.session.commit()
    assert api.login(user.email)  # logging in re-hashes with the test profile
    assert api.get("/api/user", token=token).status_code == 200


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
