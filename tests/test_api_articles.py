"""The API's articles one at a time: create, read, update, delete, favorites, and the edges."""

import re

import pytest

from helpers import api_errors

NEW_ARTICLE = {
    "title": "How to train your dragon",
    "description": "Ever wonder how?",
    "body": "You have to *believe*.",
    "tagList": ["dragons", "Training"],
}


@pytest.fixture
def author(api_member):
    return api_member("jake")


def create(api, token, **fields):
    return api.post("/api/articles", {"article": {**NEW_ARTICLE, **fields}}, token=token)


def slugs(response):
    assert response.status_code == 200, response.get_json()
    return [article["slug"] for article in response.get_json()["articles"]]


# --- create and read -------------------------------------------------------------------------


def test_create_answers_201_with_the_article(api, author):
    response = create(api, author[1])
    assert response.status_code == 201
    article = response.get_json()["article"]
    assert article["slug"] == "how-to-train-your-dragon"
    assert (article["title"], article["description"], article["body"]) == (
        "How to train your dragon", "Ever wonder how?", "You have to *believe*."
    )
    assert sorted(article["tagList"]) == ["dragons", "training"]
    assert (article["favorited"], article["favoritesCount"]) == (False, 0)
    assert article["author"] == {"username": "jake", "bio": None, "image": None,
                                 "following": False}
    assert article["createdAt"].endswith("Z") and len(article["createdAt"]) == 24
    assert article["createdAt"] == article["updatedAt"]  # one moment for a new article
    assert api.get("/api/articles/how-to-train-your-dragon").get_json() == {"article": article}


def test_an_api_article_is_published_on_the_site_with_its_markdown_sanitised(
    api, author, client
):
    body = 'Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    create(api, author[1], body=body)
    page = client.get("/articles/how-to-train-your-dragon").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert not re.search(r"<img[^>]*onerror", page)
    assert not re.search(r"href=[\"']?javascript:", page)
    assert "How to train your dragon" in client.get("/").get_data(as_text=True)


def test_an_article_titled_feed_does_not_hide_behind_the_feed_route(api, author):
    slug = create(api, author[1], title="Feed").get_json()["article"]["slug"]
    assert slug.startswith("feed-")
    assert api.get(f"/api/articles/{slug}").get_json()["article"]["title"] == "Feed"


def test_create_names_every_missing_field(api, author):
    response = api.post("/api/articles", {"article": {"tagList": []}}, token=author[1])
    assert api_errors(response, 422) == {
        "title": ["can't be blank"], "description": ["can't be blank"], "body": ["can't be blank"],
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "x" * 151}, "title"),
        ({"tagList": ["a", "b", "c", "d", "e"]}, "tagList"),
        ({"tagList": ["two words"]}, "tagList"),
        ({"tagList": ["bad!"]}, "tagList"),
        ({"tagList": "dragons"}, "tagList"),
        ({"tagList": [1]}, "tagList"),
        ({"body": ["not", "text"]}, "body"),
    ],
)
def test_create_refuses_bad_fields(api, author, fields, field, app):
    from blog.models import Article

    assert list(api_errors(create(api, author[1], **fields), 422)) == [field]
    assert Article.query.count() == 0


def test_writing_needs_a_token_and_a_confirmed_email(api, api_member):
    assert api_errors(create(api, None), 401) == {"token": ["is missing"]}
    _, token = api_member("unconfirmed", verified=False)
    assert api_errors(create(api, token), 403) == {"email": ["is not verified"]}


def test_writing_works_without_confirmation_when_the_site_allows_it(make_app):
    from api_contract import ApiClient

    from helpers import TEST_PASSWORD

    app = make_app(REQUIRE_VERIFIED_EMAIL=False)
    with app.app_context():
        api = ApiClient(app.test_client())
        response = api.post("/api/users", {"user": {
            "username": "jake", "email": "jake@example.com", "password": TEST_PASSWORD,
        }})
        assert create(api, response.get_json()["user"]["token"]).status_code == 201


def test_unknown_slug_is_a_404(api):
    assert api_errors(api.get("/api/articles/nothing-here"), 404) == {"article": ["not found"]}


