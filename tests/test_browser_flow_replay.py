"""What if? in a real browser: a recorded Like sent again with one thing changed.

The live server runs as `make run` has it (development, the inspector on).
A member likes an article with the button script, opens the story of that
Like and presses its What if? buttons: without the CSRF token the back end
answers 400 and the replay's own story says why; as another demo member it
answers 200, and the article still counts one like, because a what-if keeps
nothing it writes.
"""

import pytest
from playwright.sync_api import expect
from test_browser import log_in
from test_browser_flow import collect_errors, live_config  # noqa: F401 - the inspector on

from blog.cli import DEMO_PASSWORD
from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_what_if_a_like_came_without_its_token_or_from_another_member(
        new_page, live_server, make_member, make_article):
    with live_server.app.app_context():
        slug = make_article(author=make_member("author"), title="Asked twice").slug
        make_member("member1")
        make_member("carol", password=DEMO_PASSWORD)  # a demo member: the public password
    page = new_page()
    errors = collect_errors(page)
    page.goto(live_server.url + "/")
    log_in(page, "member1", TEST_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    article = f"{live_server.url}/articles/{slug}"
    page.goto(article)
    reactions = page.locator(".article-reactions")
    with page.expect_response(lambda r: r.url.endswith("/like")) as liked, \
            page.expect_response(lambda r: r.url.endswith("/browser")):
        reactions.get_by_role("button", name="Like 0").click()
    page.goto(f"{live_server.url}/flow/{liked.value.headers['x-request-id']}")

    heading = page.get_by_role("heading", level=1)
    what_if = page.get_by_role("region", name="What if?")
    expect(heading).to_have_text(f"POST /articles/{slug}/like → 200")
    # A Like has no field to leave empty: that one is offered greyed out, with why.
    expect(what_if.get_by_role("button", name="With an invalid field")).to_be_disabled()
    what_if.get_by_role("button", name="Without the CSRF token").click()

    expect(heading).to_have_text(f"POST /articles/{slug}/like → 400")
    expect(what_if).to_contain_text(
        "sent again without the CSRF token. The back end answered 400: the steps above say why.")
    steps = page.locator(".flow-steps > li")
    expect(steps.first).to_contain_text(
        f"What if? The inspector sent POST /articles/{slug}/like again, without the CSRF token")
    expect(steps.filter(has_text="Security log: csrf.failed (The CSRF token is missing.)")
           ).to_have_count(1)
    expect(steps.filter(has_text="The form token (CSRF) matched")).to_have_count(0)
    expect(steps.last).to_contain_text("The server answered 400 Bad Request")
    diagram = page.get_by_role("img", name=f"Sequence diagram of POST /articles/{slug}/like → 400")
    expect(diagram.locator("text", has_text="token matched: no")).to_be_visible()

    # Back to the Like it was made from, which lists it, and once more as another member.
    what_if.get_by_role("link", name=f"POST /articles/{slug}/like → 200").click()
    expect(what_if.get_by_role("link", name="without the CSRF token → 400")).to_be_visible()
    what_if.get_by_role("button", name="As another demo member").click()
    expect(heading).to_have_text(f"POST /articles/{slug}/like → 200")
    expect(what_if).to_contain_text("sent again as @carol, another (demo) member.")
    expect(steps.filter(has_text="For this what-if you are @carol")).to_have_count(1)
    expect(steps.last).to_contain_text("Then the inspector rolled back everything")

    # Carol's like was not kept: the article counts member1's alone.
    page.goto(article)
    expect(reactions.get_by_role("button", name="Unlike 1")).to_be_visible()
    assert errors == []
