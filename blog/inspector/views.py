"""The flow inspector's pages: your recent requests, and the story of one.

Registered only while FLOW_INSPECTOR is on; off, /flow is a 404 like any
unknown address. Everything here is personal: no cache may keep it.
"""

import json
from dataclasses import asdict

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user

from .curl import as_curl
from .diagram import sequence_svg
from .masking import mask_mapping
from .recorder import BROWSER_COOKIE, ring
from .records import may_see
from .source import functions_that_ran, source_of

bp = Blueprint("flow", __name__, url_prefix="/flow")
BROWSER_HALF_FIELDS = {"click", "request", "answer", "before", "after", "took_ms"}


@bp.after_request
def personal(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def visible_records():
    browser = request.cookies.get(BROWSER_COOKIE)
    return [r for r in ring().newest_first() if may_see(r, browser, current_user)]


def record_or_404(record_id):
    record = ring().get(record_id)
    if record is None or not may_see(record, request.cookies.get(BROWSER_COOKIE), current_user):
        abort(404)
    return record


def public(record):
    """The record as its viewer may see it: never the secrets it masked with."""
    shown = asdict(record)
    shown.pop("secrets")
    shown.pop("browser")  # the cookie that shows these records: not for a screenshot
    return shown


@bp.get("")
def index():
    return render_template("inspector/index.html", records=visible_records())


@bp.get("/<record_id>")
def story(record_id):
    record = record_or_404(record_id)
    followed = [r for r in visible_records() if r.came_from == record.id and not r.replay]
    return render_template("inspector/story.html", record=record, followed=followed,
                           **drawn_and_explained(record, followed))


def drawn_and_explained(record, followed):
    """The story page's diagram, the code that ran (its source in development) and its curl."""
    with_source = current_app.config["BLOG_ENV"] == "development"
    code = functions_that_ran(record)
    for function in code:
        function["source"] = source_of(function) if with_source else []
    return {
        "diagram": sequence_svg(record, followed,
                                lambda next_record: url_for(".story", record_id=next_record.id)),
        "code_that_ran": code,
        "curl": as_curl(record, current_app.config["BASE_URL"]),
    }


@bp.get("/<record_id>.json")
def story_json(record_id):
    return jsonify(public(record_or_404(record_id)))


@bp.post("/<record_id>/browser")
def browser_half(record_id):
    """Our button script tells what it sent, what came back and what it changed on the page.

    The story comes as one JSON text in a field: pages take flat text fields
    only (blog/web/security.py), and this is a page like any other.
    """
    record = record_or_404(record_id)
    try:
        sent = json.loads((request.get_json(silent=True) or {}).get("story", ""))
    except ValueError:
        sent = None
    if not isinstance(sent, dict):
        abort(400)
    record.browser_half = mask_mapping(
        {key: sent[key] for key in BROWSER_HALF_FIELDS if key in sent}, record.secrets
    )
    return jsonify(ok=True)
