"""Members' profiles, following members, a member's Atom feed, your reading list and dashboard."""

from flask import Blueprint, abort, flash, jsonify, render_template, request
from flask_login import current_user, login_required

from ..domain import (
    accounts,
    dashboard,
    follows,
    listing,
    moderation_log,
    mutes,
    permissions,
    shown_profile,
    tags,
)
from ..domain.errors import FieldError
from ..feed.atom import atom_feed
from ..web.answers import answer_toggle
from ..web.errors import wants_json
from ..web.pagination import requested_page
from ..web.urls import redirect_back
from ..web.write_limits import limit_writes

bp = Blueprint("profile", __name__)


def member_or_404(username):
    """The member, or 404 when there is none or they are not to be seen (can_see_member)."""
    member = accounts.find_by_username(username)
    if member is None or not permissions.can_see_member(current_user, member):
        abort(404)
    return member


@bp.route("/@<username>")
def show(username):
    shown = shown_profile.profile_shown(username, current_user)
    if shown is None:
        abort(404)
    member = shown.member
    is_own = current_user.is_authenticated and current_user.id == member.id
    return render_template(
        "profile/show.html",
        member=member,
        is_own=is_own,
        following=shown.following,
        muted=not is_own and mutes.is_muting(current_user, member),
        followers_count=shown.followers_count,
        following_count=shown.following_count,
        page=listing.article_page(listing.by_author(member), current_user, requested_page()),
        hidden_articles=moderation_log.hidden_articles_of(member) if is_own else (),
        # Which tags a member reads is theirs to know: shown on their own profile only.
        followed_tags=tags.followed_by(member) if is_own else (),
    )


def _toggle(username, change):
    """Apply `change` (follow, mute ...) of the current member to `username`'s account.

    The answer buttons.js reads (JSON), or back to the page; a change that makes no
    sense (following or muting yourself) is a 422 with the field, or a flash.
    """
    member = member_or_404(username)
    try:
        state = change(current_user._get_current_object(), member)
    except FieldError as error:
        if wants_json():
            return jsonify(errors={error.field: [error.message]}), 422
        flash(error.message, "error")
        return redirect_back("profile.show", username=member.username)
    return answer_toggle(state, "profile.show", username=member.username)


@bp.route("/@<username>/follow", methods=["POST"])
@login_required
@limit_writes("follow")
def follow(username):
    return _toggle(username, follows.follow)


@bp.route("/@<username>/unfollow", methods=["POST"])
@login_required
def unfollow(username):
    return _toggle(username, follows.unfollow)


@bp.route("/@<username>/mute", methods=["POST"])
@login_required
@limit_writes("follow")  # mutes share the follows' budget
def mute(username):
    return _toggle(username, mutes.mute)


@bp.route("/@<username>/unmute", methods=["POST"])
@login_required
def unmute(username):
    return _toggle(username, mutes.unmute)


@bp.route("/@<username>/feed.atom")
def atom(username):
    member = member_or_404(username)
    articles = listing.feed_entries(listing.by_author(member))
    return atom_feed(
        member.name, articles, "profile.show", "profile.atom", username=member.username
    )


@bp.route("/reading-list")
@login_required
def reading_list():
    page = listing.article_page(
        listing.reading_list(current_user), current_user, requested_page()
    )
    return render_template("profile/reading_list.html", page=page)


@bp.route("/dashboard", endpoint="dashboard")
@login_required
def dashboard_page():
    """My drafts (?tab=drafts, the default) or my published articles, with their counts."""
    board = dashboard.dashboard(current_user, request.args.get("tab"), requested_page())
    return render_template("profile/dashboard.html", board=board)
