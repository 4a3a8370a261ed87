"""Pieces of pages drawn once and reused (blog/web/fragments.py): a change is seen at once."""

from blog.domain.articles import update_article
from blog.domain.profiles import update_profile


def test_a_card_shows_the_article_and_author_as_they_are_now(client, make_member, make_article):
    author = make_member("fragmented")
    article = make_article(author=author, title="First title", description="First words",
                           tags="one, two")
    first = client.get("/?tab=latest").get_data(as_text=True)
    assert "First title" in first and "#two" in first

    update_article(article, author, "Second title", "Second words", article.body, "three",
                   "", publish=True)
    update_profile(author, "Renamed Writer", "")
    again = client.get("/?tab=latest").get_data(as_text=True)

    assert "Second title" in again and "Second words" in again and "#three" in again
    assert "First title" not in again and "#two" not in again
    assert "Renamed Writer" in again and ">RW</text>" in again  # the name and its face


def test_a_card_is_the_same_drawn_anew_or_kept(make_app, make_article):
    client = make_app(PAGE_CACHE=False).test_client()  # both pages built, not kept whole
    make_article(title="Kept <b>safe</b>", tags="kept")
    drawn = client.get("/?tab=latest").get_data(as_text=True)
    kept = client.get("/?tab=latest").get_data(as_text=True)
    start, end = drawn.index('<div class="article-list">'), drawn.index("</main>")
    assert kept[start:end] == drawn[start:end]
    assert "Kept &lt;b&gt;safe&lt;/b&gt;" in kept


def test_a_comment_shows_its_author_and_edit_as_they_are_now(client, make_member, make_article):
    from blog.domain.comments import add_comment, edit_comment

    talker = make_member("talker")
    article = make_article(title="Talked about")
    comment = add_comment(talker, article, "Said once")
    first = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert "Said once" in first and "· edited" not in first

    edit_comment(comment, talker, "Said twice")
    update_profile(talker, "Quiet Talker", "")
    again = client.get(f"/articles/{article.slug}").get_data(as_text=True)

    assert "Said twice" in again and "· edited" in again
    assert "Quiet Talker" in again and ">QT</text>" in again


def test_a_card_and_a_comment_show_a_new_picture_at_once(client, make_member, make_article):
    from blog.domain.comments import add_comment

    author = make_member("pictured")
    article = make_article(author=author, title="With a face")
    add_comment(author, article, "My own comment")

    def faces():
        card = client.get("/?tab=latest").get_data(as_text=True).split(
            'class="card-author"')[1].split("</a>")[0]
        comment = client.get(f"/articles/{article.slug}").get_data(as_text=True).split(
            'class="comment-author"')[1].split("</a>")[0]
        return card, comment

    assert all('<svg class="avatar"' in face for face in faces())
    # The same names: only the picture changes, and it is in both kept pieces' keys.
    update_profile(author, author.display_name, author.bio, "https://images.example.org/me.png")
    for face in faces():
        assert '<img class="avatar" src="https://images.example.org/me.png"' in face
        assert "<svg" not in face


def test_a_visitors_card_is_kept_whole_but_shows_new_counts_and_comes_back_to_its_page(
        make_app, make_member, make_article):
    from blog.domain.comments import add_comment
    from blog.domain.reactions import like

    client = make_app(PAGE_CACHE=False).test_client()  # every page built: the card is kept
    article = make_article(title="Counted", tags="counted")

    def card(path):
        html = client.get(path).get_data(as_text=True)
        return html[html.index('<article class="card article-card">'):html.index("</article>")]

    first = card("/?tab=latest")
    assert '<span class="toggle-count">0</span>' in first and "0 comments" in first
    like(make_member("fan"), article)
    liked = card("/?tab=latest")
    assert '<span class="toggle-count">1</span>' in liked and "0 comments" in liked
    add_comment(make_member("talker"), article, "First!")
    again = card("/?tab=latest")
    assert '<span class="toggle-count">1</span>' in again and "1 comment<" in again
    # The login link brings each page's visitor back to that page, not the first one's.
    assert 'name="next" value="/?tab=latest"' in again
    assert 'name="next" value="/t/counted"' in card("/t/counted")


