"""The published counts (blog.domain.published_counts) stay true when writes race,
through the real server: on PostgreSQL each request its own transaction and locks."""

import pytest
from sqlalchemy import select
from test_concurrent_writes import ROUNDS, ApiClient, Browser, members, race, server_errors
from test_published_counts import kept_counts, true_counts

from blog.domain import follows
from blog.extensions import db
from blog.models import User
from helpers import TEST_PASSWORD

racers = pytest.fixture(members.__wrapped__, name="racers")


def test_publications_edits_and_deletions_racing_keep_the_counts_true(live_server, racers):
    """Eight clients at once, each round: four publish with the same tags in different
    orders, two retag one article both, two delete one article both (a double click)."""
    authors = [ApiClient(live_server, email) for _, email in racers]
    owner = authors[0]
    for round_ in range(ROUNDS):
        for name in (f"edited {round_}", f"deleted {round_}"):
            assert owner.send("POST", "/api/articles", {"article": {
                "title": name, "description": "d", "body": "B.",
                "tagList": ["red", "green"]}}) == 201
    orders = [["red", "green", "blue"], ["blue", "green", "red"], ["green", "blue"], ["red"]]

    def publish(client, tags):
        return lambda round_: client.send("POST", "/api/articles", {"article": {
            "title": f"New {round_}", "description": "d", "body": "B.", "tagList": tags}})

    def retag(client, tags):
        return lambda round_: client.send("PUT", f"/api/articles/edited-{round_}", {
            "article": {"tagList": tags}})

    def delete(client):
        return lambda round_: client.send("DELETE", f"/api/articles/deleted-{round_}")

    editors = [ApiClient(live_server, racers[0][1]) for _ in range(4)]
    answers = race([*(publish(authors[n + 1], orders[n]) for n in range(4)),
                    retag(editors[0], ["blue"]), retag(editors[1], ["green", "red"]),
                    delete(editors[2]), delete(editors[3])])

    assert server_errors(answers) == []
    assert all(status == 201 for statuses in answers[:4] for status in statuses), answers
    with live_server.app.app_context():
        assert kept_counts() == true_counts()
        per_tag, total = kept_counts()
    # Four new articles and the edited one each round; the deleted ones are gone.
    assert total == 5 * ROUNDS
    assert per_tag["red"] >= 2 * ROUNDS and per_tag["blue"] >= 3 * ROUNDS


def test_spam_removals_account_deletions_and_first_publications_at_once(
        live_server, racers, make_member, make_article):
    """Each round at once: a moderator removes a spammer whose articles share tags with
    everyone's, the spammer deletes one of them, a follower of the publishers deletes
    their account (a first publication tells each follower), and five publications."""
    app = live_server.app
    with app.app_context():
        make_member("moderator", role="moderator")
        spammers = [make_member(f"spammer{n}") for n in range(ROUNDS)]
        for n, spammer in enumerate(spammers):
            for k in range(2):
                make_article(author=spammer, title=f"Spam {n} {k}", tags="red green blue")
        leavers = [make_member(f"leaver{n}") for n in range(ROUNDS)]
        publishers = db.session.scalars(
            select(User).where(User.username.in_([name for name, _ in racers[:5]]))).all()
        for leaver in leavers:
            for publisher in publishers:
                follows.follow(leaver, publisher)
        spam_ids = [spammer.id for spammer in spammers]
        spam_emails = [spammer.email for spammer in spammers]
        leaver_names = [leaver.username for leaver in leavers]
    mod = Browser(live_server, "moderator")
    leaving = [Browser(live_server, name) for name in leaver_names]
    spamming = [ApiClient(live_server, email) for email in spam_emails]
    writers = [ApiClient(live_server, email) for _, email in racers[:5]]
    orders = [["red", "green"], ["green", "red"], ["blue", "red"], ["green"], ["blue"]]

    def publish(n):
        return lambda round_: writers[n].send("POST", "/api/articles", {"article": {
            "title": f"Round {round_}", "description": "d", "body": "B.", "tagList": orders[n]}})

    def remove_spammer(round_):
        return mod.submit(f"/mod/member/{spam_ids[round_]}/remove_spam",
                          {"reason": "Spam."}).status_code

    def spammer_deletes(round_):
        return spamming[round_].send("DELETE", f"/api/articles/spam-{round_}-0")

    def follower_leaves(round_):
        return leaving[round_].submit("/settings/delete",
                                      {"delete-password": TEST_PASSWORD}).status_code

    answers = race([*(publish(n) for n in range(5)), remove_spammer, spammer_deletes,
                    follower_leaves])

    assert server_errors(answers) == []
    assert all(status == 201 for statuses in answers[:5] for status in statuses), answers
    assert answers[5] == [302] * ROUNDS and answers[7] == [302] * ROUNDS, answers
    with app.app_context():
        assert kept_counts() == true_counts()
        per_tag, total = kept_counts()
    assert total == 5 * ROUNDS  # every spam article is hidden or deleted
    assert per_tag["red"] == 3 * ROUNDS and per_tag["blue"] == 2 * ROUNDS
