"""Reading query plans: which database plans, and what a plan's text says.

The `plans` fixture (tests/fixtures/crowd.py) gives the plans as text: SQLite's
EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN in a crowded site, one line per node
joined with " / ".
"""

import re

from blog.extensions import db


def on_postgres():
    return db.engine.dialect.name == "postgresql"


def sorts_rows(plan):
    """True when a PostgreSQL plan sorts rows it read (an Incremental Sort only orders ties)."""
    return re.search(r"(^|/ )(->  )?Sort  \(cost", plan) is not None


def scans_table(plan, table):
    """True when a plan reads `table` whole: a sequential scan, or SQLite's SCAN of the table."""
    return (f"Seq Scan on {table}" in plan
            or re.search(rf"(^|/ )SCAN {table}( / |$)", plan) is not None)
