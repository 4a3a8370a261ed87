"""Markdown: rendered once when saved, and sanitised so no body can run script."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update

from blog.domain.markdown import render_markdown
from blog.extensions import db
from blog.models import Article
from helpers import page
from page_helpers import ARTICLE_BODY as BODY
from page_helpers import article_form as form


class TagCollector(HTMLParser):
    """Every start tag with its attributes, to check what a browser would act on."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html):
    for tag, attrs in TagCollector(html).tags:
        assert tag not in ("script", "iframe", "object", "style"), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), attrs


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        '<a href="https://example.org" onclick="alert(1)">raw</a>',
        "![x](javascript:alert(1))",
    ],
)
def test_dangerous_markdown_is_inert(client, writer, source):
    client.submit("/new", form(body=f"Before\n\n{source}\n\nAfter"))
    article = db.session.scalar(select(Article))
    assert_inert(article.body_html)
    assert "<script" not in article.body_html
    html = page(client.get(f"/articles/{article.slug}"))
    body = html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    assert_inert(body)
    assert "Before" in body and "After" in body


def test_outside_links_are_marked_nofollow(make_article):
    article = make_article(body=BODY + "\n[home](http://localhost/x) <https://example.net>")
    links = {attrs["href"]: attrs.get("rel") for tag, attrs in TagCollector(article.body_html).tags
             if tag == "a"}
    assert links == {
        "/about": None,
        "https://example.org/x": "nofollow ugc noopener",
        "http://localhost/x": None,
        "https://example.net": "nofollow ugc noopener",
    }


def test_markdown_is_rendered_when_saved_not_when_viewed(client, make_article):
    article = make_article(body="**bold**")
    assert article.body_html == "<p><strong>bold</strong></p>\n"
    db.session.execute(update(Article).values(body="*changed behind its back*"))
    db.session.commit()
    html = page(client.get(f"/articles/{article.slug}"))
    assert "<strong>bold</strong>" in html and "changed behind its back" not in html


def test_code_blocks_and_tables_render_without_inline_styles(app):
    html = render_markdown(BODY)
    assert '<code class="language-python">' in html
    assert "<table>" in html and '<td class="align-right">1</td>' in html
    assert "style=" not in html
