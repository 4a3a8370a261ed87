"""Articles and the pages that list them: the editor's form, the cards of a list,
the Follow button, the Atom feeds."""

import re

from blog.extensions import db

ARTICLE_BODY = """Intro with a [local link](/about) and an [outside one](https://example.org/x).

```python
print("hi")
```

| Name | Count |
| ---- | ----: |
| one  | 1     |
"""


def article_form(
    title="Hello world", body=ARTICLE_BODY, tags="python web", button="publish", **fields
):
    """The editor form's fields, pressing `button`."""
    data = {"title": title, "body": body, "tags": tags, "description": "", "cover_url": ""}
    data.update(fields)
    data[button] = "x"
    return data


CARD_TITLE_PATTERN = re.compile(r'<h2 class="card-title"><a href="[^"]*">([^<]*)</a>')


ATOM = "{http://www.w3.org/2005/Atom}"


def card_titles(response):
    """The titles of the article cards on a page, top to bottom."""
    assert response.status_code == 200, response.status_code
    return CARD_TITLE_PATTERN.findall(response.get_data(as_text=True))


FOLLOW_BUTTON_PATTERN = re.compile(
    r'data-state-key="following".*?toggle-label">([^<]*)</span> '
    r'<span class="toggle-count">([\d,]+\+?)</span>',
    re.DOTALL,
)


def follow_button(response):
    """The Follow button on a page as (label, followers count: a number, or "10,000+")."""
    match = FOLLOW_BUTTON_PATTERN.search(response.get_data(as_text=True))
    assert match, "no Follow button on the page"
    count = match.group(2)
    return match.group(1), int(count) if count.isdigit() else count


def parse_atom(response):
    """An Atom response as an ElementTree element (asserting its content type)."""
    from xml.etree import ElementTree

    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.get_data())  # noqa: S314 - our own output


def entry_titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def set_published_at(article, when):
    """Move an article's publication date, straight in its rows (Top periods, ordering).

    Its tag rows carry the date too (blog.domain.articles); its Top scores stay
    as they were, as they do when an article grows old between two sweeps.
    """
    from sqlalchemy import update

    from blog.models import Article, article_tags

    db.session.execute(
        update(Article).where(Article.id == article.id).values(published_at=when)
    )
    db.session.execute(
        update(article_tags)
        .where(article_tags.c.article_id == article.id, article_tags.c.published_at.is_not(None))
        .values(published_at=when)
    )
    db.session.commit()
