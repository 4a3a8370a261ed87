"""The home page with its tabs, the list of tags, tag pages, and the site's and tags' Atom feeds."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import following_feed, follows, listing, mutes, shown_tag, site, tags
from ..domain.welcome import suggestions_for
from ..extensions import login_manager
from ..web.answers import answer_toggle
from ..web.pagination import requested_page
from ..web.write_limits import limit_writes
from .atom import atom_feed, xml_chars

bp = Blueprint("feed", __name__)
bp.add_app_template_filter(xml_chars, "xml_chars")  # the Atom feeds' (here and profiles')

TABS = ("following", "latest", "top")
DEFAULT_PERIOD = "week"


def chosen_tab():
    """?tab= when it names a tab, else Following for members and Latest for visitors."""
    tab = request.args.get("tab")
    if tab in TABS:
        return tab
    return "following" if current_user.is_authenticated else "latest"


def chosen_period():
    """?period= for the Top tab, a week unless it names another period."""
    period = request.args.get("period")
    return period if period in listing.TOP_PERIODS else DEFAULT_PERIOD


def tab_list(tab, period, page_number):
    """The Listed of a home tab, without what the reader muted."""
    if tab == "following":  # leaves out what they muted itself
        return following_feed.following(current_user, page_number * listing.PER_PAGE + 1)
    listed = listing.top(period) if tab == "top" else listing.Listed(listing.latest(), {})
    return listing.unmuted(listed, current_user)


@bp.route("/")
def index():
    tab = chosen_tab()
    if tab == "following" and not current_user.is_authenticated:
        return login_manager.unauthorized()
    period = chosen_period() if tab == "top" else None
    number = listing.page_number(requested_page())
    page = listing.article_page(tab_list(tab, period, number), current_user, number)
    return render_template(
        "feed/index.html", tab=tab, period=period, periods=listing.TOP_PERIODS, page=page
    )


@bp.route("/welcome")
@login_required
def welcome():
    """Where a new member lands once their address is confirmed: what to follow, then the feed."""
    return render_template("feed/welcome.html", offer=suggestions_for(current_user))


# --- tags ------------------------------------------------------------------------------


def tag_or_404(name):
    tag = listing.tag_named(name)
    if tag is None:
        abort(404)
    return tag


@bp.route("/tags")
def tag_list():
    """Every tag with published articles: popular first, or by name with ?sort=name."""
    board = tags.directory(request.args.get("sort"), requested_page(), current_user)
    return render_template("feed/tags.html", board=board)


@bp.route("/t/<name>")
def tag(name):
    shown = shown_tag.tag_shown(name, current_user)
    if shown is None:
        if not tags.is_valid_name(name):
            abort(404)
        # A tag nobody used yet: a page that says so (a link may go round before the first article).
        if name != name.lower():
            return redirect(url_for("feed.tag", name=name.lower()), 301)
        empty = listing.Page([], 1, False)
        return render_template("feed/tag.html", tag=None, name=name, page=empty)
    tag = shown.tag
    if name != tag.name:
        return redirect(url_for("feed.tag", name=tag.name, page=request.args.get("page")), 301)
    return render_template(
        "feed/tag.html",
        tag=tag,
        name=tag.name,
        following=shown.following,
        muted=mutes.is_muting_tag(current_user, tag),
        followers_count=shown.followers_count,
        page=listing.article_page(listing.unmuted(listing.tagged(tag), current_user, tag),
                                  current_user, requested_page()),
    )


def _toggle(name, change):
    """Apply `change` (follow, mute ...) of the current member to the tag `name`."""
    tag = tag_or_404(name)
    state = change(current_user._get_current_object(), tag)
    return answer_toggle(state, "feed.tag", name=tag.name)


@bp.route("/t/<name>/follow", methods=["POST"])
@login_required
@limit_writes("follow")
def follow_tag(name):
    return _toggle(name, follows.follow_tag)


@bp.route("/t/<name>/unfollow", methods=["POST"])
@login_required
def unfollow_tag(name):
    return _toggle(name, follows.unfollow_tag)


@bp.route("/t/<name>/mute", methods=["POST"])
@login_required
@limit_writes("follow")
def mute_tag(name):
    return _toggle(name, mutes.mute_tag)


@bp.route("/t/<name>/unmute", methods=["POST"])
@login_required
def unmute_tag(name):
    return _toggle(name, mutes.unmute_tag)


# --- Atom feeds ------------------------------------------------------------------------


@bp.route("/feed.atom")
def atom():
    articles = listing.feed_entries(listing.latest())
    return atom_feed(None, articles, "feed.index", "feed.atom")


@bp.route("/t/<name>/feed.atom")
def tag_atom(name):
    tag = tag_or_404(name)
    articles = listing.feed_entries(listing.tagged(tag))
    return atom_feed(f"#{tag.name}", articles, "feed.tag", "feed.tag_atom", name=tag.name)


# --- the admins' pages about the site ------------------------------------------------------


@bp.route("/about")
def about():
    return _site_page("About", site.current().about_html)


@bp.route("/code-of-conduct")
def code_of_conduct():
    return _site_page("Code of Conduct", site.current().conduct_html)


def _site_page(title, html):
    """A page the admins wrote (Markdown, sanitised when saved); 404 until they write it."""
    if not html:
        abort(404)
    return render_template("feed/site_page.html", title=title, html=html)


@bp.get("/favicon.ico")
def favicon():
    """The site's icon where a browser looks for it unasked (an Atom feed, a picture
    opened alone): pages name favicon.svg themselves."""
    return redirect(url_for("static", filename="favicon.svg"), 301)

