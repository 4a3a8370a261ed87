"""What a record keeps of a write to send it again ("What if?"), and which what-ifs it allows.

A record keeps the method, the path, the query, the form fields and the
JSON body, masked like the rest of its story: a password or a token is
"••••" here too. So a request whose meaning is a secret (logging in, a new
password, an emailed link's token in the path) can never be sent again, and
is refused with the reason instead of being sent with a placeholder.
"""

import json
from dataclasses import dataclass

from flask import request

from ..events import loggable_path
from .masking import MASK, mask_mapping

WRITES = ("POST", "PUT", "PATCH", "DELETE")
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRFToken"
CHANGES = {
    "no_csrf": "without the CSRF token",
    "logged_out": "logged out",
    "other_member": "as another demo member",
    "invalid_field": "with an invalid field",
}
# Logging in, signing up and out, emailed links: passwords, tokens and session cookies,
# none of which a record keeps. The dev mailbox is a tool, not the site.
NOT_REPLAYED = ("auth.", "dev.")
# Another member's account (their sessions, address, profile) is never acted on, not
# even a demo member's: "as another member" is for articles, comments, likes and follows.
OWN_ACCOUNT = ("settings.", "api.current_user", "api.update_user")
# Fields the back end requires wherever they appear (articles, comments, accounts): one of
# them left empty is refused by validation. An optional field left empty would be saved.
REQUIRED_FIELDS = ("title", "body", "email", "username")


def kept_request(form, body, secrets):
    """What this request's record keeps to send it again: masked, and only for a write."""
    if request.method not in WRITES:
        return None
    secret_path = loggable_path() != request.path or any(
        "token" in name for name in request.view_args or {})
    return {
        "method": request.method,
        "path": None if secret_path else request.path,
        "query": mask_mapping(request.args.to_dict(flat=False), secrets),
        "form": mask_mapping(form, secrets) if form else None,
        "json": mask_mapping(body, secrets),
        "accept": request.headers.get("Accept", ""),
        "csrf_header": CSRF_HEADER in request.headers,
    }


@dataclass
class Choice:
    """One what-if of a record: its change, its button's label, and why not (None: offered)."""

    change: str
    label: str
    refused: str | None = None


def refusal(record):
    """Why `record` cannot be sent again at all, or None."""
    sent = record.replayable
    if sent is None:
        return "Only a write (a POST, PUT or DELETE) can be sent again."
    if record.replay:
        return "This is already a what-if: send the original again instead."
    if (record.endpoint or "").startswith(NOT_REPLAYED):
        return ("Logging in, signing up or out and emailed links turn on a password, a token "
                "or a session, which the inspector never keeps: try a Like, a comment or an "
                "article instead.")
    if sent["path"] is None:
        return "Its address holds an emailed link's token, which the inspector never keeps."
    kept = {key: sent[key] for key in ("query", "form", "json")}
    if kept["form"]:
        kept["form"] = {k: v for k, v in kept["form"].items() if k != CSRF_FIELD}
    if MASK in json.dumps(kept, ensure_ascii=False):
        return ("It carried a password or a token, kept only as ••••: sent again, it could "
                "not mean what it meant, so it is not sent at all.")
    return None


def choices(record):
    """The four what-ifs of `record`, each offered or refused with its reason."""
    everything = refusal(record)
    sent = record.replayable or {}
    is_api = record.kind == "api"
    found = []
    for change, label in CHANGES.items():
        why = everything
        if why is None and change == "no_csrf" and is_api:
            why = ("The API takes no CSRF token: the token in its Authorization header is what "
                   "another site cannot send.")
        elif why is None and change == "no_csrf" and not _sends_csrf(sent):
            why = "It sent no CSRF token to leave out."
        elif why is None and change == "other_member" and (
                (record.endpoint or "").startswith(OWN_ACCOUNT)):
            why = "It acts on an account of its own: no one else's is touched."
        elif why is None and change == "invalid_field" and invalid_field(sent) is None:
            why = ("It sends no field the back end requires (a title, a body ...) to leave "
                   "empty: a Like is only its address and a token.")
        found.append(Choice(change, label, why))
    return found


def _sends_csrf(sent):
    return bool(sent.get("csrf_header") or CSRF_FIELD in (sent.get("form") or {}))


def invalid_field(sent):
    """(name, form, json) with its first required field left empty, or None when it has none.

    Left empty, the back end's validation refuses it (422) and says which.
    """
    if isinstance(sent.get("json"), dict):
        path = _first_filled(sent["json"])
        if path is None:
            return None
        body = json.loads(json.dumps(sent["json"]))
        holder = body
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = ""
        return ".".join(path), sent["form"], body
    for name, values in (sent.get("form") or {}).items():
        if name in REQUIRED_FIELDS and values and str(values[0]).strip():
            return name, {**sent["form"], name: [""]}, sent["json"]
    return None


def _first_filled(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            found = _first_filled(item, (*path, key))
            if found:
                return found
    elif isinstance(value, str) and value.strip() and path and path[-1] in REQUIRED_FIELDS:
        return list(path)
    return None
