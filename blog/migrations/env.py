"""Alembic's environment: runs our migrations on the app's own engine."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from blog.migrations.safety import guarded
from blog.models.search import include_object

config = context.config
# Keep the app's loggers alive when migrations run inside the app (tests, init-db).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

database = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url",
    database.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)


def run_migrations_offline():
    """Write the SQL to stdout instead of running it (flask db upgrade --sql)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=database.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations on a connection of the app's engine, guarded (see safety.py)."""

    def skip_empty_revisions(context, revision, directives):
        # `flask db migrate` with no model change should not write an empty file.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_revisions)
    configure_args.setdefault("include_object", include_object)
    # True on SQLite too: guarded() wraps the run in one transaction of its own.
    configure_args.setdefault("transactional_ddl", True)
    with database.engine.connect() as connection, guarded(connection, database.metadata) as guard:
        context.configure(
            connection=connection,
            target_metadata=database.metadata,
            on_version_apply=guard.after_revision,
            **configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()
            guard.finish(context.get_context().get_current_heads(), context.script.get_heads())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
