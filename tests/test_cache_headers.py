"""Personal answers are never stored by a cache; public pages for visitors stay cacheable."""

import pytest

from helpers import TEST_PASSWORD


def no_store(response):
    return "no-store" in response.headers.get("Cache-Control", "")


def varies_on(response, header):
    values = response.headers.get("Vary", "").split(",")
    return header.lower() in {value.strip().lower() for value in values}


@pytest.fixture
def site(make_member, make_article):
    """member1 with a published article (tag "python") and a draft."""
    member = make_member("member1")
    published = make_article(author=member, title="Public piece", tags="python")
    draft = make_article(author=member, title="Secret draft", publish=False)
    return member, published, draft


def test_every_personal_page_says_no_store(client, auth, site):
    member, published, draft = site
    auth.login()
    for url in ("/settings", "/new", f"/articles/{draft.slug}", f"/articles/{draft.slug}/edit",
                "/reading-list", "/", "/?tab=latest", f"/articles/{published.slug}",
                "/t/python", "/@member1"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
        assert varies_on(response, "Cookie"), url


def test_a_remember_me_cookie_alone_makes_the_answer_personal(client, auth, make_client, site):
    auth.login(remember=True)
    browser = make_client()
    browser.set_cookie("remember_token", client.get_cookie("remember_token").value)
    response = browser.get("/")
    assert "Following" in response.get_data(as_text=True)
    assert no_store(response)


def test_logging_in_and_out_answers_are_no_store(client, auth, site):
    response = auth.login()
    assert response.status_code == 302 and no_store(response)
    assert no_store(client.get("/auth/login"))  # the form carries this browser's CSRF token
    assert no_store(auth.logout())


def test_api_answers_that_carry_a_token_or_an_email_are_no_store(api, site):
    member = site[0]
    login = api.post("/api/users/login",
                     {"user": {"email": member.email, "password": TEST_PASSWORD}})
    assert login.status_code == 200 and no_store(login)
    token = login.get_json()["user"]["token"]

    register = api.post("/api/users", {"user": {
        "username": "jake", "email": "jake@example.com", "password": TEST_PASSWORD}})
    assert register.status_code == 201 and no_store(register)

    for response in (
        api.get("/api/user", token=token),
        api.put("/api/user", {"user": {"bio": "Hi"}}, token=token),
        api.get("/api/articles", token=token),
        api.get("/api/articles/feed", token=token),
    ):
        assert response.status_code == 200
        assert no_store(response)
        assert varies_on(response, "Authorization")


def test_a_failed_api_login_is_no_store_too(api, site):
    response = api.post("/api/users/login",
                        {"user": {"email": site[0].email, "password": "wrong password!"}})
    assert response.status_code in (401, 422) and no_store(response)


def test_an_answer_that_sets_a_cookie_is_no_store(client, site):
    first = client.get("/auth/register")  # the form's CSRF token starts a session
    assert "Set-Cookie" in first.headers
    assert no_store(first)


def test_public_pages_for_visitors_stay_cacheable(client, api, site):
    member, published, draft = site
    # A visitor who once opened a form: the cookie is settled (the form's visit starts
    # the session, the next has Flask-Login mark it not fresh; both set the cookie).
    client.get("/auth/register")
    client.get("/")
    for url in ("/", f"/articles/{published.slug}", "/t/python", "/@member1", "/feed.atom",
                "/t/python/feed.atom", "/@member1/feed.atom"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not no_store(response), url
    articles = api.get("/api/articles")
    assert articles.status_code == 200 and not no_store(articles)
    assert varies_on(articles, "Authorization")  # a token changes the answer ("favorited")



def test_static_files_stay_cacheable_for_members(client, auth, site):
    auth.login(remember=True)
    response = client.get("/static/style.css")
    response.close()
    assert response.status_code == 200
    assert not no_store(response)


def test_a_page_at_an_emailed_link_is_no_store(client, site):
    from blog.domain import tokens

    client.get("/")
    client.get("/")  # the cookie is settled, as for a returning visitor
    response = client.get(f"/auth/reset/{tokens.make_token('reset', site[0])}")
    assert response.status_code == 200
    assert no_store(response)  # the link's token is in the page (the form posts back to it)


def test_a_form_page_is_no_store_also_for_a_returning_visitor(client):
    """Its CSRF token is this browser's, even once the session cookie is settled."""
    for _ in range(4):
        response = client.get("/auth/register")
        assert 'name="csrf_token"' in response.get_data(as_text=True)
        assert no_store(response) and "ETag" not in response.headers
