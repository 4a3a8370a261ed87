"""What a member's export holds: everything they wrote and chose, nothing of anyone else.

articles/<slug>.md   each article (drafts too) in Markdown, its facts in front matter
comments.json        their comments, with the article each is on
likes.json           the articles they liked; bookmarks.json: their reading list
follows.json         the people and the tags they follow; mutes.json: those they muted
profile.json         their profile and account facts
README.txt           what the files are

Nine queries, however much they wrote: one per kind of row (tags come
with the articles in one more).
"""

import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Article,
    Bookmark,
    Comment,
    Follow,
    Like,
    MemberMute,
    Tag,
    TagFollow,
    TagMute,
    User,
)
from . import front_matter, uploads

README = """\
Everything you wrote on {site_name}, as of {made_at}.

articles/      one Markdown file per article, drafts included. The block between
               the two "---" lines holds its title, description, tags, dates and
               status. Settings > Your data > Import takes these files back (as drafts),
               and most blog engines read them too.
comments.json  your comments, each with the article it is on.
likes.json     the articles you liked; bookmarks.json: your reading list.
follows.json   the people and tags you follow.
mutes.json     the people and tags you muted (nobody else ever saw this list).
profile.json   your profile.
images/        the pictures you uploaded (profile picture, covers, images in
               articles), named as the site serves them: /media/<name>.
"""


def iso(moment):
    """A stored UTC time as ISO 8601 with its Z, or None."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z" if moment else None


def article_markdown(article):
    """The article as a Markdown file with front matter: what an import reads back."""
    fields = {
        "title": article.title,
        "description": article.description,
        "slug": article.slug,
        "tags": [tag.name for tag in article.tags],
        "status": article.status,
        "created": iso(article.created_at),
        "updated": iso(article.updated_at),
        "published": iso(article.published_at),
        "cover_image": article.cover_url or None,
        # Hidden by a moderator: the member sees why on the site, and here.
        "hidden": (article.hidden_reason or "yes") if article.is_hidden else None,
    }
    # One blank line after the fence; an import drops exactly that line.
    return front_matter.dump(fields) + "\n" + article.body


def export_files(member, site_name, made_at):
    """(path in the zip, text or bytes) of every file of `member`'s export, one at a time."""
    yield "README.txt", README.format(site_name=site_name, made_at=iso(made_at))
    yield "profile.json", _json(_profile(member))
    for article in db.session.scalars(
        select(Article).where(Article.author_id == member.id)
        .options(selectinload(Article.tags)).order_by(Article.created_at, Article.id)
    ):
        yield f"articles/{article.slug}.md", article_markdown(article)
    yield "comments.json", _json(_comments(member))
    yield "likes.json", _json(_reactions(Like, member))
    yield "bookmarks.json", _json(_reactions(Bookmark, member))
    yield "follows.json", _json(_follows(member))
    yield "mutes.json", _json(_mutes(member))
    yield from uploads.export_images(member)  # bytes: their pictures as the site serves them


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _profile(member):
    return {
        "username": member.username,
        "email": member.email,
        "display_name": member.display_name,
        "bio": member.bio,
        "image": member.image_url or None,
        "joined": iso(member.created_at),
        "email_confirmed": iso(member.email_verified_at),
    }


def _comments(member):
    rows = db.session.execute(
        select(Comment, Article.slug, Article.title)
        .join(Article, Article.id == Comment.article_id)
        .where(Comment.author_id == member.id, Comment.deleted_at.is_(None))
        .order_by(Comment.id)
    )
    return [
        {
            "id": comment.id,
            "article": {"slug": slug, "title": title},
            "reply_to": comment.parent_id,
            "body": comment.body,
            "created": iso(comment.created_at),
            "updated": iso(comment.updated_at),
        }
        for comment, slug, title in rows
    ]


def _reactions(model, member):
    """Likes or bookmarks: the article (and its author) each one is of, oldest first.

    Articles a moderator hid are gone for everyone but their author: not named here.
    """
    rows = db.session.execute(
        select(model.created_at, Article.slug, Article.title, User.username)
        .join(Article, Article.id == model.article_id)
        .join(User, User.id == Article.author_id)
        .where(model.user_id == member.id, Article.hidden_at.is_(None))
        .order_by(model.created_at, Article.id)
    )
    return [
        {"article": {"slug": slug, "title": title, "author": author}, "at": iso(at)}
        for at, slug, title, author in rows
    ]


def _follows(member):
    return _people_and_tags(member, Follow.followed_id, Follow.follower_id, Follow.created_at,
                            TagFollow)


def _mutes(member):
    return _people_and_tags(member, MemberMute.muted_id, MemberMute.user_id,
                            MemberMute.created_at, TagMute)


def _people_and_tags(member, person, chooser, since, tag_model):
    """{"people": [...], "tags": [...]} that `member` chose (followed, muted), oldest first."""
    people = db.session.execute(
        select(User.username, since).join(person.class_, person == User.id)
        .where(chooser == member.id).order_by(since, User.id)
    )
    tags = db.session.execute(
        select(Tag.name, tag_model.created_at)
        .join(tag_model, tag_model.tag_id == Tag.id)
        .where(tag_model.user_id == member.id)
        .order_by(tag_model.created_at, Tag.id)
    )
    return {
        "people": [{"username": name, "since": iso(at)} for name, at in people],
        "tags": [{"name": name, "since": iso(at)} for name, at in tags],
    }
