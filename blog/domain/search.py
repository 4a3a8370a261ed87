"""Search: published articles by their words, members and tags by the start of a name.

Articles are found by the database's own full-text index (migration 0013_search):
FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL. Both index the same
words and get the same query (blog.domain.search_query), so they find the same
articles. A match in the title weighs more than one in the description, which
weighs more than one in the body; newer articles get a small nudge up.

The cost is bounded, by one rule on both databases: the index gives the newest
CANDIDATES articles with every word that must appear (a phrase's words anywhere;
newest by id, which the index walks in order). Only those candidates are read
further: a phrase must be there side by side, excluded words (-word) must not be
(checked afterwards: PostgreSQL's GIN index keeps no positions, so a phrase read the
vector of every match, and a planner cannot guess how often two words go together:
it walked every article for "retry -python"); then they are ranked and counted. The
page is cut out of the ranked candidates, then its 20 articles are read with their
authors and tags, plus one statement for the snippets' text.
"""

from dataclasses import dataclass, field

from sqlalchemy import (
    String,
    and_,
    bindparam,
    extract,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
)

from ..extensions import db
from ..models import Article, User, article_tags, articles_fts, search_vector, utcnow
from ..runtime import give_up_turn
from . import listing, word_shares
from .filtered_lists import user_id_named
from .listing import tag_id_named
from .search_query import fts5, parse, tsquery
from .snippets import highlight, snippet

CANDIDATES = 1000
# A row walked down the primary key (its vector read and matched) costs about as much as
# WALKED_ROW rows read off the GIN index: at 100,000 articles both ways cost the same for
# a word in 14 % of them (walk/index, ms: 5.5 % 87/21, 12 % 47/37, 14 % 42/40, 17 % 40/45).
WALKED_ROW = 2.0
# bm25 weights of title, description and body (ts_rank's are in RANK_WEIGHTS).
FTS_WEIGHTS = (10.0, 4.0, 1.0)
# ts_rank's weights of D (unused), C (body), B (description) and A (title).
RANK_WEIGHTS = "{0, 0.1, 0.4, 1.0}"
# A new article's score is up to 1 + RECENCY_NUDGE times its relevance; the nudge
# halves after RECENCY_DAYS days.
RECENCY_NUDGE = 0.5
RECENCY_DAYS = 30
SNIPPET_SOURCE = 3000  # the snippet is looked for in the body's first characters
UNINDEX = text("UPDATE articles SET search_vector = NULL WHERE id BETWEEN :first AND :last")
PUBLISHED = literal_column("'published'")  # a literal: PostgreSQL's partial index needs it


@dataclass
class Hit:
    """One article found, with its title and snippet highlighted (Markup)."""

    article: object
    title: object
    snippet: object


@dataclass
class ArticleResults:
    """A page of articles found: `page` (a listing.Page of Articles), one Hit each, and
    their `count` (None without words)."""

    query: object
    page: listing.Page
    tag: str | None = None
    hits: list = field(default_factory=list)
    count: str | None = None  # how many were found: "12", or "1,000+" past the candidates


def _visible(statement):
    """Published, not hidden by a moderator, by a member who is not banned."""
    return statement.join(User, User.id == Article.author_id).where(
        Article.status == PUBLISHED, Article.hidden_at.is_(None), User.banned_at.is_(None),
    )


def _filtered(statement, tag, author):
    if author:
        statement = statement.where(Article.author_id == user_id_named(author.lower()))
    if tag:
        statement = statement.where(Article.id.in_(select(article_tags.c.article_id).where(
            article_tags.c.tag_id == tag_id_named(tag.lower()))))
    return statement


def _age_in_days(published_at):
    now = bindparam("now", utcnow(), type_=db.DateTime)
    if db.engine.dialect.name == "postgresql":
        return extract("epoch", now - published_at) / 86400
    return func.julianday(now) - func.julianday(published_at)


