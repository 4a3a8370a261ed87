"""Sign-up and email confirmation, through the pages."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from blog.domain import permissions
from blog.extensions import db
from blog.models import OutboxEmail, User
from helpers import TEST_PASSWORD, link_in, page, text_of


def users_count():
    return db.session.scalar(select(func.count(User.id)))


def user_named(username):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


# --- sign-up --------------------------------------------------------------------------


def test_register_page_has_the_labelled_fields(client):
    html = page(client.get("/auth/register"))
    for label in ("Email", "Username", "Password", "Confirm password"):
        assert f">{label}</label>" in html
    assert 'value="Sign up"' in html


def test_sign_up_sends_a_link_that_confirms_and_logs_in(client, auth, deliver):
    response = auth.register(email="Ada@Example.com", username="ada")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/check-email"
    check_page = page(client.get("/auth/check-email"))
    assert "We sent a link to <strong>Ada@example.com</strong>" in check_page

    user = user_named("ada")
    assert user.email == "Ada@example.com"  # email-validator lowercases the domain
    assert not user.is_verified
    assert user.password_hash.startswith("$argon2id$")

    [message] = deliver()
    assert message["To"] == "Ada@example.com"
    assert message["Subject"] == "Confirm your email address"
    assert "Confirm my email address" in message.get_body(preferencelist=("html",)).get_content()
    link = link_in(message, "/auth/verify/")
    assert link.startswith("http://localhost/auth/verify/")
    path = link.removeprefix("http://localhost")

    # The link opens a page that says what is confirmed; its button does it.
    confirm_page = page(client.get(path))
    assert "Ada@example.com" in confirm_page and "@ada" in confirm_page
    assert 'value="Confirm my email"' in confirm_page or ">Confirm my email<" in confirm_page
    response = client.submit(path, follow_redirects=True)
    assert "your email is confirmed and you are logged in" in page(response)
    assert "@ada" in page(response)
    assert user_named("ada").is_verified


@pytest.mark.parametrize(
    ("field", "form", "message"),
    [
        ("email", {"email": "not-an-email"}, "An email address must have an @-sign."),
        ("email", {"email": ""}, "This field is required."),
        ("username", {"username": "ab"}, "Use 3 to 30 letters, digits, underscores or hyphens."),
        ("username", {"username": "bad name!"}, "Use 3 to 30 letters"),
        ("username", {"username": "x" * 31}, "Use 3 to 30 letters"),
        ("username", {"username": "Admin"}, "This username is reserved."),
        ("password", {"password": "short", "confirm": "short"}, "Use at least 8 characters."),
        ("password", {"password": "p" * 129, "confirm": "p" * 129}, "Use at most 128 characters."),
        ("password", {"password": "password1", "confirm": "password1"}, "too common"),
        ("password", {"password": "newcomer", "confirm": "newcomer", "username": "newcomer"},
         "cannot be your username"),
        ("password", {"password": "someone@example.com", "confirm": "someone@example.com",
                      "email": "someone@example.com"}, "cannot be your email"),
        ("confirm", {"confirm": "something else"}, "The passwords do not match."),
    ],
)
def test_sign_up_errors_show_beside_the_field_and_create_nothing(
    client, auth, field, form, message
):
    data = {"email": "new@example.com", "username": "newbie", "password": TEST_PASSWORD}
    data.update(form)
    response = auth.register(**data)
    html = page(response)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    error = html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'aria-invalid="true"' in html
    assert users_count() == 0
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0


def test_failed_sign_up_keeps_what_was_typed_but_never_the_password(auth):
    html = page(auth.register(email="keep@example.com", username="keepme", confirm="mismatch!"))
    assert 'value="keep@example.com"' in html
    assert 'value="keepme"' in html
    assert TEST_PASSWORD not in html


def test_username_taken_ignores_case(auth, make_member):
    make_member("Grace")
    html = page(auth.register(username="grace"))
    assert "This username is already taken." in html
    assert users_count() == 1


def test_sign_up_with_a_registered_email_looks_the_same_and_warns_the_owner(
    client, auth, make_member, deliver
):
    make_member("owner", email="owner@example.com")
    response = auth.register(email="OWNER@example.com", username="intruder")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/check-email"
    assert users_count() == 1
    [message] = deliver()
    assert message["Subject"] == "You already have an account"
    assert "/auth/reset" in text_of(message)


def test_sign_up_without_csrf_token_is_refused_and_writes_nothing(client):
    response = client.post(
        "/auth/register",
        data={"email": "a@example.com", "username": "abcde", "password": TEST_PASSWORD,
              "confirm": TEST_PASSWORD},
    )
    assert response.status_code == 400
    assert "Your form expired" in page(response)
    assert users_count() == 0


def test_database_refuses_emails_and_usernames_that_differ_only_in_case(app, make_member):
    make_member("casey", email="casey@example.com")
    for email, username in [("CASEY@example.com", "other"), ("x@example.com", "CASEY")]:
        db.session.add(User(email=email, username=username, password_hash="x"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_two_sign_ups_racing_for_one_username_make_one_account(app, make_client):
    """Many browsers submit the same username at once: one account, no 500."""
    clients = [make_client() for _ in range(6)]
    tokens = [c.csrf_token() for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def sign_up(index):
        barrier.wait()
        response = clients[index].post(
            "/auth/register",
            data={"csrf_token": tokens[index], "email": f"racer{index}@example.com",
                  "username": "racer", "password": TEST_PASSWORD, "confirm": TEST_PASSWORD},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [302]
    assert users_count() == 1


def test_form_fields_carry_no_empty_aria_attributes(client):
    """An absent hint or error leaves the attribute out, never aria-invalid="None"."""
    html = client.get("/auth/register").get_data(as_text=True)
    assert '="None"' not in html
    html = client.submit("/auth/register", {"email": "x"}).get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert '="None"' not in html


# --- verification -------------------------------------------------------------------


def test_forged_verification_link_is_a_clear_400(client):
    response = client.get("/auth/verify/not-a-real-token")
    assert response.status_code == 400
    assert "This link is invalid." in page(response)


def test_expired_verification_link_says_so(app, client, auth, deliver):
    auth.register()
    link = link_in(deliver()[0], "/auth/verify/")
    app.config["VERIFY_TOKEN_MAX_AGE"] = -1
    for response in (client.get(link.removeprefix("http://localhost")),
                     client.submit(link.removeprefix("http://localhost"))):
        assert response.status_code == 400
        assert "This link has expired." in page(response)
    assert not user_named("newbie").is_verified


def test_opening_a_verification_link_confirms_nothing_until_the_button(client, auth, deliver):
    """A link scanner that opens every link in an email must not use it up."""
    auth.register()
    path = link_in(deliver()[0], "/auth/verify/").removeprefix("http://localhost")
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert not user_named("newbie").is_verified
    assert client.post(path).status_code == 400  # a POST without the page's CSRF token
    assert not user_named("newbie").is_verified
    assert "@newbie" not in page(client.get("/"))


def test_a_used_verification_link_does_not_log_in_again(client, auth, deliver, make_client):
    auth.register()
    path = link_in(deliver()[0], "/auth/verify/").removeprefix("http://localhost")
    client.submit(path)
    stranger = make_client()
    assert "already confirmed" in page(stranger.get(path))
    response = stranger.submit(path, follow_redirects=True)
    assert "already confirmed" in page(response)
    assert "@newbie" not in page(response)


def test_someone_elses_verification_link_never_switches_who_is_logged_in(
    client, auth, make_member, make_client, deliver, caplog
):
    """Login CSRF: a member who opens another account's link stays themselves."""
    from helpers import Auth

    Auth(make_client()).register(email="other@example.com", username="other")
    path = link_in(deliver()[0], "/auth/verify/").removeprefix("http://localhost")
    make_member("member1")
    auth.login()
    confirm_page = page(client.get(path))
    assert "@other" in confirm_page and "You are logged in as @member1" in confirm_page
    response = client.submit(path, follow_redirects=True)
    assert "The address other@example.com of @other is confirmed" in page(response)
    assert "You are still logged in as @member1" in page(response)
    assert "@member1" in page(client.get("/"))
    assert "@other" not in page(client.get("/"))
    assert user_named("other").is_verified
    confirmed = [r.getMessage() for r in caplog.records if r.name == "blog.security"]
    assert any('"event": "email.confirmed"' in line for line in confirmed)


