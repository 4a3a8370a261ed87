"""Reading the settings when an app is made: the defaults in blog/config.py, then
instance/config.py, then the environment, then what a test passes; and what follows
from them (Secure cookies over https, a development key, production's refusals).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from .config import DefaultConfig
from .config_env import ENV_SETTINGS, MIN_SECRET_LENGTH, PLACEHOLDER_SECRETS


def _as_bool(value):
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _read_setting(raw, kind):
    if kind == "bool":
        return _as_bool(raw)
    if kind == "seconds":
        return timedelta(seconds=int(raw))
    if kind == "list":
        return [item.strip() for item in raw.split(",") if item.strip()]
    return kind(raw)


def load_config(app, test_config=None):
    """Fill app.config from defaults, instance/config.py, the environment and test_config."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    for name, kind in ENV_SETTINGS.items():
        if name in os.environ:
            raw = os.environ[name]
            app.config[name] = _read_setting(raw, kind)
    if "BLOG_ENV" in os.environ:
        app.config["BLOG_ENV"] = os.environ["BLOG_ENV"]
    if test_config:
        app.config.update(test_config)

    if app.config["FLOW_INSPECTOR"] is None:
        app.config["FLOW_INSPECTOR"] = app.config["BLOG_ENV"] == "development"
    if app.config["NEW_MEMBER_DAYS"] is None:
        app.config["NEW_MEMBER_DAYS"] = 3 if app.config["BLOG_ENV"] == "production" else 0
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", _database_uri(app))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          _engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    secure = app.config["BASE_URL"].startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    app.config["PREFERRED_URL_SCHEME"] = "https" if secure else "http"
    if secure:
        _host_prefix_cookies(app)
    _check_secret_key(app)
    if app.config["BLOG_ENV"] == "production" and app.debug:
        raise RuntimeError("Refusing to run: DEBUG is on in production. Unset FLASK_DEBUG.")


def _host_prefix_cookies(app):
    """Name the login cookies __Host-... over https, unless set otherwise.

    Browsers keep such a cookie only when it is Secure, for Path=/ and without
    a Domain: a sibling subdomain or a plain-http page cannot plant one.
    """
    config = app.config
    if config["SESSION_COOKIE_NAME"] == "session" and not config.get("SESSION_COOKIE_DOMAIN") \
            and (config.get("SESSION_COOKIE_PATH") or config["APPLICATION_ROOT"]) == "/":
        config["SESSION_COOKIE_NAME"] = "__Host-session"
    if config.get("REMEMBER_COOKIE_NAME", "remember_token") == "remember_token" \
            and not config.get("REMEMBER_COOKIE_DOMAIN") \
            and config.get("REMEMBER_COOKIE_PATH", "/") == "/":
        config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"


def _database_uri(app):
    url = app.config.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(app.instance_path) / "blog.sqlite3")
    # psycopg 3 is the driver we ship; plain postgresql:// URLs should just work.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(url):
    """The connection used last is handed out first: under load the same few stay busy, so
    they are not pinged (blog.database._ping_after_idle), and the others may time out.
    An in-memory SQLite database has no pool to order: one connection, kept."""
    url = make_url(url)
    in_memory = url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    if url.get_backend_name() == "sqlite" and in_memory:
        return {}
    return {"pool_use_lifo": True}


def _check_secret_key(app):
    key = app.config.get("SECRET_KEY") or ""
    if app.config["BLOG_ENV"] == "production":
        if key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH:
            raise RuntimeError(
                "Refusing to start: SECRET_KEY is missing or too weak for production. "
                "Set SECRET_KEY in the environment or instance/config.py to a random value "
                f"of at least {MIN_SECRET_LENGTH} characters, for example the output of: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
    elif not key:
        app.config["SECRET_KEY"] = _development_secret(app)


def _development_secret(app):
    """A random key kept in instance/, so dev logins survive a restart."""
    path = Path(app.instance_path) / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
