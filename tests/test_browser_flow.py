"""The flow inspector in a real browser: the bar, the toast after a Like, and its story.

The live server runs with FLOW_INSPECTOR on, as `make run` has it. A member
logs in, the bar at the bottom of the home page tells that page's story, a
Like by fetch shows its round trip in the toast, and the story it links to
ends with what the click changed on the page. No console error, and no secret
in the story page's source.

With UPDATE_SCREENSHOTS=1 the test also writes the README's picture of the
story (docs/flow-inspector-story.png); without it, it writes nothing.
"""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect
from test_browser import log_in

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "flow-inspector-story.png"
# The page's own forms (Log out, What if?) carry their own token, in either attribute order.
TOKEN_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')


@pytest.fixture
def live_config():
    return {"FLOW_INSPECTOR": True, "BLOG_ENV": "development"}


def bar(page):
    return page.get_by_role("complementary", name="How this page was made")


def collect_errors(page):
    """Console errors and uncaught exceptions of `page`, as they happen."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_bar_toast_and_story_of_a_like(new_page, live_server, make_member, make_article):
    with live_server.app.app_context():
        slug = make_article(author=make_member("author"), title="Learning by clicking").slug
        make_member("member1")
    page = new_page(viewport={"width": 1000, "height": 1140})
    errors = collect_errors(page)

    page.goto(live_server.url + "/")
    with page.expect_response(lambda r: r.url.endswith("/auth/login")
                              and r.request.method == "POST") as login:
        log_in(page, "member1", TEST_PASSWORD)
    login_id = login.value.headers["x-request-id"]
    login_form = parse_qs(login.value.request.post_data)

    # The bar tells this very page's story once it has arrived.
    expect(bar(page).locator(".flow-summary")).to_have_text(
        re.compile(r"^GET / → 200 OK in \d+ ms · \d+ SQL statements?$"))
    bar(page).get_by_text("This page:").click()
    sentences = bar(page).get_by_role("listitem")
    expect(sentences.first).to_have_text(
        "Your browser asked for a page: GET /. It is handled by index().")
    expect(sentences.filter(has_text="Your session cookie says you are @member1.")).to_have_count(1)
    expect(sentences.last).to_contain_text("open the whole story to read them")

    # A Like by fetch: the toast shows the round trip and links to its story.
    page.goto(f"{live_server.url}/articles/{slug}")
    like_token = page.locator(".article-reactions input[name=csrf_token]").first.input_value()
    like = page.locator(".article-reactions").get_by_role("button", name=re.compile(r"^Like\b"))
    with page.expect_response(lambda r: r.url.endswith("/browser")) as browser_half:
        like.click()
    assert browser_half.value.status == 200
    toast = bar(page).get_by_role("status")
    expect(toast).to_contain_text(
        f'POST /articles/{slug}/like → 200 {{"liked":true,"likes_count":1}}')
    toast.get_by_role("link", name="Read its story").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"POST /articles/{slug}/like → 200")
    expect(page.get_by_text("Back in the browser: Like 0 → Unlike 1")).to_be_visible()
    expect(page.get_by_text("The database: one row added to likes")).to_be_visible()
    if os.environ.get("UPDATE_SCREENSHOTS"):
        # The story itself, from its first link down, without the site's navigation (whose
        # height changes with the menu), kept under 200 KB.
        top = page.get_by_role("link", name=re.compile("Your recent requests")).bounding_box()
        page.screenshot(path=str(SCREENSHOT),
                        clip={"x": 24, "y": top["y"] - 12, "width": 952, "height": 1060})

    cookies = {c["name"]: c["value"] for c in page.context.cookies() if c["name"] != "flow_from"}
    assert {"session", "flow_browser"} <= set(cookies)
    secrets = {f"the {name} cookie": value for name, value in cookies.items()}
    secrets |= {"the password": TEST_PASSWORD,
                "the secret key": live_server.app.config["SECRET_KEY"],
                "the login form's token": login_form["csrf_token"][0],
                "the Like's token": like_token}
    for story_url in (page.url, f"{live_server.url}/flow/{login_id}"):
        source = page.request.get(story_url).text()
        for own_token in TOKEN_INPUT.findall(source):  # the page's own Log out button
            source = source.replace(own_token, "")
        found = [what for what, value in secrets.items() if value in source]
        assert found == [], f"{story_url} shows {', '.join(found)}"
    assert errors == []


# Each problem that makes a label of the diagram hard to read: cut off by the drawing's
# edge, on top of another label, under 10 px as drawn, or in the colour of its background.
UNREADABLE_LABELS = """svg => {
  const box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
  const background = getComputedStyle(svg).backgroundColor, problems = [];
  const labels = [...svg.querySelectorAll("text")].map(t => [t, t.getBoundingClientRect()]);
  labels.forEach(([text, at], index) => {
    const name = JSON.stringify(text.textContent);
    if (at.left < box.left || at.right > box.right || at.top < box.top || at.bottom > box.bottom)
      problems.push("cut off: " + name);
    if (parseFloat(getComputedStyle(text).fontSize) * scale < 10) problems.push("tiny: " + name);
    if (getComputedStyle(text).fill === background) problems.push("invisible: " + name);
    labels.slice(0, index).forEach(([other, near]) => {
      if (at.left < near.right && near.left < at.right && at.top < near.bottom - 2
          && near.top < at.bottom - 2) problems.push(`${name} covers ${other.textContent}`);
    });
  });
  return problems;
}"""


def in_order(wanted, found):
    """True when each wanted text is one of `found`, in this order (others between)."""
    rest = iter(found)
    return all(any(text == label for label in rest) for text in wanted)


def test_the_diagram_of_a_like_is_drawn_readably(new_page, live_server, make_member,
                                                 make_article):
    with live_server.app.app_context():
        slug = make_article(author=make_member("author"), title="Drawn").slug
        make_member("member1")
    page = new_page(viewport={"width": 1000, "height": 900})
    errors = collect_errors(page)
    page.goto(live_server.url + "/")
    log_in(page, "member1", TEST_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.goto(f"{live_server.url}/articles/{slug}")
    like = page.locator(".article-reactions").get_by_role("button", name=re.compile(r"^Like\b"))
    with page.expect_response(lambda r: r.url.endswith("/like")) as liked, \
            page.expect_response(lambda r: r.url.endswith("/browser")):
        like.click()
    page.goto(f"{live_server.url}/flow/{liked.value.headers['x-request-id']}")

    diagram = page.get_by_role(  # its name: the title, then each row in a sentence
        "img", name=f"Sequence diagram of POST /articles/{slug}/like → 200")
    expect(diagram).to_be_visible()
    expect(diagram.locator("g.flow-lanes text[font-weight=bold]")).to_have_text(
        ["browser", "route", "CSRF", "who", "rules", "database", "mail", "response", "page"])
    labels = diagram.locator("text").all_text_contents()
    assert in_order([
        f"POST /articles/{slug}/like", "token matched: yes", "@member1 (session cookie)",
        "can_view: yes", "may_write: yes",
        "5 statements: reads articles, users; writes articles, likes, notifications", "200 OK",
        'JSON {"liked": true, "likes_count": 1}', "Like 0 → Unlike 1",
    ], labels), labels
    assert diagram.evaluate(UNREADABLE_LABELS) == []

    # On a phone the drawing scrolls in its frame; the page itself stays as wide as the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    widths = page.evaluate("""() => ({page: document.documentElement.scrollWidth,
        figure: document.querySelector(".flow-figure").clientWidth})""")
    assert widths["page"] <= 390 and widths["figure"] <= 390, widths
    assert errors == []


def test_learn_works_on_a_phone(new_page, live_server, make_member, make_article):
    with live_server.app.app_context():
        slug = make_article(author=make_member("alice"), title="Learning by clicking").slug
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    errors = collect_errors(page)
    page.goto(live_server.url + "/")
    bar(page).get_by_text("This page:").click()
    bar(page).get_by_role("link", name="Follow one request, step by step").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Follow one request")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Click", "Request", "Validate", "Authenticate", "Change", "Status", "View update"])
    expect(page.locator(".learn-curl")).to_contain_text(f"{live_server.url}/api/articles/{slug}")
    page.get_by_role("link", name="Learning by clicking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning by clicking")
    page.go_back()
    # A phone widens its layout to what overflows (innerWidth with it): compare with the screen.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    assert errors == []
