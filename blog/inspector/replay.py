"""What if? A recorded write sent again with one thing changed, through the real app.

Development only (BLOG_ENV=development; the route answers 404 anywhere else).
The replay is a request like any other: the same app, its CSRF check, its
login, its rate limits, its rules and its database. It runs in a context of
its own (its own `g` and database session), records a new story, and that
story says what was changed and links the original. Whatever it writes is
rolled back at the end: its commits only end savepoints of one transaction
that is never committed, so a what-if shows what the back end would do and
keeps nothing (its emails, queued in the outbox table, go with it).

What each change may do, and why it cannot do more than a real request:

- without the CSRF token, and with an invalid field: sent with the cookies
  of the browser that asks, so as whoever that browser is logged in as (for
  an API call, which reads no cookie: as the member that browser is logged in
  as, in place of the token the record never kept). Both only make the
  request weaker, or change the asker's own request.
- logged out: sent without the login (the session's login keys and the
  remember-me cookie are left out; the form token stays valid). Weaker still.
- as another member: acts as a *demo* member (alice, bob or carol of
  `flask seed-demo`, never an admin) whose password is still the demo
  password printed for everyone: anyone may already log in as them, so
  acting as them without the password gives no one a power they lack. Admins
  get no exception: an admin may delete an article, but never write as a
  member. No session row or API token is made; the member is set where
  Flask-Login (`g._login_user`) and the API (`g.api_user`) keep the member
  they checked, for this one request. Account pages are never replayed so.
  (And, like every what-if, it keeps nothing it writes.)
"""

import contextvars

from flask import current_app, g, request, session
from flask_login import current_user
from flask_login.config import SESSION_KEYS
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.http import dump_cookie
from werkzeug.test import EnvironBuilder

from ..cli import DEMO_PASSWORD
from ..domain.passwords import check_password
from ..events import security_event
from ..extensions import db
from ..models import User
from ..seed import DEMO_USERS
from . import sendable
from .recorder import BROWSER_COOKIE, FOLLOWS_COOKIE
from .records import Step


class Refused(Exception):
    """This what-if is not played; the message says why, for the learner."""


def enabled():
    """What-ifs are for a development or demo site only."""
    return current_app.config["BLOG_ENV"] == "development"


def replay(record, change):
    """Send `record`'s request again with `change`; returns the new record (Refused: why not)."""
    choice = next((c for c in sendable.choices(record) if c.change == change), None)
    if choice is None:
        raise Refused("Choose one of the what-ifs on the story page.")
    if choice.refused:
        raise Refused(choice.refused)
    sent = dict(record.replayable)
    told = sendable.CHANGES[change]
    acting_as = None
    if change == "other_member":
        acting_as = demo_member_other_than(record.member_id)
        if acting_as is None:
            raise Refused("There is no demo member to act as: `flask --app blog seed-demo` "
                          "adds alice, bob and carol.")
        told = f"as @{acting_as.username}, another (demo) member"
    elif change == "invalid_field":
        name, sent["form"], sent["json"] = sendable.invalid_field(sent)
        told = f"with the field {name} left empty"
        if record.kind == "api":
            if not current_user.is_authenticated:
                raise Refused("Log in on this browser to send it again as yourself: the "
                              "inspector never keeps the API token it was sent with.")
            acting_as = current_user  # the asker's own member, in place of the token never kept
    security_event("inspector.replayed", user=current_user, record=record.id, change=change)
    app = current_app._get_current_object()
    environ = _environ(sent, with_token=change != "no_csrf",
                       with_login=change in ("no_csrf", "invalid_field"))
    acting_id = acting_as.id if acting_as is not None else None
    replayed = contextvars.Context().run(_dispatch, app, environ, change, acting_id)
    replayed.replay, replayed.came_from = told, record.id
    replayed.browser = request.cookies.get(BROWSER_COOKIE) or replayed.browser
    replayed.steps.insert(0, Step(
        "replay", f"What if? The inspector sent {record.method} {record.path} again, {told}; "
        "everything else as the first time.", 0.0, detail={"original": record.id}))
    return replayed


