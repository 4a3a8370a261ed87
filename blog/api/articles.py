"""Articles, the feed, favorites and tags.

A RealWorld favorite is our like, an article's `body` is its Markdown and
its tagList our tags; articles made here are published at once. Lists take
a fixed number of SQL statements whatever `limit` is: the count, then the
page with authors and tags (and for a member, in the same statement, which
they like and whose authors they follow; a window past the first reads its
tags in a statement of its own). articlesCount says at most API_MAX_COUNT (10,000):
the whole site's and a tag's are numbers the writes keep (domain.published_counts),
the others are counted up to it, so each costs the same on a site of any size; the
count of a list every reader gets alike, and each member's feed's, is kept until the
site's content (or a mute) changes (web.page_cache.kept_count), so its statement runs
once per change.
"""

from urllib.parse import urlencode

from flask import current_app, jsonify, request

from ..domain import (
    articles,
    filtered_lists,
    following_feed,
    listing,
    mutes,
    reactions,
    shown_article,
    trending,
)
from ..web.page_cache import kept_count
from ..web.write_limits import limit_writes
from .auth import asking_user, token_required, writer_required
from .blueprint import bp
from .errors import ApiError, not_found
from .payload import read_payload, tag_list, text_fields, window_args
from .present import article_json


def article_or_404(slug, with_tags=True):
    """The article at `slug` if the asker may see it (drafts: only their author)."""
    article = articles.get_visible_article(slug, asking_user(), with_tags)
    if article is None:
        raise not_found("article")
    return article


def _one(article, status=200):
    reader = asking_user()
    liked, _bookmarked, following = reactions.marks(reader, article)
    return jsonify(article=article_json(article, favorited=liked, following=following)), status


def _reacted(slug, react):
    """Favorite or unfavorite (`react`, a rule of blog.domain.reactions) the article at
    `slug`, answered with the article as it is after: its count from the new LikeState.

    The article, its tags and whether the member follows its author are read in one
    statement before the write (blog.domain.shown_article), which changes neither."""
    reader = asking_user()
    shown = shown_article.article_shown(slug, reader)
    if shown is None:
        raise not_found("article")
    state = react(reader, shown.article)
    return jsonify(article=article_json(shown.article, favorited=state.liked,
                                        following=shown.following_author, tags=shown.tags))


def _many(listed, keys, kept_as=None):
    """A window of `listed`'s articles, and articlesCount: `keys` (a Listed) counted up to
    API_MAX_COUNT; with `kept_as` (the list's name) once per change of the site."""
    config = current_app.config
    limit, offset = window_args(config["API_MAX_LIMIT"], config["API_MAX_OFFSET"])
    reader = asking_user()
    cap = config["API_MAX_COUNT"]

    def count():
        return filtered_lists.count(keys, cap)

    if kept_as:
        # Named by what it counts: the keys' parameters (the filters' names in lower case,
        # or the member whose feed it is), encoded so that no value can pass for another
        # (?author=a%26tag%3Dx).
        name = urlencode(sorted({**keys.parameters, "at_most": cap}.items()))
        total = kept_count(f"articlesCount:{kept_as}?{name}", count)
    else:
        total = count()
    page = listing.article_page(listed, reader, per_page=limit, offset=offset,
                                authors_followed=True)
    return jsonify(
        articles=[
            article_json(
                article,
                favorited=article.id in page.liked_ids,
                following=article.author_id in page.followed_author_ids,
                with_body=False,
            )
            for article in page.items
        ],
        articlesCount=total,
    )


def _checked_tags(payload):
    """The tagList as tag names, each one a tag on its own (no spaces or commas inside)."""
    tags = tag_list(payload)
    if tags is None:
        return None
    names = []
    for raw in tags:
        parsed = articles.parse_tags(raw)
        if len(parsed) != 1:
            raise ApiError.on(422, "tagList", f"“{raw[:40]}” is not one tag")
        names.extend(parsed)
    return names


@bp.get("/articles")
def list_articles():
    # An empty filter (?tag=) is no filter, as an empty ?limit= is the default.
    filters = {
        "tag": request.args.get("tag") or None,
        "author": request.args.get("author") or None,
        "liked_by": request.args.get("favorited") or None,
    }
    # Its count is the same for every reader: kept for all.
    return _many(filtered_lists.matching(**filters), filtered_lists.matching_keys(**filters),
                 kept_as="articles")


@bp.get("/articles/feed")
@token_required
def feed():
    config = current_app.config
    limit, offset = window_args(config["API_MAX_LIMIT"], config["API_MAX_OFFSET"])
    reader = asking_user()
    # What the member muted in the site leaves this feed too (and its count). The count is
    # kept for each member: all it counts (follows, articles, tags, mutes) moves the page
    # cache's clock when it changes. Named also by whether it leaves mutes out: that was
    # chosen as the request began, and a mute committed before the clock was read would
    # otherwise keep a count with the muted articles in, under the new clock.
    return _many(
        following_feed.following(reader, offset + limit + 1),
        following_feed.following_keys(reader, config["API_MAX_COUNT"]),
        kept_as="feed-unmuted" if mutes.checks_mutes(reader) else "feed",
    )


@bp.post("/articles")
@writer_required
@limit_writes("article", member=asking_user)
def create_article():
    payload = read_payload("article")
    fields = text_fields(payload, required=("title", "description", "body"))
    article = articles.create_article(
        asking_user(), fields["title"], fields["description"], fields["body"],
        _checked_tags(payload) or [], "", publish=True,
    )
    return _one(article, 201)


@bp.get("/articles/<slug>")
def get_article(slug):
    shown = shown_article.article_shown(slug, asking_user())
    if shown is None:
        raise not_found("article")
    return jsonify(article=article_json(shown.article, favorited=shown.liked,
                                        following=shown.following_author, tags=shown.tags))


@bp.put("/articles/<slug>")
@writer_required
@limit_writes("edit", member=asking_user, methods=("PUT",))
def update_article(slug):
    article = article_or_404(slug)
    payload = read_payload("article")
    fields = text_fields(payload, optional=("title", "description", "body"))
    tags = _checked_tags(payload)
    article = articles.update_article(
        article,
        asking_user(),
        fields.get("title", article.title),
        fields.get("description", article.description),
        fields.get("body", article.body),
        [tag.name for tag in article.tags] if tags is None else tags,
        article.cover_url,
        publish=article.is_published,
    )
    return _one(article)


@bp.delete("/articles/<slug>")
@token_required
def delete_article(slug):
    articles.delete_article(article_or_404(slug), asking_user())
    return "", 204


@bp.post("/articles/<slug>/favorite")
@writer_required
@limit_writes("reaction", member=asking_user)
def favorite(slug):
    return _reacted(slug, reactions.like)


@bp.delete("/articles/<slug>/favorite")
@token_required
def unfavorite(slug):
    return _reacted(slug, reactions.unlike)


@bp.get("/tags")
def tags():
    return jsonify(tags=trending.popular_tags())
