"""The on/off buttons (Like, Bookmark, Follow, Mute ...), written in Python.

A list page draws two per card, 40 a page; as nested Jinja macros with a call block
they cost more than the rest of a card. The markup is the `toggle` macro's of
templates/_macros.html, which calls toggle_button: plain forms that work without
JavaScript, read by static/js/buttons.js. Every value is escaped.
"""

import functools

from markupsafe import Markup, escape

from .fragments import page_csrf_token

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

    `shared` is templating.toggles_shared(): what every button of the page has alike. In
    a kept block (fragments.card_list) its CSRF token is the hole with_csrf() fills:
    the page's own token must never be kept, another member would get it.
    """
    shown = "" if count is None else f' <span class="toggle-count">{escape(count)}</span>'
    if shared["visitor"]:
        return Markup(_visitor_form(  # noqa: S704 - every value escaped here
            on_label, state_key, shared["login_url"], shared["back"]).format(count=shown))
    on_url, off_url = escape(on_url), escape(off_url)
    return Markup(_member_form(  # noqa: S704 - every value escaped here
        active, on_label, off_label, state_key, count_key, count_label, shared["login_url"],
    ).format(action=off_url if active else on_url, on_url=on_url, off_url=off_url,
             csrf=shared.get("csrf_token") or page_csrf_token(), count=shown))


# The parts of a button that are the same on every page (labels, keys, the login page's
# address) are escaped and filled in once per process; a page fills in the rest with a
# second format(), so braces in what the first one put in are doubled (a visitor's `back`
# is the address they asked for: "?q={x}" must stay text).
@functools.lru_cache(maxsize=256)
def _visitor_form(on_label, state_key, login_url, back):
    return VISITOR.format(
        login_url=_kept(login_url), state_key=_kept(state_key), back=_kept(back),
        on_label_lower=_kept(on_label.lower()), on_label=_kept(on_label), count="{count}")


@functools.lru_cache(maxsize=256)
def _member_form(active, on_label, off_label, state_key, count_key, count_label, login_url):
    return MEMBER.format(
        action="{action}", on_url="{on_url}", off_url="{off_url}", on_label=_kept(on_label),
        off_label=_kept(off_label), state_key=_kept(state_key),
        count_key=_kept(count_key), login_url=_kept(login_url), csrf="{csrf}",
        pressed="true" if active else "false",
        title=f' title="{_kept(count_label)}"' if count_label else "",
        label=_kept(off_label if active else on_label), count="{count}")


def _kept(value):
    """`value` escaped for HTML, and for the second format() (braces doubled)."""
    return str(escape(value)).replace("{", "{{").replace("}", "}}")


def reaction_buttons(article, liked, bookmarked, url, shared):
    """An article's Like and Bookmark buttons; `url` is its address, to which each adds
    its action (blog/article/views.py, react)."""
    like = toggle_button(liked, f"{url}/like", f"{url}/unlike", "Like", "Unlike", "liked",
                         article.likes_count, "likes_count", "Likes", shared)
    bookmark = toggle_button(bookmarked, f"{url}/bookmark", f"{url}/unbookmark", "Bookmark",
                             "Unbookmark", "bookmarked", None, "", "", shared)
    return Markup(f"\n  {like}\n  {bookmark}\n")  # noqa: S704 - both are Markup already