def demo_member_other_than(member_id):
    """A demo member (not `member_id`, not staff) whose password is still the public one."""
    names = [username for username, *_ in DEMO_USERS]
    for user in db.session.scalars(select(User).where(User.username.in_(names))
                                   .order_by(User.id)):
        if user.id != member_id and not user.is_moderator and check_password(
                user.password_hash, DEMO_PASSWORD):
            return user
    return None


def _environ(sent, with_token, with_login):
    """The request to send: the record's, from this browser's address, cookies and host."""
    headers = {"Accept": sent["accept"], "User-Agent": request.user_agent.string}
    if request.referrer:
        headers["Referer"] = request.referrer
    form = {name: list(values) for name, values in (sent["form"] or {}).items()}
    form.pop(sendable.CSRF_FIELD, None)
    if with_token and sent["form"] and sendable.CSRF_FIELD in sent["form"]:
        form[sendable.CSRF_FIELD] = [generate_csrf()]  # this browser's session, not the record's
    if with_token and sent["csrf_header"]:
        headers[sendable.CSRF_HEADER] = generate_csrf()
    left_out = {FOLLOWS_COOKIE} | (set() if with_login else {_remember_cookie()})
    cookies = [dump_cookie(name, value).split(";")[0]
               for name, value in request.cookies.items() if name not in left_out]
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    body = {"json": sent["json"]} if sent["json"] is not None else (
        {"data": MultiDict([(k, v) for k, values in form.items() for v in values])}
        if form else {})
    builder = EnvironBuilder(
        path=sent["path"], method=sent["method"], base_url=request.host_url,
        query_string=MultiDict([(k, v) for k, values in sent["query"].items() for v in values]),
        headers=headers, environ_base={"REMOTE_ADDR": request.remote_addr}, **body,
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _remember_cookie():
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def _dispatch(app, environ, change, acting_id):
    """Answer `environ` as the server would, in a fresh context; returns its record."""
    context = app.request_context(environ)
    error = None
    context.push()
    connection = db.engine.connect()
    never_committed = connection.begin()
    try:
        if connection.dialect.name == "sqlite":
            # pysqlite begins lazily: the first savepoint would be the transaction itself,
            # and its release a commit. IMMEDIATE: a transaction that reads first and
            # writes later fails at once ("database is locked") when another connection
            # committed in between, which a real request, beginning at its write, never meets.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        db.session.registry.set(
            Session(bind=connection, join_transaction_mode="create_savepoint"))
        if change in ("logged_out", "other_member"):
            for key in SESSION_KEYS:
                session.pop(key, None)  # the form token's secret stays: only the login goes
        if acting_id is not None:
            g._login_user = g.api_user = db.session.get(User, acting_id)
        try:
            app.full_dispatch_request()
        except Exception as failed:  # noqa: BLE001 - answered as the server would: a 500
            error = failed
            app.handle_exception(failed)
        record = g.flow_record
        if acting_id is not None:
            _tell_who(record, g._login_user, change)
        if record.changes:
            record.step("replay", "Then the inspector rolled back everything this what-if "
                        "wrote: the database is as it was before.", record.duration_ms or 0.0)
        return record
    finally:
        context.pop(error)  # closes the session: its savepoints end
        never_committed.rollback()
        connection.close()


def _tell_who(record, member, change):
    """Say who the request was: the recorder, never told of a member, took it for a visitor."""
    record.member_id, record.member_name = member.id, member.username
    if change == "other_member":
        text = (f"For this what-if you are @{member.username}, a demo member whose password "
                "is public: the inspector set it without a password or cookie.")
    else:
        text = (f"For this what-if the API call runs as you, @{member.username} (your "
                "session cookie), in place of the API token the inspector never keeps.")
    record.steps = [step for step in record.steps if step.kind != "who"]
    at = 2 if len(record.steps) > 1 and record.steps[1].kind == "csrf" else 1
    record.steps.insert(at, Step("who", text, record.steps[at - 1].at_ms,
                                 detail={"member id": member.id, "how": "set by the inspector"}))
