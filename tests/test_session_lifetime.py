"""How long a login lasts: idle and absolute lifetimes, the remember-me cap, cookie names.

The clock is moved by editing the session row (created_at, last_seen_at,
expires_at), never by sleeping.
"""

from datetime import timedelta

from sqlalchemy import select, update

from blog.extensions import db
from blog.models import LoginSession, utcnow
from helpers import CSRF_PATTERN, TEST_PASSWORD, Auth, FormClient, page


def the_session():
    db.session.expire_all()
    return db.session.scalar(select(LoginSession))


def move_session(**values):
    db.session.execute(update(LoginSession).values(**values))
    db.session.commit()


def test_a_session_used_every_day_still_ends_seven_days_after_login(client, auth, make_member):
    make_member("member1")
    auth.login()
    now = utcnow()
    # Used a minute ago, so the idle lifetime alone would keep it for 12 more hours.
    move_session(created_at=now - timedelta(days=7, seconds=1),
                 last_seen_at=now - timedelta(minutes=1),
                 expires_at=now + timedelta(hours=11))
    assert "@member1" not in page(client.get("/"))
    assert client.get("/settings").status_code == 302


def test_a_touch_never_extends_a_session_past_its_absolute_lifetime(client, auth, make_member):
    make_member("member1")
    auth.login()
    now = utcnow()
    created = now - timedelta(days=7) + timedelta(hours=1)
    move_session(created_at=created, last_seen_at=now - timedelta(minutes=10),
                 expires_at=now + timedelta(minutes=5))
    assert "@member1" in page(client.get("/"))  # touched: the idle clock restarts...
    row = the_session()
    assert row.last_seen_at > now - timedelta(minutes=1)
    assert row.expires_at == created + timedelta(days=7)  # ...but only up to the cap


def test_a_touch_still_extends_a_young_session_by_the_idle_lifetime(client, auth, make_member):
    make_member("member1")
    auth.login()
    now = utcnow()
    move_session(created_at=now - timedelta(days=1), last_seen_at=now - timedelta(minutes=10),
                 expires_at=now + timedelta(minutes=5))
    assert "@member1" in page(client.get("/"))
    assert the_session().expires_at >= now + timedelta(hours=11)


def test_the_absolute_lifetime_is_a_setting(make_app, make_member, smtp):
    app = make_app(LOGIN_ABSOLUTE_LIFETIME=timedelta(hours=1))
    with app.app_context():
        make_member("member1")
        client = FormClient(app.test_client())
        Auth(client).login()
        assert the_session().expires_at <= utcnow() + timedelta(hours=1)
        move_session(created_at=utcnow() - timedelta(hours=1, seconds=1))
        assert "@member1" not in page(client.get("/"))


def test_the_lifetimes_can_be_set_in_seconds_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("LOGIN_ABSOLUTE_LIFETIME", "3600")
    monkeypatch.setenv("NOT_ME_TOKEN_MAX_AGE", "86400")
    app = make_app()
    assert app.config["LOGIN_ABSOLUTE_LIFETIME"] == timedelta(hours=1)
    assert app.config["NOT_ME_TOKEN_MAX_AGE"] == 86400


def test_remember_me_is_never_extended_by_use(client, auth, make_member):
    make_member("member1")
    auth.login(remember=True)
    row = the_session()
    created, expires = row.created_at, row.expires_at
    assert expires == created + timedelta(days=30)
    move_session(last_seen_at=utcnow() - timedelta(hours=1))
    assert "@member1" in page(client.get("/"))
    touched = the_session()
    assert touched.last_seen_at > utcnow() - timedelta(minutes=1)
    assert touched.expires_at == expires


def test_remember_me_ends_at_its_cap_even_if_the_row_says_later(client, auth, make_member, app):
    """An operator who lowers REMEMBER_COOKIE_DURATION shortens logins that exist already."""
    make_member("member1")
    auth.login(remember=True)
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=14)
    move_session(created_at=utcnow() - timedelta(days=14, seconds=1))
    assert "@member1" not in page(client.get("/"))


# --- the __Host- prefix ------------------------------------------------------------------------

HTTPS = "https://community.example.org"


def set_cookies(response):
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_over_https_the_login_cookies_carry_the_host_prefix(make_app, make_member, smtp):
    app = make_app(BASE_URL=HTTPS)
    with app.app_context():
        make_member("member1")
        client = app.test_client()
        form = page(client.get("/auth/login", base_url=HTTPS))
        token = CSRF_PATTERN.search(form).group(1)
        # Over https Flask-WTF wants a Referer from this site, as a browser sends.
        response = client.post("/auth/login", base_url=HTTPS,
                               headers={"Referer": HTTPS + "/auth/login"}, data={
            "csrf_token": token, "login": "member1", "password": TEST_PASSWORD,
            "remember": "y"})
        assert response.status_code == 302
        cookies = set_cookies(response)
        for name in ("__Host-session", "__Host-remember_token", "__Host-device"):
            header = cookies[name]
            assert "; Secure" in header and "; Path=/" in header and "; HttpOnly" in header
            assert "Domain=" not in header
        assert not {"session", "remember_token", "device"} & set(cookies)
        assert "@member1" in page(client.get("/", base_url=HTTPS))


def test_over_plain_http_the_cookies_keep_their_names(client, make_member, auth):
    make_member("member1")
    response = auth.login(remember=True)
    assert {"session", "remember_token"} <= set(set_cookies(response))
