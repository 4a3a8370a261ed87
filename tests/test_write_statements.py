"""How many SQL statements each write takes: the buttons' POSTs and the API's writes.

A write answers from what it loaded before and from what its domain function
returns (blog/domain/rows.py, commit_keeping_loaded): nothing it has just
written is read back. The counts are the same on SQLite and PostgreSQL: the
locks of blog/domain/races.py are the same SELECTs there, only without their
FOR KEY SHARE, and neither BEGIN nor COMMIT goes through the cursor.
"""

import pytest

from helpers import count_queries, json_headers

# The first statement of every page POST: the login session with its member
# (blog/domain/sessions.py, one SELECT). Of every API write: the token's member.

LIKE = [
    "the login session and its member",
    "the article with its author (no tags: a button does not show them)",
    "hold the member's row (blog/domain/races.py)",
    "lock the article's row",
    "insert the like (ON CONFLICT DO NOTHING; its row count says whether it went in)",
    # Or, when the like was there already, nothing moves: read the counter.
    "move likes_count, RETURNING the new count",
    # Only when the like is new (blog/domain/notifications.py, INSERT ... SELECT).
    "tell the author",
]
LIKE_AGAIN = LIKE[:-1]
UNLIKE = [*LIKE[:4], "delete the like", "move likes_count, RETURNING the new count",
          "take back the author's unread notification"]
BOOKMARK = [*LIKE[:2], "insert the bookmark (ON CONFLICT DO NOTHING)"]
UNBOOKMARK = [*LIKE[:2], "delete the bookmark"]
FOLLOW = [
    "the login session and its member",
    "the member (or tag) to follow",
    "insert the follow (ON CONFLICT DO NOTHING; its row count says whether it went in)",
    "tell the member followed (a tag is told nothing: FOLLOW_TAG)",
    "count the followers, for the button",
]
UNFOLLOW = [*FOLLOW[:2], "delete the follow", "take back the unread notification", FOLLOW[4]]
FOLLOW_TAG = [*FOLLOW[:3], FOLLOW[4]]
UNFOLLOW_TAG = [*FOLLOW[:2], "delete the follow", FOLLOW[4]]

# (what the reader has done before, the button, the statements it takes)
BUTTONS = [
    pytest.param([], "/articles/counted/like", LIKE, id="like"),
    pytest.param(["like"], "/articles/counted/like", LIKE_AGAIN, id="like-again"),
    pytest.param(["like"], "/articles/counted/unlike", UNLIKE, id="unlike"),
    pytest.param([], "/articles/counted/bookmark", BOOKMARK, id="bookmark"),
    pytest.param(["bookmark"], "/articles/counted/unbookmark", UNBOOKMARK, id="unbookmark"),
    pytest.param([], "/@author/follow", FOLLOW, id="follow"),
    pytest.param(["follow"], "/@author/unfollow", UNFOLLOW, id="unfollow"),
    pytest.param([], "/t/python/follow", FOLLOW_TAG, id="follow-tag"),
    pytest.param(["follow-tag"], "/t/python/unfollow", UNFOLLOW_TAG, id="unfollow-tag"),
]


@pytest.fixture
def done_before(make_member, make_article):
    """Do, as `reader`, what a test says was done before: like, bookmark, follow, follow-tag."""
    from blog.domain import follows, reactions

    author = make_member("author")
    article = make_article(author=author, title="Counted", tags="python web")
    tag = article.tags[0]

    def do(reader, actions):
        for action in actions:
            {
                "like": lambda: reactions.like(reader, article),
                "bookmark": lambda: reactions.bookmark(reader, article),
                "follow": lambda: follows.follow(reader, author),
                "follow-tag": lambda: follows.follow_tag(reader, tag),
            }[action]()

    return do


