"""The on/off buttons (Like, Bookmark, Follow, Mute ...), written in Python.

A list page draws two per card, 40 a page; as nested Jinja macros with a call block
they cost more than the rest of a card. The markup is the `toggle` macro's of
templates/_macros.html, which calls toggle_button: plain forms that work without
JavaScript, read by static/js/buttons.js. Every value is escaped.
"""

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

VISITOR = """<form method="get" action="{login_url}" class="inline-form toggle" \
data-state-key="{state_key}">
  <input type="hidden" name="next" value="{back}">
  <button type="submit" class="toggle-button" title="Log in to {on_label_lower}">
    <span class="toggle-label">{on_label}</span>{count}
  </button>
</form>"""

MEMBER = """<form method="post" action="{action}" class="inline-form toggle" data-toggle="" \
data-on-url="{on_url}" data-off-url="{off_url}" data-on-label="{on_label}" \
data-off-label="{off_label}" data-state-key="{state_key}" data-count-key="{count_key}" \
data-login-url="{login_url}">
  <input type="hidden" name="csrf_token" value="{csrf}">
  <button type="submit" class="toggle-button" aria-pressed="{pressed}"{title}>
    <span class="toggle-label">{label}</span>{count}
  </button>
  <span class="toggle-error error" role="alert" hidden></span>
</form>"""


def toggle_button(active, on_url, off_url, on_label, off_label, state_key, count,
                  count_key, count_label, shared):
    """A button that switches something on or off; a visitor's leads to the login page.

    `shared` is templating.toggles_shared(): what every button of the page has alike.
    """
    shown = "" if count is None else f' <span class="toggle-count">{escape(count)}</span>'
    if shared["visitor"]:
        return Markup(VISITOR.format(  # noqa: S704 - every value escaped here
            login_url=escape(shared["login_url"]), state_key=escape(state_key),
            back=escape(shared["back"]), on_label_lower=escape(on_label.lower()),
            on_label=escape(on_label), count=shown))
    return Markup(MEMBER.format(  # noqa: S704 - every value escaped here
        action=escape(off_url if active else on_url), on_url=escape(on_url),
        off_url=escape(off_url), on_label=escape(on_label), off_label=escape(off_label),
        state_key=escape(state_key), count_key=escape(count_key),
        login_url=escape(shared["login_url"]), csrf=_csrf_token(shared),
        pressed="true" if active else "false",
        title=f' title="{escape(count_label)}"' if count_label else "",
        label=escape(off_label if active else on_label), count=shown))


def reaction_buttons(article, liked, bookmarked, url, shared):
    """An article's Like and Bookmark buttons; `url` is its address, to which each adds
    its action (blog/article/views.py, react)."""
    like = toggle_button(liked, f"{url}/like", f"{url}/unlike", "Like", "Unlike", "liked",
                         article.likes_count, "likes_count", "Likes", shared)
    bookmark = toggle_button(bookmarked, f"{url}/bookmark", f"{url}/unbookmark", "Bookmark",
                             "Unbookmark", "bookmarked", None, "", "", shared)
    return Markup("\n  ") + like + Markup("\n  ") + bookmark + Markup("\n")  # as the macro


def _csrf_token(shared):
    """The page's CSRF token, escaped, asked of Flask-WTF once for all its buttons (kept in
    `shared`; never for a visitor, whose page must hold none)."""
    token = shared.get("csrf_token")
    if token is None:
        token = shared["csrf_token"] = escape(generate_csrf())
    return token
