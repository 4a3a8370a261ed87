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

SOME_CHECKS = 140  # a run makes ~150 checks: far fewer means the client stopped early


@pytest.fixture
def live_config():
    return {"REQUIRE_VERIFIED_EMAIL": False, "RATELIMIT_ENABLED": True}


def test_the_api_answers_as_the_realworld_spec_says(live_server):
    checks = realworld_client.run(live_server.url + "/api", out=lambda line: None)
    failed = [result.line() for result in checks.failures()]
    assert not failed, "The API differs from the spec:\n" + "\n".join(failed)
    assert len(checks.results) >= SOME_CHECKS, [result.name for result in checks.results]
