"""/learn: a guided tour of one request's journey, with things to try and their stories.

Development only (BLOG_ENV=development with FLOW_INSPECTOR on, as on
`make run`): the page points at demo data and shows the demo password.
Anywhere else the blueprint is not registered, so /learn is a 404.
"""

import json
import shlex

from flask import Blueprint, current_app, render_template

from ..cli import DEMO_PASSWORD
from ..domain import listing
from ..domain.accounts import find_by_username
from ..extensions import db
from .views import personal, visible_records

bp = Blueprint("learn", __name__)
bp.after_request(personal)  # it lists your own requests: no cache may keep it
DEMO_MEMBER = "alice"
# Passwords sign-up refuses, and why: a common one, or (common ones allowed) a short one.
WEAK_PASSWORDS = {True: ("qwertyuiop", "It is too common"), False: ("abc", "It is too short")}
LIKE_ENDPOINT = "article.react"


def wanted(app):
    """Whether `app` gets the page: a development site with the inspector on."""
    return app.config["BLOG_ENV"] == "development" and bool(app.config["FLOW_INSPECTOR"])


@bp.app_context_processor
def learn_link():
    """Tells the bar and /flow that there is a /learn page to link to."""
    return {"learn_page": True}


def demo_article():
    """The newest published article, or None on an empty site."""
    return db.session.scalar(listing.latest().limit(1))


def latest_tries(records):
    """Your newest request of each kind the page suggests trying (None where not tried yet)."""
    tries = {
        "like": lambda r: r.endpoint == LIKE_ENDPOINT,
        "sign-up": lambda r: r.endpoint == "auth.register" and r.method == "POST",
        "api": lambda r: r.kind == "api",
        "any": lambda r: not (r.endpoint or "").startswith("learn."),
    }
    return {name: next((r for r in records if found(r)), None) for name, found in tries.items()}


def curl_lines(base_url, slug, demo_member):
    """The shell lines that get an API token and like `slug` with it."""
    api = f"{base_url.rstrip('/')}/api"
    if demo_member:
        intro = [f"# Log in as @{demo_member.username}: the answer holds a token"]
        path, user = "/users/login", {"email": demo_member.email, "password": DEMO_PASSWORD}
    else:
        intro = ["# Sign up: the answer holds a token. Writes need the email confirmed:",
                 "# open the link in the Dev mailbox first, or the like answers 403."]
        path, user = "/users", {"username": "learner", "email": "learner@example.org",
                                "password": "a long passphrase"}
    return "\n".join([
        "# Without a token the server does not know you: 401",
        f"curl -i -X POST {api}/articles/{slug}/favorite",
        "",
        *intro,
        f"TOKEN=$(curl -s -X POST {api}{path} -H 'Content-Type: application/json' \\",
        f"  -d {shlex.quote(json.dumps({'user': user}))} \\",
        "  | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"user\"][\"token\"])')",
        "# Like the article with it: 200 and the new count",
        f'curl -i -X POST {api}/articles/{slug}/favorite -H "Authorization: Token $TOKEN"',
    ])


@bp.get("/learn")
def page():
    article = demo_article()
    member = find_by_username(DEMO_MEMBER)
    return render_template(
        "inspector/learn.html", article=article, demo_member=member,
        demo_password=DEMO_PASSWORD,
        weak_password=WEAK_PASSWORDS[bool(current_app.config["REFUSE_COMMON_PASSWORDS"])],
        tries=latest_tries(visible_records()),
        curl=curl_lines(current_app.config["BASE_URL"], article.slug, member) if article else None,
    )
