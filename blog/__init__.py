"""blog: a self-hosted community site. create_app() builds one instance of it."""

from pathlib import Path

from flask import Flask

# database: SQLite pragmas; mailer, export_worker: their workers listen to the domain's signals.
from . import cli, database, events, export_worker, mailer  # noqa: F401
from .config_loader import load_config
from .domain import site
from .extensions import csrf, db, limiter, login_manager, mail, migrate
from .web import (
    access_log,
    errors,
    links,
    page_cache,
    page_cache_wsgi,
    security,
    templating,
    transactions,
    turns,
)
from .web.urls import RowIdConverter

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(test_config=None):
    """Build the app; test_config overrides every other setting."""
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = templating.SiteEnvironment  # before an extension creates it
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)
    app.url_map.converters["id"] = RowIdConverter
    security.refuse_unstorable_input(app)

    register_extensions(app)
    register_blueprints(app)
    security.init_app(app)
    events.init_app(app)
    access_log.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    templating.init_app(app)
    links.init_app(app)
    register_template_helpers(app)
    if app.config["FLOW_INSPECTOR"]:
        register_inspector(app)
    page_cache.init_app(app)  # last: its check runs after the others, its keeping before
    transactions.init_app(app)  # its hook goes before all the others (PostgreSQL)
    turns.init_app(app)  # requests take turns in Flask...
    page_cache_wsgi.init_app(app)  # ...while kept pages are answered before, at once...
    security.trust_proxies(app)  # ...inside ProxyFix, which must see the request first
    site.load_at_start(app)  # the admins' settings: read now, not on a visitor's page
    return app


def register_inspector(app):
    """The flow inspector: records each request's story and shows it (blog/inspector/)."""
    from .inspector import learn, recorder, replay_views  # noqa: F401 - replay_views: its route
    from .inspector.views import bp as flow_bp

    recorder.init_app(app)  # after CSRFProtect: its check runs before the recorder's
    app.register_blueprint(flow_bp)
    if learn.wanted(app):
        app.register_blueprint(learn.bp)


def register_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    from .web import login  # noqa: F401 - registers the user loader


def register_blueprints(app):
    from flask_cors import CORS

    from .api import bp as api_bp
    from .article.comments import bp as comment_bp
    from .article.views import bp as article_bp
    from .auth.views import bp as auth_bp
    from .feed.views import bp as feed_bp
    from .media import bp as media_bp
    from .mod import bp as mod_bp
    from .notify import bp as notify_bp
    from .profile.views import bp as profile_bp
    from .search.views import bp as search_bp
    from .settings.data import bp as your_data_bp
    from .settings.views import bp as settings_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(your_data_bp)
    app.register_blueprint(feed_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(article_bp)
    app.register_blueprint(comment_bp)
    app.register_blueprint(profile_bp)
    app.register_blueprint(mod_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(media_bp)
    # The API authenticates by token, never by cookie, so it needs no CSRF token.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    CORS(app, resources={r"/api/*": {"origins": app.config["API_CORS_ORIGINS"]}},
         supports_credentials=False)
    if app.config["BLOG_ENV"] != "production":
        from .dev.views import bp as dev_bp

        app.register_blueprint(dev_bp)


def register_template_helpers(app):
    from .domain import site
    from .domain.permissions import may_write
    from .mailer import uses_dev_mailbox

    @app.context_processor
    def site_context():
        chosen = site.current()  # the admins' settings (kept a while: no query per page)
        return {
            "site": chosen,
            "site_name": chosen.name,
            "may_write": may_write,
            "dev_mailbox": app.config["BLOG_ENV"] != "production" and uses_dev_mailbox(app),
            # The flow inspector (when on) says whether this page gets its bar.
            "flow_bar": lambda: False,
        }
