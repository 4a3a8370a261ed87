"""Rate limits kept in Redis: shared by server processes, and safe when Redis goes away.

The shared limits run against the machine's Redis on 127.0.0.1:6379 (.ci/run
starts it), each run under its own key prefix; the outage runs against a
redis-server of the test's own, killed half way.
"""

import json
import shutil
import time

import pytest
import redis

from helpers import TEST_PASSWORD, Auth, FormClient, security_events
from server_helpers import OwnRedis, wsgi_servers


def api_login(port, email):
    """POST /api/users/login with a wrong password; returns (status, JSON body)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = json.dumps({"user": {"email": email, "password": "not the password"}})
        connection.request("POST", "/api/users/login", body,
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_two_server_processes_share_the_login_limit(database_url, shared_redis, key_prefix,
                                                    tmp_path):
    # 20 logins a minute per IP by default; each guess is for a new address so
    # that only the per-IP limit counts.
    with wsgi_servers(2, database_url, tmp_path, RATELIMIT_STORAGE_URI=shared_redis,
                      RATELIMIT_KEY_PREFIX=key_prefix) as (first, second):
        assert api_login(second, "guess0@example.com")[0] == 401
        statuses = [api_login(first, f"guess{n}@example.com")[0] for n in range(1, 20)]
        assert statuses == [401] * 19
        # The first process used up what is left: the second one refuses too.
        status, body = api_login(second, "guess20@example.com")
        assert status == 429, body
        assert "errors" in body
        assert api_login(first, "guess21@example.com")[0] == 429


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own on a free loopback port: .start() and .kill()."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)",
                    pytrace=False)
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def test_login_still_works_and_is_limited_when_redis_goes_away(
    make_app, make_member, own_redis, key_prefix, caplog
):
    caplog.set_level("INFO", logger="blog.security")
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=own_redis.uri,
                   RATELIMIT_KEY_PREFIX=key_prefix, RATELIMIT_LOGIN_PER_IP="6 per minute")
    client = FormClient(app.test_client())
    auth = Auth(client)
    with app.app_context():
        make_member("owner")
    assert auth.login("owner").status_code == 302
    assert auth.logout().status_code == 302
    assert security_events(caplog, "ratelimit.storage_unreachable") == []

    own_redis.kill()
    # No 500: the page and the API log the owner in, counting in this process's memory.
    assert auth.login("owner").status_code == 302
    api = app.test_client()
    response = api.post("/api/users/login",
                        json={"user": {"email": "owner@example.com", "password": TEST_PASSWORD}})
    assert response.status_code == 200, response.get_data(as_text=True)
    [event] = security_events(caplog, "ratelimit.storage_unreachable")
    assert event["storage"] == f"redis://127.0.0.1:{own_redis.port}"
    assert event["fallback"] == "memory"
    # And the limit still holds: 6 a minute, whatever Redis had counted.
    statuses = [api.post("/api/users/login",
                         json={"user": {"email": f"x{n}@example.com", "password": "wrong"}}
                         ).status_code for n in range(6)]
    assert 429 in statuses, statuses
    assert 500 not in statuses

    # Redis back: the limits are shared again, within a few seconds.
    own_redis.start()
    deadline = time.monotonic() + 10
    while not security_events(caplog, "ratelimit.storage_recovered"):
        assert time.monotonic() < deadline, "the limiter never went back to Redis"
        assert auth.login("owner").status_code in (302, 429)
        time.sleep(0.5)
    assert redis.Redis.from_url(own_redis.uri).keys(f"*{key_prefix}*")
