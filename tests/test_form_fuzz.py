"""Every form route answers malformed input with a 2xx, 3xx or 4xx, never a 5xx.

The routes come from the app's URL map (every non-API rule that accepts POST),
and their fields from the forms the site's own pages render, so a new form is
fuzzed without touching this file. Each route gets: only the CSRF token, each
field missing in turn, every field doubled, hostile values, files, and JSON
with Accept: application/json. Deterministic and bounded: about a thousand
requests as a member and as many as a visitor, a few seconds each.
"""

import io
import json
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import AnyConverter

from blog.domain import accounts, comments, tokens
from blog.extensions import db
from blog.models import Article, Comment, LoginSession
from helpers import TEST_PASSWORD, Auth, FormClient

HOSTILE_VALUES = ["", "   ", "-1", "9" * 40, "x" * 20_000, "é😀\u202e\u200bمرحبا",
                  "<script>alert(1)</script>"]
JSON_VALUES = [None, -1, True, [], {"a": 1}, "x" * 20_000]
JSON_BODIES = [b"[]", b'"text"', b"{"]
SKIPPED_PREFIXES = ("/api", "/static", "/dev")


def sample_value(name):
    """A value a person might type into a field called `name`."""
    name = name.rsplit("-", 1)[-1]
    if "email" in name:
        return "fuzz-new@example.com"
    if "password" in name or name == "confirm":
        return TEST_PASSWORD
    if name == "login":
        return "fuzzer"
    if name == "username":
        return "newcomer"
    if "url" in name:
        return "https://example.org/picture.png"
    return "Fuzz " + name


class FormFields(HTMLParser):
    """The fields of every <form method="post"> of a page, by the path it posts to."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path = page_path
        self.forms = {}
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            action = urlsplit(attrs.get("action") or self.page_path).path
            self.current = self.forms.setdefault(action, {})
        elif tag in ("input", "textarea", "select", "button") and self.current is not None:
            name = attrs.get("name")
            if name and not name.endswith("csrf_token"):  # sent by send(), fresh
                self.current[name] = attrs.get("value") or sample_value(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


class World:
    """A member ("fuzzer") with an article, a comment and a login, rebuilt when a route ate them."""

    def __init__(self, make_member, make_article):
        self.make_member, self.make_article = make_member, make_article

    def ensure(self, client):
        db.session.expire_all()
        member = accounts.find_by_username("fuzzer") or self.make_member("fuzzer")
        other = accounts.find_by_username("other") or self.make_member("other")
        article = db.session.scalars(
            select(Article).where(Article.author_id == member.id, Article.slug == "fuzzed")
        ).first() or self.make_article(author=member, title="Fuzzed", tags="fuzz")
        comment = db.session.scalars(
            select(Comment).where(Comment.article_id == article.id, Comment.deleted_at.is_(None))
        ).first() or comments.add_comment(member, article, "A comment")
        if client is not None:
            Auth(client).login("fuzzer")
        login = db.session.scalars(
            select(LoginSession).where(LoginSession.user_id == member.id)
            .order_by(LoginSession.id.desc())
        ).first()
        return {
            "slug": article.slug, "comment_id": comment.id, "username": other.username,
            "name": "fuzz", "session_id": login.id if login else 1,
            "token": tokens.make_token("reset", member),
            "target_id": article.id, "action": "hide", "action_id": 1, "member_id": other.id,
            "invite_id": 1,
        }


def url_for_rule(rule, values):
    """The rule's path with `values` filled in; any(...) takes its first item."""
    arguments = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            arguments[name] = sorted(converter.items)[0]
        else:
            assert name in values, f"teach test_form_fuzz a value for <{name}> in {rule.rule}"
            arguments[name] = values[name]
    return rule.build(arguments, append_unknown=False)[1]


def fuzz_cases(fields):
    """(description, request kwargs) for one route whose good fields are `fields`."""
    yield "only the CSRF token", {"data": {}}
    for missing in fields:
        yield f"without {missing}", {"data": {k: v for k, v in fields.items() if k != missing}}
    doubled = MultiDict([(k, v) for k, v in fields.items()] + [(k, "other") for k in fields])
    yield "every field doubled", {"data": doubled}
    for value in HOSTILE_VALUES:
        yield f"every field {value[:20]!r}", {"data": dict.fromkeys(fields, value)}
    for value in HOSTILE_VALUES[::3]:  # as buttons.js asks: the errors as JSON
        yield f"every field {value[:20]!r}, JSON wanted", {
            "data": dict.fromkeys(fields, value), "headers": {"Accept": "application/json"}}
    files = {k: (io.BytesIO(b"\x00\xff" * 100), "x.bin") for k in fields}
    yield "files instead of fields", {"data": files, "content_type": "multipart/form-data"}
    yield "JSON of good fields", {"json_body": json.dumps(fields).encode()}
    for value in JSON_VALUES:
        yield f"JSON fields {value!r:.20}", {"json_body": json.dumps(dict.fromkeys(fields, value))}
    for body in JSON_BODIES:
        yield f"JSON body {body!r}", {"json_body": body}


def send(client, url, token, case):
    case = dict(case)
    headers = {**case.pop("headers", {}), "X-CSRFToken": token}
    if "json_body" in case:
        return client.post(url, data=case["json_body"], content_type="application/json",
                           headers={**headers, "Accept": "application/json"})
    data = case.pop("data")
    if isinstance(data, MultiDict):
        data = data.copy()
        data.add("csrf_token", token)
    else:
        data = {**data, "csrf_token": token}
    return client.post(url, data=data, headers=headers, **case)


def form_routes(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if "POST" in rule.methods and not rule.rule.startswith(SKIPPED_PREFIXES)),
        key=lambda rule: rule.rule,
    )


def harvest_fields(app, clients, values):
    """Fields by endpoint, from every form the site shows at a GET address to `clients`."""
    adapter = app.url_map.bind("localhost")
    fields = {}
    for client in clients:
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.rule.startswith(SKIPPED_PREFIXES):
                continue
            url = url_for_rule(rule, values)
            response = client.get(url)
            if response.mimetype != "text/html":
                continue
            parser = FormFields(urlsplit(url).path)
            parser.feed(response.get_data(as_text=True))
            for action, found in parser.forms.items():
                endpoint, _ = adapter.match(action, method="POST")
                fields.setdefault(endpoint, {}).update(found)
    return fields


@pytest.mark.parametrize("logged_in", [True, False], ids=["member", "visitor"])
def test_no_form_route_answers_5xx_to_malformed_input(
    app, make_member, make_article, logged_in
):
    world = World(make_member, make_article)
    member, visitor = FormClient(app.test_client()), FormClient(app.test_client())
    fields = harvest_fields(app, [member, visitor], world.ensure(member))
    assert {"auth.login", "settings.index", "article.new"} <= fields.keys()
    started, sent, failures = time.monotonic(), 0, []
    for rule in form_routes(app):
        client = FormClient(app.test_client())
        values = world.ensure(client if logged_in else None)
        url = url_for_rule(rule, values)
        token = client.csrf_token()
        for description, case in fuzz_cases(fields.get(rule.endpoint, {})):
            response = send(client, url, token, case)
            sent += 1
            if response.status_code >= 500:
                failures.append(f"POST {url} ({description}): {response.status_code}")
    assert not failures, "\n".join(failures)
    assert sent > 100
    assert time.monotonic() - started < 60
