"""Template helpers: what they write into pages."""

from blog.web.templating import html_attributes


def test_attributes_are_written_in_order_with_their_values_escaped():
    written = html_attributes({"data-on-url": "/articles/a&b/like",
                               "data-on-label": '"><script>alert(1)</script>', "data-toggle": ""})
    assert written == (' data-on-url="/articles/a&amp;b/like"'
                       ' data-on-label="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'
                       ' data-toggle=""')


def test_a_member_s_toggle_carries_its_attributes_once(app, client, auth, make_member,
                                                     make_article):
    article = make_article(author=make_member("ada"), title="Toggled")
    make_member("bob")
    auth.login("bob")
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    like = html[html.index(f'data-on-url="/articles/{article.slug}/like"'):]
    like = like[:like.index(">")]
    assert f'data-off-url="/articles/{article.slug}/unlike"' in like
    assert like.count("data-state-key=") == 1


def test_addresses_kept_for_templates_follow_the_script_root(make_app, make_member,
                                                             make_article):
    # Each page's links are kept once built; a site served under a prefix keeps its own.
    make_article(author=make_member("prefixed"), title="Under a prefix")
    client = make_app(PAGE_CACHE=False).test_client()
    for _ in range(2):
        plain = client.get("/?tab=latest").get_data(as_text=True)
        under = client.get("/?tab=latest", base_url="http://localhost/blog").get_data(
            as_text=True)
        assert 'href="/tags"' in plain and 'href="/blog/tags"' not in plain
        assert 'href="/blog/tags"' in under and 'href="/tags"' not in under
        assert 'href="/blog/@prefixed"' in under
