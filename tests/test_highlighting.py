"""Highlighted code: coloured when saved, plain for unknown languages, re-rendered by a command."""

import re

import pytest
from sqlalchemy import select, update
from test_markdown import assert_inert

from blog.cli import rerender
from blog.domain import comments
from blog.domain.markdown import render_markdown
from blog.extensions import db
from blog.models import Article, Comment
from helpers import page

PYTHON = '```python\n@cache\ndef greet(name):\n    return f"Hi {name}"  # polite\n```\n'
GO = '```go\nfunc main() {\n\tfmt.Println("hi", 42)\n}\n```\n'


def spans(html):
    """{class: [text, ...]} of the highlighted tokens."""
    found = {}
    for name, text in re.findall(r'<span class="(hl-[^"]+)">([^<]*)</span>', html):
        found.setdefault(name, []).append(text)
    return found


def test_python_is_highlighted_when_rendered(app):
    html = render_markdown(PYTHON)
    assert html.startswith('<pre><code class="language-python">')
    tokens = spans(html)
    assert tokens["hl-k"] == ["def", "return"]
    assert tokens["hl-nf"] == ["greet"]
    assert tokens["hl-nd"] == ["@cache"]
    assert tokens["hl-c1"] == ["# polite"]
    # The code reads the same once the marks are taken away.
    text = re.sub(r"<[^>]+>", "", html.removesuffix("</code></pre>\n"))
    assert text == '@cache\ndef greet(name):\n    return f"Hi {name}"  # polite\n'


def test_go_is_highlighted_too(app):
    tokens = spans(render_markdown(GO))
    assert tokens["hl-kd"] == ["func"]
    assert tokens["hl-s"] == ['"hi"']
    assert tokens["hl-mi"] == ["42"]


@pytest.mark.parametrize("fence", ["```", "```klingon", "```python{onload=alert(1)}"])
def test_unknown_or_missing_languages_stay_plain(app, fence):
    html = render_markdown(f"{fence}\n<b>bold?</b> print(1)\n```\n")
    assert "<span" not in html
    assert "&lt;b&gt;bold?&lt;/b&gt; print(1)" in html
    assert_inert(html)


def test_code_in_a_highlighted_block_cannot_become_markup(app):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    html = render_markdown(f"```html\n{hostile}\n```\n")
    assert_inert(html)
    assert "hl-nt" in html  # highlighted as tags, written as text
    assert "<script" not in html and "<img" not in html


def test_only_the_highlighter_s_classes_survive_the_sanitiser(app):
    # Markdown cannot write a <span> (raw HTML is text), so any span comes from Pygments.
    html = render_markdown('<span class="hl-k evil">x</span>\n\n```python\nx = 1\n```\n')
    assert "&lt;span" in html
    assert all(re.fullmatch(r"hl-[A-Za-z0-9_-]+", name) for name in spans(html))


def test_the_article_page_brings_the_colours_and_the_copy_script(client, make_article):
    article = make_article(body=PYTHON)
    html = page(client.get(f"/articles/{article.slug}"))
    assert '<span class="hl-k">def</span>' in html
    assert "/static/code.css" in html and "/static/js/copy.js" in html
    response = client.get("/static/code.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "prefers-color-scheme: dark" in css and "hl-k" in css


def test_rerender_brings_old_texts_up_to_date_and_touches_nothing_else(
        app, make_article, make_member):
    article = make_article(body=PYTHON, title="Old code")
    note = comments.add_comment(make_member("bob"), article, GO)
    plain = make_article(body="Just words.", title="No code")
    gone = comments.add_comment(note.author, article, "Soon deleted")
    comments.add_comment(note.author, article, "A reply keeps it as [deleted]", parent_id=gone.id)
    comments.delete_comment(gone, note.author)
    # As an older renderer left them: code without colours.
    for model, row_id in ((Article, article.id), (Comment, note.id)):
        db.session.execute(update(model).where(model.id == row_id)
                           .values(body_html="<pre><code>old</code></pre>\n"))
    db.session.commit()
    # Ordered: PostgreSQL hands rows back in the order they lie on disk, and an
    # UPDATE moves a row there.
    stamps_of_articles = select(Article.id, Article.updated_at).order_by(Article.id)
    stamps = db.session.execute(stamps_of_articles).all()

    result = app.test_cli_runner().invoke(rerender)

    assert result.exit_code == 0, result.output
    assert "Rendering articles and comments" in result.output
    assert "Rendered 4 articles and comments again: 2 changed." in result.output
    db.session.expire_all()
    assert '<span class="hl-k">def</span>' in db.session.get(Article, article.id).body_html
    assert '<span class="hl-kd">func</span>' in db.session.get(Comment, note.id).body_html
    assert db.session.get(Article, plain.id).body_html == "<p>Just words.</p>\n"
    assert db.session.get(Comment, gone.id).body_html == ""
    assert db.session.execute(stamps_of_articles).all() == stamps
