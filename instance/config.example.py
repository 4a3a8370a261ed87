# Copy to instance/config.py and adjust. Environment variables override these.
# Never commit the real file: it holds secrets.

# Required in production. Generate one with:
#   python -c 'import secrets; print(secrets.token_urlsafe(48))'
# SECRET_KEY = "..."

# production (default) | development (what `make run` uses; enables /dev/mail)
# BLOG_ENV = "production"

# The address people use to reach the site; links in emails are built on it.
# An https:// address also turns on Secure cookies and HSTS.
# BASE_URL = "https://community.example.org"

# SQLite in instance/blog.sqlite3 unless set. PostgreSQL:
# DATABASE_URL = "postgresql://blog@localhost/blog"

# Real email. Without MAIL_SERVER, messages stay in the outbox (dev mailbox).
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "blog@example.org"
# MAIL_PASSWORD = "..."
# MAIL_DEFAULT_SENDER = "Our Community <blog@example.org>"

# Unverified accounts may read but not write while this is on.
# REQUIRE_VERIFIED_EMAIL = True

# Share rate-limit counters between several server processes:
# RATELIMIT_STORAGE_URI = "redis://localhost:6379"
# (the redis package is installed with the app). If Redis stops answering,
# each process counts in its own memory until it is back, and says so in the
# security log. Several sites on one Redis: give each its own prefix.
# RATELIMIT_KEY_PREFIX = "community"

# Where the security event log goes (one JSON line per event); stderr if unset.
# SECURITY_LOG_FILE = "/var/log/blog/security.log"

# How many proxies (nginx, Caddy) stand in front; rate limits then see visitors' addresses.
# TRUSTED_PROXIES = 1

# Logins: a session without "Remember me" ends this long after it began.
# from datetime import timedelta
# LOGIN_ABSOLUTE_LIFETIME = timedelta(days=7)

# Limits on writing, per member and per IP ("N per minute|hour|day", ";" between).
# RATELIMIT_ARTICLES_PER_MEMBER = "5 per hour;20 per day"
# RATELIMIT_COMMENTS_PER_MEMBER = "5 per minute;200 per day"

# waitress (python wsgi.py): open connections, and seconds a silent one is kept.
# SERVER_CONNECTION_LIMIT = 1000
# SERVER_CHANNEL_TIMEOUT = 30
