"""/search?q=: tabs, filters, snippets that stay text, hostile queries, and a fixed cost."""

import pytest

from blog.domain import word_shares
from helpers import count_queries, page


@pytest.fixture
def articles(make_member, make_article):
    ana = make_member("ana", display_name="Ana Lovelace")
    bob = make_member("bob", display_name="Bobby Tables")
    make_article(author=ana, title="Sourdough at home", description="Bread for beginners",
                 body="Feed the starter twice a day.", tags="bread")
    make_article(author=bob, title="Rye loaves", body="Sourdough rye needs patience.",
                 tags="bread, baking")
    make_article(author=bob, title="Draft sourdough", publish=False)
    return ana, bob


def test_the_navigation_has_a_search_box_that_leads_to_the_page(client):
    html = page(client.get("/"))
    assert 'role="search" action="/search"' in html and 'name="q"' in html
    empty = page(client.get("/search"))
    assert "Search articles, members and tags" in empty


@pytest.mark.parametrize("typed", ["🙂 *", "((", "-"])
def test_typed_text_without_words_says_nothing_was_found_not_type_something(client, typed):
    html = page(client.get("/search", query_string={"q": typed}))
    assert "No articles found" in html and "has none" in html
    assert "Type a few words" not in html


def test_articles_are_found_with_highlighted_titles_and_snippets(client, articles):
    html = page(client.get("/search?q=sourdough"))
    assert html.index("<mark>Sourdough</mark> at home") < html.index("Rye loaves")
    assert "<mark>Sourdough</mark> rye needs patience." in html
    assert "Draft sourdough" not in html


def test_tabs_find_members_by_a_word_of_their_name_and_tags_by_its_start(client, articles):
    members = page(client.get("/search?q=bob&tab=members"))
    assert 'href="/@bob"' in members or "@bob" in members
    assert "Ana Lovelace" not in members
    assert "Ana Lovelace" in page(client.get("/search?q=ana+lov&tab=members"))
    assert "Ana Lovelace" in page(client.get("/search?q=lovelace&tab=members"))
    tags = page(client.get("/search?q=ba&tab=tags"))
    assert "#baking" in tags and "#bread" not in tags
    assert "No tags found" in page(client.get("/search?q=zzz&tab=tags"))


def test_filters_by_tag_and_author(client, articles):
    html = page(client.get("/search?q=sourdough&tag=baking"))
    assert "Rye loaves" in html and "at home" not in html
    html = page(client.get("/search?q=sourdough&author=ana"))
    assert "at home" in html and "Rye loaves" not in html
    html = page(client.get("/search?q=%23bread"))  # a lone #tag lists the tag
    assert "Rye loaves" in html and "Sourdough at home" in html


def test_an_empty_result_says_so_and_points_elsewhere(client, articles):
    html = page(client.get("/search?q=croissant"))
    assert "No articles found" in html and "croissant" in html
    assert "tab=members" in html


def test_hostile_article_text_stays_text(client, make_article):
    make_article(title='<img src=x onerror="alert(1)"> crumb',
                 description="<b>bold</b>",
                 body='Before. <script>alert("crumb")</script> crumb & "quotes" [x](javascript:y)')
    html = page(client.get("/search?q=crumb"))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; <mark>crumb</mark>" in html
    assert "&lt;script&gt;alert(&#34;<mark>crumb</mark>&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize("q", [
    '"', '"unclosed', "-", "-crumb", "AND OR NOT", "NEAR(", "*", "x:*", "'", "\\", "#",
    "#" + "x" * 40, "%", "_", "💥", "<script>", "a" * 2000, "(a", "!a", "a & b",
])
def test_hostile_queries_never_fail(client, make_article, q):
    make_article(title="crumb")
    for tab in ("articles", "members", "tags"):
        response = client.get("/search", query_string={"q": q, "tab": tab, "tag": q,
                                                       "author": q, "page": "x"})
        assert response.status_code == 200, (q, tab)
        assert "<script>" not in page(response).split("<main", 1)[1]


def test_visitor_results_are_shared_briefly_like_other_public_pages(client, articles):
    response = client.get("/search?q=sourdough")
    assert "public" in response.headers["Cache-Control"]


def test_pages_of_results(client, make_articles):
    make_articles(23, title="Pancake")
    first = page(client.get("/search?q=pancake"))
    assert first.count("<mark>Pancake</mark>") == 20 and "More results" in first
    second = page(client.get("/search?q=pancake&page=2"))
    assert second.count("<mark>Pancake</mark>") == 3 and "← Previous" in second


@pytest.fixture
def shares_known(app):
    """The word shares, read already: a search reads them once every few minutes, each
    search runs only its own statements."""
    word_shares.forget()
    word_shares.shares()


def test_search_runs_the_same_statements_for_1_or_20_results(list_statement_counts,
                                                             shares_known):
    one, twenty = list_statement_counts("/search?q=counted")
    assert one == twenty


def test_filtered_search_runs_the_same_statements_for_1_or_20_results(list_statement_counts,
                                                                      shares_known):
    url = "/search?q=counted&tag=python&author=author"
    one, twenty = list_statement_counts(url, logged_in=False)
    assert one == twenty


def test_member_and_tag_tabs_run_a_fixed_number_of_statements(client, make_member):
    for n in range(25):
        make_member(f"cook{n}")
    with count_queries() as queries:
        assert client.get("/search?q=cook&tab=members").status_code == 200
    assert len(queries) <= 2


def test_searches_are_limited_per_ip_with_a_clear_page_and_the_api_is_not(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SEARCHES_PER_IP="3 per minute")
    client = app.test_client()
    tabs = ("articles", "members", "tags")  # every tab spends the same budget
    assert [client.get("/search", query_string={"q": "x", "tab": t}).status_code
            for t in tabs] == [200, 200, 200]
    refused = client.get("/search?q=more")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "You have searched a lot" in page(refused)
    assert client.get("/api/articles").status_code == 200
    assert client.get("/t/python").status_code == 200


def test_the_count_of_results_stops_at_the_candidates(client, make_articles, monkeypatch):
    from blog.domain import search

    make_articles(3, title="Pancake")
    assert '<p class="search-count">3 results</p>' in page(client.get("/search?q=pancake"))
    monkeypatch.setattr(search, "CANDIDATES", 2)  # 1,000: "1,000+ results"
    html = page(client.get("/search?q=Pancake"))  # another address: not the kept page
    assert '<p class="search-count">2+ results</p>' in html and html.count("<mark>") == 2
