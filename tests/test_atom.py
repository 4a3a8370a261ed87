"""The Atom feeds: the site's, a tag's and a member's, with absolute links, and XML
that stays XML whatever the rows hold."""

from helpers import page
from page_helpers import ATOM, entry_titles, parse_atom


def test_site_feed_has_the_latest_20_with_absolute_links(client, make_articles):
    made = make_articles(21, title="Post")
    response = client.get("/feed.atom")
    feed = parse_atom(response)
    assert feed.tag == f"{ATOM}feed"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": "http://localhost/feed.atom", "alternate": "http://localhost/"}
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    assert entry_titles(feed) == [f"Post {n}" for n in range(21, 1, -1)]

    entry = feed.find(f"{ATOM}entry")
    newest = made[-1]
    url = f"http://localhost/articles/{newest.slug}"
    assert entry.findtext(f"{ATOM}id") == url
    assert entry.find(f"{ATOM}link").get("href") == url
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == newest.author.name
    assert entry.findtext(f"{ATOM}published").endswith("Z")
    assert entry.findtext(f"{ATOM}updated").endswith("Z")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == newest.body_html


def test_entries_have_a_summary_from_the_description(client, make_article):
    make_article(title="Described", description="What it is about & why")
    entry = parse_atom(client.get("/feed.atom")).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == "What it is about & why"


def test_tag_feed_has_only_the_tags_articles(client, make_article):
    make_article(title="Snakes", tags="python")
    make_article(title="Crabs", tags="rust")
    feed = parse_atom(client.get("/t/python/feed.atom"))
    assert entry_titles(feed) == ["Snakes"]
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "http://localhost/t/python/feed.atom"


def test_pages_announce_their_feeds(client, make_article):
    make_article(tags="python")
    assert 'type="application/atom+xml" title="blog" href="/feed.atom"' in page(client.get("/"))
    assert 'href="/t/python/feed.atom"' in page(client.get("/t/python"))


# --- hostile text --------------------------------------------------------------------------

# Everything XML 1.0 cannot hold (even as &#x..;), as rows stored before the door refused it.
XML_FORBIDDEN = "\x01\x08\x0b\x0c\x0e\x1b\x1f\ufffe\uffff"


def test_feeds_stay_xml_with_control_characters_stored_in_rows(client, make_member, make_article):
    from sqlalchemy import update

    from blog.extensions import db
    from blog.models import Article, Tag, User

    author = make_member("author")
    article = make_article(author=author, title="Plain", tags="python other")

    def hostile(text):
        return f"{text}{XML_FORBIDDEN}\tend"

    db.session.execute(update(Article).where(Article.id == article.id).values(
        title=hostile("Title"), description=hostile("About"),
        body=hostile("Body"), body_html=f"<p>{hostile('Body')}</p>"))
    db.session.execute(update(User).where(User.id == author.id).values(
        display_name=hostile("Name")))
    db.session.execute(update(Tag).where(Tag.name == "other").values(name="o\x1bther"))
    db.session.commit()

    for url in ("/feed.atom", "/@author/feed.atom", "/t/python/feed.atom"):
        feed = parse_atom(client.get(url))
        entry = feed.find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == "Title\tend", url
        assert entry.findtext(f"{ATOM}summary") == "About\tend", url
        assert entry.findtext(f"{ATOM}content") == "<p>Body\tend</p>", url
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Name\tend", url
        terms = {category.get("term") for category in entry.iter(f"{ATOM}category")}
        assert terms == {"python", "other"}, url
    member_feed = parse_atom(client.get("/@author/feed.atom"))
    assert member_feed.findtext(f"{ATOM}title").startswith("Name\tend")
