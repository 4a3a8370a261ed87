"""Autosaving a saved draft (blog.domain.drafts, POST /articles/<slug>/autosave).

The editor's script posts the draft's words every few seconds; the member
sees "Saved" and finds them again anywhere. Only a draft, only its author,
only its words (the slug and the tags wait for the Save button), and no
visitor's kept page goes stale for it.
"""

from helpers import Auth, FormClient, fresh, logged_in

WORDS = {"title": "Half a thought", "description": "Still writing",
         "body": "First line.\n\n```python\nprint('hi')\n```", "cover_url": ""}


def autosave(client, slug, **changes):
    return client.submit(f"/articles/{slug}/autosave", {**WORDS, **changes},
                         headers={"Accept": "application/json"})


def test_the_author_s_draft_keeps_its_words_but_not_yet_its_slug_or_tags(
        client, writer, make_article):
    draft = make_article(author=writer, title="First title", tags="python", publish=False)
    answer = autosave(client, draft.slug)
    assert answer.status_code == 200 and answer.json["saved_at"].endswith("Z")
    saved = fresh(draft)
    assert (saved.title, saved.description, saved.body) == (
        WORDS["title"], WORDS["description"], WORDS["body"])
    assert 'class="hl-' in saved.body_html  # rendered as a save renders it
    assert saved.slug == draft.slug and [t.name for t in saved.tags] == ["python"]
    assert not saved.is_published
    # The editor shows what was autosaved, and the Save button then follows the title.
    assert "Half a thought" in client.get(f"/articles/{draft.slug}/edit").get_data(as_text=True)


def test_a_half_written_body_is_kept_but_a_title_is_needed(client, writer, make_article):
    draft = make_article(author=writer, title="Notes", publish=False)
    assert autosave(client, draft.slug, body="").status_code == 200
    assert fresh(draft).body == ""
    refused = autosave(client, draft.slug, title="  ", body="lost?")
    assert refused.status_code == 422
    assert refused.json == {"errors": {"title": ["Give your article a title."]}}
    assert fresh(draft).body == ""


def test_a_published_article_is_never_saved_in_the_background(client, writer, make_article):
    article = make_article(author=writer, title="Out there", body="As published.")
    answer = autosave(client, article.slug)
    assert answer.status_code == 403
    assert "saved with its Save button" in answer.get_data(as_text=True)
    assert fresh(article).body == "As published."


def test_only_the_author_autosaves(client, make_client, make_member, make_article):
    author = make_member("author")
    draft = make_article(author=author, title="Mine", body="Mine.", publish=False)
    make_member("member1")
    other = logged_in(make_client, "member1")
    assert autosave(other, draft.slug).status_code == 404  # another's draft is not there
    visitor = FormClient(make_client())
    assert autosave(visitor, draft.slug).status_code in (302, 401)
    assert fresh(draft).body == "Mine."


def test_without_its_form_token_nothing_is_saved(client, writer, make_article):
    draft = make_article(author=writer, title="Notes", body="Kept.", publish=False)
    answer = client.post(f"/articles/{draft.slug}/autosave", data=WORDS)
    assert answer.status_code == 400
    assert fresh(draft).body == "Kept."


def test_visitors_kept_pages_stay_kept(app, client, writer, make_article):
    make_article(author=writer, title="Public one")
    draft = make_article(author=writer, title="Notes", publish=False)

    def visitor_home():
        return FormClient(app.test_client()).get("/").headers.get("X-Page-Cache")

    visitor_home()
    assert visitor_home() == "hit"
    assert autosave(client, draft.slug).status_code == 200
    assert visitor_home() == "hit"
    # ...while a real save of the draft (which may publish) still makes them stale.
    client.submit(f"/articles/{draft.slug}/edit",
                  {**WORDS, "tags": "", "save_draft": "Save draft"})
    assert visitor_home() != "hit"


def test_autosaves_are_rate_limited(make_app, make_member, make_article):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTOSAVES_PER_MEMBER="2 per minute")
    with app.app_context():
        author = make_member("member1")
        draft = make_article(author=author, title="Notes", publish=False)
        browser = FormClient(app.test_client())
        Auth(browser).login()
        statuses = [autosave(browser, draft.slug, body=f"v{n}").status_code for n in range(3)]
        assert statuses == [200, 200, 429]
        assert fresh(draft).body == "v1"
