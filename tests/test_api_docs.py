"""The API's OpenAPI document, /api/openapi.json, /api/docs, and the contract checker."""

import json
import re

import pytest
from api_contract import (
    ApiClient,
    assert_conforms,
    path_template,
    response_schema_pointer,
    validator_at,
)
from flask import Response
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from blog.api.openapi import document

# Served next to the API but not part of it: they describe it.
ABOUT_THE_API = {"/api/openapi.json", "/api/docs"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
ASSET_URL_PATTERN = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"')
ARTICLE_IN_LIST = {
    "slug": "hello", "title": "Hello", "description": "", "tagList": [],
    "createdAt": "2026-01-31T09:30:00.000Z", "updatedAt": "2026-01-31T09:30:00.000Z",
    "favorited": False, "favoritesCount": 0,
    "author": {"username": "ada", "bio": "", "image": "", "following": False},
}


def _operations_of_the_app(app):
    """{(METHOD, /path/{}) ...} for every /api rule, parameters written {}."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in ABOUT_THE_API:
            continue
        path = re.sub(r"<[^>]+>", "{}", rule.rule.removeprefix("/api"))
        found |= {(method, path) for method in rule.methods - IGNORED_METHODS}
    return found


def _operations_of_the_document():
    found = set()
    for path, methods in document()["paths"].items():
        found |= {(method.upper(), re.sub(r"\{[^}]+\}", "{}", path)) for method in methods}
    return found


def _json(body, status=200):
    return Response(json.dumps(body), status=status, mimetype="application/json")


def test_document_is_valid_openapi_3_1():
    spec = document()
    assert spec["openapi"].startswith("3.1")
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_document_lists_exactly_the_api_routes(app):
    assert _operations_of_the_app(app) == _operations_of_the_document()
    assert len(_operations_of_the_document()) == 20  # the RealWorld 19, and POST /uploads


def test_every_operation_has_an_id_a_summary_and_a_success_answer():
    ids = []
    for methods in document()["paths"].values():
        for op in methods.values():
            ids.append(op["operationId"])
            assert op["summary"]
            assert any(status.startswith("2") for status in op["responses"])
    assert len(ids) == len(set(ids))


def test_examples_in_the_document_follow_its_own_schemas():
    components = document()["components"]
    checked = set()
    for section in ("requestBodies", "responses"):
        for name, item in components[section].items():
            media = item.get("content", {}).get("application/json", {})
            if "example" in media:
                pointer = f"/components/{section}/{name}/content/application~1json/schema"
                validator_at(pointer).validate(media["example"])
                checked.add(section + "/" + name)
    # /api/docs shows every JSON request body by its example (an upload's is curl's -F).
    assert {f"requestBodies/{name}" for name, body in components["requestBodies"].items()
            if "application/json" in body["content"]} <= checked
    assert "responses/Unauthorized" in checked


def test_openapi_json_is_the_document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == document()


def test_served_document_tells_this_sites_list_bounds(make_app):
    app = make_app(API_MAX_LIMIT=50, API_MAX_OFFSET=500)
    parameters = app.test_client().get("/api/openapi.json").get_json()["components"]["parameters"]
    assert parameters["offset"]["schema"]["maximum"] == 500
    assert "more than 50 means 50" in parameters["limit"]["description"]


def test_docs_page_lists_every_operation_without_outside_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path, methods in document()["paths"].items():
        assert f"<code>{path}</code>" in html
        for op in methods.values():
            assert f'id="{op["operationId"]}"' in html
    assets = ASSET_URL_PATTERN.findall(html)
    assert "/static/api-docs.css" in assets
    assert not [url for url in assets if url.startswith(("http:", "https:", "//"))]
    assert "<style" not in html and " style=" not in html
    assert "curl -X POST http://localhost/api/users/login" in html


# --- the contract checker that the API tests rely on ------------------------------


def test_path_templates_prefer_literal_paths():
    assert path_template("/api/articles/feed?limit=5") == "/articles/feed"
    assert path_template("/articles/hello-world") == "/articles/{slug}"
    assert path_template("/api/articles/hello/comments/7") == "/articles/{slug}/comments/{id}"
    assert path_template("/api/nowhere") is None


def test_contract_accepts_a_documented_answer():
    assert_conforms(_json({"articles": [ARTICLE_IN_LIST], "articlesCount": 1}),
                    "GET", "/articles")
    assert response_schema_pointer("DELETE", "/articles/{slug}", 204) is None


@pytest.mark.parametrize(
    ("body", "status", "complaint"),
    [
        ({"articles": [{**ARTICLE_IN_LIST, "body": "x"}], "articlesCount": 1}, 200,
         "Additional properties"),
        ({"articles": [{**ARTICLE_IN_LIST, "createdAt": "2026-01-31 09:30"}],
          "articlesCount": 1}, 200, "does not match"),
        ({"articles": [{**ARTICLE_IN_LIST, "author": {"username": "ada"}}],
          "articlesCount": 1}, 200, "is a required property"),
        ({"errors": {"body": "not a list"}}, 422, "is not of type 'array'"),
        ({"errors": {}}, 500, "does not list"),
    ],
)
def test_contract_rejects_answers_that_break_the_document(body, status, complaint):
    with pytest.raises(AssertionError, match=complaint):
        assert_conforms(_json(body, status), "GET", "/articles")


def test_api_client_checks_unknown_addresses_answer_an_error(client):
    api = ApiClient(client.client)
    assert api.get("/api/nowhere").status_code == 404
    assert api.request("PATCH", "/api/articles").status_code == 405
    assert api.get("/api/docs").status_code == 200


def test_api_client_fails_a_test_on_an_undocumented_answer(client, monkeypatch):
    api = ApiClient(client.client)
    monkeypatch.setitem(client.application.config, "API_MAX_LIMIT", "not a number")
    with pytest.raises(AssertionError, match="answered 500, which the document does not list"):
        api.get("/api/articles")


def test_every_page_links_to_the_api_docs(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/api/docs">JSON API</a>' in html
