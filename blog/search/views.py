"""/search?q=: articles, members or tags, one tab at a time (blog.domain.search and
blog.domain.name_search)."""

from flask import Blueprint, render_template, request

from ..domain import name_search, search
from ..extensions import limiter
from ..web.limits import limit
from ..web.pagination import requested_page

bp = Blueprint("search", __name__)

TABS = {"articles": "Articles", "members": "Members", "tags": "Tags"}
MAX_FILTER = 80  # longer than any tag or username: such a filter matches nothing anyway
TOO_MANY = "You have searched a lot in the last minutes. Please wait a minute and search again."


def _arg(name):
    return request.args.get(name, "").strip()[:MAX_FILTER] or None


@bp.route("/search")
@limiter.limit(limit("RATELIMIT_SEARCHES_PER_IP"), error_message=TOO_MANY)
def index():
    text = request.args.get("q", "")
    tab = request.args.get("tab")
    tab = tab if tab in TABS else "articles"
    number = requested_page()
    found = members = tags = None
    if tab == "members":
        members = name_search.members(text, number)
    elif tab == "tags":
        tags = name_search.tags(text, number)
    else:
        found = search.articles(text, number, _arg("tag"), _arg("author"))
    return render_template(
        "search/index.html", q=text, tab=tab, tabs=TABS, found=found, members=members,
        tags=tags, tag=_arg("tag"), author=_arg("author"),
    )
