"""Safe defaults: headers, cookies, limits, production refusals and rate limits."""

import re

import pytest
from argon2 import PasswordHasher

from blog import create_app
from blog.domain.passwords import hash_password
from helpers import TEST_PASSWORD, Auth, FormClient, page


@pytest.mark.parametrize("path", ["/", "/auth/login", "/auth/register", "/no-such-page"])
def test_every_page_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # plain http: no HSTS


def test_templates_have_no_inline_script_style_or_event_handlers():
    from pathlib import Path

    for template in Path("blog/templates").rglob("*.html"):
        if template.parent.name == "email":
            continue  # emails are not served under our CSP
        html = template.read_text()
        assert "<script>" not in html and "<style" not in html, template
        assert not re.search(r"\son[a-z]+=", html), template
        assert "style=" not in html, template


def test_session_cookie_is_httponly_and_lax(client, make_member, auth):
    make_member("member1")
    auth.login(remember=True)
    session = client.client.get_cookie("session")
    remember = client.client.get_cookie("remember_token")
    for cookie in (session, remember):
        assert cookie.http_only
        assert cookie.same_site == "Lax"
        assert not cookie.secure


def test_https_base_url_turns_on_secure_cookies_and_hsts(make_app):
    app = make_app(BASE_URL="https://community.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/", base_url="https://community.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers.get("Set-Cookie", "Secure")


def test_request_body_over_the_limit_gets_413(client):
    response = client.post("/auth/login", data={"login": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "too large" in page(response)


def test_unknown_pages_and_wrong_methods_get_friendly_errors(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert "There is nothing at this address." in page(response)
    response = client.put("/auth/login")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_clients_that_want_json_get_json_errors(client):
    response = client.get("/nothing-here", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"errors": {"body": ["There is nothing at this address."]}}


def test_production_refuses_to_start_without_a_real_secret(database_url, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    base = {"SQLALCHEMY_DATABASE_URI": database_url, "BLOG_ENV": "production"}
    for weak in (None, "", "changeme", "short-key"):
        with pytest.raises(RuntimeError, match="SECRET_KEY is missing or too weak"):
            create_app({**base, "SECRET_KEY": weak})
    create_app({**base, "SECRET_KEY": "x" * 40})


def test_production_refuses_debug(database_url, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="DEBUG is on in production"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 40,
                    "BLOG_ENV": "production"})


def test_environment_overrides_settings(database_url, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "y" * 40)
    monkeypatch.setenv("REQUIRE_VERIFIED_EMAIL", "off")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example/blog")
    app = create_app({"BLOG_ENV": "production"})
    assert app.config["SECRET_KEY"] == "y" * 40
    assert app.config["REQUIRE_VERIFIED_EMAIL"] is False
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/blog"


def test_production_hashes_passwords_with_argon2id_defaults(make_app):
    app = make_app(PASSWORD_HASH_PROFILE="default")
    with app.app_context():
        stored = hash_password("a long enough secret")
    defaults = PasswordHasher()
    assert stored.startswith("$argon2id$")
    assert f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}" in stored


def test_weaker_hashes_are_upgraded_at_login(make_app, make_member, auth):
    member = make_member("member1")
    assert "m=1024" in member.password_hash
    app = auth.client.application
    app.config["PASSWORD_HASH_PROFILE"] = "default"
    assert "Welcome back" in page(auth.login(follow_redirects=True))
    from blog.extensions import db

    db.session.refresh(member)
    assert f"m={PasswordHasher().memory_cost}" in member.password_hash


# --- rate limits --------------------------------------------------------------------


@pytest.fixture
def limited_app(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN_PER_IP="12 per minute",
        RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT="3 per minute",
        RATELIMIT_SIGNUP_PER_IP="3 per minute",
        RATELIMIT_EMAILS_PER_ADDRESS="2 per minute",
    )
    with app.app_context():
        yield app


def browser(app, ip):
    return FormClient(app.test_client()), {"REMOTE_ADDR": ip}


def test_failed_logins_on_one_account_are_limited_with_a_clear_429(limited_app, make_member):
    make_member("target")
    attacker, env = browser(limited_app, "10.0.0.66")
    for _ in range(3):
        response = Auth(attacker).login("target", "guess", environ_base=env)
        assert response.status_code == 200
    response = Auth(attacker).login("target", "guess", environ_base=env)
    assert response.status_code == 429
    assert "Too many attempts" in page(response)
    assert "Retry-After" in response.headers


def test_the_owner_is_not_locked_out_by_an_attackers_guesses(limited_app, make_member):
    make_member("target")
    owner, home = browser(limited_app, "192.0.2.10")
    # The owner logged in from this browser before: it carries a device cookie.
    Auth(owner).login("target", environ_base=home)
    Auth(owner).logout()

    attacker, env = browser(limited_app, "198.51.100.7")
    for _ in range(4):
        Auth(attacker).login("target", "guess", environ_base=env)
    assert Auth(attacker).login("target", TEST_PASSWORD, environ_base=env).status_code == 429

    response = Auth(owner).login("target", environ_base=home)
    assert response.status_code == 302


def test_successful_logins_do_not_count_against_the_account(limited_app, make_member):
    make_member("regular")
    for _ in range(5):
        member, env = browser(limited_app, "192.0.2.20")
        assert Auth(member).login("regular", environ_base=env).status_code == 302


def test_unknown_accounts_are_limited_like_real_ones(limited_app):
    attacker, env = browser(limited_app, "10.0.0.1")
    statuses = [Auth(attacker).login("ghost", "guess", environ_base=env).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_logins_from_one_ip_are_limited(limited_app, make_member):
    for n in range(13):
        make_member(f"user{n}")
    attacker, env = browser(limited_app, "10.0.0.2")
    statuses = [Auth(attacker).login(f"user{n}", "guess", environ_base=env).status_code
                for n in range(13)]
    assert statuses[:12] == [200] * 12
    assert statuses[12] == 429


def test_sign_ups_are_limited_per_ip_and_per_email(limited_app):
    client, env = browser(limited_app, "10.0.0.3")
    responses = [
        Auth(client).register(email="same@example.com", username=f"same{n}", environ_base=env)
        for n in range(3)
    ]
    assert [r.status_code for r in responses] == [302, 302, 429]

    other, env = browser(limited_app, "10.0.0.4")
    statuses = [Auth(other).register(email=f"n{n}@example.com", username=f"n{n}user",
                                     environ_base=env).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_sign_up_typos_do_not_use_up_the_per_email_allowance(limited_app):
    client, env = browser(limited_app, "10.0.0.5")
    typo = Auth(client).register(email="careful@example.com", username="x", environ_base=env)
    assert typo.status_code == 200
    ok = Auth(client).register(email="careful@example.com", username="careful", environ_base=env)
    assert ok.status_code == 302


def test_client_address_comes_from_the_proxy_only_when_configured(make_app):
    from flask import request

    seen = {}
    for proxies in (0, 1):
        app = make_app(TRUSTED_PROXIES=proxies)

        @app.get("/_whoami")
        def whoami(proxies=proxies):
            seen[proxies] = request.remote_addr
            return ""

        app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen == {0: "127.0.0.1", 1: "203.0.113.9"}


def test_reset_requests_are_limited_per_address(limited_app, make_member):
    make_member("forgetful")
    client, env = browser(limited_app, "10.0.0.6")
    statuses = [client.submit("/auth/reset", {"email": "forgetful@example.com"},
                              environ_base=env).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_api_and_page_logins_share_the_per_account_limit(limited_app, make_member):
    from api_contract import ApiClient

    make_member("target", email="target@example.com")
    owner, home = browser(limited_app, "192.0.2.10")
    Auth(owner).login("target", environ_base=home)  # the owner's browser is known
    Auth(owner).logout()

    api = ApiClient(limited_app.test_client())
    guess = {"user": {"email": "target@example.com", "password": "guess-guess"}}
    for _ in range(3):
        assert api.post("/api/users/login", guess).status_code == 401
    # The guesses made through the API count on the login page...
    attacker, env = browser(limited_app, "198.51.100.7")
    assert Auth(attacker).login("target", "guess", environ_base=env).status_code == 429
    # ...but the owner's own browser still gets in there.
    response = Auth(owner).login("target", environ_base=home)
    assert response.status_code == 302
