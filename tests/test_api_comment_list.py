"""The API's comment list encoded once for every reader (blog/api/comment_list.py): each
reader still gets exactly their own list."""

import json
from types import SimpleNamespace

import pytest
from api_contract import ApiClient

from blog.api import comment_list
from blog.domain import comments, follows, moderation, profiles
from helpers import count_queries

# A member's GET of the list: their token's member, the article, the comments (when
# read, not kept), whose authors they follow.
BUILT, KEPT = 4, 3
# ...and of a member who wrote some of the kept comments: theirs checked, not all read.
CHECKED = "checked"


@pytest.fixture(autouse=True)
def one_period():
    """Every answer of a test in one PAGE_CACHE_SECONDS period, unless it moves the clock."""
    clock = SimpleNamespace(now=1_800_000_000.0)
    clock.time = lambda: clock.now
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(comment_list, "time", clock)
        yield clock


@pytest.fixture
def talk(api_member, make_member, make_article):
    """An article by "writer" with a comment by "talker" and a reply by "replier"; the
    tokens of talker and of two plain readers, ann and ben."""
    talker, talker_token = api_member("talker")
    replier = make_member("replier")
    article = make_article(author=make_member("writer"), title="Talk of the town")
    first = comments.add_comment(talker, article, "First thoughts")
    comments.add_comment(replier, article, "A reply", first.id)
    (_, ann_token), (ben, ben_token) = api_member("ann"), api_member("ben")
    return SimpleNamespace(article=article, first=first, talker=talker, ben=ben,
                           url=f"/api/articles/{article.slug}/comments",
                           tokens={"talker": talker_token, "ann": ann_token, "ben": ben_token})


def listed(api, talk, reader):
    """(the comments `reader` gets, how many SQL statements the answer took)."""
    with count_queries() as statements:
        response = api.get(talk.url, token=talk.tokens.get(reader, reader))
    assert response.status_code == 200 and response.mimetype == "application/json"
    if len(statements) == BUILT and not any("coalesce" in s.lower() for s in statements):
        return response.get_json()["comments"], CHECKED
    return response.get_json()["comments"], len(statements)


def bodies(found):
    return [comment["body"] for comment in found]


def test_a_reader_gets_the_list_another_one_read_with_their_own_following_flags(
        api, talk):
    follows.follow(talk.ben, talk.talker)
    ann_list, ann_statements = listed(api, talk, "ann")
    ben_list, ben_statements = listed(api, talk, "ben")

    assert (ann_statements, ben_statements) == (BUILT, KEPT)
    assert bodies(ann_list) == bodies(ben_list) == ["First thoughts", "A reply"]
    assert [c["author"]["following"] for c in ann_list] == [False, False]
    assert [c["author"]["following"] for c in ben_list] == [True, False]
    assert ben_list[0]["author"] == {"username": "talker", "bio": None, "image": None,
                                     "following": True}
    assert ann_list[0]["id"] == talk.first.id and ann_list[0]["createdAt"].endswith("Z")


def test_a_hidden_comment_is_seen_by_its_author_and_the_moderators_alone(
        api, talk, api_member):
    mia, mia_token = api_member("mia", role="moderator")
    moderation.hide(mia, "comment", talk.first, "Rude")
    assert bodies(listed(api, talk, "ann")[0]) == ["A reply"]

    for reader in ("talker", mia_token, "ben"):
        found, statements = listed(api, talk, reader)
        assert statements == (CHECKED if reader == "talker" else KEPT)
        assert bodies(found) == (["A reply"] if reader == "ben"
                                 else ["First thoughts", "A reply"])
    assert bodies(listed(api, talk, None)[0]) == ["A reply"]  # a visitor


