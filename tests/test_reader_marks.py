"""What a member did with a page's articles (blog.domain.reader_marks): which they liked
and which they bookmarked, and on an article's page whether they follow its author, in
one statement on the primary keys."""

from types import SimpleNamespace

from blog.domain import follows, reactions, reader_marks
from helpers import count_queries, page
from plan_helpers import scans_table


def test_marks_say_what_the_reader_liked_and_bookmarked(make_member, make_article):
    reader, author = make_member("reader"), make_member("author")
    liked, saved, both, neither = (make_article(author=author, title=f"Article {n}")
                                   for n in range(4))
    reactions.like(reader, liked)
    reactions.bookmark(reader, saved)
    reactions.like(reader, both)
    reactions.bookmark(reader, both)
    reactions.like(author, neither)  # someone else's like is not the reader's
    marks = {article: reactions.marks(reader, article) for article in (liked, saved, both)}
    assert marks == {liked: (True, False, False), saved: (False, True, False),
                     both: (True, True, False)}
    assert reactions.marks(author, neither) == (True, False, False)
    follows.follow(reader, author)
    assert reactions.marks(reader, neither) == (False, False, True)


def test_an_article_page_asks_once_for_likes_bookmarks_and_follows(
    client, auth, make_member, make_article
):
    reader, author = make_member("reader"), make_member("author")
    article = make_article(author=author, title="Marked")
    reactions.like(reader, article)
    follows.follow(reader, author)
    auth.login("reader")
    client.get(f"/articles/{article.slug}")
    with count_queries() as queries:
        html = page(client.get(f"/articles/{article.slug}"))
    asked = [q for q in queries if "FROM likes" in q or "FROM bookmarks" in q
             or "FROM follows" in q]
    assert len(asked) == 1, asked
    assert 'aria-pressed="true" title="Likes"' in html  # Unlike
    assert 'aria-pressed="true" title="Followers"' in html  # Unfollow
    assert html.count('aria-pressed="true"') == 2  # not bookmarked


def test_a_member_s_list_asks_once_for_likes_and_bookmarks(
    client, auth, make_member, make_article
):
    reader, author = make_member("reader"), make_member("author")
    articles = [make_article(author=author, title=f"Article {n}") for n in range(3)]
    reactions.like(reader, articles[0])
    reactions.bookmark(reader, articles[1])
    auth.login("reader")
    client.get("/?tab=latest")
    with count_queries() as queries:
        html = page(client.get("/?tab=latest"))
    asked = [q for q in queries if "FROM likes" in q or "FROM bookmarks" in q]
    assert len(asked) == 1 and "likes" in asked[0] and "bookmarks" in asked[0]
    assert html.count('aria-pressed="true"') == 2  # Unlike on one card, Unbookmark on another


def test_marks_read_the_primary_keys(plans, make_member, make_article):
    reader = SimpleNamespace(id=make_member("reader").id)
    made = make_article(author=make_member("author"))
    article = SimpleNamespace(id=made.id, author_id=made.author_id)
    [plan] = plans(lambda: reader_marks.article_marks(reader, article))
    for table in ("likes", "bookmarks", "follows"):
        assert not scans_table(plan, table), plan
