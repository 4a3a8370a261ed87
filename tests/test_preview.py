"""POST /preview: the editors' Preview tabs (static/js/editor.js), and the forms without them."""

from sqlalchemy import func, select

from blog.extensions import db
from blog.models import Article, Comment
from helpers import Auth, FormClient, api_errors, json_headers, page

CODE = "```python\ndef greet(name):\n    return name\n```\n"
HOSTILE = "<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n"


def preview(client, body, **headers):
    """What editor.js sends: the body as a form field, the CSRF token in a header."""
    data = {} if body is None else {"body": body}
    return client.post("/preview", data=data, headers={**json_headers(client), **headers})


def test_preview_answers_the_html_a_save_would_store_sanitised_and_highlighted(client, writer):
    response = preview(client, "# Big\n\n" + HOSTILE + "\n" + CODE)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_json()["html"]
    assert "<h1>Big</h1>" in html
    # Shown as text, never as markup: no script, no javascript: link, no handler.
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "<img" not in html
    assert '<span class="hl-k">def</span>' in html  # highlighted as on save
    assert db.session.scalar(select(func.count(Article.id))) == 0  # nothing saved
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_preview_needs_a_csrf_token(client, writer):
    response = client.post("/preview", data={"body": "*hi*"},
                           headers={"Accept": "application/json"})
    assert api_errors(response, 400)
    assert "html" not in response.get_json()


def test_preview_needs_a_login(client):
    response = client.post("/preview", data={"body": "*hi*"}, headers=json_headers(client))
    assert api_errors(response, 401) == {"body": ["Please log in first."]}
    without_json = client.submit("/preview", {"body": "*hi*"})
    assert without_json.status_code == 302 and "/auth/login" in without_json.headers["Location"]


def test_bad_input_is_a_4xx_beside_the_body(client, writer):
    assert api_errors(preview(client, None), 422) == {
        "body": ["Send the Markdown to preview as body."]}
    # Rendering costs CPU: never more than an article may hold.
    assert api_errors(preview(client, "_a" * 50_001), 422) == {
        "body": ["Use at most 100000 characters."]}
    assert preview(client, "").get_json() == {"html": ""}
    as_json = client.post("/preview", json={"body": ["a list"]}, headers=json_headers(client))
    assert 400 <= as_json.status_code < 500


def limited_members(make_app, make_member, *usernames, **limits):
    """An app with rate limits on, and a logged-in browser for each of `usernames`."""
    app = make_app(RATELIMIT_ENABLED=True, **limits)
    context = app.app_context()
    context.push()
    browsers = []
    for username in usernames:
        make_member(username)
        browsers.append(FormClient(app.test_client()))
        Auth(browsers[-1]).login(username)
    return context, browsers


def test_previews_are_rate_limited_per_member(make_app, make_member):
    context, (eager, calm) = limited_members(
        make_app, make_member, "eager", "calm",
        RATELIMIT_PREVIEWS_PER_MEMBER="3 per minute", RATELIMIT_PREVIEWS_PER_IP="100 per minute")
    try:
        assert [preview(eager, "*hi*").status_code for _ in range(3)] == [200, 200, 200]
        refused = preview(eager, "*hi*")
        assert api_errors(refused, 429)
        assert "Retry-After" in refused.headers
        assert preview(calm, "*hi*").status_code == 200  # another member still may
    finally:
        context.pop()


def test_previews_are_rate_limited_per_address(make_app, make_member):
    context, (one, other) = limited_members(
        make_app, make_member, "one", "other",
        RATELIMIT_PREVIEWS_PER_MEMBER="100 per minute", RATELIMIT_PREVIEWS_PER_IP="3 per minute")
    try:
        assert [preview(one, "*hi*").status_code for _ in range(3)] == [200, 200, 200]
        assert api_errors(preview(other, "*hi*"), 429)  # the same address
    finally:
        context.pop()


def test_the_editor_works_without_javascript(client, writer):
    """The tabs, toolbar and draft note are hidden until the scripts show them; the plain
    Preview button and the form keep working."""
    html = page(client.get("/new"))
    for hidden in ('class="md-tabs"', 'class="md-toolbar"', 'class="hint draft-note" hidden',
                   'class="draft-offer"'):
        start = html.index(hidden)
        assert " hidden" in html[start:html.index(">", start)], hidden
    assert '<summary>Markdown help</summary>' in html
    assert 'value="Preview"' in html and 'data-preview-url="/preview"' in html
    response = client.submit("/new", {"title": "T", "description": "", "cover_url": "",
                                      "tags": "", "body": CODE, "preview": "Preview"})
    assert response.status_code == 200 and '<span class="hl-k">def</span>' in page(response)
    response = client.submit("/new", {"title": "T", "description": "", "cover_url": "",
                                      "tags": "", "body": CODE, "publish": "Publish"})
    assert response.status_code == 302


def test_comment_forms_have_preview_tabs(client, writer, make_article):
    slug = make_article(author=writer).slug
    html = page(client.get(f"/articles/{slug}"))
    assert 'id="new-comment-preview-tab"' in html and 'data-preview-url="/preview"' in html
