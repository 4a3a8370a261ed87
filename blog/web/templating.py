"""Filters and helpers the templates use."""

import functools
import json
import re
import zlib
from collections import ChainMap
from dataclasses import dataclass

from flask import g, request, url_for
from flask.templating import Environment
from flask_login import current_user
from markupsafe import Markup, escape

from ..domain import dashboard
from ..domain.images import small_copy
from .buttons import reaction_buttons, toggle_button
from .fragments import (
    CSRF_HOLE,
    card_key,
    card_list,
    comment_shower,
    fragment,
    with_csrf,
)

BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
            ("HeadlessChrome/", "Headless Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
SYSTEMS = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]


def device_name(user_agent):
    """'Firefox on Linux' from a User-Agent string; good enough to recognise a device."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    short = re.split(r"[\s/]", user_agent.strip(), maxsplit=1)[0]
    return short or "Unknown device"


def client_name(user_agent):
    """What an API client calls itself: 'ConduitReader/2.1', 'curl/8.5.0', or a browser's device.

    A front end running in a browser sends the browser's User-Agent; an app
    or script names itself in the first word of its own.
    """
    if not user_agent.strip() or user_agent.startswith("Mozilla/"):
        return device_name(user_agent)
    return user_agent.strip().split(maxsplit=1)[0][:40]


def format_datetime(value):
    """A UTC time as people read it."""
    return value.strftime("%-d %b %Y, %H:%M UTC") if value else ""


def pretty_json(value):
    """Data shown to a reader as indented JSON, with its own characters (“, •), not \\u escapes.

    The result is plain text: autoescaping makes it safe in HTML, as for any string.
    """
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def is_visitor():
    """True for someone not logged in (a global: imported macros see no request context)."""
    return not current_user.is_authenticated


def this_page():
    """The path and query of the page being shown: where "log in and come back" returns."""
    return request.full_path.rstrip("?")


def toggles_shared():
    """What every Like, Bookmark and Follow button of a page has alike, worked out once."""
    return {"visitor": is_visitor(), "login_url": url_for("auth.login"), "back": this_page()}


def _header_counts():
    # The bell's number and the menu's drafts, once a request: read with the session
    # (blog.web.login), else (a member logged in by this very request) asked here.
    if "header_counts" not in g:
        resumed = getattr(current_user, "resumed_with", None)
        g.header_counts = tuple(resumed) if resumed else dashboard.header_counts(current_user)
    return g.header_counts


def my_drafts_count():
    """The logged-in member's number of drafts, for the navigation (0 for visitors)."""
    return _header_counts()[1] if current_user.is_authenticated else 0


def unread_notifications():
    """The bell's number for the member; None for visitors, whose pages are kept and
    shared and so must not depend on who asks."""
    return _header_counts()[0] if current_user.is_authenticated else None


def header_number(count):
    """A number of the header (drafts, unread notifications) as shown: each is counted up
    to one past blog.domain.dashboard.HEADER_CAP, and shown as "99+" beyond the cap."""
    return str(count) if count <= dashboard.HEADER_CAP else f"{dashboard.HEADER_CAP}+"


HOLE = "__value__"


def url_before(endpoint, name):
    """The address of `endpoint` up to its `name`: "/articles/" for ("article.show", "slug").

    A list adds each row's value to it rather than building every address
    (url_for was the costliest call of a list page). Only for values an address
    carries as they are: slugs, usernames and tag names ([a-zA-Z0-9_-]).
    """
    before, found, after = url_for(endpoint, **{name: HOLE}).partition(HOLE)
    if not found or after:
        raise ValueError(f"the address of {endpoint} does not end with its {name}")
    return before


_built_urls = {}
BUILT_URLS_KEPT = 4096


