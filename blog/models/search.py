"""The search index, which lives beside the models rather than in them.

SQLite keeps it in an FTS5 table (articles_fts and the tables FTS5 makes for
it), PostgreSQL in a generated column with a GIN index (migration 0013_search).
Neither is a model: the domain reads them with SQL of its own (blog.domain.search),
and Alembic's comparison of models and database leaves them out.
"""

import sqlalchemy as sa

FTS_TABLE = "articles_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_articles_search_vector"
# Members by the words of their names (migration 0016_member_search): an FTS5 table on
# SQLite, a GIN index on this expression on PostgreSQL (the migration's own, word for word).
MEMBERS_FTS = "members_fts"
MEMBER_WORDS_INDEX = "ix_users_name_words"
MEMBER_WORDS = ("to_tsvector('simple'::regconfig, regexp_replace("
                "users.username || ' ' || users.display_name, '[^[:alnum:]]+', ' ', 'g'))")

articles_fts = sa.table(
    FTS_TABLE, *(sa.column(name) for name in ("rowid", FTS_TABLE, "title", "description", "body"))
)
search_vector = sa.column(VECTOR_COLUMN)
members_fts = sa.table(MEMBERS_FTS, sa.column("rowid"), sa.column(MEMBERS_FTS))
member_words = sa.literal_column(MEMBER_WORDS)


def is_search_index(name, type_):
    """True for the tables, columns and indexes of the search index."""
    if type_ == "table":
        return any(name == fts or name.startswith(fts + "_") for fts in (FTS_TABLE, MEMBERS_FTS))
    return name in (VECTOR_COLUMN, VECTOR_INDEX, MEMBER_WORDS_INDEX)


def include_object(object_, name, type_, reflected, compare_to):
    """Alembic's filter: the search index is the migrations' business, not the models'."""
    return not (reflected and compare_to is None and is_search_index(name, type_))
