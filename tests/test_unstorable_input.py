"""Input the database cannot store (NUL and control characters, deep JSON, huge ids):
a clear 400 or 422, or a 404, never a database error, and nothing half saved."""

import pytest

from helpers import api_errors, page


@pytest.mark.parametrize(
    "url", ["/t/a%00b", "/articles/a%00b", "/@a%00b", "/?tab=latest%00", "/t/a%00b/feed.atom"]
)
def test_a_nul_character_in_an_address_is_a_400_not_a_database_error(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "a character that cannot be used" in page(response)


def test_a_nul_character_in_a_form_is_refused_and_nothing_is_saved(client, make_member, auth):
    from blog.models import Article

    make_member("member1")
    auth.login()
    response = client.submit("/new", {"title": "Nul\x00", "body": "text", "publish": "x"})
    assert response.status_code == 400
    assert Article.query.count() == 0


# C0 controls other than tab, newline and carriage return, DEL, and the two
# noncharacters XML cannot hold: no person types them, and they broke the Atom feed.
CONTROL_CHARACTERS = ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\ufffe", "\uffff"]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_control_characters_are_refused_in_addresses_forms_and_the_api(
    client, api, make_member, auth, character
):
    from blog.models import Article, User

    make_member("member1")
    token = api.login("member1@example.com")
    auth.login()
    escaped = f"%{ord(character):02X}" if ord(character) < 128 else character
    assert client.get(f"/t/a{escaped}b").status_code == 400
    assert client.get(f"/?tab=latest{escaped}").status_code == 400
    response = client.submit("/new", {"title": f"Bad{character}title", "body": "text",
                                      "publish": "x"})
    assert response.status_code == 400
    assert "a character that cannot be used" in page(response)
    response = client.submit("/settings", {"profile-display_name": f"Name{character}"})
    assert response.status_code == 400

    body = {"article": {"title": f"Bad{character}", "description": "", "body": "text"}}
    assert api_errors(api.post("/api/articles", body, token=token), 422)
    body = {"user": {"bio": f"Bio{character}"}}
    assert api_errors(api.put("/api/user", body, token=token), 422)
    assert api_errors(api.get(f"/api/articles?tag=a{escaped}b"), 422)
    assert Article.query.count() == 0
    assert User.query.filter(User.bio.contains(character)).count() == 0


def test_tabs_and_newlines_are_still_welcome(client, make_member, auth):
    from blog.models import Article

    make_member("member1")
    auth.login()
    body = "Line one\r\n\tindented\nline three"
    response = client.submit("/new", {"title": "Tabs\tand lines", "body": body, "publish": "x"})
    assert response.status_code == 302
    assert Article.query.one().body.replace("\r\n", "\n") == body.replace("\r\n", "\n")


NESTED_40 = []
for _ in range(40):
    NESTED_40 = [NESTED_40]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/articles?tag=a%00b", None),
        ("GET", "/api/profiles/a%00b", None),
        ("POST", "/api/users/login", {"user": {"email": "a\x00b", "password": "x"}}),
        ("POST", "/api/users", {"user": {"username": "a", "email": "b", "password": ["\x00"]}}),
        ("POST", "/api/users/login", {"user": {"email": "\ud800", "password": "x"}}),
        ("PUT", "/api/user", {"user": {"bio": "lone \udfff"}}),
        ("POST", "/api/users/login", {"user": {"email": "x", "password": "y", "n": NESTED_40}}),
    ],
)
def test_characters_the_database_cannot_store_are_a_422_on_the_api(api, method, url, body):
    from helpers import api_errors

    response = api.request(method, url, json=body)
    assert api_errors(response, 422) == {"body": ["contains characters that cannot be used"]}


@pytest.mark.parametrize("depth", [500, 5000])
def test_json_nested_too_deep_is_refused_on_pages_and_the_api(client, api, depth):
    body = "[" * depth + "]" * depth
    from helpers import api_errors

    response = api.client.post("/api/users/login", data=body, content_type="application/json")
    assert api_errors(response, 422)
    assert client.post("/auth/login", data=body, content_type="application/json").status_code == 400


@pytest.mark.parametrize(
    "url", ["/comments/2147483648/edit", "/comments/99999999999999999999/edit", "/comments/0/edit"]
)
def test_an_id_the_database_cannot_hold_is_a_404(client, make_member, auth, url):
    make_member("member1")
    auth.login()
    assert client.get(url).status_code == 404
