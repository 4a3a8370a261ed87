"""The API's comments: list, add, delete, and the same comments as on the pages."""

import pytest

from helpers import api_errors, count_queries


@pytest.fixture
def story(api_member, make_article):
    """jake's published article, and jake's token."""
    jake, token = api_member("jake")
    return make_article(author=jake, title="Story"), token


def post_comment(api, token, body="Thank you so much!", slug="story"):
    return api.post(f"/api/articles/{slug}/comments", {"comment": {"body": body}}, token=token)


def test_add_a_comment_answers_201_with_it(api, story, api_member):
    _, token = api_member("reader")
    response = post_comment(api, token)
    assert response.status_code == 201
    comment = response.get_json()["comment"]
    assert comment["body"] == "Thank you so much!"
    assert comment["author"]["username"] == "reader"
    assert isinstance(comment["id"], int) and comment["createdAt"].endswith("Z")
    assert api.get("/api/articles/story/comments").get_json() == {"comments": [comment]}


def test_comments_made_on_the_page_show_in_the_api_flat_and_in_reading_order(
    api, story, api_member, client, auth
):
    _, token = api_member("reader")
    first = post_comment(api, token, "First!").get_json()["comment"]
    post_comment(api, token, "Second")
    auth.login("reader")
    client.submit("/articles/story/comments", {"body": "A reply", "parent_id": first["id"]})
    bodies = [c["body"] for c in api.get("/api/articles/story/comments").get_json()["comments"]]
    assert bodies == ["First!", "A reply", "Second"]
    # And the API's comments are on the page, rendered.
    page = client.get("/articles/story").get_data(as_text=True)
    assert "First!" in page and "Second" in page


def test_deleted_placeholders_are_left_out(api, story, api_member, make_member, app):
    from blog.domain import comments
    from blog.models import Comment

    _, token = api_member("reader")
    first = post_comment(api, token, "Will be deleted").get_json()["comment"]
    replier = make_member("replier")
    comments.add_comment(replier, story[0], "A reply", parent_id=first["id"])
    assert api.delete(f"/api/articles/story/comments/{first['id']}", token=token).status_code == 204
    assert Comment.query.count() == 2  # the placeholder stays on the page for its reply
    bodies = [c["body"] for c in api.get("/api/articles/story/comments").get_json()["comments"]]
    assert bodies == ["A reply"]


def test_following_flags_on_comment_authors(api, story, api_member):
    _, reader = api_member("reader")
    post_comment(api, story[1], "By the author")
    post_comment(api, reader, "By the reader")
    api.post("/api/profiles/jake/follow", token=reader)
    flags = [
        c["author"]["following"]
        for c in api.get("/api/articles/story/comments", token=reader).get_json()["comments"]
    ]
    assert flags == [True, False]


def test_listing_comments_takes_the_same_statements_for_1_or_20(api, story, api_member):
    _, reader = api_member("reader")
    counts = []
    for total in (1, 20):
        while len(api.get("/api/articles/story/comments").get_json()["comments"]) < total:
            post_comment(api, reader)
        with count_queries() as queries:
            api.get("/api/articles/story/comments", token=reader)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("body", ["", "   ", None, "x" * 20_001])
def test_a_blank_or_too_long_comment_is_a_422(api, story, api_member, body, app):
    from blog.models import Comment

    _, token = api_member("reader")
    response = api.post("/api/articles/story/comments", {"comment": {"body": body}}, token=token)
    assert list(api_errors(response, 422)) == ["body"]
    assert Comment.query.count() == 0


def test_commenting_needs_a_token_a_confirmed_email_and_a_known_article(
    api, story, api_member
):
    assert api_errors(post_comment(api, None), 401) == {"token": ["is missing"]}
    _, unconfirmed = api_member("unconfirmed", verified=False)
    assert api_errors(post_comment(api, unconfirmed), 403) == {"email": ["is not verified"]}
    _, reader = api_member("reader")
    assert api_errors(post_comment(api, reader, slug="nothing"), 404) == {
        "article": ["not found"]
    }
    assert api_errors(api.get("/api/articles/nothing/comments"), 404)


def test_only_the_author_or_an_admin_deletes_a_comment(api, story, api_member):
    _, reader = api_member("reader")
    _, other = api_member("other")
    _, admin = api_member("boss", role="admin")
    mine = post_comment(api, reader).get_json()["comment"]["id"]
    assert api_errors(api.delete(f"/api/articles/story/comments/{mine}", token=other), 403) == {
        "comment": ["forbidden"]}
    assert api.delete(f"/api/articles/story/comments/{mine}", token=admin).status_code == 204
    again = post_comment(api, reader).get_json()["comment"]["id"]
    response = api.delete(f"/api/articles/story/comments/{again}", token=reader)
    assert response.status_code == 204 and response.get_data() == b""
    assert api.get("/api/articles/story/comments").get_json() == {"comments": []}


def test_a_comment_is_found_only_under_its_own_article(api, story, api_member, make_article):
    _, reader = api_member("reader")
    make_article(title="Elsewhere")
    comment_id = post_comment(api, reader).get_json()["comment"]["id"]
    response = api.delete(f"/api/articles/elsewhere/comments/{comment_id}", token=reader)
    assert api_errors(response, 404) == {"comment": ["not found"]}
    assert api_errors(api.delete("/api/articles/story/comments/999999", token=reader), 404)
    assert api_errors(api.delete("/api/articles/story/comments/abc", token=reader), 404)
    assert len(api.get("/api/articles/story/comments").get_json()["comments"]) == 1


def test_the_list_stops_at_the_documented_cap_in_reading_order(api, story, api_member, app):
    from blog.api.openapi import document
    from blog.domain import comments
    from blog.extensions import db
    from blog.models import Article

    reader, _ = api_member("reader")
    article = db.session.get(Article, story[0].id)
    first = comments.add_comment(reader, article, "T0")
    comments.add_comment(reader, article, "T1")
    comments.add_comment(reader, article, "R0", first.id)
    for n in range(2, 5):
        comments.add_comment(reader, article, f"T{n}")
    app.config["API_MAX_COMMENTS"] = 4
    bodies = [c["body"] for c in api.get("/api/articles/story/comments").get_json()["comments"]]
    assert bodies == ["T0", "R0", "T1", "T2"]
    app.config["API_MAX_COMMENTS"] = 100
    comments.add_comment(reader, article, "T5")  # a new answer, not the one kept before
    assert len(api.get("/api/articles/story/comments").get_json()["comments"]) == 7
    # The cap is in the document served, and in its schema.
    served = api.get("/api/openapi.json").get_json()
    answer = served["components"]["responses"]["Comments"]
    assert "100" in answer["description"]
    schema = answer["content"]["application/json"]["schema"]["properties"]["comments"]
    assert schema["maxItems"] == 100 == document()["components"]["responses"]["Comments"][
        "content"]["application/json"]["schema"]["properties"]["comments"]["maxItems"]
