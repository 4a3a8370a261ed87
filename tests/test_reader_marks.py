"""What a member did with a page's articles (blog.domain.reader_marks): which they liked
and which they bookmarked, in one statement on the two primary keys."""

from types import SimpleNamespace

from blog.domain import reactions, reader_marks
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
    ids = [a.id for a in (liked, saved, both, neither)]
    assert reader_marks.marks(reader, ids) == ({liked.id, both.id}, {saved.id, both.id})
    assert reader_marks.marks(author, ids) == ({neither.id}, set())
    assert reader_marks.marks(reader, []) == (set(), set())


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


def test_marks_read_the_primary_keys(plans, make_member):
    reader = SimpleNamespace(id=make_member("reader").id)
    [plan] = plans(lambda: reader_marks.marks(reader, list(range(1, 21))))
    assert not scans_table(plan, "likes") and not scans_table(plan, "bookmarks")
