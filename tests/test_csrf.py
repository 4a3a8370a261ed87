"""CSRF, one way: CSRFProtect checks every POST of the pages before its view runs.

A button's token is written in one place, post_form in _macros.html (post_button
and the toggles call it); a WTForms form with fields renders its own
form.csrf_token. That a refused like, delete or comment changes nothing is
tested beside each feature (test_reactions, test_article, test_comments,
test_settings, test_auth).
"""

import re
from pathlib import Path

from werkzeug.routing import AnyConverter

import blog
from helpers import page

TEMPLATES = Path(blog.__file__).parent / "templates"
MACROS = TEMPLATES / "_macros.html"
# A token typed into a template: the csrf_token() global, or an input named csrf_token.
HAND_WRITTEN_TOKEN = re.compile(r"csrf_token\(\)|name=[\"']?csrf_token\b")
# What the CSRFError handler answers (blog/web/errors.py): the view never ran.
CSRF_REFUSAL = "Your form expired or was sent from somewhere else."
BUTTONS = {
    "auth.logout", "auth.resend_verification", "auth.verify", "auth.not_me", "auth.login_link",
    "settings.confirm_email", "settings.end_session", "settings.end_other_sessions",
    "article.delete", "article.react", "comment.delete",
    "profile.follow", "profile.unfollow", "feed.follow_tag", "feed.unfollow_tag",
}
# Any value will do: the request is refused before a view could look anything up.
PLACEHOLDERS = {"slug": "an-article", "username": "someone", "name": "python",
                "token": "a-token", "comment_id": 1, "session_id": 1, "target_id": 1,
                "action": "hide", "action_id": 1, "member_id": 1, "invite_id": 1}


def test_only_the_macros_write_a_csrf_token_by_hand():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path != MACROS
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HAND_WRITTEN_TOKEN.search(line)
    ]
    assert not found, (
        "A button form takes post_button (or post_form) from _macros.html; "
        "a WTForms form renders form.csrf_token:\n" + "\n".join(found)
    )
    # post_form's <input> (name and value), and form_csrf's for a kept blank form's hole.
    assert len(HAND_WRITTEN_TOKEN.findall(MACROS.read_text())) == 3


def page_post_routes(app):
    """Every address a page's form can POST to (the API takes tokens, never the cookie)."""
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if "POST" in rule.methods and rule.endpoint.split(".")[0] != "api"),
        key=lambda rule: rule.rule,
    )


def placeholder_url(rule):
    arguments = {
        name: sorted(converter.items)[0] if isinstance(converter, AnyConverter)
        else PLACEHOLDERS[name]
        for name, converter in rule._converters.items()
    }
    return rule.build(arguments, append_unknown=False)[1]


# Posts a mail client makes by itself (RFC 8058 one-click unsubscribe): no page, no cookie.
SIGNED_LINK_ONLY = {"notify.unsubscribe"}


def test_every_post_without_a_token_is_refused_before_its_view(
    app, client, make_member, auth, deliver
):
    make_member("member1", verified=False)  # so "Resend verification email" would send
    auth.login()
    routes = page_post_routes(app)
    assert {rule.endpoint for rule in routes} >= BUTTONS
    let_through = []
    for rule in routes:
        url = placeholder_url(rule)
        response = client.post(url)
        if rule.endpoint in SIGNED_LINK_ONLY:
            # No CSRF token to ask for: the signed token in the address is the proof, and
            # a forged one is refused (tests/test_notification_emails.py).
            if response.status_code != 400:
                let_through.append(f"POST {url}: {response.status_code}")
            continue
        if response.status_code != 400 or CSRF_REFUSAL not in page(response):
            let_through.append(f"POST {url}: {response.status_code}")
    assert not let_through, "\n".join(let_through)
    assert "@member1" in page(client.get("/"))  # not logged out, nor deleted
    assert deliver() == []  # no confirmation link was sent again
