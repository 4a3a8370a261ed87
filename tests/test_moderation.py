"""Moderation through the pages: reports, the queue, hide and restore, suspend, ban, spam."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from blog.domain import comments, moderation_log, reports
from blog.extensions import db
from blog.models import Article, ModerationAction, utcnow
from helpers import fresh, logged_in, page, text_of

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def cast(make_member, make_article):
    """An admin, a moderator, a spammer with an article and a comment, and a reader."""
    admin = make_member("boss", role="admin")
    mod = make_member("mia", role="moderator")
    spammer = make_member("spammer")
    reader = make_member("reader")
    article = make_article(author=spammer, title="Cheap watches", tags="deals")
    comment = comments.add_comment(spammer, make_article(author=reader, title="Honest post"),
                                   "Buy cheap watches at example.org")
    return {"admin": admin, "mod": mod, "spammer": spammer, "reader": reader,
            "article": article, "comment": comment}


def report(client, kind, target_id, reason="spam", note=""):
    return client.submit(f"/report/{kind}/{target_id}", {"reason": reason, "note": note})


def act(client, kind, target_id, action, reason="Against the rules.", **extra):
    return client.submit(f"/mod/{kind}/{target_id}/{action}", {"reason": reason, **extra})


def test_a_member_reports_an_article_once_and_it_waits_in_the_queue(
    make_client, make_member, cast
):
    article = cast["article"]
    reader = logged_in(make_client, "reader")
    form = reader.get(f"/report/article/{article.id}")
    assert form.status_code == 200 and "Cheap watches" in page(form)
    sent = report(reader, "article", article.id, note="An advert")
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"/articles/{article.slug}")
    assert "The moderators will look at your report" in page(reader.get(sent.headers["Location"]))
    again = report(reader, "article", article.id, "other")
    assert "already reported" in page(reader.get(again.headers["Location"]))
    make_member("second")
    report(logged_in(make_client, "second"), "article", article.id, "harassment")

    queue = page(logged_in(make_client, "mia").get("/mod"))
    assert "2 reports" in queue and "Spam (1)" in queue and "Harassment or abuse (1)" in queue
    assert "@reader: “An advert”" in queue


def test_reports_need_a_reason_and_cannot_target_yourself(make_client, cast):
    spammer = logged_in(make_client, "spammer")
    missing = spammer.submit(f"/report/article/{cast['article'].id}", {"note": "x"})
    assert missing.status_code == 422 and "Choose why you report this." in page(missing)
    own = report(spammer, "article", cast["article"].id)
    assert own.status_code == 422 and "cannot report yourself" in page(own)
    assert report(spammer, "member", 999_999).status_code == 404


def test_a_visitor_is_asked_to_log_in_before_reporting(client, cast):
    answer = client.get(f"/report/article/{cast['article'].id}")
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]


def test_reporting_is_rate_limited(make_app, make_member, make_article):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REPORTS_PER_MEMBER="2 per minute")
    with app.app_context():
        make_member("reader")
        targets = [make_article(title=f"Spam {n}").id for n in range(3)]
        from helpers import Auth, FormClient

        client = FormClient(app.test_client())
        Auth(client).login("reader")
        statuses = [report(client, "article", t).status_code for t in targets]
    assert statuses == [302, 302, 429]


@pytest.mark.parametrize("who, status", [("reader", 403), ("mia", 200), ("boss", 200)])
def test_only_moderators_and_admins_see_the_queue(make_client, cast, who, status):
    assert logged_in(make_client, who).get("/mod").status_code == status


@pytest.mark.parametrize("who, status", [("reader", 403), ("mia", 403), ("boss", 200)])
def test_only_admins_read_the_log_and_the_members_list(make_client, cast, who, status):
    client = logged_in(make_client, who)
    assert client.get("/mod/log").status_code == status
    assert client.get("/mod/members").status_code == status


@pytest.mark.parametrize("actor, target, allowed", [
    ("mia", "spammer", True), ("mia", "boss", False), ("mia", "mia", False),
    ("boss", "mia", True), ("boss", "boss", False), ("reader", "spammer", False),
])
def test_who_may_suspend_whom(make_client, make_member, cast, actor, target, allowed):
    make_member("mo2", role="moderator")
    victim = cast[{"spammer": "spammer", "boss": "admin", "mia": "mod"}[target]]
    until = (utcnow() + timedelta(days=3)).date().isoformat()
    answer = act(logged_in(make_client, actor), "member", victim.id, "suspend", until=until)
    assert answer.status_code == (302 if allowed else 403)
    assert (fresh(victim).suspended_until is not None) == allowed


def test_a_moderator_cannot_act_on_another_moderator(make_client, make_member, cast):
    other = make_member("mo2", role="moderator")
    assert act(logged_in(make_client, "mia"), "member", other.id, "ban").status_code == 403
    assert not fresh(other).is_banned


def test_a_hidden_article_is_gone_for_everyone_but_its_author_and_moderators(
    client, make_client, api, cast
):
    article = cast["article"]
    mod = logged_in(make_client, "mia")
    assert act(mod, "article", article.id, "hide", "Advertising.").status_code == 302
    assert "Cheap watches" not in page(client.get("/"))
    assert "Cheap watches" not in page(client.get("/t/deals"))
    assert client.get(f"/articles/{article.slug}").status_code == 404
    assert article.slug not in [a["slug"] for a in api.get("/api/articles").json["articles"]]
    assert api.get(f"/api/articles/{article.slug}").status_code == 404
    assert logged_in(make_client, "reader").get(f"/articles/{article.slug}").status_code == 404

    own = logged_in(make_client, "spammer")
    shown = page(own.get(f"/articles/{article.slug}"))
    assert "The moderators hid this article" in shown and "Advertising." in shown
    assert "Hidden by the moderators" in page(own.get("/@spammer"))
    republish = own.submit(f"/articles/{article.slug}/edit", {
        "title": "Cheap watches", "description": "", "body": "Still spam", "tags": "deals",
        "cover_url": "", "publish": "y"})
    assert republish.status_code == 403 and "stays unpublished" in page(republish)
    assert "The moderators hid this article" in page(mod.get(f"/articles/{article.slug}"))

    assert act(mod, "article", article.id, "restore", "Fine after all.").status_code == 302
    assert "Cheap watches" in page(client.get("/t/deals"))
    assert client.get(f"/articles/{article.slug}").status_code == 200


def test_a_hidden_comment_shows_as_a_placeholder_to_others(client, make_client, api, cast):
    comment = cast["comment"]
    slug = comments.article_of(comment).slug
    act(logged_in(make_client, "mia"), "comment", comment.id, "hide", "Advertising.")
    assert "cheap watches" not in page(client.get(f"/articles/{slug}"))
    assert "[hidden by the moderators]" in page(client.get(f"/articles/{slug}"))
    assert api.get(f"/api/articles/{slug}/comments").json["comments"] == []
    own = page(logged_in(make_client, "spammer").get(f"/articles/{slug}"))
    assert "Buy cheap watches" in own and "Advertising." in own


def test_a_suspended_member_reads_but_cannot_write_and_sees_why(
    make_client, api, cast, make_article
):
    until = (utcnow() + timedelta(days=7)).date()
    act(logged_in(make_client, "mia"), "member", cast["spammer"].id, "suspend",
        "Cooling off.", until=until.isoformat())
    spammer = logged_in(make_client, "spammer")
    home = page(spammer.get("/"))
    assert "suspended your account until" in home and "Cooling off." in home
    other = make_article(author=cast["reader"], title="Fresh")
    refused = spammer.submit(f"/articles/{other.slug}/comments", {"body": "Hello"})
    assert refused.status_code == 403 and "suspended until" in page(refused)
    assert spammer.submit("/new", {"title": "T", "body": "B"}).status_code == 403
    token = api.login(cast["spammer"].email)
    answer = api.post(f"/api/articles/{other.slug}/favorite", token=token)
    assert answer.status_code == 403
    assert answer.json["errors"]["account"][0].startswith(f"is suspended until {until}")
    assert api.get("/api/user", token=token).status_code == 200  # reading still works


def test_a_ban_ends_every_session_and_token_at_once(make_client, api, cast):
    spammer = logged_in(make_client, "spammer")
    token = api.login(cast["spammer"].email)
    assert api.get("/api/user", token=token).status_code == 200
    assert act(logged_in(make_client, "mia"), "member", cast["spammer"].id, "ban",
               "Spam.").status_code == 302
    assert "nav-user" not in page(spammer.get("/"))  # logged out
    assert api.get("/api/user", token=token).status_code == 401
    again = api.post("/api/users/login", json={"user": {"email": cast["spammer"].email,
                                                         "password": "correct horse battery"}})
    assert again.status_code in (401, 403)
    from helpers import TEST_PASSWORD, Auth

    login = Auth(make_client()).login("spammer", TEST_PASSWORD)
    assert login.status_code == 403 and "banned" in page(login)
    api_login = api.post("/api/users/login", json={"user": {"email": cast["spammer"].email,
                                                             "password": TEST_PASSWORD}})
    assert api_login.status_code == 403
    assert api_login.json == {"errors": {"account": ["is banned (Spam.)"]}}


def test_remove_as_spam_hides_everything_in_one_action_and_can_be_undone(
    client, make_client, cast
):
    mod = logged_in(make_client, "mia")
    article, comment = cast["article"], cast["comment"]
    slug = comments.article_of(comment).slug
    assert act(mod, "member", cast["spammer"].id, "remove_spam", "Spam.").status_code == 302
    assert "Cheap watches" not in page(client.get("/"))
    assert "[hidden by the moderators]" in page(client.get(f"/articles/{slug}"))
    assert client.get("/@spammer").status_code == 404
    assert fresh(cast["spammer"]).is_banned

    admin = logged_in(make_client, "boss")
    log = page(admin.get("/mod/log"))
    assert "remove spam" in log and "@mia" in log and "Spam." in log
    entry = db.session.scalar(select(ModerationAction).where(
        ModerationAction.action == "remove_spam"))
    undone = admin.submit(f"/mod/undo/{entry.id}", {"reason": "A mistake."})
    assert undone.status_code == 302
    assert "Cheap watches" in page(client.get("/"))
    assert "Buy cheap watches" in page(client.get(f"/articles/{slug}"))
    assert not fresh(cast["spammer"]).is_banned
    assert db.session.get(Article, article.id).status == "published"


def test_the_member_is_told_why_by_email(make_client, cast, deliver):
    act(logged_in(make_client, "mia"), "article", cast["article"].id, "hide", "Advertising.")
    told = [m for m in deliver() if m["To"] == cast["spammer"].email]
    assert len(told) == 1
    assert "hid your article “Cheap watches”" in text_of(told[0])
    assert "Advertising." in text_of(told[0])


def test_an_action_needs_a_reason(make_client, cast):
    answer = act(logged_in(make_client, "mia"), "article", cast["article"].id, "hide", "")
    assert answer.status_code == 422 and "Say why" in page(answer)
    assert not db.session.get(Article, cast["article"].id).is_hidden


def test_dismissing_closes_the_reports_of_that_thing(make_client, cast):
    report(logged_in(make_client, "reader"), "article", cast["article"].id)
    mod = logged_in(make_client, "mia")
    assert "1 report" in page(mod.get("/mod"))
    act(mod, "article", cast["article"].id, "dismiss", "Not spam.")
    assert "no open reports" in page(mod.get("/mod"))


def test_the_queue_costs_the_same_however_many_reports(make_client, make_member, cast,
                                                       make_article):
    from helpers import count_queries

    mod = logged_in(make_client, "mia")

    def statements():
        with count_queries() as queries:
            assert mod.get("/mod").status_code == 200
        return len(queries)

    reports.file_report(cast["reader"], "article", cast["article"], "spam")
    few = statements()
    for n in range(6):
        member = make_member(f"r{n}")
        reports.file_report(member, "article", make_article(author=cast["spammer"]), "spam")
        reports.file_report(member, "comment", cast["comment"], "other", "x")
        reports.file_report(member, "member", cast["spammer"], "spam")
    assert statements() == few


def test_admins_appoint_moderators_and_find_members(make_client, cast):
    admin = logged_in(make_client, "boss")
    found = page(admin.get("/mod/members?q=SPAM"))
    assert "@spammer" in found and "@reader" not in found
    assert admin.submit(f"/mod/members/{cast['reader'].id}/role",
                        {"role": "moderator"}).status_code == 302
    assert fresh(cast["reader"]).role == "moderator"
    assert logged_in(make_client, "reader").get("/mod").status_code == 200
    assert logged_in(make_client, "mia").submit(
        f"/mod/members/{cast['spammer'].id}/role", {"role": "admin"}).status_code == 403
    assert moderation_log.log_page(cast["admin"])[0][0].action == "role_moderator"
