"""Absolute links that emails carry, named by the page they open.

The domain says which page ("verify", with this token); where that page lives
is the web layer's business (blog.web.links registers the builder when the
app is created), so no rule here knows a route or a request.
"""

from ..runtime import running_app

PAGES = (
    "login", "register", "reset_request", "reset_password", "verify",
    "confirm_email", "login_link", "not_me", "export", "settings",
    "notifications", "notification_choices", "unsubscribe", "article", "profile",
    "members",
)


def page_link(page, **values):
    """The absolute address of `page` (one of PAGES) with these values, for an email."""
    if page not in PAGES:
        raise ValueError(f"No page named {page!r} is linked from emails.")
    return running_app().extensions["blog.page_link"](page, **values)
