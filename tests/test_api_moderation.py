"""The API and moderation: hidden articles vanish from every list, suspended and banned
members get the spec's error shape."""

from datetime import timedelta

import pytest

from blog.domain import comments, follows, moderation, reactions
from blog.models import utcnow


@pytest.fixture
def hidden(make_member, make_article):
    """A published article by `author`, followed, favorited and tagged, then hidden."""
    mod = make_member("mia", role="moderator")
    author = make_member("author")
    fan = make_member("fan")
    article = make_article(author=author, title="Hidden one", tags="spam")
    make_article(author=author, title="Visible one", tags="spam")
    follows.follow(fan, author)
    reactions.like(fan, article)
    moderation.hide(mod, "article", article, "Advertising.")
    return article


@pytest.mark.parametrize("query", ["", "?tag=spam", "?author=author", "?favorited=fan"])
def test_a_hidden_article_is_in_no_list(api, hidden, query):
    answer = api.get(f"/api/articles{query}").json
    titles = [a["title"] for a in answer["articles"]]
    assert "Hidden one" not in titles
    assert answer["articlesCount"] == (0 if query == "?favorited=fan" else 1)


def test_a_hidden_article_is_in_no_feed_and_found_only_by_its_author_and_moderators(
    api, hidden
):
    fan = api.login("fan@example.com")
    feed = api.get("/api/articles/feed", token=fan).json
    assert [a["title"] for a in feed["articles"]] == ["Visible one"]
    assert api.get(f"/api/articles/{hidden.slug}", token=fan).json == {
        "errors": {"article": ["not found"]}}
    author = api.login("author@example.com")
    assert api.get(f"/api/articles/{hidden.slug}", token=author).status_code == 200
    mod = api.login("mia@example.com")
    assert api.get(f"/api/articles/{hidden.slug}", token=mod).status_code == 200


def test_the_author_may_edit_a_hidden_article_but_it_stays_out_of_the_lists(api, hidden):
    author = api.login("author@example.com")
    answer = api.put(f"/api/articles/{hidden.slug}", {"article": {"body": "Better now"}},
                     token=author)
    assert answer.status_code == 200 and answer.json["article"]["body"] == "Better now"
    assert "Hidden one" not in [a["title"] for a in api.get("/api/articles").json["articles"]]


def test_a_suspended_members_writes_are_403_with_until_and_why(api, make_member, make_article):
    mod, member = make_member("mia", role="moderator"), make_member("loud")
    article = make_article(title="Open")
    token = api.login(member.email)
    until = utcnow() + timedelta(days=2)
    moderation.suspend(mod, member, until, "Cooling off.")
    for method, path, body in [
        ("post", "/api/articles", {"article": {"title": "T", "description": "D", "body": "B"}}),
        ("post", f"/api/articles/{article.slug}/comments", {"comment": {"body": "Hi"}}),
        ("post", f"/api/articles/{article.slug}/favorite", None),
        ("post", f"/api/profiles/{article.author.username}/follow", None),
    ]:
        answer = getattr(api, method)(path, body, token=token)
        assert answer.status_code == 403, path
        assert answer.json == {"errors": {"account": [
            f"is suspended until {until:%Y-%m-%dT%H:%M:%SZ} (Cooling off.)"]}}, path
    assert api.get("/api/articles", token=token).status_code == 200
    moderation.unsuspend(mod, member)
    assert api.post(f"/api/articles/{article.slug}/favorite", token=token).status_code == 200


def test_a_banned_members_token_is_a_401_at_once(api, make_member):
    mod, member = make_member("mia", role="moderator"), make_member("spammer")
    token = api.login(member.email)
    moderation.ban(mod, member, "Spam.")
    answer = api.get("/api/user", token=token)
    assert answer.status_code == 401 and list(answer.json["errors"]) == ["token"]
    # Their profile is gone from the API as from the pages, but for the moderators.
    assert api.get("/api/profiles/spammer").json == {"errors": {"profile": ["not found"]}}
    moderator = api.login(mod.email)
    assert api.get("/api/profiles/spammer", token=moderator).status_code == 200


def test_hidden_comments_are_left_out_for_others_but_not_for_their_author(
    api, make_member, make_article
):
    mod, writer = make_member("mia", role="moderator"), make_member("writer")
    article = make_article(title="Talk")
    kept = comments.add_comment(writer, article, "Fine words")
    gone = comments.add_comment(writer, article, "Rude words")
    moderation.hide(mod, "comment", gone, "Rude.")
    path = f"/api/articles/{article.slug}/comments"
    assert [c["id"] for c in api.get(path).json["comments"]] == [kept.id]
    own = api.login(writer.email)
    assert [c["id"] for c in api.get(path, token=own).json["comments"]] == [kept.id, gone.id]
