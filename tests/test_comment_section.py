"""A discussion's comments kept for the members who see them alike
(blog/article/comment_section.py): each reader still sees exactly their own section."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from blog.article import comment_section
from blog.domain import comments, moderation, mutes, profiles
from blog.extensions import db
from blog.models import utcnow
from helpers import CSRF_PATTERN, Auth, FormClient, count_queries, logged_in, page

BUILT, KEPT = 3, 2  # statements of a member's article page: the comments read, or kept
# ...and of the page of a member who wrote some of the kept comments: theirs checked.
CHECKED = "checked"


@pytest.fixture(autouse=True)
def one_period():
    """Every page of a test in one PAGE_CACHE_SECONDS period, unless it moves the clock
    (`one_period.now`). Two pages on either side of a period's end get two sections,
    rightly, and a test expecting the second kept failed now and then (once in the two
    suites side by side, a busy machine)."""
    clock = SimpleNamespace(now=1_800_000_000.0)
    clock.time = lambda: clock.now
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(comment_section, "time", clock)
        yield clock


@pytest.fixture
def talk(make_member, make_article):
    """An article by "writer" with a comment by "talker" and a reply by "replier"."""
    talker, replier = make_member("talker"), make_member("replier")
    article = make_article(author=make_member("writer"), title="Talk of the town")
    first = comments.add_comment(talker, article, "First thoughts")
    comments.add_comment(replier, article, "A reply", first.id)
    return {"article": article, "url": f"/articles/{article.slug}", "first": first,
            "talker": talker, "replier": replier}


@pytest.fixture
def readers(make_member, make_client):
    """Browsers of two plain members, ann and ben, logged in."""
    make_member("ann"), make_member("ben")
    return {name: logged_in(make_client, name) for name in ("ann", "ben")}


def view(client, url):
    """(the page's HTML, how many SQL statements it took, or CHECKED: the three of a page
    that did not read the comments but its reader's own comments' versions)."""
    with count_queries() as statements:
        html = page(client.get(url))
    if len(statements) == 3 and not any("UNION ALL" in s for s in statements):
        return html, CHECKED
    return html, len(statements)


def comments_part(html):
    return html[html.index('id="comments"'):html.index("</main>")]


def test_a_member_gets_the_comments_another_member_saw_with_their_own_token(readers, talk):
    ann_page, ann_statements = view(readers["ann"], talk["url"])
    ben_page, ben_statements = view(readers["ben"], talk["url"])

    assert (ann_statements, ben_statements) == (BUILT, KEPT)
    assert comments_part(CSRF_PATTERN.sub("", ben_page)) == comments_part(
        CSRF_PATTERN.sub("", ann_page))
    ann_tokens, ben_tokens = (set(CSRF_PATTERN.findall(html)) for html in (ann_page, ben_page))
    assert len(ann_tokens) == len(ben_tokens) == 1  # every form of a page: its reader's
    assert ann_tokens != ben_tokens
    assert ben_tokens.pop() in comments_part(ben_page)  # the comment box's, filled in
    # ...and ben posts with it (the kept reply form's token is his too).
    token = CSRF_PATTERN.search(comments_part(ben_page)).group(1)
    answer = readers["ben"].post(f"{talk['url']}/comments",
                                 data={"csrf_token": token, "body": "Me too"})
    assert answer.status_code == 302
    assert "Me too" in page(readers["ann"].get(talk["url"]))


def own_buttons(html, comment_id):
    """(Edit, Delete, Report) shown on the comment `comment_id` of a page."""
    card = html[html.index(f'id="comment-{comment_id}"'):]
    card = card[:card.index("</article>")]
    return ">Edit</a>" in card, "Delete comment" in card, ">Report<" in card


def test_the_author_of_a_comment_shown_gets_their_own_buttons_in_the_kept_comments(
        readers, talk, make_client):
    view(readers["ann"], talk["url"])
    talker = logged_in(make_client, "talker")
    html, statements = view(talker, talk["url"])

    assert statements == CHECKED
    assert own_buttons(html, talk["first"].id) == (True, True, False)
    # The reply is replier's: talker may report it, not edit it.
    reply_id = int(re.search(r'<ol class="replies">\s*<li>\s*<article class="comment" '
                             r'id="comment-(\d+)"', html).group(1))
    assert own_buttons(html, reply_id) == (False, False, True)
    # ...and talker's Delete button deletes it, with talker's own token.
    token = CSRF_PATTERN.search(html[html.index(f'id="comment-{talk["first"].id}"'):]).group(1)
    assert token == CSRF_PATTERN.search(comments_part(html)).group(1)
    answer = talker.post(f"/comments/{talk['first'].id}/delete", data={"csrf_token": token})
    assert answer.status_code == 302
    assert "[deleted]" in page(readers["ann"].get(talk["url"]))


def test_comments_kept_from_their_authors_page_show_others_no_buttons_of_theirs(
        readers, talk, make_client):
    html, statements = view(logged_in(make_client, "talker"), talk["url"])
    assert statements == BUILT and own_buttons(html, talk["first"].id) == (True, True, False)

    ben_page, statements = view(readers["ben"], talk["url"])

    assert statements == KEPT
    assert own_buttons(ben_page, talk["first"].id) == (False, False, True)
    assert ">Edit</a>" not in comments_part(ben_page)
    assert "Delete comment" not in ben_page
    # The replier, reading next, gets the Edit and Delete of their own reply alone.
    replier_page, statements = view(logged_in(make_client, "replier"), talk["url"])
    assert statements == CHECKED
    assert own_buttons(replier_page, talk["first"].id) == (False, False, True)
    assert comments_part(replier_page).count(">Edit</a>") == 1


def test_a_moderator_gets_the_moderation_links_after_a_member_kept_the_comments(
        readers, talk, make_member, make_client):
    make_member("mia", role="moderator")
    view(readers["ann"], talk["url"])
    html, statements = view(logged_in(make_client, "mia"), talk["url"])

    assert statements == BUILT
    assert comments_part(html).count(">Moderate</a>") == 2
    assert comments_part(html).count("Delete comment") == 2
    ann_page, _ = view(readers["ann"], talk["url"])
    assert ">Moderate</a>" not in ann_page


def test_a_member_who_mutes_the_talker_sees_their_comment_folded_after_others_kept_it(
        readers, talk, make_member, make_client):
    carol = make_member("carol")
    mutes.mute(carol, talk["talker"])
    view(readers["ann"], talk["url"])
    _, kept = view(readers["ben"], talk["url"])
    assert kept == KEPT

    html, _ = view(logged_in(make_client, "carol"), talk["url"])

    assert '<details class="comment-muted">' in html
    assert '<details class="comment-muted">' not in view(readers["ann"], talk["url"])[0]


def test_a_suspended_member_is_told_so_instead_of_getting_the_comment_box(
        readers, talk, make_member, make_client):
    mia, sam = make_member("mia", role="moderator"), make_member("sam")
    sam_browser = logged_in(make_client, "sam")
    moderation.suspend(mia, sam, utcnow() + timedelta(days=3), "Flooding")
    view(readers["ann"], talk["url"])

    html = comments_part(view(sam_browser, talk["url"])[0])

    assert "Your account is suspended" in html
    assert 'class="comment-form"' not in html and "csrf_token" not in html


def test_a_visitor_never_gets_what_members_kept(readers, talk, client):
    view(readers["ann"], talk["url"])
    html = page(client.get(talk["url"]))

    assert "Log in to comment" in html and "First thoughts" in html
    assert "csrf_token" not in html and 'class="comment-form"' not in html
    assert "Set-Cookie" not in client.get(talk["url"]).headers


def test_kept_comments_show_each_change_at_once(readers, talk, make_member):
    ann, ben = readers["ann"], readers["ben"]
    talker, first = talk["talker"], talk["first"]
    mia = make_member("mia", role="moderator")

    def seen_by_ben():
        """What ben sees, once ann kept it: each change shows on the next page."""
        view(ann, talk["url"])
        html, statements = view(ben, talk["url"])
        assert statements == KEPT
        return comments_part(html)

    assert "First thoughts" in seen_by_ben()
    comments.add_comment(talker, talk["article"], "Second thoughts")
    assert "Second thoughts" in view(ben, talk["url"])[0]
    assert "Second thoughts" in seen_by_ben()
    comments.edit_comment(first, talker, "Better thoughts")
    assert "Better thoughts" in view(ben, talk["url"])[0]
    assert "Better thoughts" in seen_by_ben()
    profiles.update_profile(talker, "Tom Talker", "")
    assert "Tom Talker" in view(ben, talk["url"])[0]
    assert "Tom Talker" in seen_by_ben()
    moderation.hide(mia, "comment", first, "Off-topic")
    assert "[hidden by the moderators]" in view(ben, talk["url"])[0]
    assert "Better thoughts" not in seen_by_ben()
    moderation.restore(mia, "comment", first)
    assert "Better thoughts" in view(ben, talk["url"])[0]
    comments.delete_comment(first, talker)
    html = comments_part(view(ben, talk["url"])[0])
    assert "[deleted]" in html and "Better thoughts" not in html


def test_a_kept_section_lasts_one_period_at_most(readers, talk, app, one_period):
    view(readers["ann"], talk["url"])
    assert view(readers["ben"], talk["url"])[1] == KEPT
    one_period.now += app.config["PAGE_CACHE_SECONDS"]
    assert view(readers["ben"], talk["url"])[1] == BUILT


def test_a_refused_comment_comes_back_with_its_text_where_the_comments_were_kept(
        readers, talk):
    view(readers["ann"], talk["url"])
    view(readers["ben"], talk["url"])
    ben_page = page(readers["ben"].get(talk["url"]))
    token = CSRF_PATTERN.search(ben_page).group(1)

    refused = readers["ben"].post(f"{talk['url']}/comments",
                                  data={"csrf_token": token, "body": "x" * 10_001})

    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "x" * 10_001 in html and 'class="error"' in html
    # The refusal was ben's alone: ann's next page has a blank box.
    assert "x" * 100 not in page(readers["ann"].get(talk["url"]))


def test_with_the_page_cache_off_every_page_reads_its_comments(make_app, talk, make_member):
    uncached = make_app(PAGE_CACHE=False)
    client = FormClient(uncached.test_client())
    make_member("ann")
    Auth(client).login("ann")
    with uncached.app_context():  # its statements counted
        assert [view(client, talk["url"])[1] for _ in range(2)] == [BUILT, BUILT]


def test_kept_comments_stay_in_their_process_when_pages_are_kept_in_redis(
        make_app, talk, make_member, shared_redis, key_prefix):
    import redis

    shared = make_app(PAGE_CACHE_URL=shared_redis, PAGE_CACHE_KEY_PREFIX=key_prefix)
    browsers = []
    for name in ("ann", "ben"):
        make_member(name)
        browsers.append(FormClient(shared.test_client()))
        Auth(browsers[-1]).login(name)
    with shared.app_context():
        assert [view(browser, talk["url"])[1] for browser in browsers] == [BUILT, KEPT]
    # Its CSRF holes are this process's own (blog/web/fragments.py): another process
    # would leave them unfilled. Redis holds the clock, and no comment.
    client = redis.Redis.from_url(shared_redis)
    try:
        keys = list(client.scan_iter(match=f"{key_prefix}:*"))
        assert keys and not any(b"First thoughts" in (client.get(key) or b"")
                                for key in keys)
    finally:
        client.close()


def test_a_thread_shown_on_its_own_carries_each_readers_own_token(readers, talk):
    url = f"{talk['url']}?thread={talk['first'].id}"
    ann_page, _ = view(readers["ann"], url)
    ben_page, statements = view(readers["ben"], url)

    assert statements == KEPT
    assert '<details class="reply" id="reply-' in ben_page  # the thread's reply box, open
    ann_tokens, ben_tokens = (set(CSRF_PATTERN.findall(html)) for html in (ann_page, ben_page))
    assert len(ben_tokens) == 1 and not ann_tokens & ben_tokens


def test_the_author_of_a_hidden_comment_still_sees_it_after_others_kept_the_comments(
        readers, talk, make_member, make_client):
    moderation.hide(make_member("mia", role="moderator"), "comment", talk["first"], "Rude")
    view(readers["ann"], talk["url"])
    assert "[hidden by the moderators]" in view(readers["ben"], talk["url"])[0]

    html, statements = view(logged_in(make_client, "talker"), talk["url"])

    assert statements == CHECKED
    assert "First thoughts" in html and "Only you (its author) and the moderators" in html
    assert "[hidden by the moderators]" not in html


def test_a_hidden_comment_kept_from_its_authors_page_stays_hidden_from_others(
        readers, talk, make_member, make_client):
    moderation.hide(make_member("mia", role="moderator"), "comment", talk["first"], "Rude")
    html, statements = view(logged_in(make_client, "talker"), talk["url"])
    assert statements == BUILT and "First thoughts" in html

    ben_page, statements = view(readers["ben"], talk["url"])

    assert statements == KEPT
    assert "[hidden by the moderators]" in ben_page
    assert "First thoughts" not in ben_page and "Rude" not in ben_page


def test_the_articles_author_and_an_unconfirmed_member_see_the_comments_as_theirs(
        readers, talk, make_member, make_client):
    make_member("newbie", verified=False)
    view(readers["ann"], talk["url"])

    writer_page = view(logged_in(make_client, "writer"), talk["url"])[0]
    newbie_page = comments_part(view(logged_in(make_client, "newbie"), talk["url"])[0])

    assert "Delete article" in writer_page and "Delete comment" not in writer_page
    assert "Please confirm your email address to comment" in newbie_page
    assert 'class="comment-form"' not in newbie_page and "csrf_token" not in newbie_page


def test_a_talker_removed_as_a_spammer_leaves_the_kept_comments_at_once(
        readers, talk, make_member):
    view(readers["ann"], talk["url"])
    assert view(readers["ben"], talk["url"])[1] == KEPT

    moderation.remove_as_spam(make_member("ada", role="admin"), talk["talker"])

    html = comments_part(view(readers["ben"], talk["url"])[0])
    assert "First thoughts" not in html and "[hidden by the moderators]" in html


def test_a_comment_made_meanwhile_is_never_kept_out(readers, talk, app, monkeypatch):
    """A comment saved between the moment a page reads the content clock and the moment
    it reads the article: what that page keeps is not taken for newer than it is."""
    import threading

    from blog.article import views

    read_article = views.shown_or_404

    def comment():
        with app.app_context():
            comments.add_comment(talk["replier"], talk["article"], "Late remark")

    def with_a_comment_meanwhile(slug):
        monkeypatch.setattr(views, "shown_or_404", read_article)  # once
        writer = threading.Thread(target=comment)
        writer.start()
        writer.join()
        return read_article(slug)

    monkeypatch.setattr(views, "shown_or_404", with_a_comment_meanwhile)
    view(readers["ann"], talk["url"])
    for reader in ("ben", "ann", "ben"):
        html = comments_part(view(readers[reader], talk["url"])[0])
        assert "Late remark" in html and "Comments (3)" in html


def test_a_comment_made_by_another_process_shows_on_this_ones_kept_comments(
        readers, talk, monkeypatch):
    """With PAGE_CACHE_URL=memory://, a write in another server process does not move this
    process's clock; the comment count does: whoever commented there sees it here."""
    from blog.web import page_cache

    view(readers["ann"], talk["url"])
    monkeypatch.setattr(page_cache, "_stores", set())  # this process's clock stays still
    comments.add_comment(talk["replier"], talk["article"], "Said elsewhere")
    monkeypatch.undo()

    assert "Said elsewhere" in view(readers["ben"], talk["url"])[0]


