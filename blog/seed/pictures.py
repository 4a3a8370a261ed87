"""Pictures for the demo: covers, profile pictures and an image in a few articles,
drawn here with Pillow (nothing fetched) and uploaded through blog.domain.uploads
as a member's own would be: checked, re-encoded, stored once by their hash."""

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..domain import uploads
from ..domain.markdown import render_markdown
from ..extensions import db
from ..models import Article, User

# (top, bottom, accent): calm gradients with one colour that stands out.
PALETTES = [
    ((30, 58, 138), (56, 189, 248), (253, 224, 71)),
    ((20, 83, 45), (134, 239, 172), (255, 255, 255)),
    ((127, 29, 29), (251, 146, 60), (254, 243, 199)),
    ((76, 29, 149), (244, 114, 182), (224, 242, 254)),
    ((17, 24, 39), (75, 85, 99), (52, 211, 153)),
    ((120, 53, 15), (250, 204, 21), (30, 41, 59)),
]


@dataclass
class PictureCounts:
    """What one run uploaded."""

    avatars: int = 0
    covers: int = 0
    inline: int = 0


def _png(image):
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _gradient(rng, width, height):
    top, bottom, accent = rng.choice(PALETTES)
    image = Image.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)],
                  fill=tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True)))
    return image, draw, accent


def cover(rng, width=1200, height=500):
    """A wide picture: a gradient with rings and a horizon, as PNG bytes."""
    image, draw, accent = _gradient(rng, width, height)
    for _ in range(rng.randint(3, 7)):
        radius, x, y = rng.randint(40, 180), rng.randint(0, width), rng.randint(0, height)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=accent,
                     width=rng.randint(3, 10))
    horizon = rng.randint(height // 2, height - 60)
    points = [(x, horizon + rng.randint(-40, 40)) for x in range(0, width + 100, 100)]
    draw.polygon([(0, height), *points, (width, height)], fill=(15, 23, 42))
    return _png(image)


def avatar(rng, size=256):
    """A square picture: a gradient with a few shapes, as PNG bytes."""
    image, draw, accent = _gradient(rng, size, size)
    for _ in range(rng.randint(2, 4)):
        x, y, r = rng.randint(0, size), rng.randint(0, size), rng.randint(size // 8, size // 3)
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=accent)
        else:
            draw.rectangle([x - r, y - r, x + r, y + r], outline=accent, width=8)
    return _png(image)


def add_pictures(seed=None, avatars=6, covers=15, inline=4):
    """Upload pictures for some members and articles of the demo (commits each).

    Every second of the first members gets a profile picture, alice (the demo
    login) among them, so the navigation shows one and other faces stay drawn.
    """
    rng, counts = random.Random(seed), PictureCounts()
    members = db.session.scalars(select(User).where(User.image_url == "")
                                 .order_by(User.id).limit(avatars * 2)).all()
    for member in members[::2][:avatars]:
        member.image_url = uploads.media_url(uploads.store(member, avatar(rng), "avatar"))
        db.session.commit()
        counts.avatars += 1
    articles = db.session.scalars(
        select(Article).where(Article.status == "published", Article.cover_url == "")
        .order_by(Article.published_at.desc()).limit(covers + inline)).all()
    for article in articles[:covers]:
        article.cover_url = uploads.media_url(uploads.store(article.author, cover(rng), "cover"))
        db.session.commit()
        counts.covers += 1
    for article in articles[covers:]:
        picture = uploads.store(article.author, cover(rng, 1000, 600), "inline")
        paragraphs = article.body.split("\n\n")
        paragraphs.insert(1, uploads.markdown_for(picture, "sketch.png"))
        article.body = "\n\n".join(paragraphs)
        article.body_html = render_markdown(article.body)
        db.session.commit()
        counts.inline += 1
    return counts
