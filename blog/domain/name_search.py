"""The search page's other tabs: members by any word of their name, tags by their start.

Members are found by the words of their username and display name, each word typed
the start of one of them ("lovelace" or "ada lov" find Ada Lovelace), with an index
(migration 0016_member_search): FTS5 on SQLite, a GIN index on a tsvector expression
on PostgreSQL. The cost is bounded as the articles' is (blog.domain.search): the
index gives the newest MEMBER_CANDIDATES members with the words, in its own order;
only those are sorted by username and paged.
"""

from sqlalchemy import and_, func, literal_column, select

from ..extensions import db
from ..models import Tag, User, member_words, members_fts
from . import listing
from .members import listed
from .search_query import MAX_WORDS, Clause, clean, fts5, tsquery, words_of

MEMBER_CANDIDATES = 1000


def _prefix(text, marks):
    return clean(text).strip().lstrip(marks).strip().lower()[:80]


def _name_words(text):
    """Every word typed, as the start of a word (one letter too: names are short)."""
    return tuple(Clause((word,), prefix=True)
                 for word in dict.fromkeys(words_of(_prefix(text, "@"))[:MAX_WORDS]))


def _newest_named(clauses):
    """The ids of the newest MEMBER_CANDIDATES listed members with every word."""
    if db.engine.dialect.name == "postgresql":
        query = func.to_tsquery(literal_column("'simple'::regconfig"), tsquery(clauses))
        statement = select(User.id).where(member_words.op("@@")(query))
        newest = User.id.desc()
    else:
        statement = (select(User.id).select_from(members_fts)
                     .join(User, User.id == members_fts.c.rowid)
                     .where(literal_column("members_fts").op("MATCH")(fts5(clauses))))
        newest = members_fts.c.rowid.desc()
    return (statement.where(listed())
            .order_by(newest).limit(MEMBER_CANDIDATES).subquery())


def members(text, number=1):
    """Listed members (members.listed) with a word of their username or display name
    starting with each word of `text`: alphabetical by username, a listing.Page of Users."""
    clauses = _name_words(text)
    if not clauses:
        return listing.Page([], 1, False)
    found = _newest_named(clauses)
    statement = (select(User).join(found, found.c.id == User.id)
                 .order_by(func.lower(User.username), User.id))
    return listing.paginate(statement, listing.page_number(number))


def _starts_with(expression, prefix):
    """`expression` starts with `prefix`: a range its index answers, checked by LIKE."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return and_(expression >= prefix, expression < prefix + "\U0010ffff",
                expression.like(escaped + "%", escape="\\"))


def tags(text, number=1):
    """Tags whose name starts with `text`, alphabetical; a listing.Page of Tags."""
    prefix = _prefix(text, "#")
    if not prefix:
        return listing.Page([], 1, False)
    statement = select(Tag).where(_starts_with(Tag.name, prefix)).order_by(Tag.name)
    return listing.paginate(statement, listing.page_number(number))
