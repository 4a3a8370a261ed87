"""The models (blog/models.py) and the migration history describe the same schema.

A column or index added to a model without a migration (or the other way
round) shows up here, on SQLite and on PostgreSQL, before it reaches a site.
"""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import SAWarning

from blog.extensions import db
from blog.models.search import include_object


def schema_differences():
    """What Alembic's autogenerate would write for the migrated test database."""
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes (lower(email)); the migration
        # guard checks those exist (blog/migrations/safety.py).
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified", UserWarning)
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": include_object})
        return compare_metadata(context, db.metadata)


def test_the_models_match_the_migrations(app):
    assert schema_differences() == []
