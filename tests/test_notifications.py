"""Notifications in the site: who hears of what (the domain), the bell and /notifications."""

import pytest
from sqlalchemy import select

from blog.domain import notification_choices, notification_pages
from blog.extensions import db
from blog.models import Notification, User, utcnow
from helpers import count_queries, logged_in, page


@pytest.fixture
def alice(app, make_member):
    return make_member("alice")


@pytest.fixture
def bob(make_member):
    return make_member("bob")


@pytest.fixture
def carol(make_member):
    return make_member("carol")


@pytest.fixture
def story(make_article, alice):
    return make_article(author=alice, title="Tea and tests")


def told(member):
    """(kind, actor's username) of every notification `member` has, oldest first."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Notification.kind, User.username)
        .join(User, User.id == Notification.actor_id)
        .where(Notification.recipient_id == member.id)
        .order_by(Notification.id)
    ).all()
    return [tuple(row) for row in rows]


# --- the domain: who hears of what --------------------------------------------------------


def test_a_like_tells_the_author_once_and_unliking_takes_it_back(alice, bob, story):
    from blog.domain import reactions

    reactions.like(bob, story)
    reactions.like(bob, story)
    assert told(alice) == [("like", "bob")]
    reactions.unlike(bob, story)
    assert told(alice) == []


def test_a_read_like_stays_when_it_is_taken_back(alice, bob, story):
    from blog.domain import reactions

    reactions.like(bob, story)
    notification_pages.mark_all_read(alice)
    reactions.unlike(bob, story)
    assert told(alice) == [("like", "bob")]


def test_nobody_hears_of_their_own_actions(alice, story):
    from blog.domain import comments, reactions

    reactions.like(alice, story)
    comment = comments.add_comment(alice, story, "My own words, @alice.")
    comments.add_comment(alice, story, "And my answer.", parent_id=comment.id)
    assert told(alice) == []


def test_comments_and_replies_tell_the_author_and_the_comment_answered(alice, bob, carol, story):
    from blog.domain import comments

    first = comments.add_comment(bob, story, "Nice.")
    comments.add_comment(carol, story, "Agreed.", parent_id=first.id)
    # The author answering on her own article: bob hears of a reply, alice of nothing.
    comments.add_comment(alice, story, "Thanks!", parent_id=first.id)
    assert told(alice) == [("comment", "bob"), ("comment", "carol")]
    assert told(bob) == [("reply", "carol"), ("reply", "alice")]


def test_a_reply_to_the_author_is_one_notification(alice, bob, story):
    from blog.domain import comments

    mine = comments.add_comment(alice, story, "Ask me anything.")
    comments.add_comment(bob, story, "Why tea, @alice?", parent_id=mine.id)
    assert told(alice) == [("reply", "bob")]


def test_following_tells_the_member_and_unfollowing_takes_it_back(alice, bob):
    from blog.domain import follows

    follows.follow(bob, alice)
    follows.follow(bob, alice)
    assert told(alice) == [("follow", "bob")]
    follows.unfollow(bob, alice)
    assert told(alice) == []


def test_mentions_count_each_member_once_and_at_most_ten(make_member, alice, bob, story):
    from blog.domain import comments

    names = [make_member(f"name{n}").username for n in range(12)]
    text = "Hi @BOB and @bob, email@bob.example is not one. " + " ".join(f"@{n}" for n in names)
    comments.add_comment(alice, story, text)
    assert told(bob) == [("mention", "alice")]
    mentioned = db.session.scalar(
        select(db.func.count()).select_from(Notification).where(Notification.kind == "mention"))
    assert mentioned == 10  # bob and the first nine names


def test_an_article_mentions_on_publication_only(make_article, alice, bob):
    from blog.domain import articles

    draft = make_article(author=alice, title="Soon", body="Thanks @bob!", publish=False)
    assert told(bob) == []
    for _ in range(2):  # published, then edited: one notification
        articles.update_article(draft, alice, "Soon", "", "Thanks @bob!", "", "", publish=True)
    assert told(bob) == [("mention", "alice")]


def test_new_articles_by_members_i_follow_only_when_asked(make_article, alice, bob, carol):
    from blog.domain import follows

    follows.follow(bob, alice)
    follows.follow(carol, alice)
    notification_choices.save_preferences(carol, {"article": (True, False)})
    make_article(author=alice, title="Fresh")
    assert told(bob) == []
    assert told(carol) == [("article", "alice")]


def test_turning_a_kind_off_in_the_site_stops_it(alice, bob, story):
    from blog.domain import reactions

    notification_choices.save_preferences(alice, {"like": (False, False)})
    reactions.like(bob, story)
    assert told(alice) == []


def test_deleting_the_comment_or_the_article_takes_its_notifications(alice, bob, carol, story):
    from blog.domain import articles, comments

    first = comments.add_comment(bob, story, "Kept as a placeholder.")
    comments.add_comment(carol, story, "A reply.", parent_id=first.id)
    other = comments.add_comment(carol, story, "Deleted for good.")
    comments.delete_comment(first, bob)  # has a reply: stays as "[deleted]"
    comments.delete_comment(other, carol)
    assert told(alice) == [("comment", "carol")]  # the reply's
    articles.delete_article(story, alice)
    assert told(alice) == [] and told(bob) == []


def test_a_deleted_member_notifies_no_one_and_a_banned_one_is_not_shown(
    alice, bob, carol, story, make_member
):
    from blog.domain import accounts, reactions

    reactions.like(bob, story)
    reactions.like(carol, story)
    accounts.remove_account(bob)
    db.session.commit()
    assert ("like", "bob") not in told(alice)
    carol.banned_at = utcnow()
    db.session.commit()
    assert notification_pages.unread_count(alice) == 0
    assert notification_pages.page_of(alice).items == []


# --- the pages -----------------------------------------------------------------------------


def test_the_bell_counts_unread_and_the_page_groups_likes(
    client, make_member, make_client, alice, story
):
    from blog.domain import comments, reactions

    for name in ("ada", "ben", "cy", "dee"):
        reactions.like(make_member(name), story)
    comments.add_comment(make_member("eve"), story, "Lovely.")
    browser = logged_in(make_client, "alice")

    html = page(browser.get("/"))
    assert 'class="bell-count">5</span>' in html
    response = browser.get("/notifications")
    assert "no-store" in response.headers["Cache-Control"]
    html = page(response)
    assert "@eve commented on “Tea and tests”" in html
    assert "@dee and 3 others liked “Tea and tests”" in html
    assert f'href="/articles/{story.slug}#comment-' in html
    assert html.index("@eve commented") < html.index("@dee and 3 others")

    assert browser.submit("/notifications/read").status_code == 302
    html = page(browser.get("/notifications"))
    assert "bell-count" not in html and "All your notifications are marked read." in html


def test_the_bell_shows_99_plus_past_99_unread(make_client, make_member, alice):
    chatty = make_member("chatty")
    db.session.add_all(Notification(recipient_id=alice.id, kind="follow", actor_id=chatty.id)
                       for _ in range(100))
    db.session.commit()
    html = page(logged_in(make_client, "alice").get("/"))
    assert '<span class="bell-count">99+</span>' in html
    assert 'aria-label="Notifications, 99+ unread"' in html


def test_visitors_see_no_bell_and_cannot_open_the_page(client):
    assert "bell" not in page(client.get("/"))
    response = client.get("/notifications")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_mark_all_read_needs_the_csrf_token(make_client, alice, bob, story):
    from blog.domain import reactions

    reactions.like(bob, story)
    browser = logged_in(make_client, "alice")
    assert browser.post("/notifications/read").status_code == 400
    assert 'class="bell-count">1</span>' in page(browser.get("/notifications"))


def test_the_page_is_paginated(make_client, make_member, alice, story):
    from blog.domain import comments

    someone = make_member("someone")
    for n in range(notification_pages.PER_PAGE + 2):
        comments.add_comment(someone, story, f"Comment {n}")
    browser = logged_in(make_client, "alice")
    first, second = page(browser.get("/notifications")), page(browser.get("/notifications?page=2"))
    assert first.count("@someone commented") == notification_pages.PER_PAGE
    assert second.count("@someone commented") == 2 and 'rel="next"' not in second
    assert "No more notifications here" in page(browser.get("/notifications?page=9"))


def test_choices_are_saved_from_the_form(make_client, alice):

    browser = logged_in(make_client, "alice")
    html = page(browser.get("/notifications/settings"))
    assert 'id="notify-article_site"' in html and "Save choices" in html
    form = {f"notify-{kind}_site": "y" for kind in notification_choices.DEFAULTS}
    form["notify-like_email"] = "y"
    assert browser.submit("/notifications/settings", form).status_code == 302
    chosen = notification_choices.preferences(alice)
    assert chosen["article"] == (True, False) and chosen["like"] == (True, True)
    assert chosen["comment"] == (True, False)


# --- what it costs -------------------------------------------------------------------------


def notification_statements(queries):
    return [q for q in queries if "notifications" in q]


def test_the_bell_costs_one_statement_for_members_and_none_for_visitors(
    client, make_client, alice, bob, story
):
    from blog.domain import reactions

    reactions.like(bob, story)
    with count_queries() as queries:
        assert client.get(f"/articles/{story.slug}").status_code == 200
    assert notification_statements(queries) == []
    browser = logged_in(make_client, "alice")
    for url in ("/", f"/articles/{story.slug}", "/settings", "/@bob"):
        with count_queries() as queries:
            answer = browser.get(url)
        assert answer.status_code == 200 and "Notifications, 1 unread" in page(answer), url
        # Read with the login session: the bell costs no statement of its own.
        [statement] = notification_statements(queries)
        assert "login_sessions" in statement, url


def test_likes_and_comments_add_a_fixed_number_of_statements(make_member, alice, story):
    from blog.domain import comments, reactions

    def cost(action):
        with count_queries() as queries:
            action()
        return len(queries)

    # The first of each reads the article again (the members' commits expired it): left out.
    members = [make_member() for _ in range(4)]
    likes = [cost(lambda m=m: reactions.like(m, story)) for m in members][1:]
    said = [cost(lambda m=m: comments.add_comment(m, story, "Hi")) for m in members][1:]
    assert len(set(likes)) == 1 and len(set(said)) == 1
