"""Login limits that hold under parallel guesses and never keep the owner out.

The known-device cookie is tied to the password and expires; the per-account
limit is spent before the password is checked, so parallel guesses check no
more passwords than it allows; a locked account offers the owner a login link.
"""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from blog.domain import passwords
from helpers import (
    CSRF_PATTERN,
    LINK_BUTTON,
    NEW_PASSWORD,
    TEST_PASSWORD,
    Auth,
    api_errors,
    browser,
    guesses_until_locked,
    link_in,
    page,
)
from server_helpers import LiveServer, stop_when_idle

# Our own keys in the shared Redis (one prefix for the run: Flask-Limiter keeps the first it sees).
KEY_PREFIX = f"blog-test-logins-{uuid.uuid4().hex[:8]}"


# --- 7. the known-device cookie -----------------------------------------------------------


def test_a_copied_device_cookie_stops_exempting_once_the_password_changes(limited, make_member):
    app = limited()
    make_member("target")
    home = browser(app)
    assert Auth(home).login("target").status_code == 302
    device = home.get_cookie("device").value

    thief = browser(app, "198.51.100.7")
    thief.set_cookie("device", device)
    # While the password is the same, the copy exempts like the original...
    assert guesses_until_locked(thief, tries=5) == [200] * 5

    response = home.submit("/settings/password", {
        "password-current_password": TEST_PASSWORD, "password-new_password": NEW_PASSWORD,
        "password-confirm": NEW_PASSWORD})
    assert response.status_code == 302
    # ...once it changed, the copy is an ordinary browser again.
    assert guesses_until_locked(thief, tries=4) == [200, 200, 200, 429]


def test_a_device_cookie_expires_and_each_login_renews_it(limited, make_member):
    # Times are measured from each login, with room for a slow machine: a run under
    # load once spent the cookie's last second inside the guesses.
    app = limited(LOGIN_DEVICE_MAX_AGE=5)
    make_member("target")
    home = browser(app)
    assert Auth(home).login("target").status_code == 302
    first = time.monotonic()
    Auth(home).logout()
    time.sleep(3)
    assert Auth(home).login("target").status_code == 302  # renews the cookie
    second = time.monotonic()
    Auth(home).logout()
    time.sleep(max(0, first + 5.2 - time.monotonic()))  # the first cookie's time is over
    assert time.monotonic() < second + 4, "too slow to tell the two cookies apart"
    assert guesses_until_locked(home, tries=4) == [200] * 4
    time.sleep(max(0, second + 5.2 - time.monotonic()))
    assert guesses_until_locked(home, tries=4) == [200, 200, 200, 429]


def test_a_forged_or_foreign_device_cookie_counts_for_nothing(limited, make_member):
    app = limited()
    make_member("target")
    make_member("other")
    elsewhere = browser(app)
    assert Auth(elsewhere).login("other").status_code == 302
    thief = browser(app, "198.51.100.7")
    thief.set_cookie("device", elsewhere.get_cookie("device").value)  # another account's
    assert guesses_until_locked(thief, tries=4) == [200, 200, 200, 429]
    forger = browser(app, "198.51.100.8")
    forger.set_cookie("device", '[[1, "x", 9999999999]]')
    assert guesses_until_locked(forger, "other", tries=4) == [200, 200, 200, 429]


# --- 8. the limit is spent before the check; the locked-out owner gets in ----------------------


def test_a_locked_account_refuses_even_the_right_password_and_offers_a_link(
    limited, make_member
):
    app = limited()
    make_member("target")
    assert guesses_until_locked(browser(app, "198.51.100.7"), tries=3) == [200] * 3
    owner = browser(app)
    response = Auth(owner).login("target")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    html = page(response)
    assert "Too many attempts to log in to this account" in html
    assert LINK_BUTTON in html
    assert 'action="/auth/login-link"' in html
    assert 'value="target"' in html



def test_the_api_lockout_points_to_the_sites_login_link(limited, make_member):
    from api_contract import ApiClient

    app = limited()
    make_member("target", email="target@example.com")
    api = ApiClient(app.test_client())
    guess = {"user": {"email": "target@example.com", "password": "wrong guess"}}
    assert [api.post("/api/users/login", guess).status_code for _ in range(3)] == [401] * 3
    right = {"user": {"email": "target@example.com", "password": TEST_PASSWORD}}
    response = api.post("/api/users/login", right)
    [message] = api_errors(response, 429)["body"]
    assert "http://localhost/auth/login" in message
    assert "one-time login link" in message
    assert "Retry-After" in response.headers


