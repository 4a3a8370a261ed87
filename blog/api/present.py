"""What the API answers: users, profiles, articles and comments as the spec shapes them."""

from flask import current_app

from ..domain.images import MEDIA_PREFIX


def picture_address(url):
    """A picture's full address, or None: an upload's path gets the site's BASE_URL (a front
    end on another origin must reach it); an https address stays as it is."""
    if url and url.startswith(MEDIA_PREFIX):
        return current_app.config["BASE_URL"].rstrip("/") + url
    return url or None

def timestamp(moment):
    """ISO 8601 in UTC with milliseconds and Z: 2026-11-25T09:30:00.000Z."""
    if moment.tzinfo is None:  # what the tables hold (UTC): isoformat is 5x cheaper
        return moment.isoformat(timespec="milliseconds") + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user_json(user, token):
    """The member themself, with the token their client uses."""
    return {
        "email": user.email,
        "token": token,
        "username": user.username,
        "bio": user.bio or None,
        "image": picture_address(user.image_url),
    }


def profile_json(user, following):
    return {
        "username": user.username,
        "bio": user.bio or None,  # RealWorld 2.0: null when unset, never ""
        "image": picture_address(user.image_url),
        "following": following,
    }


def article_json(article, *, favorited, following, with_body=True, tags=None):
    """An article; lists leave the body out, as the spec's list schema does. `tags` (with
    names) when they were read apart from the article (blog.domain.shown_article)."""
    data = {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        "tagList": [tag.name for tag in (article.tags if tags is None else tags)],
        # Lists are newest first by publication; a draft published later is
        # new then, so that is the moment a client sees as its creation.
        "createdAt": timestamp(article.published_at or article.created_at),
        "updatedAt": timestamp(article.updated_at),
        "favorited": favorited,
        "favoritesCount": article.likes_count,
        "author": profile_json(article.author, following),
    }
    if with_body:
        data["body"] = article.body
    return data


def comment_json(comment, following):
    return {
        "id": comment.id,
        "createdAt": timestamp(comment.created_at),
        "updatedAt": timestamp(comment.updated_at),
        "body": comment.body,
        "author": profile_json(comment.author, following),
    }