def test_a_kept_comment_box_carries_each_members_own_token(make_client, make_member,
                                                           make_article):
    from helpers import CSRF_PATTERN, Auth

    article = make_article(title="Talk here")
    tokens = {}
    for name in ("ann", "ben"):
        make_member(name)
        browser = make_client()
        Auth(browser).login(name)
        html = browser.get(f"/articles/{article.slug}").get_data(as_text=True)
        box = html[html.index('id="comments"'):]
        tokens[name] = CSRF_PATTERN.search(box).group(1)
        answer = browser.post(f"/articles/{article.slug}/comments",
                              data={"body": f"Hello from {name}", "csrf_token": tokens[name]})
        assert answer.status_code == 302, name  # the token in the kept box is theirs
    assert tokens["ann"] != tokens["ben"]
    html = make_client().get(f"/articles/{article.slug}").get_data(as_text=True)
    assert "Hello from ann" in html and "Hello from ben" in html


def test_a_members_kept_card_shows_their_own_likes_and_carries_their_own_token(
        make_client, make_member, make_article):
    import re

    from helpers import Auth

    article = make_article(title="Liked by one")
    browsers = {}
    for name in ("ann", "ben"):
        make_member(name)
        browsers[name] = make_client()
        Auth(browsers[name]).login(name)

    def like_form(name):
        html = browsers[name].get("/?tab=latest").get_data(as_text=True)
        card = html[html.index('<article class="card article-card">'):]
        form = re.search(r'<form method="post" action="([^"]+)".*?value="([^"]+)".*?'
                         r'aria-pressed="(\w+)"', card, re.S)
        return form.groups()  # where it posts, its token, whether it is pressed

    assert like_form("ann")[2] == like_form("ben")[2] == "false"
    action, token, _ = like_form("ann")
    assert action == f"/articles/{article.slug}/like"
    answer = browsers["ann"].post(action, data={"csrf_token": token})
    assert answer.status_code == 302  # the token in ann's kept card is hers
    ann, ben = like_form("ann"), like_form("ben")
    assert ann[0].endswith("/unlike") and ann[2] == "true"
    assert ben[0].endswith("/like") and ben[2] == "false" and ben[1] != ann[1]
    assert browsers["ben"].post(ben[0], data={"csrf_token": ben[1]}).status_code == 302
    # Both liked it now: ben gets the card drawn for ann, with his own token in it.
    ann, ben = like_form("ann"), like_form("ben")
    assert ann[0] == ben[0] and ann[2] == ben[2] == "true"
    assert browsers["ben"].post(ben[0], data={"csrf_token": ben[1]}).status_code == 302


def test_a_kept_comment_shows_each_reader_their_own_actions_and_token(
        make_client, make_member, make_article):
    import re

    from blog.domain.comments import add_comment
    from helpers import Auth

    article = make_article(title="Discussed")
    ann = make_member("ann")
    make_member("ben")
    comment = add_comment(ann, article, "Mine to delete")

    def comment_html(browser):
        html = browser.get(f"/articles/{article.slug}").get_data(as_text=True)
        return html[html.index(f'id="comment-{comment.id}"'):html.index("</article>",
                                                                        html.index(f'id="comment-{comment.id}"'))]

    visitor = comment_html(make_client())
    assert "Report" in visitor and "Delete" not in visitor and "csrf_token" not in visitor
    browsers = {}
    for name in ("ben", "ann"):
        browsers[name] = make_client()
        Auth(browsers[name]).login(name)
    ben = comment_html(browsers["ben"])
    assert "Report" in ben and "Delete comment" not in ben
    ann_html = comment_html(browsers["ann"])
    assert "Report" not in ann_html and "Delete comment" in ann_html and "Edit" in ann_html
    action, token = re.search(r'<form method="post" action="([^"]+/delete)"[^>]*>\s*'
                              r'<input type="hidden" name="csrf_token" value="([^"]+)"',
                              ann_html).groups()
    assert browsers["ann"].post(action, data={"csrf_token": token}).status_code == 302
    assert "Mine to delete" not in make_client().get(f"/articles/{article.slug}").get_data(
        as_text=True)


def test_the_kept_navigation_shows_each_member_their_own_and_logs_them_out(
        make_client, make_member):
    import re

    from blog.domain.follows import follow
    from helpers import Auth

    members, browsers = {}, {}
    for name in ("ann", "ben"):
        members[name] = make_member(name)
        browsers[name] = make_client()
        Auth(browsers[name]).login(name)

    def nav(name):
        html = browsers[name].get("/tags").get_data(as_text=True)
        return html[html.index('<ul class="nav-links"'):html.index("</nav>")]

    assert "@ann" in nav("ann") and "@ben" not in nav("ann") and "@ben" in nav("ben")
    assert "unread" not in nav("ann")
    follow(make_member("cy"), members["ann"])  # rings ann's bell
    assert "Notifications, 1 unread" in nav("ann") and "unread" not in nav("ben")
    action, token = re.search(r'action="(/auth/logout)"[^>]*>\s*<input type="hidden" '
                              r'name="csrf_token" value="([^"]+)"', nav("ben")).groups()
    assert browsers["ben"].post(action, data={"csrf_token": token}).status_code == 302
    assert "Log in" in browsers["ben"].get("/tags").get_data(as_text=True)
    assert "@ann" in nav("ann")  # still logged in


