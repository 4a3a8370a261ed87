"""Login limits that hold under parallel guesses and never keep the owner out.

The known-device cookie is tied to the password and expires; the per-account
limit is spent before the password is checked; a locked-out owner gets in by a
one-time emailed link; sign-up and reset do the same work for any address.
"""

import json
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from blog import accounts, passwords
from conftest import (
    CSRF_PATTERN,
    TEST_PASSWORD,
    Auth,
    FormClient,
    LiveServer,
    api_errors,
    count_queries,
    link_in,
    text_of,
)

NEW_PASSWORD = "a brand new passphrase"
LINK_BUTTON = "Email me a one-time login link"
# Our own keys in the shared Redis (one prefix for the run: Flask-Limiter keeps the first it sees).
KEY_PREFIX = f"blog-test-logins-{uuid.uuid4().hex[:8]}"


def page(response):
    return response.get_data(as_text=True)


def browser(app, ip="192.0.2.10"):
    """A browser of its own (cookie jar) at the address `ip`."""
    client = FormClient(app.test_client())
    client.client.environ_base["REMOTE_ADDR"] = ip
    return client


@pytest.fixture
def limited(make_app, smtp):
    """An app with login limits on: 3 failures per account a minute, real SMTP."""

    def build(**overrides):
        settings = {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN_PER_IP": "100 per minute",
            "RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT": "3 per minute",
            "MAIL_SERVER": smtp.hostname,
            "MAIL_PORT": smtp.port,
            **overrides,
        }
        app = make_app(**settings)
        context = app.app_context()
        context.push()
        contexts.append(context)
        return app

    contexts = []
    yield build
    for context in reversed(contexts):
        context.pop()


def stop_when_idle(server, timeout=5):
    """Stop the live server once its clients have hung up (closing a busy socket races waitress)."""
    deadline = time.monotonic() + timeout
    channels = server.server._map  # the listener, waitress's trigger and one per connection
    while len(channels) > 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.stop()


def guesses_until_locked(client, login="target", tries=6):
    """The statuses of wrong guesses at `login` from `client`."""
    return [Auth(client).login(login, "wrong guess").status_code for _ in range(tries)]


def deliver_all():
    from blog.outbox import deliver_due

    deliver_due()


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
    app = limited(LOGIN_DEVICE_MAX_AGE=2)
    make_member("target")
    home = browser(app)
    assert Auth(home).login("target").status_code == 302
    Auth(home).logout()
    time.sleep(1.2)
    assert Auth(home).login("target").status_code == 302  # renews the cookie
    Auth(home).logout()
    time.sleep(1.2)  # 2.4 s after the first login, 1.2 s after the second
    assert guesses_until_locked(home, tries=4) == [200] * 4
    time.sleep(1.0)
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


def test_a_locked_out_owner_gets_in_once_by_the_emailed_link(limited, make_member, mailbox):
    app = limited()
    make_member("target", email="target@example.com")
    guesses_until_locked(browser(app, "198.51.100.7"), tries=4)
    owner = browser(app)
    response = owner.submit("/auth/login-link", {"login": "target"}, follow_redirects=True)
    assert "If an account matches target, we emailed it a one-time login link" in page(response)
    deliver_all()
    [message] = mailbox.to("target@example.com")
    assert message["Subject"] == "Your one-time login link"
    url = link_in(message, "/auth/login-link/")
    path = url.removeprefix("http://localhost")

    # Opening the link (a mail scanner does) logs nobody in and uses nothing up.
    scanned = browser(app, "203.0.113.9").get(path)
    assert scanned.status_code == 200
    assert ">Log me in</button>" in page(scanned)
    landing = owner.get(path)
    assert "@target" not in page(landing)
    response = owner.submit(path)
    assert response.status_code == 302
    assert "@target" in page(owner.get("/"))

    # Used once: another browser (or the same one again) cannot use it.
    again = browser(app, "203.0.113.9")
    response = again.submit(path)
    assert response.status_code == 400
    assert "already been used" in page(response)
    assert "@target" not in page(again.get("/"))
    # The owner's browser is now a known device: exempt from the account's limit.
    Auth(owner).logout()
    assert Auth(owner).login("target").status_code == 302


def link_for(client, mailbox, login="target"):
    """Ask for a login link from `client`; the path of the link that arrives."""
    client.submit("/auth/login-link", {"login": login})
    deliver_all()
    return urlsplit(link_in(mailbox.messages[-1], "/auth/login-link/")).path


def without_tokens(html):
    return CSRF_PATTERN.sub("", html)