def test_a_draft_is_seen_only_by_its_author(api, author, make_article):
    draft = make_article(author=author[0], title="Secret plans", publish=False)
    _, other = make_member_token(api, "other")
    assert api.get(f"/api/articles/{draft.slug}", token=author[1]).status_code == 200
    assert api.get(f"/api/articles/{draft.slug}", token=other).status_code == 404
    assert api.get(f"/api/articles/{draft.slug}").status_code == 404
    assert slugs(api.get("/api/articles")) == []


def make_member_token(api, username):
    from blog.domain.accounts import create_user
    from helpers import TEST_PASSWORD

    user = create_user(f"{username}@example.com", username, TEST_PASSWORD)
    return user, api.login(user.email)


# --- update and delete -------------------------------------------------------------------------


def test_update_changes_only_the_given_fields_and_the_slug_follows_the_title(api, author):
    create(api, author[1])
    response = api.put("/api/articles/how-to-train-your-dragon",
                       {"article": {"title": "Did you train your dragon?"}}, token=author[1])
    article = response.get_json()["article"]
    assert response.status_code == 200
    assert article["title"] == "Did you train your dragon?"
    assert article["slug"] == "did-you-train-your-dragon"  # RealWorld 2.0
    assert article["body"] == NEW_ARTICLE["body"]
    assert sorted(article["tagList"]) == ["dragons", "training"]
    response = api.put("/api/articles/did-you-train-your-dragon",
                       {"article": {"tagList": ["flying"]}}, token=author[1])
    assert response.get_json()["article"]["tagList"] == ["flying"]
    # The old slug still finds it, for clients that kept it.
    old = api.get("/api/articles/how-to-train-your-dragon").get_json()["article"]
    assert (old["slug"], old["tagList"]) == ("did-you-train-your-dragon", ["flying"])


def test_only_the_author_updates(api, author, api_member):
    create(api, author[1])
    _, other = api_member("other")
    response = api.put("/api/articles/how-to-train-your-dragon",
                       {"article": {"title": "Mine now"}}, token=other)
    assert api_errors(response, 403) == {"article": ["forbidden"]}
    assert api.get("/api/articles/how-to-train-your-dragon").get_json()["article"]["title"] == (
        NEW_ARTICLE["title"]
    )


def test_update_refuses_a_blank_title(api, author):
    create(api, author[1])
    response = api.put("/api/articles/how-to-train-your-dragon",
                       {"article": {"title": "  "}}, token=author[1])
    assert api_errors(response, 422) == {"title": ["can't be blank"]}  # RealWorld 2.0's words


def test_delete_by_the_author_then_it_is_gone(api, author):
    create(api, author[1])
    response = api.delete("/api/articles/how-to-train-your-dragon", token=author[1])
    assert response.status_code == 204 and response.get_data() == b""
    assert api.get("/api/articles/how-to-train-your-dragon").status_code == 404


def test_others_may_not_delete_but_an_admin_may(api, author, api_member):
    create(api, author[1])
    _, other = api_member("other")
    assert api_errors(api.delete("/api/articles/how-to-train-your-dragon", token=other), 403) == {
        "article": ["forbidden"]}
    _, admin = api_member("boss", role="admin")
    assert api.delete("/api/articles/how-to-train-your-dragon", token=admin).status_code == 204


# --- favorites ---------------------------------------------------------------------------------


def test_favorite_and_unfavorite_are_idempotent(api, author, api_member):
    create(api, author[1])
    _, reader = api_member("reader")
    url = "/api/articles/how-to-train-your-dragon/favorite"
    for _ in range(2):
        article = api.post(url, token=reader).get_json()["article"]
        assert (article["favorited"], article["favoritesCount"]) == (True, 1)
    for _ in range(2):
        article = api.delete(url, token=reader).get_json()["article"]
        assert (article["favorited"], article["favoritesCount"]) == (False, 0)


