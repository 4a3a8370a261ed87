"""The one way to answer with an Atom feed (the site's, a tag's, a member's)."""

import re

from flask import render_template

from ..models import utcnow
from ..web.links import external_url
from ..web.templating import HOLE

# Outside XML 1.0's Char production: C0 controls but tab, newline and
# carriage return; lone surrogates; U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def atom_feed(title, articles, page_endpoint, feed_endpoint, **values):
    """An Atom 1.0 document of `articles`; links point at BASE_URL, not at the request's host.

    Characters XML 1.0 cannot hold, not even escaped, are dropped from each text
    (xml_chars, in the template): the door refuses them now, but rows stored before
    may still carry some, and one would make the whole feed unreadable.
    """
    updated = max((article.updated_at for article in articles), default=utcnow())
    xml = render_template(
        "feed/atom.xml",
        title=title,
        articles=articles,
        updated=updated,
        page_url=external_url(page_endpoint, **values),
        feed_url=external_url(feed_endpoint, **values),
        # One address built, the others its prefix and a slug (url_for per entry costs).
        article_prefix=external_url("article.show", slug=HOLE).partition(HOLE)[0],
    )
    return xml, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


def xml_chars(text):
    """`text` without the characters XML 1.0 cannot hold (a filter of the feed's template).

    Field by field, once per kept entry: over a whole feed of 68 KB it cost 0.2 ms a request.
    """
    return XML_FORBIDDEN.sub("", text)
