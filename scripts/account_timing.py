"""Do sign-up and "forgot password" answer as fast for a registered email as for a new one?

`python scripts/account_timing.py [--requests 50]` builds the app on a throw-away
SQLite database with the production password hashing (argon2id defaults), and
posts the sign-up and reset forms through Flask's test client: REQUESTS times
with a registered address and REQUESTS times with new ones, interleaved. It
prints the median time of each. Close medians mean the answer time does not
tell who has an account. Nothing leaves this process; the database is deleted.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a long and unusual passphrase"  # noqa: S105 - a throw-away test account


def build_app(directory):
    from flask_migrate import upgrade

    from blog import create_app

    app = create_app({
        "BLOG_ENV": "testing",
        "SECRET_KEY": "timing-probe-secret-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/timing.sqlite3",
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "WTF_CSRF_TIME_LIMIT": None,
    })
    with app.app_context():
        upgrade()
    return app


def timed_post(client, token, url, form):
    """Milliseconds one POST of `form` to `url` takes (a 302 is expected)."""
    started = time.perf_counter()
    response = client.post(url, data={**form, "csrf_token": token})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, (url, response.status_code)
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="per kind of address (50)")
    count = parser.parse_args(argv).requests
    with tempfile.TemporaryDirectory() as directory:
        app = build_app(directory)
        with app.app_context():
            from blog.domain.accounts import create_user

            create_user("owner@example.com", "owner", PASSWORD)
        client = app.test_client()
        token = CSRF.search(client.get("/auth/register").get_data(as_text=True)).group(1)

        def sign_up(email, n):
            return {"email": email, "username": f"user{n}", "password": PASSWORD,
                    "confirm": PASSWORD}

        timed_post(client, token, "/auth/register", sign_up("warm@example.com", 0))  # warm up
        # Each kind alternates with its pair. Resets run apart from sign-ups: a
        # request that follows a 64 MiB argon2 hash finds cold caches.
        taken, new, reset_known, reset_unknown = [], [], [], []
        for n in range(1, count + 1):
            taken.append(timed_post(client, token, "/auth/register",
                                    sign_up("owner@example.com", 10_000 + n)))
            new.append(timed_post(client, token, "/auth/register",
                                  sign_up(f"new{n}@example.com", n)))
        for n in range(1, count + 1):
            reset_known.append(timed_post(client, token, "/auth/reset",
                                          {"email": "owner@example.com"}))
            reset_unknown.append(timed_post(client, token, "/auth/reset",
                                            {"email": f"ghost{n}@example.com"}))
    for label, times in (("sign-up, registered email", taken), ("sign-up, new email", new),
                         ("reset, registered email", reset_known),
                         ("reset, unknown email", reset_unknown)):
        print(f"{label:28} median {statistics.median(times):7.1f} ms over {len(times)}")


if __name__ == "__main__":
    main()
