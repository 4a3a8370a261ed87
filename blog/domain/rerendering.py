"""Rendering every article and comment again, after the Markdown renderer changed.

HTML is made once, when a text is saved (blog.domain.markdown), so a better
renderer (highlighted code, say) reaches older texts only through this:
`flask --app blog rerender`. It reads a batch of rows at a time by id and
commits each batch, so a big site is neither held in memory nor locked for
long, and a run that stops half way can simply be run again. Rows whose HTML
comes out the same are not written; nothing else of a row changes (not its
updated_at: nobody edited it).
"""

from sqlalchemy import bindparam, func, select, update

from ..extensions import db
from ..models import Article, Comment
from .markdown import render_markdown

BATCH = 200


def _kinds():
    # Deleted comments keep no text to render.
    return ((Article, Article.id.is_not(None)), (Comment, Comment.deleted_at.is_(None)))


def rows_to_render():
    """How many articles and comments a run reads: one statement per kind."""
    return sum(db.session.scalar(select(func.count()).select_from(model).where(which))
               for model, which in _kinds())


def rerender_all(progress=None):
    """Render every article's and comment's Markdown again; returns how many changed.

    `progress(n)` is called after each batch of n rows (a progress bar's update).
    """
    changed = 0
    for model, which in _kinds():
        last_id = 0
        while True:
            rows = db.session.execute(
                select(model.id, model.body, model.body_html)
                .where(which, model.id > last_id).order_by(model.id).limit(BATCH)
            ).all()
            if not rows:
                break
            last_id = rows[-1].id
            fresh = [{"row_id": row.id, "html": html} for row in rows
                     if (html := render_markdown(row.body)) != row.body_html]
            if fresh:
                table = model.__table__  # Core: one executemany, no ORM bookkeeping
                db.session.execute(
                    update(table).where(table.c.id == bindparam("row_id"))
                    .values(body_html=bindparam("html")),
                    fresh,
                )
            db.session.commit()
            changed += len(fresh)
            if progress is not None:
                progress(len(rows))
    return changed
