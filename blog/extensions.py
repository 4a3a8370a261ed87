"""The Flask extensions, created unbound here and bound in create_app()."""

from urllib.parse import urlsplit

import flask_limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .events import security_event

# Named constraints let Alembic alter tables on SQLite (batch mode) and
# give the same names on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, saying in the security log when its storage stops and starts answering.

    With RATELIMIT_IN_MEMORY_FALLBACK_ENABLED, Flask-Limiter counts in memory
    while the storage (Redis) fails, and tries it again after growing pauses
    (1, 2, 4 ... 32 s). It keeps that state in `_storage_dead`, which this
    property turns into events.
    """

    def init_app(self, app):
        # One Limiter serves every app a process builds (the tests build many):
        # each starts with its own storage and prefix.
        self.__dict__["storage_failed"] = False
        self._key_prefix = ""
        self.storage_name = _without_password(app.config.get("RATELIMIT_STORAGE_URI") or "")
        super().init_app(app)

    @property
    def _storage_dead(self):
        return self.__dict__.get("storage_failed", False)

    @_storage_dead.setter
    def _storage_dead(self, dead):
        was = self.__dict__.get("storage_failed", False)
        self.__dict__["storage_failed"] = dead
        if dead and not was:
            security_event("ratelimit.storage_unreachable", storage=self.storage_name,
                           fallback="memory")
        elif was and not dead:
            security_event("ratelimit.storage_recovered", storage=self.storage_name)


def _without_password(uri):
    parts = urlsplit(uri)
    address = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
    return f"{parts.scheme}://{address}{parts.path}"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)
