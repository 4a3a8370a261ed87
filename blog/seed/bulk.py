"""Rows into the database fast, inside the caller's transaction."""

from sqlalchemy import func, insert, select, text

BATCH = 5000


def insert_rows(connection, table, rows):
    """Add rows fast: COPY on PostgreSQL, executemany in batches elsewhere."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[start:start + BATCH])
        return
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def reserve_ids(connection, table, count):
    """`count` new primary keys, so rows can point at each other before they exist.

    PostgreSQL: taken from the id sequence, as an insert would. SQLite: after
    the highest id; this transaction already holds the write lock.
    """
    if connection.dialect.name == "postgresql":
        return list(connection.scalars(text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        ), {"table": table.name, "n": count}))
    first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))
