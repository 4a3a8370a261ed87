"""Autosaving a saved draft while its author types (the editor's script, every few seconds).

Only a draft, and only its words: the title, description, body and cover. A
published article changes when its author presses the button, never half-way
through an edit. The slug and the tags wait for that press too: a new slug
and new tag rows are things other people can see (an old address kept, a tag
in the list of tags), while the draft itself is seen by its author alone. So an
autosave changes nothing a visitor's page shows, and its one UPDATE says so
(DRAFT_ONLY) to keep the shared page cache from going stale for it.
"""

from sqlalchemy import select, update

from ..extensions import db
from ..models import Article, utcnow
from . import permissions
from .articles import LIMITS, ArticleError, cover_url_problem, reading_time_minutes
from .errors import Forbidden
from .markdown import render_markdown
from .races import gone

# An execution option read by blog.database: this write touches no visitor's page.
DRAFT_ONLY = {"draft_only": True}
PUBLISHED = "A published article is saved with its Save button, not in the background."


def _words(title, description, body, cover_url):
    fields = {"title": (title or "").strip(), "description": (description or "").strip(),
              "body": body or "", "cover_url": (cover_url or "").strip()}
    if not fields["title"]:
        raise ArticleError("title", "Give your article a title.", code="blank")
    for name in fields:
        if len(fields[name]) > LIMITS[name]:
            raise ArticleError(name, f"Use at most {LIMITS[name]} characters.")
    problem = cover_url_problem(fields["cover_url"])
    if problem:
        raise ArticleError("cover_url", problem)
    return fields


def autosave(article, editor, title, description, body, cover_url):
    """Keep a draft's words as typed (commits); returns when it was saved.

    Raises Forbidden when `editor` may not edit it or once it is
    published (in another tab, say), NotFound when it was deleted meanwhile.
    An empty body is kept: a draft may be half written.
    """
    permissions.require(permissions.can_edit(editor, article), "article")
    fields, article_id, now = _words(title, description, body, cover_url), article.id, utcnow()
    saved = db.session.execute(
        update(Article).where(Article.id == article_id, Article.status == "draft")
        .values(**fields, body_html=render_markdown(fields["body"]),
                reading_minutes=reading_time_minutes(fields["body"]), updated_at=now)
        .execution_options(synchronize_session=False, **DRAFT_ONLY)
    ).rowcount
    if saved == 0:
        db.session.rollback()
        if db.session.scalar(select(Article.id).where(Article.id == article_id)) is None:
            gone()
        raise Forbidden("article", PUBLISHED)
    db.session.commit()
    return now
