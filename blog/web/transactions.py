"""A GET or HEAD reads outside a transaction on PostgreSQL, and begins one only if it
writes: two round trips fewer per page (blog.database.read_outside_transaction).

Every other method keeps one transaction from its first statement: a form's reads and
writes, row locks (blog.domain.races) included, stay together.
"""

from flask import request

from ..database import read_outside_transaction
from ..extensions import db

READING_METHODS = frozenset({"GET", "HEAD"})


def _reads_outside_transaction():
    if request.method in READING_METHODS:
        read_outside_transaction(db.session())


def init_app(app):
    """On PostgreSQL: the first of the app's hooks, before any of them asks the database
    (a member's login is read when a hook or the view first asks who is there). It only
    marks the request's session: the connection is taken when a statement needs it."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.before_request_funcs.setdefault(None, []).insert(0, _reads_outside_transaction)
