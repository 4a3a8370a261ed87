"""The one-time login link: how a locked-out owner gets in, once, and nobody else.

The link is emailed on request (the same answer for any name), opens a page
whose POST button logs in (scanners use nothing up), and stops working when
used, after LOGIN_LINK_MAX_AGE, and after a new password or another login.
"""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from blog.domain import password_changes
from helpers import (
    CSRF_PATTERN,
    NEW_PASSWORD,
    TEST_PASSWORD,
    Auth,
    browser,
    deliver_all,
    guesses_until_locked,
    link_for,
    link_in,
    page,
    text_of,
    without_tokens,
)
from helpers import security_events as events
from server_helpers import LiveServer, stop_when_idle


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


def test_a_login_link_dies_after_a_password_change_or_another_login(
    limited, make_member, mailbox
):
    app = limited()
    owner = make_member("target")
    first = link_for(browser(app), mailbox)
    with app.test_request_context():  # no login: only the new password may void the link
        password_changes.change_password(owner, TEST_PASSWORD, NEW_PASSWORD)
    response = browser(app).submit(first)
    assert response.status_code == 400
    assert "already been used" in page(response)

    second = link_for(browser(app), mailbox)
    assert Auth(browser(app)).login("target", NEW_PASSWORD).status_code == 302
    assert browser(app).submit(second).status_code == 400


def test_a_login_link_stays_dead_after_the_login_that_voided_it_logs_out(
    limited, make_member, mailbox
):
    """Logging out deletes the session row; the link must not come back to life with it."""
    app = limited()
    make_member("target")
    link = link_for(browser(app), mailbox)
    member = Auth(browser(app))
    assert member.login("target").status_code == 302
    member.logout()
    response = browser(app).submit(link)
    assert response.status_code == 400
    assert "already been used" in page(response)


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


# --- security events --------------------------------------------------------------------------


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
