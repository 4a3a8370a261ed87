"""An independent client for the RealWorld ("Conduit") API, spec 2.0.0.

    python scripts/realworld_client.py [BASE_URL]     (default http://127.0.0.1:8000/api)

It was written from the spec alone (openapi.yml 2.0.0 and its pages: endpoints, API
response format, error handling), not from this project's code, so it tells whether
the server answers as the spec says. Every operation is exercised for success and for
the errors the spec lists (401, 403, 404, 409, 422). Each check prints one line, PASS
or FAIL, with what the spec expects and what the server answered; the exit status is 1
when a check failed. Standard library only.

Each run registers three new members (names unique to the run) and writes six
articles, two comments, likes and follows; it deletes only what the checks delete.
It counts against the server's rate limits like any client: a 429 is the server
saying so. The checks live in scripts/realworld_checks/, one module per part of the API.
"""

import secrets
import sys
import time

from realworld_checks import articles, reactions, users
from realworld_checks.core import Api, Checks, Run

DEFAULT_BASE = "http://127.0.0.1:8000/api"


def run(base=DEFAULT_BASE, out=print):
    """Run every check against the API at `base`; returns the Checks (results, failures)."""
    api = Api(base)
    rid = secrets.token_hex(4)
    context = Run(api, Checks(api, out), rid, f"Lantern-{rid}-quartz-Meadow", {}, {})
    users.accounts(context)
    users.profiles(context)
    articles.writing(context)
    articles.lists(context)
    reactions.favorites(context)
    reactions.comments(context)
    users.update_user(context)
    wrong = [f"{a.request} ({a.headers.get('Content-Type')})" for a in api.answers
             if a.text.strip() and not (a.headers.get("Content-Type") or "").startswith(
                 "application/json")]
    context.check.record("every answer with a body is Content-Type: application/json",
                         not wrong, "application/json", "; ".join(wrong[:5]) or "all were")
    return context.check


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    started = time.monotonic()
    checks = run(argv[0] if argv else DEFAULT_BASE)
    failed = checks.failures()
    print(f"{len(checks.results)} checks, {len(failed)} failed, "
          f"in {time.monotonic() - started:.1f} s, {len(checks.api.answers)} requests")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
