"""Notification emails through the outbox and a real SMTP server: choices, batching, and
the one-click unsubscribe link (signed, per member and kind, no login)."""

from datetime import timedelta

import pytest

from blog.domain import (
    comments,
    follows,
    notification_choices,
    notification_emails,
    notification_pages,
    reactions,
)
from blog.domain.tokens import make_token
from blog.extensions import db
from blog.models import utcnow
from helpers import html_of, link_in, logged_in, page, text_of


@pytest.fixture
def alice(app, make_member):
    return make_member("alice")


@pytest.fixture
def story(make_article, alice):
    return make_article(author=alice, title="Tea and tests")


@pytest.fixture
def send(deliver):
    """What the mail worker does each pass: queue what is due, then deliver it."""

    def run(now=None):
        notification_emails.queue_due(now)
        return deliver()

    return run


def test_a_comment_is_emailed_once_with_a_link_to_it(make_member, alice, story, send):
    comments.add_comment(make_member("bob"), story, "Lovely tea.")
    [message] = send()
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "@bob commented on “Tea and tests”"
    assert f"/articles/{story.slug}#comment-" in text_of(message)
    assert "@bob commented on “Tea and tests”" in html_of(message)
    assert send() == [message]  # nothing more


def test_likes_and_follows_are_off_by_email_until_chosen(make_member, alice, story, send):
    bob = make_member("bob")
    reactions.like(bob, story)
    follows.follow(bob, alice)
    assert send() == []
    notification_choices.save_preferences(alice, {"like": (True, True)})
    reactions.like(make_member("cy"), story)
    [message] = send()
    assert message["Subject"] == "@cy liked “Tea and tests”"


def test_one_email_per_kind_an_hour_and_the_rest_comes_in_the_next(
    make_member, alice, story, send, mailbox
):
    comments.add_comment(make_member("bob"), story, "First.")
    assert len(send()) == 1
    for name in ("cy", "dee", "eve"):
        comments.add_comment(make_member(name), story, f"From {name}.")
    assert len(send()) == 1  # within the hour: they wait
    assert len(send(utcnow() + timedelta(minutes=59))) == 1
    later = send(utcnow() + timedelta(minutes=61))
    assert len(later) == 2
    batch = text_of(later[1])
    assert all(f"@{name} commented" in batch for name in ("cy", "dee", "eve"))
    assert "@bob" not in batch  # told already
    assert later[1]["Subject"] == "@eve commented on “Tea and tests” (and 2 more)"


def test_what_was_read_on_the_site_is_not_emailed(make_member, alice, story, send):
    comments.add_comment(make_member("bob"), story, "Seen already.")
    notification_pages.mark_all_read(alice)
    assert send() == []


def test_own_actions_and_unconfirmed_addresses_get_no_email(
    make_member, make_article, send
):
    shy = make_member("shy", verified=False)
    article = make_article(author=make_member("writer"), title="Mine")
    comments.add_comment(db.session.merge(article.author), article, "Talking to myself.")
    notification_choices.save_preferences(shy, {"mention": (True, True)})
    comments.add_comment(make_member("bob"), article, "Hello @shy.")
    messages = send()
    assert [m["To"] for m in messages] == ["writer@example.com"]
    assert "@bob" in messages[0]["Subject"]


def test_the_email_has_list_unsubscribe_headers_and_one_click_works(
    client, make_member, alice, story, send
):
    comments.add_comment(make_member("bob"), story, "Hi.")
    [message] = send()
    url = link_in(message, "/notifications/unsubscribe/")
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url.removeprefix("http://localhost")

    # A scanner's GET changes nothing; the page asks.
    response = client.get(path)
    assert response.status_code == 200 and "Stop these emails" in page(response)
    assert notification_choices.preferences(alice)["comment"] == (True, True)
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookie, no CSRF token.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "gets no more emails for “Comments on my articles”" in page(response)
    db.session.expire_all()
    assert notification_choices.preferences(alice)["comment"] == (True, False)
    comments.add_comment(make_member("cy"), story, "Still here?")
    assert send() == [message]


def test_unsubscribe_tokens_cannot_be_forged_or_used_for_another_member(
    client, make_member, alice
):
    bob = make_member("bob")
    token = notification_emails.unsubscribe_token(bob, "comment")
    # Another member's id in the payload breaks the signature.
    forged = token.replace(token.split(".")[0], notification_emails.unsubscribe_token(
        alice, "comment").split(".")[0])
    other_purpose = make_token("verify", alice, kind="comment")  # another salt
    for bad in (forged, token[:-2] + "xx", "not-a-token", other_purpose):
        response = client.post(f"/notifications/unsubscribe/{bad}")
        assert response.status_code == 400, bad
        said = response.get_data(as_text=True)
        assert "choose in Settings which emails you get" in said, bad
        assert "password link" not in said, bad
    db.session.expire_all()
    assert notification_choices.preferences(alice)["comment"] == (True, True)
    assert notification_choices.preferences(bob)["comment"] == (True, True)
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 200
    db.session.expire_all()
    assert notification_choices.preferences(bob)["comment"] == (True, False)
    assert notification_choices.preferences(alice)["comment"] == (True, True)


def test_the_choices_page_turns_email_on(make_client, make_member, alice, story, send):
    browser = logged_in(make_client, "alice")
    form = {f"notify-{kind}_site": "y" for kind in notification_choices.DEFAULTS}
    form["notify-follow_email"] = "y"
    assert browser.submit("/notifications/settings", form).status_code == 302
    follows.follow(make_member("bob"), alice)
    comments.add_comment(make_member("cy"), story, "No email for this one now.")
    [message] = send()
    assert message["Subject"] == "@bob followed you"


def test_send_mail_queues_what_is_due_and_sends_it(app, make_member, alice, story, mailbox):
    comments.add_comment(make_member("bob"), story, "From the command line.")
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0 (through SMTP)." in result.output
    assert [m["Subject"] for m in mailbox.messages] == ["@bob commented on “Tea and tests”"]


def test_the_mail_worker_sends_them_by_itself(app, make_member, alice, story, mailbox):
    from blog.mailer import start_worker

    app.config["MAIL_POLL_SECONDS"] = 0.2
    worker = start_worker(app)
    try:
        comments.add_comment(make_member("bob"), story, "No one ran a command.")
        [message] = mailbox.wait_for(1)
    finally:
        worker.stop()
    assert message["Subject"] == "@bob commented on “Tea and tests”"
