"""Faces: every member has one, drawn from their name, beside their name wherever it shows."""

import re

from blog.domain import comments, profiles
from blog.web.templating import FACE_COLOURS, face_of
from helpers import page


def contrast_with_white(colour):
    """WCAG's contrast ratio of white text on `colour` (#rrggbb)."""
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_faces_are_initials_on_a_colour_that_stays(app, make_member):
    ada = make_member("ada", display_name="Ada Lovelace")
    assert face_of(ada).initials == "AL"
    assert face_of(make_member("grace_hopper")).initials == "GH"
    assert face_of(make_member("x")).initials == "X"
    colour = face_of(ada).colour
    profiles.update_profile(ada, "Countess", "", "")
    assert face_of(ada) == type(face_of(ada))("C", colour)  # new initials, the same colour
    colours = {face_of(make_member(f"member{n}")).colour for n in range(40)}
    assert len(colours) > 6  # members differ, not one colour for all


def test_every_face_colour_is_readable_under_white_initials():
    assert all(contrast_with_white(colour) >= 4.5 for colour in FACE_COLOURS)


def test_faces_show_on_cards_bylines_comments_profiles_and_the_navigation(
        client, auth, make_member, make_article):
    ada = make_member("ada", display_name="Ada Lovelace")
    article = make_article(author=ada, title="Engines")
    comments.add_comment(make_member("bob", display_name="Bob Byte"), article, "Nice one")
    make_member("carol")
    auth.login("carol")
    face = '<text x="20" y="20" dy=".35em" text-anchor="middle"'
    card = page(client.get("/?tab=latest")).split('class="card-author"')[1].split("</a>")[0]
    assert face in card and ">AL</text>" in card
    article_page = page(client.get(f"/articles/{article.slug}"))
    byline = article_page.split('class="article-author"')[1].split("</a>")[0]
    assert ">AL</text>" in byline
    comment = article_page.split('class="comment-author"')[1].split("</a>")[0]
    assert comment.startswith(' href="/@bob">') and ">BB</text>" in comment
    assert ">AL</text>" in page(client.get("/@ada")).split("<h1>")[0]
    nav = page(client.get("/")).split('class="nav-user"')[1].split("</a>")[0]
    assert ">C</text>" in nav


def test_a_member_s_own_picture_replaces_the_face(client, make_member, make_article):
    ada = make_member("ada")
    profiles.update_profile(ada, "Ada", "", "https://img.example.org/ada.png")
    make_article(author=ada, title="With a picture")
    card = page(client.get("/?tab=latest")).split('class="card-author"')[1].split("</a>")[0]
    assert '<img class="avatar" src="https://img.example.org/ada.png"' in card
    assert "<svg" not in card


def test_a_name_cannot_put_markup_into_a_face(client, make_member, make_article):
    make_article(author=make_member("eve", display_name="<b>x</b> &y"), title="Odd name")
    html = page(client.get("/?tab=latest"))
    svg = re.search(r'<svg class="avatar".*?</svg>', html, re.S).group(0)
    assert ">&lt;&amp;</text>" in svg
    assert "<b>" not in svg
