"""The API's profiles and follows, and the Follow button of the pages."""

from helpers import api_errors, count_queries


def test_profile_of_a_member(api, make_member):
    make_member("jake", bio="Hello", image_url="https://example.org/j.png")
    response = api.get("/api/profiles/JAKE")
    assert response.get_json() == {"profile": {
        "username": "jake", "bio": "Hello", "image": "https://example.org/j.png",
        "following": False,
    }}


def test_a_profile_is_one_statement_after_the_token_and_counts_nobody(api, api_member,
                                                                     make_member):
    """The member and whether the reader follows them (blog.domain.shown_profile); the
    page's follower counts are not read: the API shows none."""
    make_member("jake")
    _, token = api_member("reader")
    api.post("/api/profiles/jake/follow", token=token)
    for who, expected in ((token, 2), (None, 1)):  # the token's login, then the profile
        with count_queries() as queries:
            answer = api.get("/api/profiles/jake", token=who).get_json()["profile"]
        assert len(queries) == expected, queries
        assert answer["following"] is (who is not None)
        assert not any("count(" in statement.lower() for statement in queries)


def test_unknown_profile_is_a_404(api):
    assert api_errors(api.get("/api/profiles/nobody"), 404) == {"profile": ["not found"]}


def test_follow_and_unfollow(api, api_member, make_member):
    make_member("jake")
    _, token = api_member("reader")
    response = api.post("/api/profiles/jake/follow", token=token)
    assert response.status_code == 200 and response.get_json()["profile"]["following"] is True
    assert api.get("/api/profiles/jake", token=token).get_json()["profile"]["following"] is True
    # Following twice is one follow.
    assert api.post("/api/profiles/jake/follow", token=token).status_code == 200
    response = api.delete("/api/profiles/jake/follow", token=token)
    assert response.get_json()["profile"]["following"] is False
    assert api.get("/api/profiles/jake", token=token).get_json()["profile"]["following"] is False


def test_a_follow_on_the_page_shows_in_the_api_and_back(api, api_member, client, auth):
    from page_helpers import follow_button

    api_member("jake")
    reader, token = api_member("reader")
    auth.login("reader")
    client.submit("/@jake/follow")
    assert api.get("/api/profiles/jake", token=token).get_json()["profile"]["following"] is True
    api.delete("/api/profiles/jake/follow", token=token)
    assert follow_button(client.get("/@jake")) == ("Follow", 0)


def test_following_yourself_is_refused(api, api_member):
    _, token = api_member("jake")
    assert api_errors(api.post("/api/profiles/jake/follow", token=token), 422) == {
        "username": ["You cannot follow yourself."]
    }


def test_follow_needs_a_token_and_a_confirmed_email(api, api_member, make_member):
    make_member("jake")
    assert api_errors(api.post("/api/profiles/jake/follow"), 401) == {"token": ["is missing"]}
    _, token = api_member("unconfirmed", verified=False)
    assert api_errors(api.post("/api/profiles/jake/follow", token=token), 403) == {
        "email": ["is not verified"]
    }
    assert api_errors(api.post("/api/profiles/nobody/follow", token=token), 403)
