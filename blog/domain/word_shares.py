"""How common each indexed word is among the articles, from PostgreSQL's own statistics.

ANALYZE keeps the most common lexemes of `articles.search_vector` with the share of
rows holding each (pg_stats.most_common_elems); a lexeme not listed is in fewer rows
than the least common one listed. Search reads them to choose how to find its
candidates (blog.domain.search). They are read once per process and database, then
again every REFRESH seconds: one cheap statement now and then, never one per search.
"""

import time

from sqlalchemy import text

from ..extensions import db

REFRESH = 300  # seconds; ANALYZE runs far less often than that on a busy site
STATISTICS = text("""
    SELECT most_common_elems::text::text[], most_common_elem_freqs,
        (SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass)
    FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'articles'
    AND attname = 'search_vector'""")

_read = {}  # database URL -> (monotonic time read, Shares or None)


class Shares:
    """The listed lexemes' shares of the articles, the floor under those not listed, and
    how many articles there are (`rows`)."""

    def __init__(self, lexemes, frequencies, rows):
        self.of = dict(zip(lexemes, frequencies[:len(lexemes)], strict=True))
        # After the lexemes' frequencies: the least and the greatest of them.
        self.floor = frequencies[len(lexemes)] if len(frequencies) > len(lexemes) else 0.0
        self.rows = max(rows or 0, 0)

    def share(self, clause):
        """The share of the articles a search_query.Clause's first word is in: its own,
        or for a prefix the sum of the listed words it starts, as PostgreSQL's planner
        estimates it; the floor (an upper bound) when none is listed."""
        word = clause.words[0]
        if not clause.prefix:
            return self.of.get(word, self.floor)
        found = [share for lexeme, share in self.of.items() if lexeme.startswith(word)]
        return min(1.0, sum(found)) if found else self.floor


def shares():
    """The Shares of the current database's articles, or None without statistics
    (SQLite, or before the table was first analyzed)."""
    if db.engine.dialect.name != "postgresql":
        return None
    key = str(db.engine.url)
    now = time.monotonic()
    read_at, known = _read.get(key, (None, None))
    if read_at is not None and now - read_at < REFRESH:
        return known
    row = db.session.execute(STATISTICS).first()
    known = Shares(*row) if row and row[0] else None
    _read[key] = (now, known)
    return known


def forget():
    """Read the statistics again at the next search (after an ANALYZE, in tests)."""
    _read.clear()
