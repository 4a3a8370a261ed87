"""The one clock the tables use."""

from datetime import UTC, datetime


def utcnow():
    """Now in UTC, without tzinfo: what both SQLite and PostgreSQL columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)
