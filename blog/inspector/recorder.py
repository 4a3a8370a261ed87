"""Recording: the hooks that watch a request and write its story while FLOW_INSPECTOR is on.

Nothing here is called by a view. It listens to what Flask, Flask-Login, SQLAlchemy and
our own layers announce: request signals, engine events, the domain's rule and outbox
signals, the security event log."""

import dataclasses
import logging
import re
import secrets
import time
from datetime import UTC, datetime

from flask import (
    current_app,
    g,
    has_request_context,
    message_flashed,
    request,
    request_finished,
    request_started,
    template_rendered,
)
from flask_login import user_loaded_from_cookie
from flask_wtf import FlaskForm
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..domain.signals import decided, email_queued
from ..events import request_id
from ..web.signals import member_identified
from . import telling
from .callers import our_caller
from .masking import mask_mapping, mask_value, secrets_in
from .records import Record, Ring, Step
from .sendable import kept_request

BROWSER_COOKIE = "flow_browser"
# Set on a redirect: the next request of this browser is the page it led to.
FOLLOWS_COOKIE = "flow_from"
WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
VERBS = {"INSERT": "inserted", "UPDATE": "updated", "DELETE": "deleted"}
NOT_RECORDED = ("static", "flow.")


def ring():
    """This app's records."""
    return current_app.extensions["flow_ring"]


def current():
    """The record of the request being answered, or None (not recording it)."""
    return g.get("flow_record") if has_request_context() else None


def _ms():
    return (time.perf_counter() - g.flow_started) * 1000


def _started(app, **extra):
    endpoint = request.endpoint or ""
    if not app.config["FLOW_INSPECTOR"] or endpoint.startswith(NOT_RECORDED):
        return
    g.flow_started = time.perf_counter()
    record = Record(
        id=request_id(), browser=request.cookies.get(BROWSER_COOKIE), method=request.method,
        path=telling.shown_path(), endpoint=request.endpoint,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        kind=telling.kind_of_request(), came_from=request.cookies.get(FOLLOWS_COOKIE),
    )
    g.flow_record = record
    if record.browser is None:  # a first visit: this very page is theirs to inspect
        record.browser = g.flow_browser = secrets.token_urlsafe(16)
    form = request.form.to_dict(flat=False) if request.form else {}
    body = request.get_json(silent=True) if request.is_json else None
    record.secrets = [*secrets_in(form), *secrets_in(body or {}),
                      *telling.secrets_in_request()]
    record.replayable = kept_request(form, body, record.secrets)
    record.view = telling.view_code(app, request.endpoint)
    record.step("arrived", telling.arrival_sentence(record), 0.0, detail={
        "query": mask_mapping(request.args.to_dict(flat=False)),
        "form fields": mask_mapping(form, record.secrets),
        "JSON body": mask_mapping(body, record.secrets),
        "cookies (names only)": sorted(request.cookies),
        "Accept": request.headers.get("Accept", ""),
        "Content-Type": request.headers.get("Content-Type", ""),
        "headers (names only)": sorted(name for name, _ in request.headers),
    }, code=record.view)


def _checked_csrf():
    """Runs after CSRFProtect's own check (registered later): reaching here means it passed."""
    record = current()
    if record is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        record.step("csrf", telling.csrf_sentence(), _ms())


def _identified(user, how, **extra):
    record = current()
    if record is not None and getattr(user, "is_authenticated", False):
        record.member_id, record.member_name = user.id, user.username
        record.step("who", f"Your {how} says you are @{user.username}.", _ms(),
                    detail={"member id": user.id, "how": how})


def _from_remember_cookie(app, user, **extra):
    record = current()
    if record is not None:
        for step in reversed(record.steps):
            if step.kind == "who":
                step.text = step.text.replace("session cookie", "remember-me cookie")
                step.detail["how"] = "remember-me cookie"
                break


def _decided(check, user=None, targets=(), allowed=False, reason=None, **extra):
    record = current()
    if record is None:
        return
    text = telling.rule_sentence(check, targets, allowed, reason)
    # A page asks the same rule once per comment or card: one step, counted.
    asked = g.setdefault("flow_rules_asked", {})
    if text in asked:
        asked[text].detail["times asked"] += 1
        return
    asked[text] = record.step("rule", text, _ms(), code=telling.code_of(check), detail={
        "rule": check.__name__, "allowed": allowed, "times asked": 1})


def _queued(message, template, **extra):
    record = current()
    if record is not None:
        record.step("email", f'An email "{message.subject}" was put in the outbox for '
                    f"{telling.masked_address(message.recipient)}; the mail worker sends it.",
                    _ms(), detail={"template": f"email/{template}.txt"}, code=our_caller())


def _flashed(app, message, category, **extra):
    record = current()
    if record is not None:
        record.step("flash", f'A message for the next page: "{message}"', _ms(),
                    detail={"category": category})