def test_a_login_link_dies_after_a_password_change_or_another_login(
    limited, make_member, mailbox
):
    app = limited()
    owner = make_member("target")
    first = link_for(browser(app), mailbox)
    with app.test_request_context():  # no login: only the new password may void the link
        accounts.change_password(owner, TEST_PASSWORD, NEW_PASSWORD)
    response = browser(app).submit(first)
    assert response.status_code == 400
    assert "already been used" in page(response)

    second = link_for(browser(app), mailbox)
    assert Auth(browser(app)).login("target", NEW_PASSWORD).status_code == 302
    assert browser(app).submit(second).status_code == 400


def test_a_login_link_expires(limited, make_member, mailbox):
    app = limited(LOGIN_LINK_MAX_AGE=1)
    make_member("target")
    link = link_for(browser(app), mailbox)
    time.sleep(2.1)
    response = browser(app).submit(link)
    assert response.status_code == 400
    assert "expired" in page(response)


def test_a_login_link_never_switches_the_logged_in_member(limited, make_member, mailbox):
    app = limited()
    make_member("target")
    make_member("visitor")
    link = link_for(browser(app), mailbox)
    visitor = browser(app)
    Auth(visitor).login("visitor")
    response = visitor.get(link)
    assert "You are logged in as visitor" in page(response)
    assert visitor.submit(link).status_code == 400
    assert "@visitor" in page(visitor.get("/"))
    # The link was not used up by the refusal.
    assert browser(app).submit(link).status_code == 302


def test_asking_for_a_link_answers_the_same_whether_the_account_exists(
    limited, make_member, mailbox
):
    app = limited()
    make_member("target", email="target@example.com")
    answers = {}
    for login in ("target", "ghost", "target@example.com", "ghost@example.com"):
        response = browser(app).submit("/auth/login-link", {"login": login})
        assert response.status_code == 302
        answers[login] = without_tokens(page(browser(app).get(response.headers["Location"])))
    deliver_all()
    assert [m["To"] for m in mailbox.messages] == [
        "target@example.com", "target@example.com", "ghost@example.com"
    ]
    assert "No account uses this address" in text_of(mailbox.to("ghost@example.com")[0])
    assert {text.replace("ghost", "target") for text in answers.values()} == {
        answers["target"], answers["target@example.com"]
    }