def test_a_successful_login_gives_its_attempt_back(limited, make_member):
    app = limited()
    make_member("target")
    attacker = browser(app, "198.51.100.7")
    assert guesses_until_locked(attacker, tries=2) == [200, 200]
    for _ in range(3):  # a new browser each time: no device cookie
        assert Auth(browser(app)).login("target").status_code == 302
    assert guesses_until_locked(attacker, tries=2) == [200, 429]


@pytest.fixture(params=["memory://", "redis://127.0.0.1:6379"])
def limit_storage(request):
    """Where the limits count: this process's memory, or the machine's Redis (own prefix)."""
    yield {"RATELIMIT_STORAGE_URI": request.param, "RATELIMIT_KEY_PREFIX": KEY_PREFIX}
    if request.param.startswith("redis://"):
        import redis

        server = redis.Redis.from_url(request.param)
        for key in server.scan_iter(f"*{KEY_PREFIX}*"):
            server.delete(key)
        server.close()


def test_parallel_guesses_through_the_real_server_check_at_most_the_limit(
    make_app, make_member, smtp, monkeypatch, limit_storage
):
    """100 wrong guesses at once: 5 passwords checked, the rest refused; the owner gets in."""
    from blog.mailer import start_worker

    app = make_app(
        **limit_storage,
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN_PER_IP="1000 per minute",
        RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT="5 per 5 minutes",
        PASSWORD_HASH_PROFILE="default",  # a real argon2 check: the race window of production
        MAIL_SERVER=smtp.hostname,
        MAIL_PORT=smtp.port,
        MAIL_POLL_SECONDS=0.2,
    )
    with app.app_context():
        make_member("target", email="target@example.com")
    checks, lock = [], threading.Lock()
    real_check = passwords.check_password

    def counted_check(password_hash, password):
        with lock:
            checks.append(password)
        return real_check(password_hash, password)

    monkeypatch.setattr(passwords, "check_password", counted_check)
    server = LiveServer(app)
    start_worker(app)
    server.start()
    try:
        guess = {"user": {"email": "target@example.com", "password": "wrong guess"}}

        def post(_):
            # Connection: close, or idle keep-alive sockets would fill waitress's connection limit.
            return requests.post(f"{server.url}/api/users/login", json=guess, timeout=30,
                                 headers={"Connection": "close"})

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(post, range(100)))
        assert time.monotonic() - started < 60
        statuses = [answer.status_code for answer in answers]
        assert sorted(set(statuses)) == [401, 429], statuses
        assert statuses.count(401) == 5
        assert len(checks) == 5
        locked = next(answer for answer in answers if answer.status_code == 429)
        assert "one-time login link" in locked.json()["errors"]["body"][0]

        # The owner, from a new browser, is refused too, and asks for the link.
        owner = requests.Session()
        owner.headers["Connection"] = "close"
        login_page = owner.get(f"{server.url}/auth/login", timeout=10).text
        token = CSRF_PATTERN.search(login_page).group(1)
        refused = owner.post(f"{server.url}/auth/login", timeout=30, data={
            "csrf_token": token, "login": "target", "password": TEST_PASSWORD})
        assert refused.status_code == 429
        assert LINK_BUTTON in refused.text
        sent = owner.post(f"{server.url}/auth/login-link", timeout=10,
                          data={"csrf_token": token, "login": "target"})
        assert sent.status_code == 200 and "we emailed it a one-time login link" in sent.text
        deadline = time.monotonic() + 10
        while not smtp.mailbox.to("target@example.com") and time.monotonic() < deadline:
            time.sleep(0.1)
        [message] = smtp.mailbox.to("target@example.com")
        link = link_in(message, "/auth/login-link/")
        assert link.startswith(server.url)
        button_page = owner.get(link, timeout=10).text
        token = CSRF_PATTERN.search(button_page).group(1)
        home = owner.post(link, data={"csrf_token": token}, timeout=10)
        assert home.status_code == 200 and "@target" in home.text
        assert len(checks) == 5  # the link checked no password
    finally:
        stop_when_idle(server)