@pytest.mark.parametrize("before, url, statements", BUTTONS)
@pytest.mark.parametrize("sent_by", ["script", "form"])
def test_a_button_answers_without_reading_again_what_it_wrote(
    client, reader, done_before, before, url, statements, sent_by
):
    done_before(reader, before)
    if sent_by == "script":  # as blog/static/js/buttons.js sends it
        request = {"headers": json_headers(client)}
    else:
        request = {"data": {"csrf_token": client.csrf_token()}}
    with count_queries() as queries:
        response = client.post(url, **request)
    assert response.status_code == (200 if sent_by == "script" else 302)
    assert len(queries) == len(statements), queries


def test_the_buttons_answer_the_state_they_wrote(client, reader, done_before, make_member):
    from blog.domain import reactions
    from blog.models import Article

    done_before(reader, ["follow"])
    someone = make_member("someone")
    headers = json_headers(client)

    def press(url):
        return client.post(url, headers=headers).get_json()

    # Another member's like is counted too: the count comes from the database.
    reactions.like(someone, Article.query.filter_by(slug="counted").one())
    assert press("/articles/counted/like") == {"liked": True, "likes_count": 2}
    assert press("/articles/counted/like") == {"liked": True, "likes_count": 2}
    assert press("/articles/counted/unlike") == {"liked": False, "likes_count": 1}
    assert press("/articles/counted/bookmark") == {"bookmarked": True}
    assert press("/@author/unfollow") == {"following": False, "followers_count": 0}
    assert press("/@author/follow") == {"following": True, "followers_count": 1}
    assert press("/t/python/follow") == {"following": True, "followers_count": 1}


FAVORITE = [
    "the token's member",
    # blog.domain.shown_article, as GET /api/articles/<slug> reads it: the answer's
    # tagList and author.following come with the article.
    "the article with its author, its tags and the reader's marks",
    "hold the member's row",
    "lock the article's row",
    "insert the like",
    "move likes_count, RETURNING the new count",
    "tell the author",
]
UNFAVORITE = [*FAVORITE[:4], "delete the like", FAVORITE[5],
              "take back the author's unread notification"]
PROFILE_FOLLOW = [
    "the token's member",
    "the profile",
    "insert the follow",
    "tell the member followed",
    # No count of the followers: the page's button shows it, a RealWorld profile does not.
]
PROFILE_UNFOLLOW = [*PROFILE_FOLLOW[:2], "delete the follow", "take back the notification"]
ADD_COMMENT = [
    "the token's member",
    "the article with its author (no tags: the answer is the comment)",
    "hold the member's row",
    "lock the article's row",
    "insert the comment",
    "move comments_count",
    # One INSERT ... SELECT for the author (and the comment answered); one more only
    # when the body names @members (tests/test_notifications.py).
    "tell the article's author",
]

# (what the reader has done before, method, address, body, the statements it takes)
API_WRITES = [
    pytest.param([], "POST", "/api/articles/counted/favorite", None, FAVORITE, id="favorite"),
    pytest.param(["like"], "DELETE", "/api/articles/counted/favorite", None, UNFAVORITE,
                 id="unfavorite"),
    pytest.param([], "POST", "/api/profiles/author/follow", None, PROFILE_FOLLOW, id="follow"),
    pytest.param(["follow"], "DELETE", "/api/profiles/author/follow", None, PROFILE_UNFOLLOW,
                 id="unfollow"),
    pytest.param([], "POST", "/api/articles/counted/comments", {"comment": {"body": "Thanks!"}},
                 ADD_COMMENT, id="add-comment"),
]


@pytest.mark.parametrize("before, method, url, body, statements", API_WRITES)
def test_an_api_write_answers_without_reading_again_what_it_wrote(
    api, api_member, done_before, before, method, url, body, statements
):
    reader, token = api_member("reader")
    done_before(reader, before)
    with count_queries() as queries:
        response = api.request(method, url, json=body, token=token)
    assert response.status_code == (201 if url.endswith("/comments") else 200)
    assert len(queries) == len(statements), queries