def test_login_links_are_limited_per_account_and_per_ip(limited, make_member):
    app = limited(RATELIMIT_LOGIN_LINKS_PER_ACCOUNT="2 per hour",
                  RATELIMIT_LOGIN_LINKS_PER_IP="3 per hour")
    make_member("target")
    statuses = [browser(app, f"10.0.0.{n}").submit("/auth/login-link", {"login": "target"})
                .status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    one_ip = browser(app, "10.0.1.1")
    statuses = [one_ip.submit("/auth/login-link", {"login": f"name{n}"}).status_code
                for n in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_the_api_lockout_points_to_the_sites_login_link(limited, make_member):
    from conftest import ApiClient

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
    from blog.outbox import start_worker

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


def test_one_login_link_used_by_many_at_once_logs_in_once(make_app, make_member, mailbox, smtp):
    """Twenty browsers press "Log me in" with one link at the same moment: one gets in."""
    app = make_app(MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        make_member("target")
    server = LiveServer(app)
    server.start()
    browsers = [requests.Session() for _ in range(20)]
    for session in browsers:
        session.headers["Connection"] = "close"  # no idle sockets left when the server stops
    try:
        with app.app_context():
            link = server.url + link_for(browser(app), mailbox)
        tokens = [CSRF_PATTERN.search(b.get(link, timeout=10).text).group(1) for b in browsers]
        start = threading.Barrier(len(browsers))

        def press(pair):
            session, token = pair
            start.wait(timeout=10)
            return session.post(link, data={"csrf_token": token}, timeout=30,
                                allow_redirects=False)

        with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
            statuses = [r.status_code for r in pool.map(press, zip(browsers, tokens, strict=True))]
        assert sorted(statuses) == [302] + [400] * 19
    finally:
        stop_when_idle(server)


# --- 9. sign-up and reset do the same work for any address -----------------------------------

STATEMENT_TABLES = re.compile(r'\b(?:FROM|INTO|UPDATE|JOIN)\s+"?(\w+)', re.IGNORECASE)


def kinds(statements):
    """Each SQL statement as its verb and the tables it names."""
    return [(s.split()[0].upper(), tuple(STATEMENT_TABLES.findall(s))) for s in statements]


@pytest.fixture
def password_work(monkeypatch):
    """Counts calls to hash or check a password (the expensive part), by name."""
    calls = []
    for name in ("hash_password", "check_password"):
        real = getattr(passwords, name)

        def counted(*args, _real=real, _name=name):
            calls.append(_name)
            return _real(*args)

        monkeypatch.setattr(passwords, name, counted)
    return calls


def measure(request, password_work):
    password_work.clear()
    with count_queries() as statements:
        response = request()
    return response, kinds(statements), list(password_work)


def test_sign_up_does_the_same_work_for_a_taken_and_a_new_email(
    app, auth, make_member, password_work, deliver
):
    make_member("owner", email="owner@example.com")
    auth.register(email="warm@example.com", username="warmup")  # first-use caches

    taken = measure(lambda: auth.register(email="owner@example.com", username="intruder"),
                    password_work)
    new = measure(lambda: auth.register(email="new@example.com", username="newbie"),
                  password_work)
    assert taken[0].status_code == new[0].status_code == 302
    assert taken[1] == new[1]
    assert ("INSERT", ("users",)) in new[1]
    assert taken[2] == new[2] == ["hash_password"]
    assert sorted(m["Subject"] for m in deliver()[1:]) == [
        "Confirm your email address", "You already have an account"
    ]


def test_api_sign_up_does_the_same_work_for_a_taken_and_a_new_email(
    api, make_member, password_work
):
    make_member("owner", email="owner@example.com")

    def register(email, username):
        return lambda: api.post("/api/users", {"user": {
            "email": email, "username": username, "password": "a long passphrase"}})

    register("warm@example.com", "warmup")()
    taken = measure(register("owner@example.com", "intruder"), password_work)
    new = measure(register("new@example.com", "newbie"), password_work)
    assert (taken[0].status_code, new[0].status_code) == (422, 201)
    assert taken[1] == new[1]
    assert taken[2] == new[2] == ["hash_password"]


def test_reset_does_the_same_work_for_a_known_and_an_unknown_email(
    client, make_member, password_work, deliver
):
    make_member("owner", email="owner@example.com")
    client.submit("/auth/reset", {"email": "warm@example.com"})

    known = measure(lambda: client.submit("/auth/reset", {"email": "owner@example.com"}),
                    password_work)
    unknown = measure(lambda: client.submit("/auth/reset", {"email": "ghost@example.com"}),
                      password_work)
    assert known[0].status_code == unknown[0].status_code == 302
    assert known[1] == unknown[1]
    assert ("INSERT", ("outbox_emails",)) in known[1]
    assert known[2] == unknown[2]
    sent = {m["To"]: m for m in deliver()}
    assert sent["owner@example.com"]["Subject"] == "Reset your password"
    assert "No account uses this address" in text_of(sent["ghost@example.com"])
    assert "/auth/register" in text_of(sent["ghost@example.com"])


# --- security events --------------------------------------------------------------------------


def events(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "blog.security"]


def test_logins_lockouts_and_login_links_are_logged(limited, make_member, caplog,
                                                     mailbox):
    app = limited(RATELIMIT_LOGIN_PER_IP="6 per minute")
    target = make_member("target", email="target@example.com")
    caplog.set_level("INFO", logger="blog.security")
    attacker = browser(app, "198.51.100.7")
    assert Auth(attacker).login("target").status_code == 302
    Auth(attacker).logout()
    Auth(browser(app, "198.51.100.7")).login("ghost-name@example.com", "guess")
    guesses_until_locked(browser(app, "198.51.100.7"), tries=4)
    assert Auth(browser(app, "198.51.100.7")).login("target").status_code == 429  # the IP's
    link = link_for(browser(app), mailbox)
    assert browser(app).submit(link).status_code == 302

    logged = events(caplog)
    by_event = {}
    for event in logged:
        by_event.setdefault(event["event"], []).append(event)
    assert by_event["login.succeeded"][0]["user_id"] == target.id
    failed = by_event["login.failed"]
    assert [e["reason"] for e in failed] == ["unknown_account"] + ["wrong_password"] * 3
    assert failed[0]["user_id"] is None and failed[0]["login_ref"]
    assert all(e["user_id"] == target.id for e in failed[1:])
    assert by_event["login.locked"][0]["user_id"] == target.id
    assert by_event["login.ip_limited"][0]["ip"] == "198.51.100.7"
    assert by_event["login_link.sent"][0]["user_id"] == target.id
    assert by_event["login_link.used"][0]["user_id"] == target.id
    # What was typed for an unknown account never reaches the log, nor any password.
    text = "\n".join(json.dumps(event) for event in logged)
    assert "ghost-name" not in text
    assert "guess" not in text and TEST_PASSWORD not in text
