"""Likes and bookmarks: the buttons with and without JavaScript, the rules, and the counter."""

import threading

import pytest
from sqlalchemy import func, select

from blog.extensions import db
from blog.models import Article, Bookmark, Like
from helpers import logged_in, page

JSON = {"Accept": "application/json"}


def likes_count(article):
    """The stored counter and the number of like rows, read fresh from the database."""
    db.session.expire_all()
    stored = db.session.get(Article, article.id).likes_count
    rows = db.session.scalar(
        select(func.count()).select_from(Like).where(Like.article_id == article.id)
    )
    return stored, rows


def post_json(client, url):
    """What buttons.js sends: no form body, the CSRF token in a header, asking for JSON."""
    return client.post(url, headers={**JSON, "X-CSRFToken": client.csrf_token()})


@pytest.fixture
def author(make_member):
    return make_member("author")


@pytest.fixture
def article(make_article, author):
    return make_article(author=author, title="Worth a like")


# --- liking with a plain form (no JavaScript) -------------------------------------------


def test_like_button_posts_and_comes_back_to_the_page(client, writer, article):
    url = f"/articles/{article.slug}"
    assert 'action="/articles/worth-a-like/like"' in page(client.get(url))

    response = client.submit(f"{url}/like", headers={"Referer": f"http://localhost{url}"})

    assert response.status_code == 302
    assert response.headers["Location"] == url
    html = page(client.get(url))
    assert 'action="/articles/worth-a-like/unlike"' in html
    assert '<span class="toggle-label">Unlike</span> <span class="toggle-count">1</span>' in html
    assert likes_count(article) == (1, 1)


def test_like_twice_counts_once_and_unlike_twice_is_harmless(client, writer, article):
    for _ in range(2):
        assert client.submit(f"/articles/{article.slug}/like").status_code == 302
    assert likes_count(article) == (1, 1)
    for _ in range(2):
        assert client.submit(f"/articles/{article.slug}/unlike").status_code == 302
    assert likes_count(article) == (0, 0)


def test_likes_from_several_members_add_up(client, writer, article, make_member, make_client):
    client.submit(f"/articles/{article.slug}/like")
    logged_in(make_client, make_member("reader2").username).submit(f"/articles/{article.slug}/like")
    assert likes_count(article) == (2, 2)
    html = page(client.get(f"/articles/{article.slug}"))
    assert '<span class="toggle-count">2</span>' in html


def test_a_like_without_csrf_token_is_refused(client, writer, article):
    response = client.post(f"/articles/{article.slug}/like")
    assert response.status_code == 400
    assert likes_count(article) == (0, 0)


def test_liking_needs_a_get_free_post(client, writer, article):
    assert client.get(f"/articles/{article.slug}/like").status_code == 405


# --- liking with fetch (what buttons.js does) -------------------------------------------


def test_like_answers_json_for_the_script(client, writer, article):
    response = post_json(client, f"/articles/{article.slug}/like")
    assert response.status_code == 200
    assert response.get_json() == {"liked": True, "likes_count": 1}

    response = post_json(client, f"/articles/{article.slug}/unlike")
    assert response.get_json() == {"liked": False, "likes_count": 0}


def test_bookmark_answers_json_and_the_page_shows_unbookmark(client, writer, article):
    response = post_json(client, f"/articles/{article.slug}/bookmark")
    assert response.get_json() == {"bookmarked": True}
    assert "<span class=\"toggle-label\">Unbookmark</span>" in page(
        client.get(f"/articles/{article.slug}")
    )
    assert db.session.scalar(select(func.count()).select_from(Bookmark)) == 1

    assert post_json(client, f"/articles/{article.slug}/bookmark").get_json() == {
        "bookmarked": True
    }
    assert db.session.scalar(select(func.count()).select_from(Bookmark)) == 1
    assert post_json(client, f"/articles/{article.slug}/unbookmark").get_json() == {
        "bookmarked": False
    }
    assert db.session.scalar(select(func.count()).select_from(Bookmark)) == 0


def test_json_errors_use_the_error_format(client, writer, article):
    response = post_json(client, "/articles/no-such-article/like")
    assert response.status_code == 404
    assert response.get_json() == {"errors": {"body": ["There is nothing at this address."]}}

    response = client.post(f"/articles/{article.slug}/like", headers=JSON)
    assert response.status_code == 400
    assert "errors" in response.get_json()


