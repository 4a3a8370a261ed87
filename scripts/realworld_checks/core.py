"""The client's core: HTTP requests with urllib, the spec's schemas, and the checks.

A check is one line, PASS or FAIL, with what the spec expects and what was seen.
"""

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT = 15  # seconds for one request
# RFC 3339 date-time, as `format: date-time` means in OpenAPI.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

TEXT_OR_NULL = (str, type(None))
USER = {"email": str, "token": str, "username": str, "bio": TEXT_OR_NULL, "image": TEXT_OR_NULL}
PROFILE = {"username": str, "bio": TEXT_OR_NULL, "image": TEXT_OR_NULL, "following": bool}
LISTED_ARTICLE = {
    "slug": str, "title": str, "description": str, "tagList": list, "createdAt": str,
    "updatedAt": str, "favorited": bool, "favoritesCount": int, "author": dict,
}
ARTICLE = {**LISTED_ARTICLE, "body": str}
COMMENT = {"id": int, "createdAt": str, "updatedAt": str, "body": str, "author": dict}


class Answer:
    """One HTTP answer: status, headers, text and the parsed JSON (None if not JSON)."""

    def __init__(self, method, path, status, headers, text):
        self.request = f"{method} {path}"
        self.status, self.headers, self.text = status, headers, text
        try:
            self.json = json.loads(text) if text else None
        except ValueError:
            self.json = None

    def get(self, *keys):
        """The value at keys in the JSON answer, or None."""
        value = self.json
        for key in keys:
            if isinstance(value, dict):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return None
        return value

    def brief(self):
        text = " ".join(self.text.split())
        return f"HTTP {self.status} {text[:240]}{'...' if len(text) > 240 else ''}".strip()


class Api:
    """Requests to the API under `base`; keeps every answer for the Content-Type check."""

    def __init__(self, base):
        if not base.startswith(("http://", "https://")):
            raise SystemExit(f"The base URL must be http(s)://...: {base!r}")
        self.base = base.rstrip("/")
        self.answers = []

    def call(self, method, path, body=None, token=None, raw=None):
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310 - http(s) only
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                status, headers, payload = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, payload = error.code, error.headers, error.read()
        except OSError as error:  # no answer at all: refused, reset, timed out
            status, headers, payload = 0, {}, f"no answer: {error}".encode()
        answer = Answer(method, path, status, headers, payload.decode("utf-8", "replace"))
        self.answers.append(answer)
        return answer

    def get(self, path, token=None):
        return self.call("GET", path, token=token)

    def post(self, path, body=None, token=None, raw=None):
        return self.call("POST", path, body, token, raw)

    def put(self, path, body=None, token=None):
        return self.call("PUT", path, body, token)

    def delete(self, path, token=None):
        return self.call("DELETE", path, token=token)


@dataclass
class Result:
    name: str
    ok: bool
    expected: str
    seen: str

    def line(self):
        verdict = "PASS" if self.ok else "FAIL"
        return f"{verdict} {self.name}: expected {self.expected}; saw {self.seen}"


def shape_problems(value, fields, where=""):
    """What in `value` differs from the spec's schema `fields` (name -> allowed types)."""
    if not isinstance(value, dict):
        return [f"{where or 'answer'} is not an object: {value!r:.80}"]
    problems = []
    for name, types in fields.items():
        if name not in value:
            problems.append(f"{where}{name} missing")
        elif isinstance(value[name], bool) and types is not bool:
            problems.append(f"{where}{name} is a boolean")
        elif not isinstance(value[name], types):
            problems.append(f"{where}{name} has the wrong type: {value[name]!r:.60}")
    for name in ("createdAt", "updatedAt"):
        if name in fields and isinstance(value.get(name), str) and not DATE_TIME.match(value[name]):
            problems.append(f"{where}{name} is no RFC 3339 date-time: {value[name]!r}")
    if "tagList" in fields and isinstance(value.get("tagList"), list):
        problems += [f"{where}tagList holds {t!r}" for t in value["tagList"]
                     if not isinstance(t, str)]
    if "author" in fields and isinstance(value.get("author"), dict):
        problems += shape_problems(value["author"], PROFILE, f"{where}author.")
    return problems


class Checks:
    """The checks of one run: each printed as it is made, all kept in `results`."""

    def __init__(self, api, out=print):
        self.api, self.out, self.results = api, out, []

    def record(self, name, ok, expected, seen):
        result = Result(name, bool(ok), str(expected), str(seen))
        self.results.append(result)
        self.out(result.line())
        return result.ok

    def failures(self):
        return [result for result in self.results if not result.ok]

    def status(self, name, answer, code):
        return self.record(name, answer.status == code, f"HTTP {code}", answer.brief())

    def equal(self, name, seen, expected):
        return self.record(name, seen == expected, repr(expected), repr(seen))

    def error(self, name, answer, code, key=None, message=None):
        """`answer` is HTTP `code` with {"errors": {key: [message, ...]}} (GenericErrorModel)."""
        errors = answer.get("errors")
        ok = answer.status == code and isinstance(errors, dict) and errors and all(
            isinstance(v, list) and all(isinstance(m, str) for m in v) for v in errors.values()
        )
        if key:
            ok = ok and isinstance(errors.get(key), list)
            ok = ok and (message is None or message in errors[key])
        body = {key or "<field>": [message or "<message>"]}
        return self.record(name, ok, f"HTTP {code} {json.dumps({'errors': body})}", answer.brief())

    def shape(self, name, answer, code, wrapper, fields):
        """`answer` is HTTP `code` with {wrapper: <object of the schema `fields`>}."""
        problems = [] if answer.status == code else [answer.brief()]
        problems += shape_problems(answer.get(wrapper), fields, f"{wrapper}.")
        expected = f"HTTP {code} with {wrapper}: {', '.join(fields)}"
        return self.record(name, not problems, expected, "; ".join(problems) or "as expected")

    def listing(self, name, answer, wrapper, fields, count_key=None):
        """A 200 list: {wrapper: [objects of `fields`], count_key: int}, without extra body."""
        items = answer.get(wrapper)
        problems = [] if answer.status == 200 else [answer.brief()]
        if not isinstance(items, list):
            problems.append(f"{wrapper} is not a list")
        for index, item in enumerate(items if isinstance(items, list) else []):
            problems += shape_problems(item, fields, f"{wrapper}[{index}].")
            if "body" not in fields and isinstance(item, dict) and "body" in item:
                problems.append(f"{wrapper}[{index}] has a body (lists leave it out)")
        if count_key and not isinstance(answer.get(count_key), int):
            problems.append(f"{count_key} is not an integer: {answer.get(count_key)!r}")
        expected = f"HTTP 200 with {wrapper}: [...]" + (f", {count_key}: int" if count_key else "")
        return self.record(name, not problems, expected, "; ".join(problems[:6]) or "as expected")

    def empty_204(self, name, answer):
        ok = answer.status == 204 and not answer.text.strip()
        return self.record(name, ok, "HTTP 204 with no body", answer.brief() or "HTTP 204")


@dataclass
class Run:
    """What the scenario modules share: the API, the checks, this run's names."""

    api: Api
    check: Checks
    rid: str
    password: str
    people: dict
    articles: dict
