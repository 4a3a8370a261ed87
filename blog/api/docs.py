"""The API's own OpenAPI document and a page that reads it.

GET /api/openapi.json answers the document; GET /api/docs renders it as a
page of the site (no script: the same document, laid out for people).
"""

import json

from flask import current_app, jsonify, render_template

from ..domain.markdown import render_markdown
from ..domain.slugs import make_slug
from .blueprint import bp
from .openapi import document

METHOD_ORDER = ("get", "post", "put", "delete")
JSON = "application/json"
MULTIPART = "multipart/form-data"


def served_document():
    """The document with this site's list bounds."""
    config = current_app.config
    return document(max_limit=config["API_MAX_LIMIT"], max_offset=config["API_MAX_OFFSET"],
                    max_comments=config["API_MAX_COMMENTS"], max_count=config["API_MAX_COUNT"])


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(served_document())


@bp.get("/docs")
def docs():
    spec = served_document()
    # BASE_URL, not the request's Host: a client chooses that, and this page is shared.
    api_url = current_app.config["BASE_URL"].rstrip("/") + spec["servers"][0]["url"]
    return render_template(
        "api/docs.html",
        info=spec["info"],
        overview_html=render_markdown(spec["info"]["description"]),
        api_url=api_url,
        examples=curl_examples(spec, api_url),
        groups=operations_by_tag(spec),
    )


def curl_examples(spec, api_url):
    """[(what it does, curl command)] for a first session, with the document's own examples."""
    bodies = spec["components"]["requestBodies"]

    def example(name):
        return bodies[name]["content"][JSON]["example"]

    def curl(method, path, body=None, token=False):
        parts = [f"curl -X {method} {api_url}{path}"]
        if token:
            parts.append('-H "Authorization: Token $TOKEN"')
        if body:
            parts.append(f"-H 'Content-Type: {JSON}'")
            parts.append(f"-d '{json.dumps(example(body), ensure_ascii=False)}'")
        return " \\\n  ".join(parts)

    slug = make_slug(example("NewArticle")["article"]["title"])
    return [
        ("Register, then confirm the address from the email",
         curl("POST", "/users", "Registration")),
        ("Log in: the answer's user.token is the token", curl("POST", "/users/login", "Login")),
        ("Publish an article, with TOKEN set to that token",
         curl("POST", "/articles", "NewArticle", token=True)),
        ("Favorite it", curl("POST", f"/articles/{slug}/favorite", token=True)),
    ]


def operations_by_tag(spec):
    """[(tag, [operation, ...])] in the document's tag order, each operation ready to show."""
    groups = {tag["name"]: [] for tag in spec["tags"]}
    for path, methods in spec["paths"].items():
        for method in sorted(methods, key=METHOD_ORDER.index):
            op = methods[method]
            groups[op["tags"][0]].append(_shown(spec, method, path, op))
    return [(tag, ops) for tag, ops in groups.items() if ops]


def _shown(spec, method, path, op):
    body = _resolve(spec, op["requestBody"]) if "requestBody" in op else None
    return {
        "id": op["operationId"],
        "method": method.upper(),
        "path": path,
        "summary": op["summary"],
        "token": _token_need(op.get("security")),
        "parameters": [_resolve(spec, p) for p in op.get("parameters", [])],
        "body": _body(spec, body) if body else None,
        "responses": [
            {"status": status, **_answer(spec, response)}
            for status, response in op["responses"].items()
        ],
    }


def _token_need(security):
    if not security:
        return "no"
    return "optional" if {} in security else "required"


def _form_body(media):
    """A multipart body's fields (a picture upload), with curl's -F as its example."""
    schema = media["schema"]
    required = set(schema.get("required", ()))
    return {
        "root": None,
        "fields": [
            {"name": name, "type": "file" if field.get("format") == "binary" else field["type"],
             "required": name in required, "description": field.get("description", "")}
            for name, field in schema["properties"].items()
        ],
        "example": " ".join(
            f"-F {name}=@picture.png" if field.get("format") == "binary"
            else f"-F {name}={field.get('default', '')}"
            for name, field in schema["properties"].items()
        ),
    }


def _body(spec, body):
    """The request body's root name, its fields and an example."""
    if MULTIPART in body["content"]:
        return _form_body(body["content"][MULTIPART])
    media = body["content"][JSON]
    [(root, schema)] = media["schema"]["properties"].items()
    schema = _resolve(spec, schema)
    required = set(schema.get("required", ()))
    return {
        "root": root,
        "fields": [
            {"name": name, "type": _type_name(field), "required": name in required,
             "description": field.get("description", "")}
            for name, field in schema["properties"].items()
        ],
        "example": _pretty(media["example"]),
    }


def _type_name(schema):
    if schema["type"] == "array":
        return f"array of {schema['items']['type']}s"
    return schema["type"]


def _answer(spec, response):
    response = _resolve(spec, response)
    example = response.get("content", {}).get(JSON, {}).get("example")
    return {
        "description": response["description"],
        "example": json.dumps(example, ensure_ascii=False) if example else None,
    }


def _resolve(spec, node):
    """`node`, or what its $ref points to."""
    while "$ref" in node:
        node = _at(spec, node["$ref"])
    return node


def _at(spec, pointer):
    """The node at a local reference such as #/components/schemas/Article."""
    node = spec
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _pretty(value):
    return json.dumps(value, indent=2, ensure_ascii=False)
