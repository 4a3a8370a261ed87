"""The rules of articles: write, edit, publish, delete, tags and slugs.

Pages and the JSON API both call these functions; none of them knows about
forms. Who may do what is asked of blog.domain.permissions (a refusal is a 403).
Functions that change data commit their own transaction.
"""

import functools
import math
import re

from sqlalchemy import String, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import Article, Tag, article_tags, utcnow
from . import listing, notifications, permissions, published_counts, ranking, slugs
from .errors import FieldError, Forbidden
from .images import https_url_problem
from .markdown import render_markdown
from .races import gone, lock_article_to_edit
from .rows import insert_ignoring_duplicates

MAX_TAGS = 4
# Underscores too: RealWorld clients send tags like "dragons_2".
TAG_PATTERN = re.compile(r"[a-z0-9_-]{1,30}")
WORDS_PER_MINUTE = 200
LIMITS = {"title": 150, "description": 300, "cover_url": 500, "body": 100_000}
SAVE_ATTEMPTS = 3
HIDDEN_STAYS_UNPUBLISHED = ("Moderators hid this article. You can edit it, and it stays "
                            "unpublished until they restore it.")


class ArticleError(FieldError):
    """An article that cannot be saved as given; `field` names the culprit."""


# --- checks shared by forms and the API -------------------------------------


def parse_tags(text):
    """Tag names from 'python, web dev': lowercase, unique, in order; raises ArticleError."""
    names = []
    for raw in re.split(r"[\s,]+", (text or "").strip().lower()):
        raw = raw.removeprefix("#")  # people type tags the way they are shown
        if not raw or raw in names:
            continue
        if not TAG_PATTERN.fullmatch(raw):
            raise ArticleError(
                "tags",
                f"“{raw[:40]}” is not a tag: use 1 to 30 letters, digits, underscores or hyphens.",
            )
        names.append(raw)
    if len(names) > MAX_TAGS:
        raise ArticleError("tags", f"Use at most {MAX_TAGS} tags.")
    return names


def cover_url_problem(url):
    """Why this cover image address cannot be used, or None (empty means no cover)."""
    return https_url_problem(url, LIMITS["cover_url"])


def reading_time_minutes(body):
    """Minutes to read `body` at about 200 words a minute; at least 1."""
    return max(1, math.ceil(len(body.split()) / WORDS_PER_MINUTE))


def preview_html(body):
    """The HTML `body` (an article's or a comment's Markdown) would be saved as; saves nothing.

    Raises ArticleError past an article's length: rendering costs CPU (900 kB
    of "_a" took 5 s), so a preview never takes more than a save would.
    """
    if len(body) > LIMITS["body"]:
        raise ArticleError("body", f"Use at most {LIMITS['body']} characters.", code="long")
    return render_markdown(body)


def _clean_fields(title, description, body, tags, cover_url):
    """The fields stripped and checked; raises ArticleError on the first problem."""
    fields = {
        "title": (title or "").strip(),
        "description": (description or "").strip(),
        "body": body or "",
        "cover_url": (cover_url or "").strip(),
    }
    if not fields["title"]:
        raise ArticleError("title", "Give your article a title.", code="blank")
    if not fields["body"].strip():
        raise ArticleError("body", "Write something in the body.", code="blank")
    for name, limit in LIMITS.items():
        if len(fields[name]) > limit:
            raise ArticleError(name, f"Use at most {limit} characters.")
    problem = cover_url_problem(fields["cover_url"])
    if problem:
        raise ArticleError("cover_url", problem)
    tag_names = parse_tags(tags) if isinstance(tags, str) else parse_tags(" ".join(tags or []))
    return fields, tag_names


# --- reading ------------------------------------------------------------------


def get_visible_article(slug, viewer, with_tags=True):
    """The article at `slug` with its author and tags, or None when viewer may not see it.

    Two queries, however many tags, for a write or an edit, which needs the Tag rows
    (an article's page reads it through blog.domain.shown_article, in one).
    with_tags=False makes it one, for a write whose answer shows no tags. A slug
    the article had before its title changed finds it too (one more query).
    """
    article = db.session.scalar(_article_at_statement(), {"slug": slug})
    if article is None:  # a link from before its title changed
        article = slugs.article_at_former_slug(slug, joinedload(Article.author))
    if article is None or not permissions.can_view(viewer, article):
        return None
    if with_tags:
        listing.with_tags([article])
    return article


@functools.cache
def _article_at_statement():
    # Written once per process: every article page, like and comment asks it.
    return select(Article).where(Article.slug == bindparam("slug", type_=String)).options(
        joinedload(Article.author))


def drafts_of(author, limit=10):
    """The author's newest drafts (one query, on the author's index of articles)."""
    return db.session.scalars(
        select(Article).where(Article.author_id == author.id, Article.status == "draft")
        .order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
    ).all()


