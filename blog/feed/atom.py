"""The one way to answer with an Atom feed (the site's, a tag's, a member's)."""

from flask import render_template

from ..models import utcnow
from ..urls import external_url


def atom_feed(title, articles, page_endpoint, feed_endpoint, **values):
    """An Atom 1.0 document of `articles`; links point at BASE_URL, not at the request's host."""
    updated = max((article.updated_at for article in articles), default=utcnow())
    xml = render_template(
        "feed/atom.xml",
        title=title,
        articles=articles,
        updated=updated,
        page_url=external_url(page_endpoint, **values),
        feed_url=external_url(feed_endpoint, **values),
        article_url=lambda article: external_url("article.show", slug=article.slug),
    )
    return xml, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}
