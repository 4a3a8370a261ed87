"""The story in plain words: one sentence per step, for someone learning how a back end works."""

import functools
import inspect
import json
import re
from http import HTTPStatus
from pathlib import Path

from flask import current_app, request

from ..events import loggable_path
from .masking import mask_mapping

PACKAGE = Path(__file__).resolve().parent.parent
FROM = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z_]+)', re.IGNORECASE)
RULE_WORDS = {
    "may_write": "write at all (a member whose email is confirmed, not suspended)",
    "may_moderate": "work the moderation queue (a moderator or an admin)",
    "may_act_on": "moderate this member or what they wrote (never staff, never oneself)",
    "may_read_moderation_log": "read the moderation log (an admin)",
    "can_set_role": "change this member's role (an admin, never their own)",
    "may_administer": "change the site's settings and approve new members (an admin)",
    "may_invite": "invite people (an admin, or a member when the site allows it)",
    "can_see_member": "see this member (banned or awaiting approval: the staff only)",
    "can_view": "see this article",
    "can_edit": "edit this article",
    "can_delete": "delete this article",
    "can_comment": "comment on this article",
    "can_edit_comment": "edit this comment",
    "can_delete_comment": "delete this comment",
}

# Only a what-if (replay.py) runs in savepoints: its commits end one, and all is rolled back.
SAVEPOINTS = {
    "SAVEPOINT": "The database: a savepoint, where this what-if's changes begin (all of them "
                 "are rolled back at the end).",
    "RELEASE": "The database: the request's commit. In a what-if it only ends a savepoint: "
               "nothing is kept.",
    "ROLLBACK": "The database: the changes since the savepoint were undone.",
}


def shown_path():
    """The path and query, with the route's pattern in place of an emailed link's token."""
    query = request.query_string.decode("latin-1")
    return loggable_path() + (f"?{query}" if query else "")


def kind_of_request():
    """What sent it: our button script (fetch), an API client, a form post, or a page visit."""
    if request.blueprint == "api":
        return "api"
    if "application/json" in request.headers.get("Accept", "") and request.method == "POST":
        return "fetch"
    return "form" if request.method == "POST" else "page"


def secrets_in_request():
    """Values this request carries that must never be shown again."""
    found = [value for value in request.cookies.values()]
    header = request.headers.get("Authorization", "")
    if header:
        found += [header, header.split(" ", 1)[-1]]
    found += [str(v) for k, v in (request.view_args or {}).items() if "token" in k]
    csrf = request.headers.get("X-CSRFToken")
    return [*found, csrf] if csrf else found


def code_of(function):
    """Where `function` is defined (decorators unwrapped): name, file and line."""
    found = _code_of(function)
    return dict(found) if found else None  # a copy: a step may not change the cache


@functools.cache  # a page may check a rule once per comment: read each source once
def _code_of(function):
    function = inspect.unwrap(function)
    try:
        path = Path(inspect.getsourcefile(function)).resolve()
        line = inspect.getsourcelines(function)[1]
    except (OSError, TypeError):
        return None
    if PACKAGE not in path.parents:
        return None
    return {"function": function.__qualname__, "file": str(path.relative_to(PACKAGE.parent)),
            "line": line}


def view_code(app, endpoint):
    view = app.view_functions.get(endpoint) if endpoint else None
    return code_of(view) if view else None


def arrival_sentence(record):
    how = {"fetch": "Our button script sent", "api": "An API client sent",
           "form": "Your browser posted a form:", "page": "Your browser asked for a page:"}
    view = f" It is handled by {record.view['function']}()." if record.view else ""
    if record.endpoint is None:
        view = " No route matches this address."
    return f"{how[record.kind]} {record.method} {record.path}.{view}"


def csrf_sentence():
    if request.blueprint == "api":
        return ("The API takes no CSRF token: it reads a token in the Authorization header, "
                "which another site's form cannot send.")
    return ("The form token (CSRF) matched the one in your session: the request came from "
            "one of our own pages.")


