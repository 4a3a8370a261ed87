"""The home page with its tabs, tag pages, and the Atom feeds of the site and of a tag."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import follows, listing, mutes
from ..extensions import login_manager
from ..web.answers import answer_toggle
from ..web.pagination import requested_page
from ..web.write_limits import limit_writes
from .atom import atom_feed

bp = Blueprint("feed", __name__)

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


def tab_statement(tab, period, page_number):
    if tab == "following":
        return listing.following(current_user, page_number * listing.PER_PAGE + 1)
    if tab == "top":
        return listing.top(period)
    return listing.latest()


@bp.route("/")
def index():
    tab = chosen_tab()
    if tab == "following" and not current_user.is_authenticated:
        return login_manager.unauthorized()
    period = chosen_period() if tab == "top" else None
    number = listing.page_number(requested_page())
    statement = mutes.without_muted(tab_statement(tab, period, number), current_user)
    page = listing.article_page(statement, current_user, number)
    return render_template(
        "feed/index.html", tab=tab, period=period, periods=listing.TOP_PERIODS, page=page
    )


# --- tags ------------------------------------------------------------------------------


def tag_or_404(name):
    tag = listing.tag_named(name)
    if tag is None:
        abort(404)
    return tag


@bp.route("/t/<name>")
def tag(name):
    tag = tag_or_404(name)
    if name != tag.name:
        return redirect(url_for("feed.tag", name=tag.name, page=request.args.get("page")), 301)
    return render_template(
        "feed/tag.html",
        tag=tag,
        following=follows.is_following_tag(current_user, tag),
        muted=mutes.is_muting_tag(current_user, tag),
        followers_count=follows.tag_followers_count(tag),
        page=listing.article_page(mutes.without_muted(listing.tagged(tag), current_user, tag),
                                  current_user, requested_page()),
    )


@bp.route("/t/<name>/follow", methods=["POST"])
@login_required
@limit_writes("follow")
def follow_tag(name):
    tag = tag_or_404(name)
    state = follows.follow_tag(current_user._get_current_object(), tag)
    return answer_toggle(state, "feed.tag", name=tag.name)


@bp.route("/t/<name>/unfollow", methods=["POST"])
@login_required
def unfollow_tag(name):
    tag = tag_or_404(name)
    state = follows.unfollow_tag(current_user._get_current_object(), tag)
    return answer_toggle(state, "feed.tag", name=tag.name)


@bp.route("/t/<name>/mute", methods=["POST"])
@login_required
@limit_writes("follow")
def mute_tag(name):
    tag = tag_or_404(name)
    state = mutes.mute_tag(current_user._get_current_object(), tag)
    return answer_toggle(state, "feed.tag", name=tag.name)


@bp.route("/t/<name>/unmute", methods=["POST"])
@login_required
def unmute_tag(name):
    tag = tag_or_404(name)
    state = mutes.unmute_tag(current_user._get_current_object(), tag)
    return answer_toggle(state, "feed.tag", name=tag.name)


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
