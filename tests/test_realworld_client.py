"""The independent RealWorld client (scripts/realworld_client.py) against the real server.

The client was written from the RealWorld spec 2.0.0 alone, not from blog/api/. Here the
app is served by waitress on a loopback port, with REQUIRE_VERIFIED_EMAIL off (as a
RealWorld front end needs) and the rate limits on at their production values (one run
of the client fits in them), and every check of the client runs against it over HTTP.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import realworld_client  # noqa: E402 - lives in scripts/, found through the path above

# Checks the server does not pass yet, by name, with why. Remove a line once the server
# passes that check: the test fails while a gap listed here passes, to say so.
KNOWN_SERVER_GAPS = {
    "PUT /articles/:slug with a new title: the slug changes too (endpoints.md)":
        "slugs never change (README: 'slugs do not change when the title does')",
    "PUT /user changes the email: the answer shows the new one":
        "the new address must be confirmed first; the answer shows the old one (README)",
    "PUT /user with a taken email: 409 (or 422) email has already been taken":
        "answers 200 with the old address, so that nobody learns who is registered (README)",
}
SOME_CHECKS = 140  # a run makes ~150 checks: far fewer means the client stopped early


@pytest.fixture
def live_config():
    return {"REQUIRE_VERIFIED_EMAIL": False, "RATELIMIT_ENABLED": True}


def test_the_api_answers_as_the_realworld_spec_says(live_server):
    checks = realworld_client.run(live_server.url + "/api", out=lambda line: None)
    failed = {result.name: result for result in checks.failures()}
    unexpected = [result.line() for name, result in failed.items() if name not in KNOWN_SERVER_GAPS]
    assert not unexpected, "The API differs from the spec:\n" + "\n".join(unexpected)
    passing = [name for name in KNOWN_SERVER_GAPS if name not in failed]
    assert not passing, "Fixed (or renamed): remove from KNOWN_SERVER_GAPS:\n" + "\n".join(passing)
    assert len(checks.results) >= SOME_CHECKS, [result.name for result in checks.results]