# --- who may like ------------------------------------------------------------------------


def test_visitor_is_sent_to_log_in_and_comes_back(client, make_member, article):
    make_member("member1")
    url = f"/articles/{article.slug}"
    response = client.submit(f"{url}/like", headers={"Referer": f"http://localhost{url}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=%2Farticles%2F{article.slug}"
    assert likes_count(article) == (0, 0)

    response = client.submit("/auth/login?next=" + url, {
        "login": "member1", "password": "correct horse battery"
    })
    assert response.headers["Location"] == url


def test_visitor_gets_401_json_so_the_script_can_send_them_to_log_in(client, article):
    response = post_json(client, f"/articles/{article.slug}/like")
    assert response.status_code == 401
    assert response.get_json() == {"errors": {"body": ["Please log in first."]}}


def test_unverified_member_may_not_like(client, make_member, auth, article):
    make_member("member1", verified=False)
    auth.login()
    response = client.submit(f"/articles/{article.slug}/like")
    assert response.status_code == 403
    assert "confirm your email address" in page(response)
    response = post_json(client, f"/articles/{article.slug}/bookmark")
    assert response.status_code == 403
    assert "confirm your email address" in response.get_json()["errors"]["body"][0]
    assert likes_count(article) == (0, 0)


def test_drafts_cannot_be_liked(client, writer, author, make_article):
    others_draft = make_article(author=author, title="Secret", publish=False)
    own_draft = make_article(author=writer, title="Mine", publish=False)
    assert client.submit(f"/articles/{others_draft.slug}/like").status_code == 404
    assert client.submit(f"/articles/{own_draft.slug}/like").status_code == 403
    assert client.submit(f"/articles/{own_draft.slug}/bookmark").status_code == 403
    assert likes_count(others_draft) == likes_count(own_draft) == (0, 0)


def test_an_unknown_article_is_404(client, writer):
    assert client.submit("/articles/nothing-here/bookmark").status_code == 404


# --- many clicks at once ---------------------------------------------------------------------


def click_all_at_once(clicks):
    """Run (client, url) posts in threads released together; returns the statuses."""
    tokens = [client.csrf_token() for client, _ in clicks]
    barrier = threading.Barrier(len(clicks))
    statuses = [None] * len(clicks)

    def click(index):
        client, url = clicks[index]
        barrier.wait()
        statuses[index] = client.post(
            url, headers={**JSON, "X-CSRFToken": tokens[index]}
        ).status_code

    threads = [threading.Thread(target=click, args=(i,)) for i in range(len(clicks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_many_members_liking_at_once_are_all_counted(article, make_member, make_client):
    clients = [logged_in(make_client, make_member().username) for _ in range(8)]
    statuses = click_all_at_once([(c, f"/articles/{article.slug}/like") for c in clients])
    assert statuses == [200] * 8
    assert likes_count(article) == (8, 8)


def test_one_member_clicking_like_many_times_at_once_is_one_like(
    article, make_member, make_client
):
    member = make_member()
    browsers = [logged_in(make_client, member.username) for _ in range(6)]
    statuses = click_all_at_once([(b, f"/articles/{article.slug}/like") for b in browsers])
    assert statuses == [200] * 6
    assert likes_count(article) == (1, 1)


def test_likes_and_unlikes_racing_leave_the_count_equal_to_the_rows(
    article, make_member, make_client
):
    members = [make_member() for _ in range(6)]
    clients = [logged_in(make_client, m.username) for m in members]
    for browser in clients[:3]:
        browser.submit(f"/articles/{article.slug}/like")
    clicks = [(c, f"/articles/{article.slug}/unlike") for c in clients[:3]]
    clicks += [(c, f"/articles/{article.slug}/like") for c in clients[3:]]
    clicks += [(c, f"/articles/{article.slug}/like") for c in clients[3:]]
    assert click_all_at_once(clicks) == [200] * 9
    assert likes_count(article) == (3, 3)


def test_deleting_an_account_takes_its_likes_off_the_counters(
    client, writer, article, make_member, make_client
):
    other = logged_in(make_client, make_member("reader2").username)
    client.submit(f"/articles/{article.slug}/like")
    other.submit(f"/articles/{article.slug}/like")
    assert likes_count(article) == (2, 2)

    response = other.submit("/settings/delete", {"delete-password": "correct horse battery"})
    assert response.status_code == 302
    assert likes_count(article) == (1, 1)