def test_each_change_shows_at_once(api, talk, api_member):
    mia, _ = api_member("mia", role="moderator")

    def seen_by_ben():
        """What ben gets once ann's answer was kept: each change shows on the next."""
        listed(api, talk, "ann")
        found, statements = listed(api, talk, "ben")
        assert statements == KEPT
        return found

    assert bodies(seen_by_ben()) == ["First thoughts", "A reply"]
    comments.add_comment(talk.talker, talk.article, "Second thoughts")
    assert bodies(seen_by_ben())[-1] == "Second thoughts"
    comments.edit_comment(talk.first, talk.talker, "Better thoughts")
    assert bodies(seen_by_ben())[0] == "Better thoughts"
    profiles.update_profile(talk.talker, "Tom Talker", "Talks a lot")
    assert seen_by_ben()[0]["author"]["bio"] == "Talks a lot"
    moderation.hide(mia, "comment", talk.first, "Off-topic")
    assert "Better thoughts" not in bodies(seen_by_ben())
    moderation.restore(mia, "comment", talk.first)
    assert "Better thoughts" in bodies(seen_by_ben())
    comments.delete_comment(talk.first, talk.talker)
    assert "Better thoughts" not in bodies(seen_by_ben())
    moderation.remove_as_spam(api_member("ada", role="admin")[0], talk.talker)
    assert bodies(seen_by_ben()) == ["A reply"]


def test_a_kept_list_lasts_one_period_at_most(api, talk, app, one_period):
    listed(api, talk, "ann")
    assert listed(api, talk, "ben")[1] == KEPT
    one_period.now += app.config["PAGE_CACHE_SECONDS"]
    assert listed(api, talk, "ben")[1] == BUILT


def test_with_the_page_cache_off_every_answer_reads_the_comments(make_app, talk):
    uncached = make_app(PAGE_CACHE=False)
    api = ApiClient(uncached.test_client())
    with uncached.app_context():  # its statements counted
        assert [listed(api, talk, "ann")[1] for _ in range(2)] == [BUILT, BUILT]


def test_with_the_page_cache_off_each_reader_gets_the_same_text_as_from_a_kept_list(
        make_app, talk, api, api_member):
    uncached = ApiClient(make_app(PAGE_CACHE=False).test_client())
    mia, talk.tokens["mia"] = api_member("mia", role="moderator")
    follows.follow(talk.ben, talk.talker)

    def answers():  # each reader's answer: (with the page cache off, on)
        return {reader: [client.get(talk.url, token=talk.tokens.get(reader)).get_data(as_text=True)
                         for client in (uncached, api)]
                for reader in (None, "ann", "ben", "talker", "mia")}

    before = answers()
    moderation.hide(mia, "comment", talk.first, "Rude")
    after = answers()
    for each in (before, after):
        for reader, (off, on) in each.items():
            assert off == on, reader

    def shown(reader, answer):
        return json.loads(answer[reader][0])["comments"]

    assert [c["author"]["following"] for c in shown("ben", before)] == [True, False]
    assert [bodies(shown(reader, after)) for reader in (None, "ann", "talker", "mia")] == [
        ["A reply"], ["A reply"], ["First thoughts", "A reply"], ["First thoughts", "A reply"]]


def test_a_comment_made_meanwhile_is_never_kept_out(api, talk, app, monkeypatch):
    """A comment saved between the moment an answer reads the content clock and the
    moment it reads the article: what that answer keeps is not taken for newer."""
    import threading

    from blog.api import comments as views

    read_article = views.article_or_404

    def comment():
        with app.app_context():
            comments.add_comment(talk.ben, talk.article, "Late remark")

    def with_a_comment_meanwhile(slug, **options):
        monkeypatch.setattr(views, "article_or_404", read_article)  # once
        writer = threading.Thread(target=comment)
        writer.start()
        writer.join()
        return read_article(slug, **options)

    monkeypatch.setattr(views, "article_or_404", with_a_comment_meanwhile)
    listed(api, talk, "ann")
    for reader in ("ben", "ann", "ben"):
        assert bodies(listed(api, talk, reader)[0])[-1] == "Late remark"


def test_a_comment_made_by_another_process_shows_on_this_ones_kept_list(
        api, talk, monkeypatch):
    """With PAGE_CACHE_URL=memory://, a write in another server process does not move this
    process's clock; the comment count does."""
    from blog.web import page_cache

    listed(api, talk, "ann")
    monkeypatch.setattr(page_cache, "_stores", set())  # this process's clock stays still
    comments.add_comment(talk.ben, talk.article, "Said elsewhere")
    monkeypatch.undo()

    assert bodies(listed(api, talk, "ben")[0])[-1] == "Said elsewhere"


