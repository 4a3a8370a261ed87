"""Every request reads outside a transaction on PostgreSQL, and begins one only when it
writes or locks a row (blog.reads_outside): two round trips fewer
per page, and no ROLLBACK (which makes psycopg forget its prepared statements) after a
refused form or the reads that follow a COMMIT.

A form's writes stay all or nothing: its first write or row lock (blog.domain.races)
begins the transaction, and everything after it, up to the COMMIT, is inside. At READ
COMMITTED each statement reads its own snapshot anyway, so its reads before that see
what they would have seen inside.
"""

from ..extensions import db
from ..reads_outside import read_inside_transactions, read_outside_transactions


def _reads_outside_transactions():
    read_outside_transactions(db.session())


def _read_inside_again(error=None):
    # A test's app context may outlive the request, and its session with it.
    if db.session.registry.has():
        read_inside_transactions(db.session())


def init_app(app):
    """On PostgreSQL: the first of the app's hooks, before any of them asks the database
    (a member's login is read when a hook or the view first asks who is there). It only
    marks the request's session: the connection is taken when a statement needs it."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.before_request_funcs.setdefault(None, []).insert(0, _reads_outside_transactions)
        app.teardown_request(_read_inside_again)
