"""The list of tags, the tags I follow (Settings, my profile), and tag pages of unused names."""

import re

import pytest

from blog.domain import follows, tags
from blog.domain.listing import tag_named
from helpers import FormClient, count_queries, logged_in, page

TAG_ROW = re.compile(r'<h2 class="tag-name"><a href="/t/([^"]+)">#[^<]*</a></h2>\s*'
                     r'<p class="hint">([^<]*)</p>')


def listed(response):
    """The tags of the list page as (name, "N articles"), top to bottom."""
    assert response.status_code == 200, response.status_code
    return TAG_ROW.findall(page(response))


@pytest.fixture
def tagged(make_member, make_article):
    """python on 3 articles, rust on 2, go on 1 (its oldest), secret on a draft only."""
    author = make_member("author")
    make_article(author=author, title="Go 1", tags="go python")
    make_article(author=author, title="Rust 1", tags="rust python")
    make_article(author=author, title="Rust 2", tags="rust python")
    make_article(author=author, title="Unsaid", tags="secret", publish=False)
    return author


def test_tags_are_listed_popular_first_with_their_counts(client, tagged):
    assert listed(client.get("/tags")) == [
        ("python", "3 articles"), ("rust", "2 articles"), ("go", "1 article")]


def test_sort_by_name(client, tagged):
    response = client.get("/tags?sort=name")
    assert [name for name, _ in listed(response)] == ["go", "python", "rust"]
    assert 'href="/tags?sort=name" aria-current="page"' in page(response)


def test_a_tag_only_drafts_use_is_not_listed(client, tagged):
    assert "secret" not in page(client.get("/tags?sort=name"))


def test_the_list_is_paginated(client, make_member, make_article):
    author = make_member("author")
    names = [f"tag{n:02}" for n in range(tags.PER_PAGE + 2)]
    for start in range(0, len(names), 4):
        make_article(author=author, title=f"A {start}", tags=" ".join(names[start:start + 4]))
    first = client.get("/tags?sort=name")
    assert [name for name, _ in listed(first)] == names[:tags.PER_PAGE]
    assert 'rel="next" href="/tags?page=2&amp;sort=name"' in page(first)
    assert [name for name, _ in listed(client.get("/tags?sort=name&page=2"))] == names[-2:]


def test_counts_are_exact_and_follow_an_unpublished_article(client, tagged, make_article):
    from blog.domain.articles import update_article

    rust = make_article(author=tagged, title="Rust 3", tags="rust")
    assert listed(client.get("/tags"))[:2] == [("python", "3 articles"), ("rust", "3 articles")]
    update_article(rust, tagged, rust.title, "", "Later.", "rust", "", False)
    assert listed(client.get("/tags"))[:2] == [("python", "3 articles"), ("rust", "2 articles")]


def test_a_visitor_s_list_is_shared_and_its_buttons_ask_to_log_in(client, tagged):
    response = client.get("/tags")
    assert "public" in response.headers["Cache-Control"]
    assert 'title="Log in to follow"' in page(response)
    assert "csrf_token" not in page(response)


@pytest.mark.parametrize("url", ["/tags", "/tags?sort=name", "/t/unused-yet"])
def test_the_second_visitor_gets_the_page_the_first_one_had_built(app, url, tagged):
    first, second = (FormClient(app.test_client()).get(url) for _ in range(2))
    assert first.headers.get("X-Page-Cache") != "hit"
    assert second.headers.get("X-Page-Cache") == "hit"
    assert second.get_data() == first.get_data()


def test_a_member_follows_a_tag_from_the_list_and_comes_back(client, reader, tagged):
    response = client.get("/tags")
    assert "no-store" in response.headers["Cache-Control"]
    answer = client.submit("/t/rust/follow", headers={"Referer": "http://localhost/tags"})
    assert answer.headers["Location"] == "/tags"
    assert follows.is_following_tag(reader, tag_named("rust"))
    html = page(client.get("/tags"))
    rust = html.split('href="/t/rust"', 1)[1]
    assert 'action="/t/rust/unfollow"' in rust.split("</li>", 1)[0]


@pytest.mark.parametrize("logged", [False, True])
def test_the_list_costs_the_same_for_1_or_30_tags(
    client, make_member, make_article, logged, auth
):
    author = make_member("author")
    reader = make_member("reader")
    if logged:
        auth.login("reader")

    def statements():
        with count_queries() as queries:
            assert client.get("/tags").status_code == 200
        return len(queries)

    make_article(author=author, title="First", tags="t0")
    follows.follow_tag(reader, tag_named("t0"))
    one = statements()
    for start in range(1, 30, 4):
        make_article(author=author, title=f"A {start}",
                     tags=" ".join(f"t{n}" for n in range(start, min(start + 4, 30))))
    assert statements() == one
    assert len(listed(client.get("/tags"))) == 30


def test_settings_list_the_tags_i_follow_with_unfollow(client, reader, tagged):
    follows.follow_tag(reader, tag_named("rust"))
    html = page(client.get("/settings"))
    section = html.split('id="tags-heading"', 1)[1].split("</section>", 1)[0]
    assert 'href="/t/rust">#rust</a>' in section and 'action="/t/rust/unfollow"' in section
    assert "#python" not in section
    client.submit("/t/rust/unfollow", headers={"Referer": "http://localhost/settings"})
    assert "You follow no tags yet." in page(client.get("/settings"))


def test_my_profile_lists_the_tags_i_follow_and_others_do_not_see_them(
    client, reader, tagged, make_client
):
    follows.follow_tag(reader, tag_named("go"))
    mine = page(client.get("/@reader"))
    assert "Tags you follow" in mine and 'href="/t/go">#go</a>' in mine
    theirs = page(logged_in(make_client, "author").get("/@reader"))
    assert "Tags you follow" not in theirs and "#go" not in theirs
    assert "#go" not in page(make_client().get("/@reader"))


def test_an_unused_valid_tag_name_has_an_empty_page(client):
    response = client.get("/t/brand-new")
    assert response.status_code == 200
    assert "<h1>#brand-new</h1>" in page(response)
    assert "No published articles with #brand-new yet." in page(response)
    assert client.get("/t/Brand-New").headers["Location"] == "/t/brand-new"


@pytest.mark.parametrize("name", ["bad.name", "a" * 31, "white%20space", "caf%C3%A9"])
def test_an_invalid_tag_name_is_404(client, name):
    assert client.get(f"/t/{name}").status_code == 404
