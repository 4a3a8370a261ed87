"""Settings: the defaults in code (what the environment may set: blog/config_env.py).

blog/config_loader.py reads them when the app is created (never at import time):
these defaults, then instance/config.py, then the environment, so tests and tools
can build apps with different settings in one process.
"""

from datetime import timedelta

# What the environment may set, and the secrets never accepted: blog/config_env.py.

class DefaultConfig:
    """What a new site gets when nothing else is said."""

    SITE_NAME = "blog"
    # production | development | testing. Production is the default so that a
    # forgotten setting fails safe; `make run` asks for development.
    BLOG_ENV = "production"
    BASE_URL = "http://127.0.0.1:8000"
    DATABASE_URL = None  # None means the SQLite file instance/blog.sqlite3

    REQUIRE_VERIFIED_EMAIL = True

    MAIL_SERVER = None  # None: emails land in the dev mailbox at /dev/mail
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "blog <no-reply@localhost>"
    MAIL_TIMEOUT_SECONDS = 10
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_BASE_SECONDS = 30
    MAIL_POLL_SECONDS = 5

    VERIFY_TOKEN_MAX_AGE = int(timedelta(days=2).total_seconds())
    RESET_TOKEN_MAX_AGE = int(timedelta(hours=1).total_seconds())
    EMAIL_CHANGE_TOKEN_MAX_AGE = int(timedelta(days=1).total_seconds())

    # A login without "Remember me" ends after this long without activity.
    LOGIN_IDLE_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
    # How long browsers and shared caches may keep a public answer (a visitor's
    # page, a public API GET), in seconds, and serve it stale while refetching.
    PUBLIC_MAX_AGE = 5
    PUBLIC_STALE_WHILE_REVALIDATE = 30
    # The app's own cache of those answers (blog/web/page_cache.py): any write to
    # what they show refreshes them at once; they are rebuilt at least this often.
    # In this process by default; give several processes one Redis (redis://...).
    PAGE_CACHE = True
    PAGE_CACHE_URL = "memory://"
    PAGE_CACHE_SECONDS = 60
    PAGE_CACHE_ENTRIES = 2000
    # A bigger page is served, not kept: at most ENTRIES x PAGE_BYTES (500 MiB), whatever
    # anyone posts (a 100,000-character article makes a page of 280 KB).
    PAGE_CACHE_PAGE_BYTES = 256 * 1024
    PAGE_CACHE_KEY_PREFIX = "blog-pages"
    # Logins (browsers and API tokens) one member keeps at once; a new one
    # ends the least recently used beyond this.
    SESSIONS_PER_MEMBER = 50

    # --- Sessions and account notices ---
    # A login without "Remember me" ends this long after it began, however
    # much it is used; a remember-me login ends REMEMBER_COOKIE_DURATION after
    # it began (use never extends either).
    LOGIN_ABSOLUTE_LIFETIME = timedelta(days=7)
    # The "this wasn't me" link in the notices sent to the old address after a
    # password or email change works this long (seconds).
    NOT_ME_TOKEN_MAX_AGE = int(timedelta(days=7).total_seconds())

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 1024 * 1024
    # How many reverse proxies (nginx, Caddy) stand in front and set X-Forwarded-*.
    TRUSTED_PROXIES = 0

    # Passwords on the list of the 30,000 most common are refused. Only to run a test
    # suite that signs up with "password123" (RealWorld's does): never on a real site.
    REFUSE_COMMON_PASSWORDS = True

    # "fast" is for the test suite only; anything else is argon2-cffi's default.
    PASSWORD_HASH_PROFILE = "default"  # noqa: S105 - a profile name, not a password

    # Security events (blog/events.py) go to stderr, or to this file when set.
    SECURITY_LOG_FILE = None
    # One line per request (blog/web/access_log.py), to stderr or to this file.
    ACCESS_LOG = True
    ACCESS_LOG_FILE = None
    # The flow inspector (blog/inspector/): records each request's story in memory
    # and shows it in the page. None: on in development, off in production.
    FLOW_INSPECTOR = None
    FLOW_INSPECTOR_KEEP = 300

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN_PER_IP = "20 per minute;200 per hour"
    RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT = "5 per 5 minutes;20 per hour"
    # Login limits (blog/auth/throttle.py, blog/login_links.py). A browser that
    # logged in to an account skips its failure limit for this long after that
    # login, until the password changes.
    LOGIN_DEVICE_MAX_AGE = int(timedelta(days=90).total_seconds())
    # A locked-out owner can ask for an emailed link that logs in once, this long.
    LOGIN_LINK_MAX_AGE = int(timedelta(minutes=15).total_seconds())
    RATELIMIT_LOGIN_LINKS_PER_ACCOUNT = "3 per hour"
    RATELIMIT_LOGIN_LINKS_PER_IP = "10 per hour"
    # Per IP every attempt counts; per address only the ones that send an email.
    RATELIMIT_SIGNUP_PER_IP = "30 per hour;100 per day"
    RATELIMIT_EMAILS_PER_ADDRESS = "3 per hour"
    RATELIMIT_EMAIL_PER_IP = "20 per hour"
    RATELIMIT_EMAIL_PER_ACCOUNT = "3 per hour"

    # The JSON API (/api). Tokens last this long, unless logged out in Settings
    # or by a new password.
    API_TOKEN_MAX_AGE = int(timedelta(days=30).total_seconds())
    # Front ends served from these origins may call the API from the browser
    # (comma-separated in the environment; "*" for any). None by default.
    API_CORS_ORIGINS = []
    # The most articles one API list answers with (?limit=).
    API_MAX_LIMIT = 100
    # How deep ?offset= may go: as far as the pages go (500 pages of 20).
    API_MAX_OFFSET = 10_000
    # articlesCount says this many articles at most: a list of more says this (a filtered
    # list is counted, and counting every one would cost more as the site grows).
    API_MAX_COUNT = 10_000

    # --- Serving and shared state ---------------------------------------------
    # waitress, as wsgi.py runs it (blog/serving.py). Its own defaults (100
    # connections, idle ones dropped after 120 s) let one machine with 100 idle
    # sockets shut everyone out. Each connection is an open file: the server
    # raises its open-file limit to fit, or warns.
    SERVER_CONNECTION_LIMIT = 1000
    # Seconds without a byte from the client before its connection is dropped
    # (not while its request is being answered).
    SERVER_CHANNEL_TIMEOUT = 30
    # How often (seconds) waitress looks for such connections.
    SERVER_CLEANUP_INTERVAL = 5
    # How many requests run the app's Python at once in one process (blog/web/turns.py);
    # waitress's other threads wait their turn. None: 1 on SQLite, 2 on PostgreSQL.
    # 0: no limit (every thread at once, as before; slower under load).
    SERVER_APP_TURNS = None
    # Rate limit counters (RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379)
    # start with this prefix, so several sites can share one Redis.
    RATELIMIT_KEY_PREFIX = ""
    # When Redis stops answering, each process counts in its own memory (and
    # says so in the security log) until Redis answers again, rather than
    # failing requests. Redis gets a second to connect and to answer.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True  # a limit that cannot be counted is no 500
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}

    # --- Limits on writing (blog/write_limits.py) and on how much one page shows ---
    # Per member only writes that went through count; per IP every attempt.
    # Likes and bookmarks share one budget; so do follows of members and tags.
    RATELIMIT_ARTICLES_PER_MEMBER = "5 per hour;20 per day"
    RATELIMIT_ARTICLES_PER_IP = "20 per hour;60 per day"
    RATELIMIT_COMMENTS_PER_MEMBER = "5 per minute;200 per day"
    RATELIMIT_COMMENTS_PER_IP = "20 per minute;600 per day"
    RATELIMIT_REACTIONS_PER_MEMBER = "30 per minute;500 per hour"
    RATELIMIT_REACTIONS_PER_IP = "60 per minute;1000 per hour"
    RATELIMIT_FOLLOWS_PER_MEMBER = "30 per minute;200 per hour"
    RATELIMIT_FOLLOWS_PER_IP = "60 per minute;500 per hour"
    # Reports to the moderators: enough for a member who meets a wave of spam,
    # too few to bury the queue.
    RATELIMIT_REPORTS_PER_MEMBER = "10 per hour;30 per day"
    RATELIMIT_REPORTS_PER_IP = "30 per hour;100 per day"
    # Edits of articles, comments and profiles (pages and API): plenty for writing,
    # too few to make every reader's page be rebuilt all the time.
    RATELIMIT_EDITS_PER_MEMBER = "30 per minute;300 per hour"
    RATELIMIT_EDITS_PER_IP = "60 per minute;1000 per hour"
    # A saved draft's words kept while its author types (the editor saves at most every
    # few seconds): a whole afternoon of writing, not a flood of renders.
    RATELIMIT_AUTOSAVES_PER_MEMBER = "20 per minute;600 per hour"
    RATELIMIT_AUTOSAVES_PER_IP = "40 per minute;1200 per hour"
    # The editors' Preview tabs (POST /preview): nothing is saved, but rendering
    # costs CPU, so a script cannot keep a worker busy with it.
    RATELIMIT_PREVIEWS_PER_MEMBER = "30 per minute;600 per hour"
    RATELIMIT_PREVIEWS_PER_IP = "60 per minute;1200 per hour"
    # Newcomers (blog/domain/newcomers.py): for their first NEW_MEMBER_DAYS days
    # (None: 3 in production, 0 = nobody elsewhere, so that trying the site or
    # running a RealWorld suite meets no newcomer limit), fewer articles and
    # comments, and a budget of links across what they post.
    NEW_MEMBER_DAYS = None
    RATELIMIT_ARTICLES_PER_NEW_MEMBER = "2 per hour;5 per day"
    RATELIMIT_COMMENTS_PER_NEW_MEMBER = "3 per minute;50 per day"
    RATELIMIT_LINKS_PER_NEW_MEMBER = "10 per hour;30 per day"
    # Searches (/search, any tab) per IP address: far more than a person types, too few
    # for a script to make the database rank matches all day. The API has no search.
    RATELIMIT_SEARCHES_PER_IP = "60 per minute;1000 per hour"
    # The flow inspector's "What if?" replays (development only), per IP address.
    RATELIMIT_REPLAYS_PER_IP = "20 per minute;200 per hour"
    # --- Taking your data with you (blog/domain/exports.py, imports.py) ---
    # An export's zip is kept, and its emailed link works, this many hours; asking
    # again replaces it. Kept in EXPORT_FOLDER (None: instance/exports/).
    EXPORT_LINK_HOURS = 24
    EXPORT_FOLDER = None
    # A build that has not finished after this many seconds is taken as lost
    # (the process stopped): asking again starts a new one.
    EXPORT_BUILD_TIMEOUT = 600
    RATELIMIT_EXPORTS_PER_MEMBER = "3 per hour;10 per day"
    RATELIMIT_EXPORTS_PER_IP = "10 per hour;30 per day"
    # One import takes at most this many Markdown files (loose or in one zip),
    # of at most this many bytes together once unzipped; the upload itself is
    # bounded by MAX_CONTENT_LENGTH. Each import counts once against these limits
    # (a newcomer's are lower), so one member adds at most files x imports drafts.
    IMPORT_MAX_FILES = 20
    IMPORT_MAX_BYTES = 2 * 1024 * 1024
    RATELIMIT_IMPORTS_PER_MEMBER = "5 per hour;20 per day"
    RATELIMIT_IMPORTS_PER_IP = "20 per hour;60 per day"
    RATELIMIT_IMPORTS_PER_NEW_MEMBER = "1 per hour;3 per day"
    # --- Uploaded pictures (blog/domain/uploads.py, pictures.py, upload_storage.py) ---
    # Kept in UPLOAD_FOLDER (None: instance/uploads/, the folder backups take), named
    # by their content's hash. UPLOAD_STORAGE: another object with put/open/delete/
    # exists (blog/domain/upload_storage.py) to keep them elsewhere; None: the folder.
    UPLOAD_FOLDER = None
    UPLOAD_STORAGE = None
    # One picture as sent, before it is re-encoded (a request may be a little larger).
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    # Width x height (all frames together for an animation): a decompression bomb,
    # a few kB that decode to gigabytes, is refused from its header.
    UPLOAD_MAX_PIXELS = 25_000_000
    UPLOAD_MAX_FRAMES = 100
    # What one member may store in all (after re-encoding).
    UPLOAD_QUOTA_BYTES = 100 * 1024 * 1024
    RATELIMIT_UPLOADS_PER_MEMBER = "20 per hour;100 per day"
    RATELIMIT_UPLOADS_PER_IP = "60 per hour;300 per day"
    # --- The admins' site settings and invitations (blog/domain/site.py, invites.py) ---
    # Each server process reads the settings again after this many seconds (a save
    # shows at once in the process that made it).
    SITE_SETTINGS_MAX_AGE = 30
    INVITE_DAYS = 7  # an invitation link works this many days, once
    RATELIMIT_INVITES_PER_MEMBER = "10 per hour;30 per day"
    RATELIMIT_INVITES_PER_IP = "20 per hour;60 per day"
    # The article page shows this many threads (top-level comments) at a time,
    # each with its first replies; "Show more" links lead to the rest.
    COMMENT_THREADS_PER_PAGE = 30
    COMMENT_REPLIES_SHOWN = 10
    # One thread on its own ("Show N more replies") shows this many replies a page.
    COMMENT_REPLIES_PER_PAGE = 50
    # GET /api/articles/<slug>/comments answers at most this many comments (the
    # first ones in reading order), read off an index: its cost stays the same
    # however long the discussion grows.
    API_MAX_COMMENTS = 100
