"""The story page of one request: its sequence diagram, the code that ran, and its curl."""

import re
import xml.etree.ElementTree as ET

import pytest

from helpers import TEST_PASSWORD, Auth, FormClient

SVG = "{http://www.w3.org/2000/svg}"
LANES = ["browser", "route", "CSRF", "who", "rules", "database", "mail", "response", "page"]


def inspected_app(make_app, smtp, **settings):
    return make_app(FLOW_INSPECTOR=True, MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port,
                    **settings)


@pytest.fixture
def inspected(make_app, smtp):
    """An app with FLOW_INSPECTOR on, in the testing mode: no source shown."""
    app = inspected_app(make_app, smtp)
    with app.app_context():
        yield app


@pytest.fixture
def developing(make_app, smtp):
    """An app as `make run` has it: development mode, the inspector on."""
    app = inspected_app(make_app, smtp, BLOG_ENV="development")
    with app.app_context():
        yield app


def story_page(client, response):
    """The HTML story of `response`'s request, as its own browser reads it."""
    page = client.get(f"/flow/{response.headers['X-Request-Id']}")
    assert page.status_code == 200, page.status_code
    return page.get_data(as_text=True)


def diagram(page):
    """The story page's SVG, parsed (so it is well-formed), and the sentence of each row."""
    [markup] = re.findall(r"<svg [^>]*class=\"flow-diagram\".*?</svg>", page, re.DOTALL)
    svg = ET.fromstring(markup)  # noqa: S314 - our own output
    lanes = [text.text for text in svg.find(f"{SVG}g[@class='flow-lanes']").iter(f"{SVG}text")
             if text.get("font-weight") == "bold"]
    rows = [group.find(f"{SVG}title").text for group in svg.findall(f"{SVG}g")
            if group.find(f"{SVG}title") is not None]
    return svg, lanes, rows


def curl_of(page):
    [command] = re.findall(r'<pre id="flow-curl-command">(.*?)</pre>', page, re.DOTALL)
    return command


def in_order(wanted, rows):
    """True when each wanted text starts a row, in this order (other rows between)."""
    rest = iter(rows)
    return all(any(row.startswith(text) for row in rest) for text in wanted)


@pytest.fixture
def liker(inspected, make_member, make_article):
    article = make_article(author=make_member("author"), title="Liked")
    make_member("member1")
    member = FormClient(inspected.test_client())
    Auth(member).login()
    return member, article


def test_a_like_by_fetch_is_drawn_lane_by_lane(liker):
    member, article = liker
    token = member.csrf_token()
    response = member.post(f"/articles/{article.slug}/like",
                           headers={"Accept": "application/json", "X-CSRFToken": token})
    assert response.status_code == 200
    member.post(f"/flow/{response.headers['X-Request-Id']}/browser",
                json={"story": '{"before": "Like 0", "after": "Unlike 1"}'},
                headers={"X-CSRFToken": token})

    svg, lanes, rows = diagram(story_page(member, response))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == (
        f"Sequence diagram of POST /articles/{article.slug}/like → 200")
    assert svg.get("viewBox").startswith("0 0 ")
    assert lanes == LANES
    assert in_order([
        f"browser → route: POST /articles/{article.slug}/like",
        "route → CSRF: token matched: yes",
        "route → who: @member1 (session cookie)",
        "route → rules: can_view: yes",
        "route → rules: may_write: yes",
        "route → database: ",
        "route → response: 200 OK",
        'response → page: JSON {"liked": true, "likes_count": 1}',
        "page: Like 0 → Unlike 1",
    ], rows), "\n".join(rows)
    assert [row for row in rows if "writes" in row] == [
        "route → database: 5 statements: reads articles, users; "
        "writes articles, likes, notifications"]


def test_a_form_post_that_redirects_is_drawn_to_the_page_it_led_to(liker):
    member, article = liker
    response = member.submit(f"/articles/{article.slug}/like")
    assert response.status_code == 302
    member.get(response.headers["Location"])

    page = story_page(member, response)
    _, lanes, rows = diagram(page)
    assert lanes == LANES
    assert in_order([
        "browser → route: POST", "route → CSRF: token matched: yes", "route → who: @member1",
        "route → rules: can_view: yes", "route → database",
        "route → response: 302 Found → /articles/", "response → page: go to /articles/",
        f"page: then GET /articles/{article.slug} → 200",
    ], rows), "\n".join(rows)


def test_a_refused_write_says_no_in_words(inspected, make_member, make_article):
    article = make_article(author=make_member("author"), title="Not yours")
    make_member("member1")
    intruder = FormClient(inspected.test_client())
    Auth(intruder).login()
    response = intruder.submit(f"/articles/{article.slug}/delete")
    assert response.status_code == 403
    _, _, rows = diagram(story_page(intruder, response))
    assert "route → rules: can_delete: no" in rows
    assert "route → response: 403 Forbidden" in rows


def test_user_input_in_the_diagram_stays_escaped(inspected):
    visitor = FormClient(inspected.test_client())
    response = visitor.get("/articles/<script>alert(1)</script>")
    assert response.status_code == 404
    page = story_page(visitor, response)
    assert "<script>alert" not in page
    svg, _, rows = diagram(page)  # parsed: the markup is whole
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in re.search(r"<svg.*</svg>", page, re.DOTALL)[0]
    assert "browser → route: GET /articles/<script>alert(1)</script>" in rows
    assert "route → who: a visitor (no login)" in rows