def _tags_named(names):
    """Tag rows for `names` in that order, creating the missing ones (not committed).

    Race-free: INSERT ... ON CONFLICT DO NOTHING, then SELECT. When two saves
    bring the same new tag at once, one inserts it and the other finds it.
    Names go in sorted, one order for everyone, so two saves never wait on
    each other's tags (a deadlock on PostgreSQL).
    """
    if not names:
        return []
    for name in sorted(set(names)):
        insert_ignoring_duplicates(Tag, name=name)
    found = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [found[name] for name in names]


def _commit_retrying(build):
    """Run build() and commit; on a lost race (a slug taken meanwhile) start over.

    The build is inside the `try`: a query in it autoflushes the new row, so
    the database may refuse a taken slug there, before commit() is reached.
    An edit whose article was deleted meanwhile updates no row (StaleDataError):
    the next attempt finds the article gone.
    """
    for attempt in range(SAVE_ATTEMPTS):
        try:
            result = build()
            db.session.commit()
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            if attempt == SAVE_ATTEMPTS - 1:
                raise
        else:
            return result
    return None


# --- writing --------------------------------------------------------------------


def _apply(article, fields, tag_names, publish):
    # Its tags are read here, not by one more statement: assigning new ones loads the old.
    before = published_counts.of(article)
    now = utcnow()
    if article.created_at is None:  # before any query autoflushes the new row
        article.created_at = now
    for name, value in fields.items():
        setattr(article, name, value)
    # Rendered here, once: viewing never runs the Markdown parser.
    article.body_html = render_markdown(fields["body"])
    article.reading_minutes = reading_time_minutes(fields["body"])
    article.tags = _tags_named(tag_names)
    article.status = "published" if publish else "draft"
    first_publication = publish and article.published_at is None
    if first_publication:
        article.published_at = now
    article.updated_at = now
    keep_lists_in_step(article, before)
    if first_publication:  # mentions and followers hear of it once, not at every edit
        notifications.published(article)


def keep_lists_in_step(article, before):
    """What the lists read besides the article's row: its Top scores, its tag rows' date,
    the published counts (from `before`, its published_counts.Published before the change).

    Each tag row carries the article's publication while it is published (NULL
    otherwise), so a tag's list is one index (blog.domain.listing). A publication
    also sweeps the Top periods (blog.domain.ranking).
    """
    db.session.flush()  # the row and its new tag rows exist before they are updated
    published_counts.move(before, published_counts.of(article))
    ranking.rescore(article.id)
    db.session.execute(
        update(article_tags)
        .where(article_tags.c.article_id == article.id)
        .values(published_at=article.published_at if article.is_published else None)
    )
    if article.is_published:
        ranking.sweep()


def create_article(author, title, description, body, tags, cover_url, publish):
    """Save a new article, published or as a draft (commits). Returns it."""
    return create_articles(author, [(title, description, body, tags, cover_url)], publish)[0]


def create_articles(author, drafts, publish):
    """Save new articles, each (title, description, body, tags, cover_url), all or none (commits).

    Every one is checked before any is saved: an ArticleError says which
    (`error.draft`, its place in `drafts`). One transaction, so an import of
    several files (blog.domain.imports) never stops half way.
    """
    permissions.require_may_write(author)
    checked = []
    for place, draft in enumerate(drafts):
        try:
            checked.append(_clean_fields(*draft))
        except ArticleError as error:
            error.draft = place
            raise

    def build():
        saved = []
        for fields, tag_names in checked:
            article = Article(author_id=author.id, slug=slugs.slug_for_new(fields["title"]))
            db.session.add(article)
            _apply(article, fields, tag_names, publish)
            saved.append(article)
        return saved

    return _commit_retrying(build)


def update_article(article, editor, title, description, body, tags, cover_url, publish):
    """Save changes by the author (commits). A new title brings a new slug; the old one works on."""
    permissions.require(permissions.can_edit(editor, article), "article")
    fields, tag_names = _clean_fields(title, description, body, tags, cover_url)
    article_id = article.id

    def build():
        if not lock_article_to_edit(article_id):
            gone()  # deleted while being edited
        current = db.session.get(Article, article_id)
        db.session.expire(current)  # read again under the lock: another tab may have saved
        if current.is_hidden and publish:
            raise Forbidden("article", HIDDEN_STAYS_UNPUBLISHED)
        if fields["title"] != current.title:
            slugs.follow_title(current, fields["title"])
        _apply(current, fields, tag_names, publish)
        return current

    return _commit_retrying(build)


def delete_article(article, actor):
    """Delete the article; its tag links go with it (commits)."""
    permissions.require_delete(actor, article)
    # A statement, not session.delete(): two deletes racing (a double click)
    # must both succeed, the second finding nothing left. Tag links, likes,
    # bookmarks and comments go with it (ON DELETE CASCADE). Locked first, so that what it
    # counts out is what it deletes, and the second of two finds nothing to count.
    if lock_article_to_edit(article.id):
        before = published_counts.stored(article.id)
        db.session.execute(delete(Article).where(Article.id == article.id)
                           .execution_options(synchronize_session=False))
        published_counts.move(before, published_counts.NOTHING)
    db.session.commit()
