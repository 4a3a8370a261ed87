"""Reading query plans: which database plans, and what a plan's text says.

The `plans` fixture (tests/fixtures/crowd.py) gives the plans as text: SQLite's
EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN in a crowded site, one line per node
joined with " / ".
"""

import re

from blog.extensions import db
from helpers import recorded_statements


def on_postgres():
    return db.engine.dialect.name == "postgresql"


def sorts_rows(plan):
    """True when a PostgreSQL plan sorts rows it read (an Incremental Sort only orders ties)."""
    return re.search(r"(^|/ )(->  )?Sort  \(cost", plan) is not None


def scans_table(plan, table):
    """True when a plan reads `table` whole: a sequential scan, or SQLite's SCAN of the table."""
    return (f"Seq Scan on {table}" in plan
            or re.search(rf"(^|/ )SCAN {table}( / |$)", plan) is not None)


def work_done(function):
    """How much work the database did for the statements `function` ran: SQLite's virtual
    machine steps, or the rows PostgreSQL's plan nodes produced (EXPLAIN ANALYZE, run
    again). Compared between two sizes of a site, it shows a cost that grows with it."""
    connection = db.session.connection()
    if not on_postgres():
        steps = []

        def step():
            steps.append(1)
            return 0  # go on

        raw = connection.connection.dbapi_connection
        raw.set_progress_handler(step, 10)  # called every 10 steps
        try:
            function()
        finally:
            raw.set_progress_handler(None, 10)
        return 10 * len(steps)
    with recorded_statements() as ran:
        function()
    return sum(_rows_of(connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()[0]["Plan"])
        for statement, parameters in ran)


def _rows_of(node):
    own = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
    return own + sum(_rows_of(child) for child in node.get("Plans", []))
