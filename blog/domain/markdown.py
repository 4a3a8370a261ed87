"""Markdown to safe HTML. Called when an article is saved, never when it is viewed."""

import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..runtime import settings
from .images import is_own_media
from .uploads import dimensions_of

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "em", "strong", "s", "ul", "ol", "li", "a", "img", "span",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "code": {"class"},
    "th": {"class"},
    "td": {"class"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
OUTSIDE_LINK_REL = "nofollow ugc noopener"
CODE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
# Pygments marks each token of a fenced block with <span class="hl-k"> (keyword) and so on;
# the prefix keeps its short names apart from the site's own classes (static/code.css).
HIGHLIGHT_CLASSES = re.compile(r"hl-[A-Za-z0-9_-]{1,40}( hl-[A-Za-z0-9_-]{1,40}){0,3}")
_FORMATTER = HtmlFormatter(nowrap=True, classprefix="hl-")
# Names, punctuation and spaces keep the text's colour: their spans would only make the
# page bigger (about a third of a highlighted block), so they are unwrapped.
_PLAIN_TOKENS = re.compile(r'<span class="hl-(?:n|p|w)">([^<]*)</span>')


def _highlighted(code, language, _attrs):
    """A fenced block's code as highlighted HTML, or "" (shown plain) for an unknown language.

    Runs when the Markdown is rendered, at save time: readers never pay for it.
    """
    if not language:
        return ""
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return ""
    return _PLAIN_TOKENS.sub(r"\1", highlight(code, lexer, _FORMATTER))


def _parser():
    # html=False: raw HTML in the source is shown as text, not passed through.
    return MarkdownIt("commonmark", {"html": False, "highlight": _highlighted}).enable(
        ["table", "strikethrough"]
    )


_md = _parser()


def render_markdown(text, site_host=None):
    """Sanitised HTML for `text`; links to hosts other than site_host get rel=nofollow."""
    if site_host is None:
        site_host = urlsplit(settings["BASE_URL"]).hostname
    tokens = _md.parse(text or "")
    images = []
    _adjust_tokens(tokens, site_host, images)
    _size_own_pictures(images)
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        # We set rel ourselves, only on outside links (see _adjust_tokens).
        link_rel=None,
    )


def _size_own_pictures(images):
    """width and height on the pictures uploaded here, so the page keeps their room while
    they load (no jump); one query at save time, none when the text has no such picture."""
    own = [token for token in images if is_own_media(str(token.attrGet("src") or ""))]
    if not own:
        return
    sizes = dimensions_of({str(token.attrGet("src")) for token in own})
    for token in own:
        size = sizes.get(str(token.attrGet("src")))
        if size:
            token.attrSet("width", str(size[0]))
            token.attrSet("height", str(size[1]))


def _adjust_tokens(tokens, site_host, images):
    """Mark outside links, turn table alignment into classes (the CSP blocks style=""),
    and collect the images."""
    for token in tokens:
        if token.children:
            _adjust_tokens(token.children, site_host, images)
        if token.type == "image":
            images.append(token)
        if token.type == "link_open":
            token.attrs.pop("rel", None)
            if is_outside_link(str(token.attrGet("href") or ""), site_host):
                token.attrSet("rel", OUTSIDE_LINK_REL)
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def is_outside_link(href, site_host):
    """True when href leads to another host (relative and mailto links stay here)."""
    try:
        host = urlsplit(href.strip()).hostname
    except ValueError:
        return True
    return host is not None and host != (site_host or "").lower()


def _keep_attribute(tag, attribute, value):
    """Only the attribute values our renderer writes; anything else is dropped."""
    if attribute == "rel":
        return value if value == OUTSIDE_LINK_REL else None
    if tag == "code" and attribute == "class":
        return value if CODE_CLASS.fullmatch(value) else None
    if tag == "span" and attribute == "class":
        return value if HIGHLIGHT_CLASSES.fullmatch(value) else None
    if attribute == "class":
        return value if value in ALIGN_CLASSES else None
    if tag == "ol" and attribute == "start" or tag == "img" and attribute in ("width", "height"):
        return value if value.isdigit() else None
    return value
