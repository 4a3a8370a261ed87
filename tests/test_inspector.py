"""The flow inspector: each request's story, what it may show, and to whom."""

import json

import pytest

from helpers import TEST_PASSWORD, Auth, FormClient


@pytest.fixture
def inspected(make_app, smtp):
    """An app with FLOW_INSPECTOR on, as `make run` has it."""
    app = make_app(FLOW_INSPECTOR=True, MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        yield app


@pytest.fixture
def browser(inspected):
    return lambda: FormClient(inspected.test_client())


def story(client, response):
    """The record of `response`'s request, as its own browser reads it."""
    found = client.get(f"/flow/{response.headers['X-Request-Id']}.json")
    assert found.status_code == 200, found.status_code
    return found.get_json()


def texts(record, kind=None):
    return [step["text"] for step in record["steps"] if kind is None or step["kind"] == kind]


def test_off_nothing_is_recorded_or_shown(client, make_member):
    make_member("member1")
    Auth(client).login()
    page = client.get("/")
    assert "flow-bar" not in page.get_data(as_text=True)
    assert client.get("/flow").status_code == 404
    assert client.get(f"/flow/{page.headers['X-Request-Id']}.json").status_code == 404
    assert "flow_browser" not in page.headers.get("Set-Cookie", "")


def test_a_page_tells_its_story_in_its_own_bar(browser, make_article):
    make_article(title="Shown")
    visitor = browser()
    page = visitor.get("/")
    assert 'class="flow-bar"' in page.get_data(as_text=True)
    record = story(visitor, page)
    assert record["kind"] == "page" and record["status"] == 200
    assert texts(record)[0] == "Your browser asked for a page: GET /. It is handled by index()."
    assert record["view"]["file"] == "blog/feed/views.py"
    assert record["sql_count"] == len(texts(record, "sql")) > 0
    assert texts(record, "answer")[0].startswith(
        "The server answered 200 OK (it worked), text/html")
    # Without JavaScript the bar cannot fetch the story: it says where to read it.
    assert "without JavaScript, open the whole story below" in page.get_data(as_text=True)


def test_a_form_post_with_an_error_tells_the_check_and_masks_the_password(browser):
    visitor = browser()
    response = Auth(visitor).register(password="qwertyuiop", confirm="qwertyuiop")
    assert response.status_code == 200
    record = story(visitor, response)
    assert record["kind"] == "form"
    assert texts(record, "csrf") == [
        "The form token (CSRF) matched the one in your session: the request came from one of "
        "our own pages."]
    [checked] = texts(record, "validation")
    assert checked.startswith("The form was checked and refused: password:")
    assert checked.endswith("Choose another.")  # one full stop, not the message's and ours
    # The form token matched the one in the session cookie: the cookie came, with no login.
    assert texts(record, "who") == [
        "No login came with this request: your session cookie names no member, and no API "
        "token came. It is answered as for a visitor."]
    arrived = record["steps"][0]["detail"]["form fields"]
    assert arrived["password"] == "••••" and arrived["csrf_token"] == "••••"
    assert arrived["username"] == ["newbie"]
    assert "qwertyuiop" not in json.dumps(record)


def test_a_failed_csrf_check_is_told(browser, make_member):
    make_member("member1")
    member = browser()
    Auth(member).login()
    response = member.post("/auth/logout")  # no token
    assert response.status_code == 400
    record = story(member, response)
    assert texts(record, "csrf") == []
    assert "Security log: csrf.failed (The CSRF token is missing.)." in texts(record, "event")


def test_a_denied_write_names_the_rule(browser, make_member, make_article):
    article = make_article(author=make_member("author"), title="Not yours")
    make_member("member1")
    intruder = browser()
    Auth(intruder).login()
    response = intruder.submit(f"/articles/{article.slug}/delete")
    assert response.status_code == 403
    record = story(intruder, response)
    assert "Your session cookie says you are @member1." in texts(record, "who")
    assert "You may delete this article: no (rule can_delete)." in texts(record, "rule")
    assert record["changes"] == {}


def test_a_refused_comment_tells_the_form_check(browser, make_member, make_article):
    article = make_article(author=make_member("author"), title="Commented")
    make_member("member1")
    member = browser()
    Auth(member).login()
    response = member.submit(f"/articles/{article.slug}/comments", {"body": "  "})
    assert response.status_code == 422
    [checked] = texts(story(member, response), "validation")
    assert checked.startswith("The form was checked and refused: body: ")


def liked_by_fetch(browser, make_member, make_article, title):
    """member1 likes a new article as our button script does: (browser, its token, answer)."""
    article = make_article(author=make_member("author"), title=title)
    make_member("member1")
    member = browser()
    Auth(member).login()
    token = member.csrf_token()
    response = member.post(f"/articles/{article.slug}/like",
                           headers={"Accept": "application/json", "X-CSRFToken": token})
    return member, token, response


def test_a_like_by_fetch_and_its_browser_half(browser, make_member, make_article):
    member, token, response = liked_by_fetch(browser, make_member, make_article, "Liked")
    assert response.get_json() == {"liked": True, "likes_count": 1}
    half = member.post(f"/flow/{response.headers['X-Request-Id']}/browser",
                       json={"story": json.dumps({
                           "click": "Like", "before": "Like 0", "after": "Unlike 1",
                           "request": {"headers": {"X-CSRFToken": token}}})},
                       headers={"X-CSRFToken": token})
    assert half.status_code == 200

    record = story(member, response)
    assert record["kind"] == "fetch"
    # The author is told of the like in the same transaction (blog/domain/notifications.py).
    assert record["changes"] == {"likes": {"inserted": 1},
                                 "articles": {"updated": "some"},
                                 "notifications": {"inserted": 1}}
    assert record["steps"][-1]["detail"]["JSON body"] == {"liked": True, "likes_count": 1}
    assert record["browser_half"]["before"] == "Like 0"
    assert record["browser_half"]["after"] == "Unlike 1"
    assert token not in json.dumps(record)
    like_sql = [s for s in record["steps"] if s["kind"] == "sql" and "likes" in s["text"]]
    assert like_sql[0]["code"]["file"].startswith("blog/domain/")
    assert ("The database: one row added to likes (none had it been there already: "
            "ON CONFLICT DO NOTHING).") in texts(record, "sql")


def test_a_like_again_is_told_to_add_nothing(browser, make_member, make_article):
    """A second click of a stale Like button (or a retried request) is no error, and the
    story says why nothing changed: the like was there already."""
    member, token, _ = liked_by_fetch(browser, make_member, make_article, "Liked twice")
    slug = "liked-twice"
    again = member.post(f"/articles/{slug}/like",
                        headers={"Accept": "application/json", "X-CSRFToken": token})
    assert again.get_json() == {"liked": True, "likes_count": 1}
    record = story(member, again)
    assert record["changes"] == {}
    assert ("The database: no row added to likes (the same row was there already: "
            "ON CONFLICT DO NOTHING).") in texts(record, "sql")


def test_an_api_call_is_seen_by_its_member_and_hides_the_token(browser, inspected, make_member):
    from api_contract import ApiClient

    user = make_member("member1")
    api = ApiClient(inspected.test_client())
    token = api.login(user.email)
    response = api.get("/api/user", token=token)

    member = browser()
    Auth(member).login()
    record = story(member, response)
    assert record["kind"] == "api"
    assert "Your API token says you are @member1." in texts(record, "who")
    assert record["steps"][-1]["detail"]["JSON body"]["user"]["token"] == "••••"
    assert token not in json.dumps(record)
    assert TEST_PASSWORD not in json.dumps(record)

    stranger = browser()
    assert stranger.get(f"/flow/{response.headers['X-Request-Id']}.json").status_code == 404


def test_one_browser_cannot_see_another_s_records(browser, make_member):
    mine, theirs = browser(), browser()
    page = mine.get("/")
    assert theirs.get(f"/flow/{page.headers['X-Request-Id']}.json").status_code == 404
    assert theirs.get(f"/flow/{page.headers['X-Request-Id']}").status_code == 404
    listed = theirs.get("/flow").get_data(as_text=True)
    assert page.headers["X-Request-Id"] not in listed
    assert page.headers["X-Request-Id"] in mine.get("/flow").get_data(as_text=True)
    assert theirs.get("/flow").headers["Cache-Control"] == "no-store"


def test_no_secret_reaches_the_story_page(browser, inspected, make_member):
    make_member("member1")
    member = browser()
    login = Auth(member).login()
    assert login.status_code == 302
    cookies = {cookie.key: cookie.value for cookie in member.client._cookies.values()}
    page = member.get(f"/flow/{login.headers['X-Request-Id']}").get_data(as_text=True)
    assert TEST_PASSWORD not in page
    assert inspected.config["SECRET_KEY"] not in page
    for name, value in cookies.items():
        if name != "flow_from":  # a request id, and shown as such
            assert value not in page, name


def test_a_redirect_is_followed_to_the_page_it_led_to(browser, make_member):
    make_member("member1")
    member = browser()
    login = Auth(member).login()
    landing = member.get(login.headers["Location"])
    assert story(member, landing)["came_from"] == login.headers["X-Request-Id"]


def test_an_api_refusal_tells_each_error_and_a_visitor_is_named_as_one(inspected, browser):
    from api_contract import ApiClient

    api = ApiClient(inspected.test_client())
    response = api.post("/api/users", {"user": {"email": "", "username": "x", "password": ""}})
    assert response.status_code == 422

    record = inspected.extensions["flow_ring"].get(response.headers["X-Request-Id"])
    kinds = [step.kind for step in record.steps]
    assert kinds[:3] == ["arrived", "csrf", "who"]
    assert record.steps[2].text == ("No API token came with this request (the API reads no "
                                    "cookie): it is answered as for a visitor.")
    [refused] = [step.text for step in record.steps if step.kind == "validation"]
    assert refused.startswith("The JSON was checked and refused: ")
    assert set(response.get_json()["errors"]) <= set(
        record.steps[kinds.index("validation")].detail["errors"])


def test_the_story_shows_the_browser_half_in_its_own_characters_and_escaped(
        browser, make_member, make_article):
    member, token, response = liked_by_fetch(browser, make_member, make_article, "Quoted")
    member.post(f"/flow/{response.headers['X-Request-Id']}/browser",
                json={"story": json.dumps({"click": "Clicked “Like”", "after": "<b>Unlike</b>"})},
                headers={"X-CSRFToken": token})
    page = member.get(f"/flow/{response.headers['X-Request-Id']}").get_data(as_text=True)
    assert "Clicked “Like”" in page and "\\u201c" not in page
    assert "<b>Unlike</b>" not in page and "&lt;b&gt;Unlike&lt;/b&gt;" in page


def test_the_forms_a_page_was_given_are_found_in_dataclasses_with_slots_too(app):
    import dataclasses

    from blog.article.comment_forms import CommentForm
    from blog.inspector.recorder import _forms_in

    @dataclasses.dataclass(slots=True)
    class Holder:  # as a card or a shown comment: no __dict__
        form: object
        other: int = 1

    with app.test_request_context():
        form = CommentForm(formdata=None)
        assert list(_forms_in({"held": Holder(form), "plain": 3})) == [form]
