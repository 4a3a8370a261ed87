"""One invitation, several sign-ups at once through the real server: exactly one account.

Each round, the API and sign-up pages send different people with the same
invitation link at the same moment. The invitation is spent by one
conditional UPDATE in the sign-up's transaction, so one of them gets the
account, the others a clear 403, and no account exists without its invitation.
"""

import pytest
import requests
from sqlalchemy import func, select
from test_concurrent_writes import OPEN_CLIENTS, ROUNDS, TIMEOUT, members, race, server_errors

from blog.domain import invites, site
from blog.extensions import db
from blog.models import Invite, User
from fixtures.site import SITE_DEFAULTS
from helpers import CSRF_PATTERN, TEST_PASSWORD

# test_concurrent_writes' members, made in the live server's database (they hang up at the end).
racers = pytest.fixture(members.__wrapped__, name="racers")
API_CLIENTS, PAGE_CLIENTS = 3, 3


@pytest.fixture
def tokens(live_server, racers, make_member):
    """One invitation per round, on a site open by invitation only."""
    with live_server.app.app_context():
        admin = make_member("root", role="admin")
        site.save(admin, {**SITE_DEFAULTS, "signup_mode": "invite"})
        return [invites.create_invite(admin)[1] for _ in range(ROUNDS)]


def visitor():
    http = requests.Session()
    OPEN_CLIENTS.append(type("Opened", (), {"http": http}))  # closed by the members fixture
    return http


def test_one_invitation_used_at_once_makes_exactly_one_account(live_server, tokens):
    base = live_server.url

    def api_job(n):
        http = visitor()

        def sign_up(round_):
            return http.post(f"{base}/api/users", json={"user": {
                "username": f"api{n}r{round_}", "email": f"api{n}r{round_}@example.com",
                "password": TEST_PASSWORD, "invite": tokens[round_]}},
                timeout=TIMEOUT).status_code
        return sign_up

    def page_job(n):
        http = visitor()

        def sign_up(round_):
            form = http.get(f"{base}/auth/register?invite={tokens[round_]}", timeout=TIMEOUT)
            if form.status_code != 200:  # another racer spent it before this one read the page
                return form.status_code
            token = CSRF_PATTERN.search(form.text).group(1)
            name = f"page{n}r{round_}"
            return http.post(f"{base}/auth/register", data={
                "csrf_token": token, "email": f"{name}@example.com", "username": name,
                "password": TEST_PASSWORD, "confirm": TEST_PASSWORD,
                "invite": tokens[round_]}, allow_redirects=False, timeout=TIMEOUT).status_code
        return sign_up

    answers = race([api_job(n) for n in range(API_CLIENTS)]
                   + [page_job(n) for n in range(PAGE_CLIENTS)])

    assert server_errors(answers) == []
    for round_ in range(ROUNDS):
        statuses = [statuses[round_] for statuses in answers]
        made = [s for s in statuses if s in (201, 302)]
        assert len(made) == 1, statuses
        assert all(s == 403 for s in statuses if s not in (201, 302)), statuses
    with live_server.app.app_context():
        db.session.expire_all()
        newcomers = db.session.scalars(select(User).where(
            User.username.like("api%") | User.username.like("page%"))).all()
        assert len(newcomers) == ROUNDS
        used = db.session.scalars(select(Invite).where(Invite.used_at.is_not(None))).all()
        assert sorted(i.used_by_id for i in used) == sorted(u.id for u in newcomers)
        assert db.session.scalar(select(func.count()).select_from(Invite)) == ROUNDS