@pytest.mark.parametrize("change", ["edit", "hide", "restore", "rename", "picture"])
def test_an_author_sees_their_own_change_made_by_another_process_at_once(
        readers, talk, make_client, make_member, monkeypatch, change):
    """With PAGE_CACHE_URL=memory://, a write in another server process does not move this
    process's clock, and the comment count stays: a kept section may be a period old for
    the others, but the author of a comment changed sees the change on their next page."""
    from blog.web import page_cache

    talker, mia = logged_in(make_client, "talker"), make_member("mia", role="moderator")
    if change == "restore":
        moderation.hide(mia, "comment", talk["first"], "Rude")
    view(readers["ann"], talk["url"])
    assert view(talker, talk["url"])[1] == CHECKED
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(page_cache, "_stores", set())  # this process's clock stays still
        if change == "edit":
            comments.edit_comment(talk["first"], talk["talker"], "Better thoughts")
        elif change == "hide":
            moderation.hide(mia, "comment", talk["first"], "Off-topic")
        elif change == "restore":
            moderation.restore(mia, "comment", talk["first"])
        elif change == "rename":
            profiles.update_profile(talk["talker"], "Tom Talker", "")
        else:
            talk["talker"].image_url = "https://pictures.example.org/tom.png"
            db.session.commit()
    assert view(readers["ben"], talk["url"])[1] == KEPT  # the others: within the period

    html = comments_part(view(talker, talk["url"])[0])

    first = html[html.index(f'id="comment-{talk["first"].id}"'):]
    first = first[:first.index("</article>")]
    expected = {"edit": "Better thoughts", "hide": "Reason: Off-topic",
                "restore": "First thoughts", "rename": "Tom Talker",
                "picture": "https://pictures.example.org/tom.png"}[change]
    assert expected in first
    assert ("Only you (its author)" in first) == (change == "hide")
    # ...and the section drawn again for them is kept for the others from then on.
    assert expected in view(readers["ben"], talk["url"])[0] or change == "hide"


