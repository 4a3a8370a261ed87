"""Where the pages that emails link to live: the builder blog.domain.links asks for."""

from flask import current_app, has_request_context, url_for

from ..domain.links import PAGES

ENDPOINTS = {
    "login": "auth.login",
    "register": "auth.register",
    "reset_request": "auth.reset_request",
    "reset_password": "auth.reset_password",
    "verify": "auth.verify",
    "confirm_email": "settings.confirm_email",
    "login_link": "auth.login_link",
    "not_me": "auth.not_me",
    "export": "your_data.download_export",
    "settings": "settings.index",
    "notifications": "notify.index",
    "notification_choices": "notify.settings",
    "unsubscribe": "notify.unsubscribe",
    "article": "article.show",
    "profile": "profile.show",
    "members": "mod.member_list",
}
assert set(ENDPOINTS) == set(PAGES), "every page the domain links to has a route"


def external_url(endpoint, **values):
    """An absolute link built on BASE_URL (not on the request's Host, which a client sets)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:  # the mail worker's notification emails: no request, the same paths
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def page_link(page, **values):
    """The absolute address of a page the domain names (see blog.domain.links)."""
    return external_url(ENDPOINTS[page], **values)


def init_app(app):
    """Tell the domain how to spell its links."""
    app.extensions["blog.page_link"] = page_link
