"""The development mailbox: read what the site would have emailed.

Registered only outside production, so the route does not exist there.
"""

import re

from flask import Blueprint, abort, render_template
from markupsafe import Markup, escape
from sqlalchemy import select

from ..extensions import db
from ..models import OutboxEmail

bp = Blueprint("dev", __name__, url_prefix="/dev")

URL_PATTERN = re.compile(r"https?://[^\s<>\"']+")
PAGE_SIZE = 50


@bp.route("/mail")
def mailbox():
    messages = db.session.scalars(
        select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(PAGE_SIZE)
    ).all()
    return render_template("dev/mailbox.html", messages=messages)


@bp.route("/mail/<id:message_id>")
def message(message_id):
    email = db.session.get(OutboxEmail, message_id) or abort(404)
    return render_template("dev/message.html", email=email, body=linkify(email.text_body))


def linkify(text):
    """Escape the text and make its URLs clickable."""
    parts, last = [], 0
    for match in URL_PATTERN.finditer(text):
        parts.append(escape(text[last:match.start()]))
        url = escape(match.group(0))
        # Safe: url is escaped above, and the pattern stops at quotes and brackets.
        parts.append(Markup(f'<a href="{url}">{url}</a>'))  # noqa: S704
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