@pytest.mark.parametrize("at", ["how-to-train-your-dragon", "a-former-title"])
def test_a_favorite_answers_the_article_as_a_get_then_shows_it(api, author, api_member, at):
    # The answer is read before the write (one statement, blog.domain.shown_article):
    # its tags, author.following and counts must be those of the article after.
    create(api, author[1], title="A former title")
    api.put("/api/articles/a-former-title",
            {"article": {"title": "How to train your dragon"}}, token=author[1])
    _, reader = api_member("reader")
    assert api.post("/api/profiles/jake/follow", token=reader).status_code == 200
    url = "/api/articles/how-to-train-your-dragon"
    for method, favorited, count in (("POST", True, 1), ("DELETE", False, 0)):
        answer = api.request(method, f"/api/articles/{at}/favorite", token=reader)
        assert answer.status_code == 200
        article = answer.get_json()["article"]
        assert (article["favorited"], article["favoritesCount"]) == (favorited, count)
        assert (article["tagList"], article["author"]["following"]) == (
            ["dragons", "training"], True)
        assert article == api.get(url, token=reader).get_json()["article"]


def test_a_like_on_the_page_is_a_favorite_in_the_api_and_back(
    api, author, api_member, client, auth
):
    from helpers import json_headers

    create(api, author[1])
    _, token = api_member("reader")
    auth.login("reader")
    client.post("/articles/how-to-train-your-dragon/like", headers=json_headers(client))
    article = api.get("/api/articles/how-to-train-your-dragon", token=token).get_json()["article"]
    assert (article["favorited"], article["favoritesCount"]) == (True, 1)
    api.delete("/api/articles/how-to-train-your-dragon/favorite", token=token)
    page = client.get("/articles/how-to-train-your-dragon").get_data(as_text=True)
    assert ">Like</span>" in page


def test_favorite_needs_a_token_and_a_known_article(api, author):
    assert api_errors(api.post("/api/articles/nothing/favorite"), 401)
    assert api_errors(api.post("/api/articles/nothing/favorite", token=author[1]), 404)


# --- the edges -----------------------------------------------------------------------------------


def test_unknown_paths_and_methods_answer_json(api):
    assert api_errors(api.get("/api/nothing"), 404)
    assert api_errors(api.request("PATCH", "/api/articles"), 405)


def test_a_body_over_the_size_limit_is_a_413(api, author):
    response = create(api, author[1], body="x" * (1024 * 1024 + 1))
    assert api_errors(response, 413)


def test_cors_allows_only_the_configured_origins(make_app):
    app = make_app(API_CORS_ORIGINS=["http://front.example"])
    client = app.test_client()
    allowed = client.options("/api/articles", headers={
        "Origin": "http://front.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type",
    })
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://front.example"
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    other = client.get("/api/tags", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = client.get("/", headers={"Origin": "http://front.example"})
    assert "Access-Control-Allow-Origin" not in page.headers


def test_a_tag_may_hold_an_underscore_as_realworld_clients_send(api, author):
    article = {**NEW_ARTICLE, "tagList": ["dragons_2", "Training"]}
    response = api.post("/api/articles", {"article": article}, token=author[1])
    assert response.status_code == 201
    assert response.get_json()["article"]["tagList"] == ["dragons_2", "training"]
    listed = api.get("/api/articles?tag=dragons_2").get_json()
    assert [a["slug"] for a in listed["articles"]] == ["how-to-train-your-dragon"]


def test_two_articles_with_the_same_title_both_succeed_with_distinct_slugs(api, author):
    first = create(api, author[1])
    second = create(api, author[1])
    assert first.status_code == second.status_code == 201
    made = {first.get_json()["article"]["slug"], second.get_json()["article"]["slug"]}
    assert len(made) == 2


def test_an_update_keeps_tags_left_out_clears_them_with_an_empty_list_and_refuses_null(
        api, author):
    create(api, author[1], tagList=["dragons", "training"])
    url = "/api/articles/how-to-train-your-dragon"
    kept = api.put(url, {"article": {"body": "Still about dragons."}}, token=author[1])
    assert sorted(kept.get_json()["article"]["tagList"]) == ["dragons", "training"]
    refused = api.put(url, {"article": {"tagList": None}}, token=author[1])
    assert list(api_errors(refused, 422)) == ["tagList"]
    cleared = api.put(url, {"article": {"tagList": []}}, token=author[1])
    assert cleared.get_json()["article"]["tagList"] == []