def template_url_for(endpoint, **values):
    """url_for as templates call it, each address built once per process.

    A page asks for 20 to 40 addresses (the navigation's alone are 20), the same
    on every page. Only plain ones are kept: a named endpoint with str or int
    values and no _external, _anchor or _scheme; the key has the script root,
    the one part of the request that a path depends on (no app here adds URL defaults).
    """
    if endpoint.startswith(".") or not all(
            type(value) in (str, int) and not name.startswith("_")
            for name, value in values.items()):
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *values.items())
    address = _built_urls.get(key)
    if address is None:
        address = url_for(endpoint, **values)
        if len(_built_urls) >= BUILT_URLS_KEPT:
            _built_urls.clear()  # made-up slugs cannot grow it; the next pages refill it
        _built_urls[key] = address
    return address


# Backgrounds for the default avatars: each passes WCAG AA (4.5:1) under white initials.
FACE_COLOURS = ("#b42318", "#b54708", "#8a5a00", "#4f7a12", "#1a7f37", "#0f766e",
                "#0b6e8a", "#1f5fbf", "#4338ca", "#7a2fbf", "#a3219f", "#b4235f")


@dataclass(frozen=True)
class Face:
    """A member's default avatar: up to two initials on a colour of their own."""

    initials: str
    colour: str


def face_of(member):
    """The default avatar of `member`, from their name: the same on every page, every day.

    The colour follows the username (which never changes), the initials the name shown.
    """
    return _face(member.name, member.username)


@functools.lru_cache(maxsize=4096)
def _face(name, username):
    # Worked out once per name in this process: a list page draws 20 to 40 faces, and
    # a name changes rarely (a new name is a new key; the old one ages out).
    words = [word for word in re.split(r"[\s._-]+", name) if word]
    initials = "".join(word[0] for word in words[:2]) or username[:1]
    colour = FACE_COLOURS[zlib.crc32(username.lower().encode()) % len(FACE_COLOURS)]
    return Face(initials.upper(), colour)


def html_attributes(values):
    """` name="value"` for each item: Jinja's xmlattr without its per-name checks.

    A list page writes a form per button (40 on the home page) and xmlattr was
    a measurable share of it. The names come from our templates, never from
    input; the values are escaped.
    """
    # Markup.format would escape the same way at three times the cost of xmlattr.
    written = "".join([f' {name}="{escape(value)}"' for name, value in values.items()])
    return Markup(written)  # noqa: S704 - every value escaped on the line above


class _Globals(ChainMap):
    """A template's globals over the environment's, as Jinja keeps them, with a quick keys().

    At each `{% from ... import %}` Jinja subtracts the imported template's keys from
    the page's; ChainMap's own view looked each key up in both maps, one by one: 150 µs
    of a 2.5 ms page (five imports), 18 µs with the keys read at once. Globals are all
    registered before the first page, as Jinja asks, so nothing goes stale.
    """

    def keys(self):
        return set(self)


class SiteEnvironment(Environment):
    """Flask's Jinja environment, with _Globals for each template."""

    def make_globals(self, d):
        return _Globals({} if d is None else d, self.globals)


def init_app(app):
    """Register the filters and helpers."""
    app.add_template_global(template_url_for, "url_for")
    app.add_template_filter(html_attributes, "html_attributes")
    app.add_template_global(fragment, "fragment")
    app.add_template_global(with_csrf, "with_csrf")
    app.add_template_global(comment_shower, "comment_shower")
    app.add_template_global(card_key, "card_key")
    app.add_template_global(card_list, "card_list")
    app.add_template_global(CSRF_HOLE, "CSRF_HOLE")
    app.add_template_global(toggle_button, "toggle_button")
    app.add_template_global(reaction_buttons, "reaction_buttons")
    app.add_template_global(face_of, "face_of")
    app.add_template_global(small_copy, "small_copy")
    app.add_template_global(is_visitor, "is_visitor")
    app.add_template_global(this_page, "this_page")
    app.add_template_global(toggles_shared, "toggles_shared")
    app.add_template_global(url_before, "url_before")
    app.add_template_global(my_drafts_count, "my_drafts_count")
    app.add_template_global(unread_notifications, "unread_notifications")
    app.add_template_filter(pretty_json, "pretty_json")
    app.add_template_filter(header_number, "header_number")
    app.add_template_filter(device_name, "device_name")
    app.add_template_filter(client_name, "client_name")
    app.add_template_filter(format_datetime, "datetime")
