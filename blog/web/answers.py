"""How a button's POST is answered: JSON for our script, a redirect for a plain form.

The Like, Bookmark and Follow buttons are ordinary forms. Without JavaScript
the browser posts them and is sent back to the page it was on. With
JavaScript, static/js/buttons.js posts the same form with fetch() and
`Accept: application/json`, and updates the button from the JSON it gets.
"""

from dataclasses import asdict

from flask import jsonify

from .errors import wants_json
from .urls import redirect_back


def answer_toggle(state, default_endpoint="feed.index", **values):
    """`state` (a dataclass such as LikeState) as JSON, or a redirect back to the page."""
    if wants_json():
        return jsonify(asdict(state))
    return redirect_back(default_endpoint, **values)
