"""Fuzz every /api operation from our OpenAPI document with schemathesis.

Schemathesis turns each operation of blog/api/openapi.py into a test and
sends it generated requests, valid and invalid, in-process (WSGI). An answer
fails the test when it is a 5xx, has a status the document does not list for
the operation, or a body that breaks the documented schema.

Requests carry the token of a verified member who wrote one article with a
comment; many generated slugs, usernames and ids are swapped for those real
ones (see aim), so requests reach past the 404s. Generation is seeded and bounded:
the same requests on every run, in about ten seconds a database.
"""

import contextvars
from dataclasses import dataclass

import pytest
import schemathesis
from flask import current_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from blog.api.auth import issue_token
from blog.api.openapi import document
from blog.domain.articles import create_article
from blog.domain.comments import add_comment
from blog.extensions import db
from blog.models import User

ARTICLE_TITLE = "Fuzzed article"
ARTICLE_SLUG = "fuzzed-article"
WRITER = "fuzz-writer"
FRIEND = "fuzz-friend"
REAL_PATH_VALUES = {"slug": ARTICLE_SLUG, "username": FRIEND}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict({
    "seed": 2026,
    "generation": {
        "max-examples": 25,
        "deterministic": True,
        "database": "none",
        # The test sends a real token; generated Authorization headers would only get 401s.
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
    "dictionaries": {
        "slugs": {"values": [ARTICLE_SLUG]},
        "usernames": {"values": [FRIEND, WRITER]},
    },
    "parameters": {
        "path.slug": {"dictionary": "slugs", "probability": 0.5},
        "path.username": {"dictionary": "usernames", "probability": 0.5},
    },
})

schema = schemathesis.openapi.from_dict(document(), config=CONFIG)


@dataclass
class Seeded:
    writer_id: int
    comment_id: int

    def headers(self):
        """A token for the writer as they are now (PUT /user may have changed their password)."""
        db.session.rollback()  # see what the requests committed, and hold no transaction open
        with current_app.test_request_context(headers={"User-Agent": "schemathesis"}):
            token = issue_token(db.session.get(User, self.writer_id))  # a login of its own
        db.session.rollback()
        return {"Authorization": f"Token {token}"}


@pytest.fixture
def seeded(app, make_member):
    """A verified writer with an article, a comment on it, and a friend to follow."""
    writer = make_member(WRITER)
    make_member(FRIEND)
    article = create_article(writer, ARTICLE_TITLE, "Read me", "Some *Markdown*.", "fuzz", "",
                             publish=True)
    assert article.slug == ARTICLE_SLUG
    comment = add_comment(writer, article, "First!")
    return Seeded(writer.id, comment.id)


def aim(case, comment_id):
    """Point generated path parameters at the seeded article, member and comment.

    The dictionaries in CONFIG swap half the generated slugs and usernames in
    the fuzzing phase. The coverage phase (boundary values, one part of the
    request at a time) keeps one placeholder for the other path parameters:
    those become the real ones. An even id on the real article becomes its comment's.
    """
    path = case.path_parameters
    if not path:
        return
    phase = case.meta.phase if case.meta else None
    if phase and phase.name == "coverage":
        mutated = phase.data.parameter if phase.data.parameter_location == "path" else None
        path.update({name: value for name, value in REAL_PATH_VALUES.items()
                     if name in path and name != mutated})
    if path.get("slug") == ARTICLE_SLUG and isinstance(path.get("id"), int) and path["id"] % 2 == 0:
        path["id"] = comment_id


@schema.parametrize()
# One app and database serve all the requests for an operation: what earlier
# requests changed is part of what later ones meet, as on a live site.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_every_generated_request_as_documented(case, app, seeded):
    aim(case, seeded.comment_id)
    # An empty context per request, as in FormClient: `g` must not outlive a request.
    contextvars.Context().run(
        case.call_and_validate, app=app, headers=seeded.headers(), checks=CHECKS
    )