def _candidates(query, tag, author):
    """The newest CANDIDATES visible articles with every word `query` requires.

    A phrase counts here as its words, anywhere: the indexes answer that alone
    (PostgreSQL's GIN index checks no position, so a phrase made it read every
    article it found). Newest by the index's own order (the FTS5 rowid, the primary
    key on PostgreSQL), so the engine stops after CANDIDATES. Columns: id,
    published_at, and the relevance on SQLite (bm25 reads the match it is computed
    in) or the vector on PostgreSQL, ranked outside, on the candidates alone.
    """
    if db.engine.dialect.name == "postgresql":
        words = tsquery(query.words)
        newest = Article.id.desc()
        if _rare(query.words):
            # Read the matches off the GIN index: an order the primary key cannot give
            # rules out the walk, and a query the planner cannot fold (a subquery's value)
            # is costed as parsed again in each row it would read in a sequential scan.
            words = select(literal(words, String)).scalar_subquery()
            newest = (Article.id + 0).desc()
        statement = select(Article.id, Article.published_at, search_vector.label("vector")).where(
            search_vector.op("@@")(_tsquery(words)))
    else:
        relevance = -func.bm25(literal_column("articles_fts"), *FTS_WEIGHTS)
        statement = (
            select(Article.id, Article.published_at, relevance.label("relevance"))
            .select_from(articles_fts)
            .join(Article, Article.id == articles_fts.c.rowid)
            .where(_matches(fts5(query.words)))
        )
        newest = articles_fts.c.rowid.desc()
    statement = _filtered(_visible(statement), tag, author)
    return statement.order_by(newest).limit(CANDIDATES).subquery()


def _rare(words):
    """Whether reading the matches of the rarest of `words` off the GIN index costs less
    than walking the primary key newest first until CANDIDATES match, which reads
    CANDIDATES / share rows, each row's vector (PostgreSQL's planner prices a prefix
    lookup in the index at about the whole index and reading a vector as free: it walks
    20,000 rows for a word in 5 % of 100,000 articles)."""
    shares = word_shares.shares()
    if shares is None:
        return False
    rarest = min(shares.share(word) for word in words)
    return rarest * shares.rows * rarest < CANDIDATES * WALKED_ROW


def _score(found, query):
    """Relevance, nudged up for the recent."""
    if db.engine.dialect.name == "postgresql":
        relevance = func.ts_rank(literal_column(f"'{RANK_WEIGHTS}'::float4[]"), found.c.vector,
                                 _tsquery(tsquery(query.words)), 1)
    else:
        relevance = found.c.relevance
    age = _age_in_days(found.c.published_at)
    return relevance * (1 + RECENCY_NUDGE / (1 + age / RECENCY_DAYS))


def _tsquery(text):
    return func.to_tsquery(literal_column("'simple'::regconfig"), text)


def _matches(text):
    return literal_column("articles_fts").op("MATCH")(text)


def _having(found, clauses, joined_by):
    """Candidates with every one of `clauses` ("AND") or any of them ("OR")."""
    if db.engine.dialect.name == "postgresql":
        return found.c.vector.op("@@")(_tsquery(tsquery(clauses, "&" if joined_by == "AND"
                                                        else "|")))
    return found.c.id.in_(select(articles_fts.c.rowid).where(_matches(fts5(clauses, joined_by))))


def _kept(found, query):
    """SQL: a candidate has the query's phrases, side by side, and none of its -words."""
    kept = []
    if query.phrases:
        kept.append(_having(found, query.phrases, "AND"))
    if query.excluded:
        kept.append(~_having(found, query.excluded, "OR"))
    return and_(*kept) if kept else true()


