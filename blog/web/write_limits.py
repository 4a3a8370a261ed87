"""Limits on writing: how many articles, comments, likes and follows one member may create.

One budget per kind of write, shared by the pages and the API: a comment
posted on the page and one posted through the API count against the same
limit. Two limits on each: per member, where only writes that went through
count (a comment refused for being empty does not), and per IP address,
where every attempt counts, so a flood of refused requests is bounded too.
A limit hit answers 429: an error page, the buttons' JSON, or the API's
{"errors": {"body": [...]}} (blog/web/errors.py), with a Retry-After header.

The limits are settings (blog/config.py, "Limits on writing"), read when a
request is checked. Only creating counts: unliking, unfollowing, editing
and deleting do not add anything to the site.

Newcomers (blog.domain.newcomers) have lower limits on articles and comments
for their first days, and a budget of links: each link in what they post
spends one.
"""

from flask import current_app, request
from flask_login import current_user

from ..domain import newcomers
from ..extensions import limiter
from .limits import limit, refunded_unless

# kind of write: (its limit per member, its limit per IP address, a newcomer's, or None)
KINDS = {
    "article": ("RATELIMIT_ARTICLES_PER_MEMBER", "RATELIMIT_ARTICLES_PER_IP",
                "RATELIMIT_ARTICLES_PER_NEW_MEMBER"),
    "comment": ("RATELIMIT_COMMENTS_PER_MEMBER", "RATELIMIT_COMMENTS_PER_IP",
                "RATELIMIT_COMMENTS_PER_NEW_MEMBER"),
    # Likes (favorites in the API) and bookmarks.
    "reaction": ("RATELIMIT_REACTIONS_PER_MEMBER", "RATELIMIT_REACTIONS_PER_IP", None),
    # Following (and muting) members and tags.
    "follow": ("RATELIMIT_FOLLOWS_PER_MEMBER", "RATELIMIT_FOLLOWS_PER_IP", None),
    # Edits of articles, comments and profiles: each one changes public pages (and moves
    # the page cache's clock), so a flood of edits would cost every reader.
    "edit": ("RATELIMIT_EDITS_PER_MEMBER", "RATELIMIT_EDITS_PER_IP", None),
    # A saved draft's words kept as its author types (the editor's script, every few seconds).
    "autosave": ("RATELIMIT_AUTOSAVES_PER_MEMBER", "RATELIMIT_AUTOSAVES_PER_IP", None),
    # The Preview tabs of the article and comment editors: they save nothing, but render.
    "preview": ("RATELIMIT_PREVIEWS_PER_MEMBER", "RATELIMIT_PREVIEWS_PER_IP", None),
    # Reports of articles, comments and members to the moderators.
    "report": ("RATELIMIT_REPORTS_PER_MEMBER", "RATELIMIT_REPORTS_PER_IP", None),
    # Importing Markdown files as drafts: one import, up to IMPORT_MAX_FILES articles.
    "import": ("RATELIMIT_IMPORTS_PER_MEMBER", "RATELIMIT_IMPORTS_PER_IP",
               "RATELIMIT_IMPORTS_PER_NEW_MEMBER"),
    # Asking for a zip of everything one wrote (built in the background, emailed).
    "export": ("RATELIMIT_EXPORTS_PER_MEMBER", "RATELIMIT_EXPORTS_PER_IP", None),
    # Pictures (profile pictures, covers, images in articles): pages and API.
    "upload": ("RATELIMIT_UPLOADS_PER_MEMBER", "RATELIMIT_UPLOADS_PER_IP", None),
    # Invitation links, while sign-ups are by invitation only.
    "invite": ("RATELIMIT_INVITES_PER_MEMBER", "RATELIMIT_INVITES_PER_IP", None),
}


def went_through(response):
    """A write that was done: any answer but an error (None: the view raised one)."""
    return response is not None and response.status_code < 400


def redirected(response):
    """A page's form that was saved redirects; a preview or a refused form answers 200 or 422."""
    return response is not None and response.status_code == 302


def _page_member():
    return current_user


def undoing():
    """A button that takes something back (unlike, unbookmark) creates nothing."""
    return (request.view_args or {}).get("action", "").startswith("un")


def no_picture_sent():
    """A form with a file field left empty uploads nothing."""
    return not any(sent.filename for sent in request.files.values())


def uploading_image():
    """The editor's "Upload image" (without JavaScript) adds to the form, saves no article."""
    return "upload_image" in request.form


def previewing():
    """The editor's Preview saves nothing."""
    return "preview" in request.form


def submitted_text():
    """The body a page's form or an API request brings (an article's or a comment's)."""
    if request.is_json:
        data = request.get_json(silent=True)
        inner = next(iter(data.values()), None) if isinstance(data, dict) and data else None
        body = inner.get("body") if isinstance(inner, dict) else None
        return body if isinstance(body, str) else ""
    return request.form.get("body", "")


def limit_writes(kind, member=_page_member, counted=went_through, exempt=lambda: False,
                 methods=("POST",)):
    """Decorate a view that creates (or edits) a `kind` of thing with its two limits.

    Only requests of `methods` count (POST, or the API's PUT for an edit).

    Put it under the decorator that requires a member (login_required, or
    the API's writer_required), so that `member` (the page's logged-in
    member unless given) is known. `counted` says which answers count per
    member; `exempt` tells requests of the view that create nothing.

    The member's limit is spent before the view runs, in one atomic step, and
    given back when the answer does not count: requests sent at once cannot
    all pass a check made before any of them is counted.
    """
    per_member, per_ip, per_newcomer = KINDS[kind]
    member_scope, links_scope = f"write-{kind}-member", "write-links-newcomer"

    def member_key():
        return f"member:{member().id}"

    def member_limit():
        newcomer = per_newcomer and newcomers.is_newcomer(member())
        return current_app.config[per_newcomer if newcomer else per_member]

    def links_exempt():
        # Words alone spend nothing (and are never refused for links spent before).
        return (exempt() or not newcomers.count_links(submitted_text())
                or not newcomers.is_newcomer(member()))

    def decorate(view):
        view = refunded_unless(counted, {member_scope, links_scope})(view)
        if per_newcomer:
            # Each link a newcomer posts spends one from their budget of links.
            view = limiter.shared_limit(
                limit("RATELIMIT_LINKS_PER_NEW_MEMBER"), scope=links_scope,
                key_func=member_key, methods=list(methods), exempt_when=links_exempt,
                cost=lambda: newcomers.count_links(submitted_text()),
            )(view)
        view = limiter.shared_limit(
            member_limit, scope=member_scope, key_func=member_key,
            methods=list(methods), exempt_when=exempt,
        )(view)
        return limiter.shared_limit(
            limit(per_ip), scope=f"write-{kind}-ip", methods=list(methods), exempt_when=exempt,
        )(view)

    return decorate
