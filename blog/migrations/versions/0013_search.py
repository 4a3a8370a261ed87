"""Full-text search of published articles, and members found by the start of a name.

- SQLite: articles_fts, an FTS5 table over the articles' title, description and
  body (external content: the text stays in articles), holding published articles
  only; triggers on articles keep it in the same transaction as the article.
- PostgreSQL: articles.search_vector, a tsvector (title weighted A, description B,
  body C) that a trigger sets when they change, with a GIN index over published
  articles. A trigger, not a generated column: PostgreSQL would refuse to change
  the type of any column a generated column reads (a later migration widening
  the title, say).
- Both: an index on lower(display_name) for the members search.

Both engines see the same words: every run of letters and digits, lowercased, no
stemming and no stop words (blog.domain.search builds queries to match).

Revision ID: 0013_search
Revises: 0012_bounded_costs
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_search"
down_revision = "0012_bounded_costs"
branch_labels = None
depends_on = None

FTS_TABLE = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, description, body,
    content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0', prefix='2 3'
)
"""
# The index holds published articles only, and FTS5's 'delete' must be given the values
# it indexed: an update removes the old row before it adds the new one, in one trigger
# (two triggers on one event run in an order SQLite does not promise).
_ADD = ("INSERT INTO articles_fts (rowid, title, description, body) "
        "SELECT new.id, new.title, new.description, new.body WHERE new.status = 'published';")
_REMOVE = ("INSERT INTO articles_fts (articles_fts, rowid, title, description, body) "
           "SELECT 'delete', old.id, old.title, old.description, old.body "
           "WHERE old.status = 'published';")
TRIGGERS = {
    "articles_fts_insert": f"""
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_ADD} END""",
    "articles_fts_delete": f"""
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_REMOVE} END""",
    "articles_fts_update": f"""
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, description, body, status
ON articles BEGIN {_REMOVE} {_ADD} END""",
}


def _words(column):
    # Runs of letters and digits, as SQLite's unicode61 tokenizer splits them.
    return (f"to_tsvector('simple'::regconfig, "
            f"regexp_replace({column}, '[^[:alnum:]]+', ' ', 'g'))")


SEARCH_VECTOR = (f"setweight({_words('NEW.title')}, 'A') || "
                 f"setweight({_words('NEW.description')}, 'B') || "
                 f"setweight({_words('NEW.body')}, 'C')")
PG_FUNCTION = f"""
CREATE FUNCTION articles_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.search_vector IS NULL OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.description IS DISTINCT FROM OLD.description OR NEW.body IS DISTINCT FROM OLD.body
    THEN
        NEW.search_vector := {SEARCH_VECTOR};
    END IF;
    RETURN NEW;
END
$$"""
# No column list (UPDATE OF title, ...): PostgreSQL would then refuse any later change
# of those columns' types. The function tests what changed instead; setting the vector
# to NULL computes it again (flask search-reindex).
PG_TRIGGER = """
CREATE TRIGGER articles_search_vector BEFORE INSERT OR UPDATE ON articles
FOR EACH ROW EXECUTE FUNCTION articles_search_vector()"""
PUBLISHED = sa.text("status = 'published'")


def upgrade():
    op.create_index("ix_users_display_name_lower", "users", [sa.text("lower(display_name)")])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS_TABLE)
        for trigger in TRIGGERS.values():
            op.execute(trigger)
        op.execute("INSERT INTO articles_fts (rowid, title, description, body) "
                   "SELECT id, title, description, body FROM articles "
                   "WHERE status = 'published'")
        return
    op.execute("ALTER TABLE articles ADD COLUMN search_vector tsvector")
    op.execute(PG_FUNCTION)
    op.execute(PG_TRIGGER)
    op.execute("UPDATE articles SET search_vector = NULL")  # the trigger fills it in
    op.create_index("ix_articles_search_vector", "articles", ["search_vector"],
                    postgresql_using="gin", postgresql_where=PUBLISHED)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE articles_fts")
    else:
        op.drop_index("ix_articles_search_vector", table_name="articles")
        op.execute("DROP TRIGGER articles_search_vector ON articles")
        op.execute("DROP FUNCTION articles_search_vector()")
        op.execute("ALTER TABLE articles DROP COLUMN search_vector")
    op.drop_index("ix_users_display_name_lower", table_name="users")