def ranked_page(query, tag, author, number):
    """The select of page `number` of the articles `query` finds, best first: rows of
    (Article, found, candidates), `found` counting the candidates kept, of `candidates`.

    Phrases and excluded words are checked on the candidates alone, which are then
    ranked and the page cut out before any article is read: only its own are.
    """
    found = _candidates(query, tag, author)
    score = _score(found, query)
    checked = select(found.c.id, score.label("score"), _kept(found, query).label("kept"),
                     func.count().over().label("candidates")).subquery()
    ranked = (
        select(checked.c.id, checked.c.score, checked.c.candidates,
               func.count().over().label("found"))
        .where(checked.c.kept)
        .order_by(checked.c.score.desc(), checked.c.id.desc())
        .limit(listing.PER_PAGE + 1).offset((number - 1) * listing.PER_PAGE)
    ).subquery()
    return (select(Article, ranked.c.found, ranked.c.candidates)
            .join(ranked, ranked.c.id == Article.id)
            .order_by(ranked.c.score.desc(), Article.id.desc()))


def _found_page(query, tag, author, number):
    """A listing.Page of the articles found, and how many (a string: "1,000+" when the
    candidates ran out before the matches did)."""
    # Ranking up to CANDIDATES articles is the database's work, outside Python, for up to
    # 100 ms on a large site: holding the turn that long would stall every other request
    # (blog/web/turns.py).
    give_up_turn()
    rows = db.session.execute(
        ranked_page(query, tag, author, number).options(*listing.CARD_OPTIONS)).unique().all()
    page = listing.Page(listing.with_tags([row[0] for row in rows[:listing.PER_PAGE]]), number,
                        len(rows) > listing.PER_PAGE)
    if not rows:
        return page, None
    _, kept, candidates = rows[0]
    return page, f"{kept:,}+" if candidates >= CANDIDATES else f"{kept:,}"


def articles(text, number=1, tag=None, author=None):
    """The page `number` of articles for what was typed: ArticleResults with Hits.

    Without words, a tag or an author alone lists their articles, newest first.
    Results show no like or bookmark buttons, so the reader's own are not read.
    """
    query = parse(text)
    tag = tag or (query.tags[0] if query.tags else None)
    number = listing.page_number(number)
    count = None
    if query.searches_text:
        page, count = _found_page(query, tag, author, number)
    elif tag or author:
        newest = _visible(_filtered(select(Article), tag, author)).order_by(
            Article.published_at.desc(), Article.id.desc())
        page = listing.article_page(newest, None, number)
    else:
        return ArticleResults(query, listing.Page([], 1, False), tag)
    bodies = _snippet_sources([article.id for article in page.items])
    hits = [Hit(a, highlight(a.title, query), snippet(bodies.get(a.id, ""), a.description, query))
            for a in page.items]
    return ArticleResults(query, page, tag, hits, count)


def _snippet_sources(ids):
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Article.id, func.substr(Article.body, 1, SNIPPET_SOURCE)).where(Article.id.in_(ids))
    ).all())


# --- rebuilding the index ---------------------------------------------------------------


def reindex_size():
    """How many articles reindex() goes through."""
    if db.engine.dialect.name == "postgresql":
        return db.session.scalar(select(func.count()).select_from(Article))
    return db.session.scalar(select(func.count()).where(Article.status == "published"))


def reindex(batch=500):
    """Build the search index again from the articles; yields how many each step did.

    One transaction, committed at the end: searches meanwhile see the old index.
    SQLite's index holds published articles only; PostgreSQL's trigger computes a
    vector for any article whose vector is NULL.
    """
    postgresql = db.engine.dialect.name == "postgresql"
    if not postgresql:  # FTS5's own command: empty the index
        db.session.execute(articles_fts.insert().values({"articles_fts": "delete-all"}))
    after = 0
    while True:
        ids = select(Article.id).where(Article.id > after).order_by(Article.id).limit(batch)
        if not postgresql:
            ids = ids.where(Article.status == "published")
        ids = list(db.session.scalars(ids))
        if not ids:
            break
        if postgresql:
            db.session.execute(UNINDEX, {"first": ids[0], "last": ids[-1]})
        else:
            db.session.execute(articles_fts.insert().from_select(
                ["rowid", "title", "description", "body"],
                select(Article.id, Article.title, Article.description, Article.body)
                .where(Article.id.in_(ids))))
        after = ids[-1]
        yield len(ids)
    db.session.commit()