def _forms_in(context):
    """The forms a template was given: as values, or held by one (the comment section's;
    read by fields(), since a dataclass with slots, a card, has no __dict__)."""
    values = list(context.values())
    values += [getattr(value, field.name, None) for value in values if dataclasses.is_dataclass(
        value) and not isinstance(value, type) for field in dataclasses.fields(value)]
    return {id(value): value for value in values if isinstance(value, FlaskForm)}.values()


def _rendered(app, template, context, **extra):
    record = current()
    if record is None:
        return
    for form in _forms_in(context):
        if form.errors:
            record.step("validation", telling.form_errors_sentence(form), _ms(),
                        detail={"errors": mask_mapping(form.errors)})


def _before_sql(conn, cursor, statement, parameters, context, executemany):
    if current() is not None:
        conn.info["flow_sql_started"] = time.perf_counter()


def _after_sql(conn, cursor, statement, parameters, context, executemany):
    record = current()
    if record is None:
        return
    took = (time.perf_counter() - conn.info.pop("flow_sql_started", time.perf_counter())) * 1000
    record.sql_count += 1
    record.sql_ms += took
    rows = cursor.rowcount if cursor.rowcount is not None and cursor.rowcount >= 0 else None
    if "RETURNING" in statement.upper():
        rows = None  # its rows are counted only as they are read, after this event
    write = WRITE.match(statement)
    if write:
        verb = VERBS[write.group(1).split()[0].upper()]
        record.changed(write.group(2), verb, rows)  # rows None: a count not told
    params = parameters if isinstance(parameters, list | tuple) else [parameters]
    record.step("sql", telling.sql_sentence(statement, rows, write), _ms() - took, took_ms=took,
                detail={"statement": statement,
                        "parameters": [mask_value(p, record.secrets) for p in params]
                        if not executemany else f"{len(parameters)} rows",
                        "rows": rows},
                code=our_caller())


def _security_event(record_line):
    record = current()
    fields = getattr(record_line, "security_event", None)
    if record is not None and fields:
        record.step("event", telling.event_sentence(fields), _ms(),
                    detail={k: v for k, v in fields.items() if k not in ("ip",)})


class _EventTap(logging.Handler):
    def emit(self, record_line):
        try:
            _security_event(record_line)
        except Exception:  # noqa: BLE001 - watching must never break the request
            self.handleError(record_line)


def _finished(app, response, **extra):
    record = current()
    if record is None:
        return
    record.status = response.status_code
    record.duration_ms = round(_ms(), 2)
    if record.member_id is None:
        # Placed where "who" is asked, right after the arrival and the CSRF check.
        at = 2 if len(record.steps) > 1 and record.steps[1].kind == "csrf" else 1
        record.steps.insert(at, Step("who", telling.visitor_sentence(), record.steps[at - 1].at_ms))
    refused = telling.json_errors(response)
    if refused:
        record.step("validation", telling.json_errors_sentence(response.status_code, refused),
                    _ms(), detail={"errors": mask_mapping(refused, record.secrets)})
    for step in g.get("flow_rules_asked", {}).values():
        if step.detail["times asked"] > 1:
            step.text += f" Asked {step.detail['times asked']} times for this answer."
    record.step("answer", telling.answer_sentence(response), record.duration_ms,
                detail=telling.answer_detail(response, record.secrets))
    ring().add(record)


def _tag_browser(response):
    """Give a browser its inspector cookie (whose records it may see); link redirects up."""
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    if BROWSER_COOKIE not in request.cookies:
        browser = g.get("flow_browser") or secrets.token_urlsafe(16)
        response.set_cookie(BROWSER_COOKIE, browser, httponly=True,
                            samesite="Lax", secure=secure, max_age=30 * 86400)
    record = current()
    if record is None:
        return response
    if 300 <= response.status_code < 400:
        response.set_cookie(FOLLOWS_COOKIE, record.id, httponly=True, samesite="Lax",
                            secure=secure, max_age=60)
    elif FOLLOWS_COOKIE in request.cookies:
        response.delete_cookie(FOLLOWS_COOKIE)
    return response


_engine_hooked = False


def init_app(app):
    """Record `app`'s requests when FLOW_INSPECTOR is on; with it off, nothing is installed."""
    global _engine_hooked
    if not app.config["FLOW_INSPECTOR"]:
        return
    app.extensions["flow_ring"] = Ring(app.config["FLOW_INSPECTOR_KEEP"])
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    message_flashed.connect(_flashed, app)
    template_rendered.connect(_rendered, app)
    user_loaded_from_cookie.connect(_from_remember_cookie, app)
    member_identified.connect(_identified)
    decided.connect(_decided)
    email_queued.connect(_queued)
    app.before_request(_checked_csrf)
    app.after_request(_tag_browser)
    app.context_processor(lambda: {"flow_bar": lambda: current() is not None,
                                   "flow_path": telling.shown_path, "request_id": request_id})
    if not _engine_hooked:  # once per process: every app's engine, every statement
        event.listen(Engine, "before_cursor_execute", _before_sql)
        event.listen(Engine, "after_cursor_execute", _after_sql)
        logging.getLogger("blog.security").addHandler(_EventTap())
        _engine_hooked = True