def test_a_form_post_as_curl_has_placeholders_and_no_secret(inspected, make_member):
    make_member("member1")
    visitor = FormClient(inspected.test_client())
    token = visitor.csrf_token()
    response = visitor.post("/auth/login", data={
        "login": "member1", "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookies = {cookie.key: cookie.value for cookie in visitor.client._cookies.values()}

    page = story_page(visitor, response)
    command = curl_of(page)
    assert command.startswith("curl \\\n  -X POST http://localhost/auth/login")
    assert "-b &#39;session=&lt;your-session-cookie&gt;&#39;" in command
    assert "--data-urlencode login=member1" in command
    assert "--data-urlencode &#39;password=&lt;password&gt;&#39;" in command
    assert "--data-urlencode &#39;csrf_token=&lt;csrf-token&gt;&#39;" in command
    assert "flow_browser" not in command
    assert TEST_PASSWORD not in page
    # The page's own logout button carries a CSRF token of its own: look past the forms.
    story = re.sub(r'name="csrf_token"[^>]*>', "", page)
    assert token not in command and token not in story
    for name, value in cookies.items():
        if name != "flow_from":  # a request id, and shown as such
            assert value not in page, name
    assert 'data-copy="flow-curl-command"' in page
    assert "js/copy.js" in page


def test_an_api_call_as_curl_has_a_token_placeholder(inspected, make_member):
    from api_contract import ApiClient

    user = make_member("member1")
    api = ApiClient(inspected.test_client())
    token = api.login(user.email)
    response = api.put("/api/user", {"user": {"bio": "Hi <b>there</b>"}}, token=token)
    assert response.status_code == 200

    member = FormClient(inspected.test_client())
    Auth(member).login()
    page = story_page(member, response)
    command = curl_of(page)
    assert "-X PUT http://localhost/api/user" in command
    assert "-H &#39;Authorization: Token &lt;your-token&gt;&#39;" in command
    assert "Content-Type: application/json" in command
    assert "Hi &lt;b&gt;there&lt;/b&gt;" in command
    assert token not in page
    _, lanes, rows = diagram(page)
    assert lanes[0] == "API client"
    # The API takes no CSRF token: nothing was matched.
    assert "route → CSRF: none asked: the API takes no CSRF token" in rows


def test_the_code_that_ran_shows_its_source_in_development(developing, make_member,
                                                          make_article):
    article = make_article(author=make_member("author"), title="Liked")
    make_member("member1")
    member = FormClient(developing.test_client())
    Auth(member).login()
    response = member.submit(f"/articles/{article.slug}/like")
    page = story_page(member, response)
    code = page[page.index('class="flow-code-ran"'):]
    assert "<code>react()</code> in <code>blog/article/views.py:" in code
    assert "def react(" in code
    assert "<code>can_view()</code> in <code>blog/domain/permissions.py:" in code
    assert "def can_view(" in code
    assert 'class="flow-ran"' in code  # the lines the steps pointed at stand out


def test_the_code_that_ran_is_named_only_outside_development(liker):
    member, article = liker
    response = member.submit(f"/articles/{article.slug}/like")
    page = story_page(member, response)
    code = page[page.index('class="flow-code-ran"'):]
    assert "<code>react()</code> in <code>blog/article/views.py:" in code
    assert "<code>can_view()</code> in <code>blog/domain/permissions.py:" in code
    assert "def react(" not in code and "def can_view(" not in code
    assert "The source is shown in development mode only." in code


def test_a_failed_csrf_check_is_drawn_as_a_no(inspected, make_member):
    make_member("member1")
    member = FormClient(inspected.test_client())
    Auth(member).login()
    response = member.post("/auth/logout")  # no token
    assert response.status_code == 400
    _, _, rows = diagram(story_page(member, response))
    assert "route → CSRF: token matched: no (The CSRF token is missing.)" in rows
    assert "route → response: 400 Bad Request" in rows


def test_source_is_read_from_our_package_only():
    from blog.inspector.source import our_file, source_of

    assert our_file("blog/inspector/source.py") is not None
    for outside in ("blog/../pyproject.toml", "blog/../../etc/passwd", "/etc/passwd",
                    "blog/templates/base.html"):
        assert our_file(outside) is None, outside
    assert source_of({"function": "x", "file": "blog/../wsgi.py", "line": 1, "ran": {1}}) == []


def test_a_refused_api_call_is_drawn_as_a_json_check(inspected, make_member):
    from api_contract import ApiClient

    user = make_member("member1")
    api = ApiClient(inspected.test_client())
    token = api.login(user.email)
    response = api.put("/api/user", {"user": {"email": "not an address"}}, token=token)
    assert response.status_code == 422

    member = FormClient(inspected.test_client())
    Auth(member).login()
    _, _, rows = diagram(story_page(member, response))
    assert "route → who: @member1 (API token)" in rows
    assert "route → rules: JSON check: no (email)" in rows
    # Python 3.13 calls it "Unprocessable Content", 3.12 "Unprocessable Entity".
    assert any(row.startswith("route → response: 422 Unprocessable") for row in rows)
