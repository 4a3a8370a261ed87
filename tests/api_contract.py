"""Check the JSON API's answers against its OpenAPI document (blog/api/openapi.py).

assert_conforms(response, method, template) fails when the status is not one the
document lists for that operation, or when the body does not match the
documented schema (JSON Schema 2020-12, date-time formats checked). ApiClient
sends requests like the Flask test client and checks every answer that way,
so a test of the API is also a test of its document.
"""

import contextvars
import json
import re
from functools import cache

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from blog.api.openapi import document
from helpers import TEST_PASSWORD

API_PREFIX = "/api"
DOCUMENT_URI = "urn:blog-api-openapi"
# Answered by the app for any address under /api, not by one operation.
UNDOCUMENTED_STATUSES = {404, 405}
UNCHECKED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask and flask-cors, not by the API
UNCHECKED_PATHS = {"/api/openapi.json", "/api/docs"}  # about the API, not part of it


@cache
def _document():
    return document()


@cache
def _registry():
    return Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(_document()))


def _pointer(*parts):
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _follow(pointer):
    """The node at `pointer` in the document and its own pointer, after any $ref."""
    node = _document()
    for part in pointer.split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if "$ref" in node:
        return _follow(node["$ref"].removeprefix("#"))
    return pointer, node


def validator_at(schema_pointer):
    """A validator for the schema at `schema_pointer`, its $refs resolved in the document."""
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#{schema_pointer}"},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@cache
def _templates():
    """(regex, template) for every documented path; literal paths before templated ones."""
    patterns = []
    for template in _document()["paths"]:
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        patterns.append((template.count("{"), re.compile(regex + "$"), template))
    return [(regex, template) for _, regex, template in sorted(patterns, key=lambda p: p[0])]


def path_template(path):
    """The documented template that `path` (with or without /api, with a query) falls under."""
    path = path.split("?", 1)[0].removeprefix(API_PREFIX)
    for regex, template in _templates():
        if regex.match(path):
            return template
    return None


def operation(method, template):
    """The documented operation as a dict, or None."""
    return _document()["paths"].get(template, {}).get(method.lower())


def response_schema_pointer(method, template, status):
    """Where the schema of this answer is in the document; None for an answer without a body.

    Fails when the operation does not exist or does not list `status`.
    """
    method = method.lower()
    assert operation(method, template), f"{method.upper()} {template} is not in the document"
    responses = _pointer("paths", template, method, "responses")
    answers = _follow(responses)[1]
    assert str(status) in answers, (
        f"{method.upper()} {template} answered {status}, "
        f"which the document does not list ({', '.join(answers)})"
    )
    pointer, answer = _follow(f"{responses}/{status}")
    if "content" not in answer:
        return None
    return pointer + _pointer("content", "application/json", "schema")


def assert_conforms(response, method, template):
    """Fail unless `response` is an answer the document allows for this operation."""
    __tracebackhide__ = True
    pointer = response_schema_pointer(method, template, response.status_code)
    if pointer is None:
        assert response.get_data() == b"", f"{response.status_code} should have no body"
        return
    assert response.mimetype == "application/json", response.mimetype
    _assert_valid(response.get_json(), pointer, f"{method.upper()} {template}")


def assert_error_shape(response):
    """Fail unless `response` is {"errors": {"<field>": ["message", ...]}}."""
    __tracebackhide__ = True
    assert response.mimetype == "application/json", response.mimetype
    _assert_valid(response.get_json(), "/components/schemas/Errors", "an error")


def _assert_valid(body, pointer, what):
    __tracebackhide__ = True
    problems = sorted(validator_at(pointer).iter_errors(body), key=lambda e: list(e.path))
    if problems:
        details = "\n".join(
            f"  at {'/'.join(map(str, p.absolute_path)) or '(root)'}: {p.message}"
            for p in problems
        )
        raise AssertionError(
            f"The answer to {what} breaks the documented schema:\n{details}\n"
            f"Body: {json.dumps(body)[:2000]}"
        )


class ApiClient:
    """JSON requests to /api, `token=` sent as `Authorization: Token <token>`; answers checked.

    Every answer from an address under /api is checked against the document
    (assert_conforms); one the document does not know must be a 404 or 405
    with an error body. CORS preflights (OPTIONS), HEAD, /api/openapi.json
    and /api/docs are not checked.
    Each request runs in an empty contextvars.Context, as FormClient's do,
    so `g` (where the API keeps the member asking) never leaks between requests.
    """

    def __init__(self, client):
        self.client = client

    def request(self, method, path, json=None, token=None, **kwargs):
        """Send one request and check the answer; returns the Flask test response."""
        __tracebackhide__ = True
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Token {token}"
        response = contextvars.Context().run(
            self.client.open, path, method=method, json=json, headers=headers, **kwargs
        )
        check_answer(response, method, path)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def login(self, email, password=None):
        """Log in through the API; returns the token. The password defaults to the tests' own."""
        if password is None:
            password = TEST_PASSWORD
        response = self.post("/api/users/login", {"user": {"email": email, "password": password}})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["user"]["token"]


def check_answer(response, method, path):
    """Check any answer to `method` `path`: documented operations by their schema."""
    __tracebackhide__ = True
    method = method.upper()
    if (not path.startswith(API_PREFIX + "/") or method in UNCHECKED_METHODS
            or path.split("?", 1)[0] in UNCHECKED_PATHS):
        return
    template = path_template(path)
    if template is not None and operation(method, template):
        assert_conforms(response, method, template)
    else:
        assert response.status_code in UNDOCUMENTED_STATUSES, (
            f"{method} {path} is not in the document but answered {response.status_code}"
        )
        assert_error_shape(response)