@pytest.mark.parametrize("change", ["edit", "hide", "restore", "bio", "picture"])
def test_an_author_gets_their_own_change_made_by_another_process_at_once(
        api, talk, make_member, monkeypatch, change):
    """With PAGE_CACHE_URL=memory://, another process's write does not move this one's
    clock: the others may get a list a period old, its author gets their change."""
    from blog.extensions import db
    from blog.web import page_cache

    mia = make_member("mia", role="moderator")
    if change == "restore":
        moderation.hide(mia, "comment", talk.first, "Rude")
    listed(api, talk, "ann")
    assert listed(api, talk, "talker")[1] == CHECKED
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(page_cache, "_stores", set())  # this process's clock stays still
        if change == "edit":
            comments.edit_comment(talk.first, talk.talker, "Better thoughts")
        elif change == "hide":
            moderation.hide(mia, "comment", talk.first, "Off-topic")
        elif change == "restore":
            moderation.restore(mia, "comment", talk.first)
        elif change == "bio":
            profiles.update_profile(talk.talker, "", "Talks a lot")
        else:
            talk.talker.image_url = "https://pictures.example.org/tom.png"
            db.session.commit()
    assert listed(api, talk, "ben")[1] == KEPT  # the others: within the period

    first = listed(api, talk, "talker")[0][0]

    assert first["id"] == talk.first.id
    assert {"edit": first["body"] == "Better thoughts",
            "hide": first["body"] == "First thoughts",  # still theirs to see
            "restore": first["body"] == "First thoughts",
            "bio": first["author"]["bio"] == "Talks a lot",
            "picture": first["author"]["image"] == "https://pictures.example.org/tom.png",
            }[change]
    # ...and the list encoded again for them is the others' from then on.
    ben_first = listed(api, talk, "ben")[0][0]
    assert (ben_first["id"] == talk.first.id) != (change == "hide")


def test_a_comment_made_by_another_process_after_a_deletion_there_is_listed_at_once(
        api, talk, monkeypatch):
    """A deletion and a new comment in a second process leave the comment count where it
    was; the article's comment changes only grow."""
    from blog.web import page_cache

    doomed = comments.add_comment(talk.ben, talk.article, "Doomed reply", talk.first.id)
    listed(api, talk, "ann")
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(page_cache, "_stores", set())  # this process's clock stays still
        comments.delete_comment(doomed, talk.ben)
        comments.add_comment(talk.ben, talk.article, "Better said")

    for reader in ("ann", "ben"):
        assert bodies(listed(api, talk, reader)[0]) == ["First thoughts", "A reply",
                                                         "Better said"]


def test_a_follower_gets_the_flag_changed_and_nothing_a_member_wrote(api, talk):
    """A follower's copy of a kept comment is its other copy with the author's flag
    changed: text that spells the flag, in a bio or a body, stays as written."""
    spelled = '{"following":false} and "following":false'
    profiles.update_profile(talk.talker, "Talker", spelled)
    comments.add_comment(talk.talker, talk.article, spelled)
    follows.follow(talk.ben, talk.talker)
    listed(api, talk, "ann")  # kept now

    found, statements = listed(api, talk, "ben")
    assert statements == KEPT
    assert [(c["body"], c["author"]["following"]) for c in found] == [
        ("First thoughts", True), ("A reply", False), (spelled, True)]
    assert {c["author"]["bio"] for c in found if c["author"]["username"] == "talker"} == {spelled}


@pytest.mark.parametrize("page_cache", [True, False], ids=["kept", "page cache off"])
def test_the_list_is_written_as_jsonify_writes_an_answer(make_app, talk, page_cache):
    """Byte for byte: sorted keys, no spaces, everything outside ASCII escaped."""
    from flask import jsonify

    comments.add_comment(talk.ben, talk.article, 'Ça « marche » \\ "quoted" 🚀\n\ttab</script>')
    app = make_app(PAGE_CACHE=page_cache)
    text = ApiClient(app.test_client()).get(talk.url, token=talk.tokens["ann"]).get_data(
        as_text=True)
    with app.app_context():
        assert text == jsonify(json.loads(text)).get_data(as_text=True)
    assert "\\u00c7a" in text and "\\ud83d\\ude80" in text