def test_your_own_verification_link_confirms_while_logged_in(client, auth, deliver):
    auth.register()
    path = link_in(deliver()[0], "/auth/verify/").removeprefix("http://localhost")
    auth.login("newbie")
    response = client.submit(path, follow_redirects=True)
    assert "your email is confirmed" in page(response)
    assert "@newbie" in page(response)
    assert user_named("newbie").is_verified


def test_unverified_member_can_log_in_sees_banner_and_can_resend(
    client, auth, make_member, deliver
):
    make_member("pending", verified=False)
    auth.login("pending")
    html = page(client.get("/"))
    assert "Please confirm your email address to start writing" in html
    assert "Resend verification email" in html
    with client.application.test_request_context():
        assert not permissions.may_write(user_named("pending"))

    response = client.submit("/auth/verify/resend", follow_redirects=True)
    assert "We sent a new confirmation link to pending@example.com" in page(response)
    [message] = deliver()
    assert message["Subject"] == "Confirm your email address"


def test_verified_member_sees_no_banner_and_may_write(client, auth, make_member):
    member = make_member("done")
    auth.login("done")
    assert "Please confirm your email" not in page(client.get("/"))
    with client.application.test_request_context():
        assert permissions.may_write(member)


def test_may_write_follows_the_setting(make_app, make_member):
    app = make_app(REQUIRE_VERIFIED_EMAIL=False)
    with app.app_context():
        member = make_member("relaxed", verified=False)
        with app.test_request_context():
            assert permissions.may_write(member)
