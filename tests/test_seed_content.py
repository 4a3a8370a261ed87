"""The demo community reads like one: varied articles, real titles, code in several languages."""

import re

from sqlalchemy import select

from blog.extensions import db
from blog.models import Article


def seeded_articles(app):
    result = app.test_cli_runner().invoke(args=[
        "seed-demo", "--users", "5", "--articles", "40", "--comments", "0", "--likes", "0",
        "--follows", "0", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return db.session.scalars(select(Article)).all()


def test_titles_start_with_a_capital_and_descriptions_vary(app):
    articles = seeded_articles(app)
    assert all(a.title[0].isupper() or a.title[0].isdigit() for a in articles)
    assert len({a.description for a in articles}) >= 10
    assert len({" ".join(a.description.split()[:3]) for a in articles}) >= 4  # templates


def test_bodies_differ_and_none_repeats_a_paragraph(app):
    articles = seeded_articles(app)
    bodies = {a.body for a in articles}
    assert len(bodies) >= 10
    for body in bodies:
        paragraphs = [p for p in body.split("\n\n") if len(p) > 80 and not p.startswith("|")]
        assert len(paragraphs) == len(set(paragraphs))
    lengths = sorted(len(body) for body in bodies)
    assert lengths[-1] > 2 * lengths[0]  # short and long reads


def test_code_in_several_languages_comes_highlighted_and_some_have_tables(app):
    articles = seeded_articles(app)
    languages = {lang for a in articles for lang in re.findall(r"^```(\w+)$", a.body, re.M)}
    assert len(languages) >= 5
    assert all('<span class="hl-' in a.body_html for a in articles)
    assert any("<table>" in a.body_html for a in articles)
