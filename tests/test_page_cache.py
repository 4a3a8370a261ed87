"""The page cache: visitors share one build of a page until a write changes what it shows."""

import threading

import pytest
from flask import template_rendered

from blog.domain import (
    accounts,
    comments,
    follows,
    listing,
    mutes,
    password_changes,
    profiles,
    reactions,
)
from helpers import TEST_PASSWORD, FormClient, count_queries, page
from server_helpers import read_page


def visit(app, url):
    """A first-time visitor's GET (no cookie): (response, SQL statements it ran)."""
    with count_queries() as statements:
        response = FormClient(app.test_client()).get(url)
    return response, list(statements)


def kept(response):
    return response.headers.get("X-Page-Cache") == "hit"


@pytest.fixture
def story(make_member, make_article):
    ada = make_member("ada")
    return make_article(author=ada, title="Cached story", tags="python")


def test_the_second_visitor_gets_the_first_one_s_page_without_sql(app, story):
    for url in ("/", f"/articles/{story.slug}", "/t/python", "/@ada", "/feed.atom",
                "/api/articles", f"/api/articles/{story.slug}"):
        first, _ = visit(app, url)
        second, statements = visit(app, url)
        assert not kept(first) and kept(second), url
        assert statements == [], url
        assert second.get_data() == first.get_data(), url
        assert second.content_type == first.content_type, url


@pytest.mark.parametrize("write", ["comment", "like", "follow", "profile", "edit", "delete",
                                   "new article"])
def test_every_kind_of_write_shows_at_once(app, story, make_member, make_article, write):
    ada, bob = story.author, make_member("bob")
    before = {url: visit(app, url)[0] for url in ("/", f"/articles/{story.slug}", "/@ada")}
    assert all(not kept(response) for response in before.values())
    if write == "comment":
        comments.add_comment(bob, story, "Fresh remark")
        url, seen = f"/articles/{story.slug}", "Fresh remark"
    elif write == "like":
        reactions.like(bob, story)
        url, seen = "/", '<span class="toggle-count">1</span>'
    elif write == "follow":
        follows.follow(bob, ada)
        url, seen = "/@ada", '<span class="toggle-count">1</span>'
    elif write == "profile":
        profiles.update_profile(ada, "Countess Ada", "New bio", "")
        url, seen = "/@ada", "Countess Ada"
    elif write == "edit":
        from blog.domain.articles import update_article
        update_article(story, ada, "Cached story", "", "A *rewritten* body", ["python"], "", True)
        url, seen = "/articles/cached-story", "rewritten"
    elif write == "delete":
        from blog.domain.articles import delete_article
        delete_article(story, ada)
        url, seen = "/", "Nobody has published an article yet."
    else:
        make_article(author=bob, title="Breaking news")
        url, seen = "/", "Breaking news"
    response, _ = visit(app, url)
    assert not kept(response)
    assert seen in page(response)


def test_a_member_never_gets_a_visitor_s_page_nor_a_visitor_a_member_s(app, client, auth, story,
                                                                     make_member):
    make_member("member1")
    visit(app, "/")
    assert kept(visit(app, "/")[0])
    auth.login()
    mine = client.get("/")
    assert not kept(mine) and "@member1" in page(mine)
    assert "@member1" not in page(visit(app, "/")[0])


def test_a_visitor_with_a_message_to_show_gets_the_page_built_for_them(app, story):
    visit(app, "/")
    visitor = FormClient(app.test_client())
    visitor.submit("/auth/login", {"login": "nobody", "password": "wrong password"})
    response = visitor.get("/articles/nope/edit", follow_redirects=True)  # flashes "log in"
    assert not kept(response)


def test_off_nothing_is_kept(make_app, story):
    app = make_app(PAGE_CACHE=False)
    with app.app_context():
        visit(app, "/")
        response, statements = visit(app, "/")
    assert not kept(response) and statements