def test_made_up_pages_of_comments_push_out_no_card_or_comment(readers, talk, monkeypatch):
    from blog.web import fragments

    monkeypatch.setattr(comment_section, "_sections", fragments.Shelf(4, 1_000_000))
    view(readers["ann"], talk["url"])
    kept_pieces = dict(fragments._kept)
    for start in range(1, 41):  # 40 addresses, each its own page of comments
        view(readers["ann"], f"{talk['url']}?comments_from={start}")

    assert len(comment_section._sections._kept) == 4  # the newest four
    assert kept_pieces.items() <= dict(fragments._kept).items()  # the small pieces stay


def test_a_newer_section_replaces_the_one_before(readers, talk, monkeypatch):
    from blog.web import fragments

    monkeypatch.setattr(comment_section, "_sections", fragments.Shelf(100, 1_000_000))
    for n in range(5):  # each a change: the clock moves
        profiles.update_profile(talk["talker"], f"Talker {n}", "")
        assert f"Talker {n}" in view(readers["ann"], talk["url"])[0]
    assert len(comment_section._sections._kept) == 1


def test_a_moderators_page_asks_nothing_of_an_unreachable_page_cache(
        make_app, talk, make_member, caplog):
    app = make_app(PAGE_CACHE_URL="redis://127.0.0.1:1")  # nothing listens there
    make_member("mia", role="moderator")
    client = FormClient(app.test_client())
    Auth(client).login("mia")
    caplog.clear()

    assert "First thoughts" in page(client.get(talk["url"]))
    assert "page cache unreachable" not in caplog.text


def test_a_comment_made_by_another_process_after_a_deletion_there_shows_at_once(
        readers, talk, monkeypatch):
    """A comment deleted and another made in a second process leave the comment count
    where it was; the article's comment changes only grow."""
    from blog.web import page_cache

    doomed = comments.add_comment(talk["replier"], talk["article"], "Doomed reply",
                                  talk["first"].id)
    view(readers["ann"], talk["url"])
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(page_cache, "_stores", set())  # this process's clock stays still
        comments.delete_comment(doomed, talk["replier"])
        comments.add_comment(talk["talker"], talk["article"], "My brand new reply",
                             talk["first"].id)

    for reader in ("ann", "ben"):
        assert "My brand new reply" in view(readers[reader], talk["url"])[0]
