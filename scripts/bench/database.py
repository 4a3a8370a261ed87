"""The database measured: a throw-away one (SQLite file, or a PostgreSQL database created
and dropped), its demo data, and the real names the requests use."""

import contextlib
import logging
import random
import time
import uuid

from .endpoints import Targets
from .server import make_app


@contextlib.contextmanager
def throwaway(postgres_server, sqlite_file):
    """A new, empty database's URL; it is dropped afterwards (SQLite: the caller deletes
    the file's folder)."""
    if not postgres_server:
        yield f"sqlite:///{sqlite_file}"
        return
    from sqlalchemy import create_engine, make_url, text

    server = make_url(postgres_server).set(drivername="postgresql+psycopg")
    name = f"blog_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(database_url, sizes, discussions):
    """Migrate, add demo data in bulk (blog.seed), then two articles whose discussions
    have exactly `discussions` (short, long) comments; prints what it added and returns
    those two articles' ids."""
    from flask_migrate import upgrade

    from blog.cli import DEMO_PASSWORD
    from blog.extensions import db
    from blog.seed import Seeder

    app = make_app(database_url, "seed-" + uuid.uuid4().hex)
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's configuration would log every migration
        upgrade()
        logging.disable(logging.NOTSET)
        started = time.perf_counter()
        seeder = Seeder(DEMO_PASSWORD, seed=1)
        seeder.add_members(sizes["users"])
        seeder.add_articles(sizes["articles"], sizes["comments"], sizes["likes"])
        seeder.add_follows(sizes["follows"])
        done = []
        for count in discussions:
            done.append(_set_discussion(db.session.connection(), count, done))
        seeder.refresh_statistics()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            _vacuum(db.engine)
        db.engine.dispose()
    counts = seeder.counts
    print(f"Seeded {counts.users:,} members, {counts.articles:,} articles, "
          f"{counts.comments:,} comments, {counts.likes:,} likes, {counts.follows:,} follows, "
          f"and discussions of {' and '.join(f'{n:,}' for n in discussions)} comments "
          f"in {time.perf_counter() - started:.1f} s")
    return done


def _vacuum(engine):
    """VACUUM ANALYZE, as autovacuum (PostgreSQL's default) does on a site that has run
    a while; this machine's server has it off. Until a table is vacuumed, an index-only
    scan reads every row's page too (to see whether it is visible): counting the API's
    10,000 articles read the table (12.7 ms at 100,000 articles, 3.9 ms vacuumed), and
    the measure would be of a freshly loaded database no site serves. The tests' crowd
    does the same (tests/fixtures/crowd.py)."""
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _set_discussion(connection, count, taken):
    """Give a published article with the fewest comments (not one in `taken`) exactly
    `count` comments, 30 % of them replies; returns its id."""
    from sqlalchemy import delete, select, update

    from blog.domain.markdown import render_markdown
    from blog.models import Article, Comment, User, utcnow
    from blog.seed.bulk import insert_rows, reserve_ids
    from blog.seed.words import COMMENT_BODIES

    rng = random.Random(count)
    article_id, published_at = connection.execute(
        select(Article.id, Article.published_at)
        .where(Article.status == "published", Article.id.not_in(taken))
        .order_by(Article.comments_count, Article.likes_count.desc(), Article.id).limit(1)
    ).one()
    connection.execute(delete(Comment).where(Comment.article_id == article_id))
    members = list(connection.scalars(select(User.id).order_by(User.id).limit(500)))
    bodies = [(body, render_markdown(body)) for body in COMMENT_BODIES]
    replies = round(count * 0.3)
    step = (utcnow() - published_at) / (count + 1)
    at = [published_at + step * (i + 1) for i in range(count)]

    def row(i, **fields):
        body, html = rng.choice(bodies)
        return {"article_id": article_id, "author_id": rng.choice(members), "body": body,
                "body_html": html, "created_at": at[i], "updated_at": at[i],
                "deleted_at": None} | fields

    top = count - replies
    top_ids = reserve_ids(connection, Comment.__table__, top)
    insert_rows(connection, Comment.__table__,
                [row(i, id=top_ids[i], parent_id=None) for i in range(top)])
    insert_rows(connection, Comment.__table__,
                [row(top + i, parent_id=rng.choice(top_ids)) for i in range(replies)])
    connection.execute(update(Article).where(Article.id == article_id)
                       .values(comments_count=count))
    return article_id


def find_targets(database_url, discussions=None):
    """What the requests name: the most used tag, the most prolific author, and the
    articles of `discussions` (ids: short, long), or else one with a short discussion
    (closest to 10 comments) and the one with the longest."""
    from sqlalchemy import func, select

    from blog.extensions import db
    from blog.models import Article, Tag, User, article_tags

    app = make_app(database_url, "read-" + uuid.uuid4().hex)
    with app.app_context():
        session = db.session
        tag = session.scalar(select(Tag.name).join(article_tags).group_by(Tag.name)
                             .order_by(func.count().desc(), Tag.name).limit(1))
        author = session.scalar(
            select(User.username).join(Article, Article.author_id == User.id)
            .group_by(User.username).order_by(func.count().desc(), User.username).limit(1))
        published = select(Article.slug, Article.comments_count).where(
            Article.status == "published")
        if discussions:
            short, long = (session.execute(published.where(Article.id == article_id)).one()
                           for article_id in discussions)
        else:
            short = session.execute(published.where(Article.comments_count > 0).order_by(
                func.abs(Article.comments_count - 10), Article.id).limit(1)).one()
            long = session.execute(published.order_by(Article.comments_count.desc(),
                                                      Article.id).limit(1)).one()
        db.engine.dispose()
    return Targets(tag, author, short[0], short[1], long[0], long[1])


def find_members(database_url, count, besides):
    """`count` members with a confirmed email, the earliest first (alice, bob, carol, …),
    leaving out `besides` (the author the writes follow): [(username, email)]."""
    from sqlalchemy import select

    from blog.extensions import db
    from blog.models import User

    app = make_app(database_url, "read-" + uuid.uuid4().hex)
    with app.app_context():
        rows = db.session.execute(
            select(User.username, User.email)
            .where(User.email_verified_at.is_not(None), User.username != besides)
            .order_by(User.id).limit(count)).all()
        db.engine.dispose()
    return [tuple(row) for row in rows]
