"""Loads the fixtures; they live in tests/fixtures/, the helpers they share in tests/helpers.py.

The database is SQLite unless DATABASE_URL names PostgreSQL; either way each
run creates its own throw-away database, migrates it once with our Alembic
history, empties it after every test and drops it at the end.
"""

pytest_plugins = [
    "fixtures.database",
    "fixtures.mail",
    "fixtures.web",
    "fixtures.browser",
    "fixtures.api",
    "fixtures.limits",
    "fixtures.redis",
    "fixtures.crowd",
    "fixtures.site",
    "fixtures.uploads",
]