def test_after_a_write_concurrent_visitors_cause_one_rebuild(live_server, story, make_member):
    url = f"{live_server.url}/articles/{story.slug}"
    read_page(url)
    with live_server.app.app_context():
        comments.add_comment(make_member("bob"), story, "Stampede?")
    builds = []

    def rendered(sender, template, context, **extra):
        if template.name == "article/show.html":
            builds.append(template.name)

    answers = []
    with template_rendered.connected_to(rendered, live_server.app):
        start = threading.Barrier(8)

        def read():
            start.wait()
            answers.append(read_page(url)[0])

        readers = [threading.Thread(target=read) for _ in range(8)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
    assert len(answers) == 8
    assert len(builds) == 1, builds
    # Only the rebuilding one saw the comment for sure; the rest got the page before it,
    # for those milliseconds. The next visitor gets the new page.
    assert "Stampede?" in read_page(url)[0]


def test_a_forged_host_header_poisons_no_page(app, story):
    """The API docs spelled the request's Host into their curl lines, and were kept for all."""
    forged = FormClient(app.test_client()).get("/api/docs", headers={"Host": "evil.example"})
    assert "evil.example" not in page(forged)
    response, _ = visit(app, "/api/docs")
    assert "evil.example" not in page(response)
    assert "curl -X POST http://localhost/api/users/login" in page(response)


def test_a_page_built_under_a_path_prefix_is_kept_for_that_prefix_only(app, story):
    """A site served at /blog (SCRIPT_NAME) links to /blog/...: its pages are not the root's."""
    def visit_under(prefix):
        return FormClient(app.test_client()).get("/", environ_overrides={"SCRIPT_NAME": prefix})

    visit_under("/blog")
    assert kept(visit_under("/blog"))
    response, _ = visit(app, "/")
    assert 'href="/blog/' not in page(response)


def test_made_up_query_arguments_are_answered_but_not_kept(app, story):
    for n in range(3):
        response, _ = visit(app, f"/?utm_source=n{n}")
        assert response.status_code == 200 and not kept(response)
    assert not kept(visit(app, "/?utm_source=n0")[0])
    visit(app, "/?tab=latest&page=1")
    assert kept(visit(app, "/?tab=latest&page=1")[0])


def test_a_member_logging_in_or_changing_password_leaves_visitors_pages_kept(
        app, client, auth, story):
    """Only columns no visitor sees change (last_login_at, password_hash): the kept pages stay."""
    visit(app, "/")
    assert kept(visit(app, "/")[0])
    auth.login("ada")
    assert kept(visit(app, "/")[0])
    with app.test_request_context():  # the notice email carries links
        password_changes.change_password(story.author, TEST_PASSWORD,
                                         "another-long-passphrase-9")
    assert kept(visit(app, "/")[0])
    profiles.update_profile(story.author, "Ada L.", "", "")
    assert not kept(visit(app, "/")[0])


def test_undoing_what_was_never_done_leaves_visitors_pages_kept(app, story, make_member):
    """An unlike, unfollow or unmute that finds nothing to remove changes no row: undoing has
    no rate limit, so a member repeating one must not make the site rebuild every page."""
    bob = make_member("bob")
    visit(app, "/")
    assert kept(visit(app, "/")[0])
    reactions.unlike(bob, story)
    follows.unfollow(bob, story.author)
    follows.unfollow_tag(bob, listing.tag_named("python"))
    mutes.unmute(bob, story.author)
    assert kept(visit(app, "/")[0])
    reactions.like(bob, story)
    assert not kept(visit(app, "/")[0])


def test_doing_again_what_is_done_leaves_visitors_pages_kept(app, story, make_member):
    """A like, follow or mute that is there already inserts no row (they are idempotent, and
    a double click or a retried API call repeats them): the pages stay kept."""
    bob, carol = make_member("bob"), make_member("carol")
    python = listing.tag_named("python")
    reactions.like(bob, story)
    follows.follow(bob, story.author)
    follows.follow_tag(bob, python)
    mutes.mute(bob, carol)
    visit(app, "/")
    assert kept(visit(app, "/")[0])
    reactions.like(bob, story)
    follows.follow(bob, story.author)
    follows.follow_tag(bob, python)
    mutes.mute(bob, carol)
    assert kept(visit(app, "/")[0])
    reactions.unlike(bob, story)
    assert not kept(visit(app, "/")[0])


def test_signing_up_again_with_a_taken_address_leaves_visitors_pages_kept(app, story,
                                                                         make_member):
    """Its insert finds the address taken and adds no row (PostgreSQL returned the new
    row's key from it before, which counted as a change)."""
    bob = make_member("bob")
    visit(app, "/")
    assert kept(visit(app, "/")[0])
    assert accounts.register(bob.email, "bobagain", TEST_PASSWORD) is None
    assert kept(visit(app, "/")[0])
    assert accounts.register("carol@example.com", "carol", TEST_PASSWORD) is not None
    assert not kept(visit(app, "/")[0])
