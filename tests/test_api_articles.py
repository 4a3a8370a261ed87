"""The API's articles: create, read, list and filter, feed, update, delete, favorites, tags."""

import re

import pytest

from helpers import api_errors, count_queries
from page_helpers import set_published_at

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


# --- lists -------------------------------------------------------------------------------------


@pytest.fixture
def three(api, author, api_member, make_article):
    """Three articles, oldest first: two by jake (one tagged dragons), one by ana."""
    ana, _ = api_member("ana")
    first = make_article(author=author[0], title="First", tags="dragons")
    second = make_article(author=ana, title="Second", tags="cats")
    third = make_article(author=author[0], title="Third")
    for days_ago, article in zip((3, 2, 1), (first, second, third), strict=True):
        from datetime import timedelta

        from blog.models import utcnow

        set_published_at(article, utcnow() - timedelta(days=days_ago))
    return first, second, third


def test_list_is_newest_first_with_the_total_count(api, three):
    response = api.get("/api/articles")
    assert slugs(response) == ["third", "second", "first"]
    assert response.get_json()["articlesCount"] == 3
    assert "body" not in response.get_json()["articles"][0]


def test_lists_are_in_the_order_of_the_createdat_they_show(api, author, make_article):
    from datetime import timedelta

    from blog.models import utcnow

    drafted_first = make_article(author=author[0], title="Drafted first")
    make_article(author=author[0], title="Written second")
    set_published_at(drafted_first, utcnow() + timedelta(minutes=1))  # published last
    articles = api.get("/api/articles").get_json()["articles"]
    assert [a["slug"] for a in articles] == ["drafted-first", "written-second"]
    assert articles[0]["createdAt"] > articles[1]["createdAt"]


def test_limit_and_offset_page_through_while_the_count_stays_the_total(api, three):
    response = api.get("/api/articles?limit=1&offset=1")
    assert slugs(response) == ["second"]
    assert response.get_json()["articlesCount"] == 3
    assert slugs(api.get("/api/articles?offset=3")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=dragons", ["first"]),
        ("tag=DRAGONS", ["first"]),
        ("author=jake", ["third", "first"]),
        ("author=JAKE&tag=dragons", ["first"]),
        ("author=nobody", []),
        ("tag=nothing", []),
        ("unknown=1&tag=cats", ["second"]),
        ("tag=&author=&favorited=", ["third", "second", "first"]),
    ],
)
def test_filters(api, three, query, expected):
    response = api.get(f"/api/articles?{query}")
    assert slugs(response) == expected
    assert response.get_json()["articlesCount"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"), ("offset=x", "offset"),
     ("offset=10001", "offset")],
)
def test_unusable_limit_or_offset_is_a_422(api, query, field):
    assert list(api_errors(api.get(f"/api/articles?{query}"), 422)) == [field]


def test_limit_is_capped(api, app, three):
    app.config["API_MAX_LIMIT"] = 2
    response = api.get("/api/articles?limit=1000")
    assert slugs(response) == ["third", "second"]
    assert response.get_json()["articlesCount"] == 3


def test_favorited_filter_and_flags_are_the_askers(api, three, api_member):
    first, second, third = three
    _, reader = api_member("reader")
    api.post("/api/articles/second/favorite", token=reader)
    assert slugs(api.get("/api/articles?favorited=reader")) == ["second"]
    flags = {
        a["slug"]: (a["favorited"], a["favoritesCount"])
        for a in api.get("/api/articles", token=reader).get_json()["articles"]
    }
    assert flags == {"first": (False, 0), "second": (True, 1), "third": (False, 0)}
    anonymous = api.get("/api/articles").get_json()["articles"]
    assert [a["favorited"] for a in anonymous] == [False, False, False]


def test_following_flags_in_lists(api, three, api_member):
    _, reader = api_member("reader")
    api.post("/api/profiles/ana/follow", token=reader)
    following = {
        a["slug"]: a["author"]["following"]
        for a in api.get("/api/articles", token=reader).get_json()["articles"]
    }
    assert following == {"first": False, "second": True, "third": False}


def test_feed_shows_articles_of_followed_members(api, three, api_member):
    _, reader = api_member("reader")
    assert api_errors(api.get("/api/articles/feed"), 401)
    assert slugs(api.get("/api/articles/feed", token=reader)) == []
    api.post("/api/profiles/jake/follow", token=reader)
    response = api.get("/api/articles/feed", token=reader)
    assert slugs(response) == ["third", "first"]
    assert response.get_json()["articlesCount"] == 2
    assert all(a["author"]["following"] for a in response.get_json()["articles"])


@pytest.mark.parametrize("url", ["/api/articles", "/api/articles/feed", "/api/articles?tag=python",
                                 "/api/articles?favorited=reader", "/api/articles?author=author"])
def test_lists_take_the_same_number_of_statements_for_1_or_20_articles(
    api, api_member, make_article, url
):
    from blog.domain import follows, reactions

    reader, token = api_member("reader")
    author, _ = api_member("author")
    follows.follow(reader, author)
    counts = []
    for total in (1, 20):
        while len(api.get("/api/articles?limit=100").get_json()["articles"]) < total:
            article = make_article(author=author, title="Counted", tags="python")
            reactions.like(reader, article)
        with count_queries() as queries:
            response = api.get(f"{url}{'&' if '?' in url else '?'}limit=50", token=token)
        assert len(response.get_json()["articles"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


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


# --- tags ----------------------------------------------------------------------------------------


def test_tags_lists_the_tags_in_use_most_used_first(api, author, make_article):
    make_article(author=author[0], title="One", tags="python web")
    make_article(author=author[0], title="Two", tags="python")
    make_article(author=author[0], title="Draft", tags="secret", publish=False)
    assert api.get("/api/tags").get_json() == {"tags": ["python", "web"]}


def test_tags_come_from_the_latest_articles(api, author, make_article, monkeypatch):
    from blog.domain import listing

    monkeypatch.setattr(listing, "POPULAR_TAGS_SAMPLE", 2)
    for title, tags in [("Old", "cobol"), ("Newer", "python"), ("Newest", "python rust")]:
        make_article(author=author[0], title=title, tags=tags)
    assert api.get("/api/tags").get_json() == {"tags": ["python", "rust"]}


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