def rule_sentence(check, targets, allowed, reason):
    name = check.__name__
    if name == "require":
        resource = targets[0] if targets else "it"
        return f"A rule refused this {resource}: {reason or 'not allowed'}."
    words = RULE_WORDS.get(name, name)
    return f"You may {words}: {'yes' if allowed else 'no'} (rule {name})."


def visitor_sentence():
    """Why the request is a visitor's: what came with it, and what it lacked."""
    if request.blueprint == "api":
        return ("No API token came with this request (the API reads no cookie): it is "
                "answered as for a visitor.")
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        # It may well carry the form token's secret: the cookie came, with no login in it.
        return ("No login came with this request: your session cookie names no member, and "
                "no API token came. It is answered as for a visitor.")
    return ("No login came with this request (no session cookie, no API token): it is "
            "answered as for a visitor.")


def json_errors(response):
    """The {"errors": {...}} of a JSON refusal, or None."""
    if not (response.is_json and 400 <= response.status_code < 500):
        return None
    try:
        body = json.loads(response.get_data(as_text=True))
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors if isinstance(errors, dict) and errors else None


def json_errors_sentence(status, errors):
    parts = []
    for field, messages in errors.items():
        message = str(messages[0] if isinstance(messages, list) and messages else messages)
        # "body" is the request as a whole: its message reads on its own.
        parts.append(message.rstrip(".") if field == "body" else f"{field} {message.rstrip('.')}")
    what = "The JSON was checked and refused" if status == 422 else "The answer says why"
    return f"{what}: " + "; ".join(parts) + "."


def masked_address(address):
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def form_errors_sentence(form):
    parts = [f"{name}: {errors[0] if isinstance(errors, list) and errors else errors}"
             for name, errors in form.errors.items()]
    # A message may end with its own full stop ("... Choose another."): one is enough.
    return "The form was checked and refused: " + "; ".join(p.rstrip(".") for p in parts) + "."


def sql_sentence(statement, rows, write):
    if write:
        verb = {"INSERT": "added to", "UPDATE": "changed in", "DELETE": "removed from"}[
            write.group(1).split()[0].upper()]
        if rows is None:  # an INSERT ... RETURNING tells its rows only once they are read
            count = "rows"
        else:
            count = "no row" if rows == 0 else ("one row" if rows == 1 else f"{rows} rows")
        if "ON CONFLICT DO NOTHING" in statement.upper():
            # A like, a follow: doing it again is no error, and adds nothing.
            why = ("the same row was there already" if rows == 0
                   else "none had it been there already")
            return (f"The database: {count} {verb} {write.group(2)} "
                    f"({why}: ON CONFLICT DO NOTHING).")
        return f"The database: {count} {verb} {write.group(2)}."
    first = statement.strip().split(None, 1)[0].upper()
    if first in SAVEPOINTS:
        return SAVEPOINTS[first]
    tables = sorted(set(FROM.findall(statement)))
    if first == "SELECT" and tables:
        return f"The database was read: {', '.join(tables)}."
    return f"The database: {first}."


def event_sentence(fields):
    return f"Security log: {fields.get('event')}" + (
        f" ({fields['reason']})." if fields.get("reason") else ".")


def answer_sentence(response):
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = ""
    meaning = {2: "it worked", 3: "go to another address", 4: "the request was refused",
               5: "the server failed"}.get(response.status_code // 100, "")
    where = f" to {response.location}" if response.location else ""
    return (f"The server answered {response.status_code} {phrase} ({meaning}){where}, "
            f"{response.mimetype or 'no body'}, {response.content_length or 0} bytes.")


def answer_detail(response, secrets):
    detail = {"status": response.status_code, "Content-Type": response.content_type,
              "Location": response.location, "size (bytes)": response.content_length,
              "headers (names only)": sorted(name for name, _ in response.headers)}
    if response.is_json and not response.is_streamed:
        try:
            body = json.loads(response.get_data(as_text=True))
        except ValueError:
            body = None
        if body is not None and len(json.dumps(body)) < 4000:
            detail["JSON body"] = mask_mapping(body, secrets)
    return detail