def test_a_feed_entry_shows_the_article_and_author_as_they_are_now(make_app, make_member,
                                                                     make_article):
    from page_helpers import ATOM, parse_atom

    client = make_app(PAGE_CACHE=False).test_client()  # each feed drawn, its entries kept
    author = make_member("fed")
    article = make_article(author=author, title="First title", body="First *words*",
                           tags="one")
    first = client.get("/feed.atom").get_data(as_text=True)
    assert client.get("/feed.atom").get_data(as_text=True) == first  # kept, the same

    update_article(article, author, "Second title", "", "Second *words*", "two", "",
                   publish=True)
    update_profile(author, "Renamed Writer", "")
    entry = parse_atom(client.get("/feed.atom")).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Second title"
    assert entry.findtext(f"{ATOM}content") == "<p>Second <em>words</em></p>\n"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Renamed Writer"
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["two"]


def test_kept_parts_hold_at_most_their_characters(monkeypatch):
    from blog.web import fragments

    monkeypatch.setattr(fragments, "CHARACTERS", 1000)
    fragments.forget()
    drawn = []

    def part(name):
        def draw():
            drawn.append(name)
            return name * 400
        return fragments.fragment("sized", name, caller=draw)

    for name in "abc":  # 1,200 characters and keys: the least recently drawn goes
        part(name)
    part("c")
    part("a")
    assert drawn == ["a", "b", "c", "a"]
    fragments.forget()


def test_what_members_wrote_never_receives_a_readers_token(make_client, make_member,
                                                           make_article):
    """The token goes where the kept forms leave a hole for it, and nowhere else: text
    that looks like a hole (the one this code used to use) stays as written. In an
    image's address it would have sent each reader's token to another site."""
    from blog.domain.comments import add_comment
    from blog.web.fragments import CSRF_HOLE
    from helpers import Auth

    old_hole = ":csrf-token:"
    bait = f"https://images.example/p.png?t={old_hole}"
    article = make_article(title=f"Bait {old_hole} here")
    add_comment(make_member("mallory"), article, f"![x]({bait})")
    make_member("ann")
    browser = make_client()
    Auth(browser).login("ann")
    html = browser.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert f'<img src="{bait}"' in html
    assert 'name="csrf_token"' in html  # ann's forms do carry her token
    html = browser.get("/?tab=latest").get_data(as_text=True)
    assert f"Bait {old_hole} here" in html and "aria-pressed" in html
    # The hole itself is never sent, to a member or a visitor: known, it could be typed.
    visitor = make_client()
    for reader, path in ((browser, f"/articles/{article.slug}"), (browser, "/?tab=latest"),
                         (visitor, f"/articles/{article.slug}"), (visitor, "/?tab=latest")):
        assert CSRF_HOLE not in reader.get(path).get_data(as_text=True), path


def test_a_shelf_keeps_one_value_per_key_within_its_bounds():
    from blog.web.fragments import Shelf

    shelf = Shelf(entries=3, characters=100)
    shelf.put("a", "old a", 10)
    shelf.put("a", "new a", 10)
    assert shelf.get("a") == "new a" and len(shelf._kept) == 1
    for key in "bcd":
        shelf.put(key, key, 10)
    assert shelf.get("a") is None and [shelf.get(key) for key in "bcd"] == ["b", "c", "d"]
    shelf.put("e", "e", 25)
    shelf.put("f", "f", 25)
    shelf.put("g", "g", 25)  # three entries at most: the rest went first
    assert [shelf.get(key) for key in "bcdefg"] == [None, None, None, "e", "f", "g"]


def test_a_shelf_keeps_its_characters_and_no_value_over_a_quarter_of_them():
    from blog.web.fragments import Shelf

    shelf = Shelf(entries=10, characters=100)
    for key in "abcd":
        shelf.put(key, key, 20)
    shelf.put("e", "e", 25)  # 105 characters: the least recently used goes first
    assert [shelf.get(key) for key in "abcde"] == [None, "b", "c", "d", "e"]
    shelf.put("b", "huge b", 26)  # not kept (nor the b before it): all the others would go
    assert [shelf.get(key) for key in "bcde"] == [None, "c", "d", "e"]
    assert shelf._characters == 65
