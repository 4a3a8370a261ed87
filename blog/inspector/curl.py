"""Copy as curl: a command that repeats a recorded request, with every secret a placeholder.

Built only from what the record kept when the request arrived (the masked
form fields and JSON body, header and cookie names): the secrets were
never recorded, so they cannot leak into the command; the placeholders
say what to put in their place.
"""

import json
import shlex

from .masking import MASK, is_secret_name

# The inspector's own cookies: not part of the request being repeated.
SKIPPED_COOKIES = ("flow_browser", "flow_from")
PLACEHOLDERS = {"csrf_token": "<csrf-token>", "password": "<password>",
                "confirm": "<password-again>"}


def placeholder(name):
    """What stands for the secret value of field or key `name`."""
    return PLACEHOLDERS.get(name, f"<{str(name).replace('_', '-')}>")


def _cookie(name):
    if "session" in name:
        return f"{name}=<your-session-cookie>"
    if "remember" in name:
        return f"{name}=<your-remember-me-cookie>"
    return f"{name}=<your-{name}-cookie>"


def _unmasked(value, name):
    """`value` from the record with each mask turned into a placeholder a person can fill in."""
    if isinstance(value, dict):
        return {key: placeholder(key) if item == MASK else _unmasked(item, key)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_unmasked(item, name) for item in value]
    if isinstance(value, str) and MASK in value:
        return value.replace(MASK, placeholder(name) if value == MASK else "<secret>")
    return value


def curl_arguments(record, base_url):
    """The words of the curl command that repeats `record` against `base_url`."""
    arrived = next((step.detail for step in record.steps if step.kind == "arrived"), {})
    header_names = {name.lower() for name in arrived.get("headers (names only)", [])}
    words = ["curl"]
    if record.method != "GET":
        words += ["-X", record.method]
    words.append(base_url.rstrip("/") + record.path)
    if arrived.get("Accept"):
        words += ["-H", f"Accept: {arrived['Accept']}"]
    if "authorization" in header_names:
        words += ["-H", "Authorization: Token <your-token>"]
    if "x-csrftoken" in header_names:
        words += ["-H", "X-CSRFToken: <csrf-token>"]
    cookies = [_cookie(name) for name in arrived.get("cookies (names only)", [])
               if name not in SKIPPED_COOKIES]
    if cookies:
        words += ["-b", "; ".join(cookies)]
    content_type = arrived.get("Content-Type") or ""
    body = arrived.get("JSON body")
    if body is not None:
        words += ["-H", f"Content-Type: {content_type or 'application/json'}",
                  "--data", json.dumps(_unmasked(body, ""), ensure_ascii=False)]
    option = "-F" if content_type.startswith("multipart/") else "--data-urlencode"
    for name, values in (arrived.get("form fields") or {}).items():
        if values == MASK or is_secret_name(name):
            values = [placeholder(name)]
        for value in values if isinstance(values, list) else [values]:
            words += [option, f"{name}={_unmasked(value, name)}"]
    return words


def as_curl(record, base_url):
    """The curl command that repeats `record`, one option a line, quoted for a POSIX shell."""
    words = curl_arguments(record, base_url)
    lines, line = [], [shlex.quote(words[0])]
    for word in words[1:]:
        if word.startswith("-"):
            lines.append(" ".join(line))
            line = []
        line.append(shlex.quote(word))
    lines.append(" ".join(line))
    return " \\\n  ".join(lines)
