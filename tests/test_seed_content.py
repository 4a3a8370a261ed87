"""The demo community reads like one: varied articles, real titles, code in several languages,
pictures."""

import re

from sqlalchemy import func, select

from blog.domain.images import is_own_media
from blog.extensions import db
from blog.models import Article, Upload, User


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


def test_the_demo_has_pictures_drawn_here_and_uploaded_like_a_member_s(app, client):
    articles = seeded_articles(app)
    faces = db.session.scalars(select(User.image_url).where(User.image_url != "")).all()
    covers = [a.cover_url for a in articles if a.cover_url]
    assert len(faces) >= 3 and len(covers) >= 10
    assert all(is_own_media(url) for url in [*faces, *covers])
    assert db.session.scalar(select(func.count(Upload.id))) == len(faces) + len(covers) + sum(
        '<img src="/media/' in a.body_html for a in articles)
    assert any('<img src="/media/' in a.body_html for a in articles)
    with client.get(covers[0]) as served:
        assert served.status_code == 200 and served.mimetype in ("image/png", "image/webp")
    # Not one picture for everything: each cover is its own drawing.
    assert len(set(covers)) == len(covers)


def test_no_pictures_when_asked(app):
    result = app.test_cli_runner().invoke(args=[
        "seed-demo", "--users", "2", "--articles", "5", "--seed", "3", "--no-pictures"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Upload.id))) == 0
