"""Members found by any word of their name: "lovelace" finds Ada Lovelace.

The words of the username and the display name (runs of letters and digits,
lowercased, as the articles' search index splits them, migration 0013_search):

- SQLite: members_fts, an FTS5 table over users' username and display_name
  (external content), kept by triggers in the same transaction as the member.
- PostgreSQL: a GIN index on the expression MEMBER_WORDS, a tsvector of both
  (blog.models.search writes the same expression, so the planner matches the
  domain's query to the index; tests/test_search_plans.py reads the plan).

Revision ID: 0016_member_search
Revises: 0015_mutes
Create Date: 2026-12-01
"""

from alembic import op

revision = "0016_member_search"
down_revision = "0015_mutes"
branch_labels = None
depends_on = None

FTS_TABLE = """
CREATE VIRTUAL TABLE members_fts USING fts5(
    username, display_name,
    content='users', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0', prefix='2 3'
)
"""
_ADD = ("INSERT INTO members_fts (rowid, username, display_name) "
        "VALUES (new.id, new.username, new.display_name);")
_REMOVE = ("INSERT INTO members_fts (members_fts, rowid, username, display_name) "
           "VALUES ('delete', old.id, old.username, old.display_name);")
TRIGGERS = {
    "members_fts_insert": f"""
CREATE TRIGGER members_fts_insert AFTER INSERT ON users BEGIN {_ADD} END""",
    "members_fts_delete": f"""
CREATE TRIGGER members_fts_delete AFTER DELETE ON users BEGIN {_REMOVE} END""",
    "members_fts_update": f"""
CREATE TRIGGER members_fts_update AFTER UPDATE OF username, display_name ON users
BEGIN {_REMOVE} {_ADD} END""",
}
PG_INDEX = "ix_users_name_words"
MEMBER_WORDS = ("to_tsvector('simple'::regconfig, regexp_replace("
                "username || ' ' || display_name, '[^[:alnum:]]+', ' ', 'g'))")


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS_TABLE)
        for trigger in TRIGGERS.values():
            op.execute(trigger)
        op.execute("INSERT INTO members_fts (rowid, username, display_name) "
                   "SELECT id, username, display_name FROM users")
        return
    op.execute(f"CREATE INDEX {PG_INDEX} ON users USING gin (({MEMBER_WORDS}))")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE members_fts")
    else:
        op.execute(f"DROP INDEX {PG_INDEX}")
