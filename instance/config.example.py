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
