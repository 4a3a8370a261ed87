"""Password reset by an emailed link, through the pages."""

from helpers import TEST_PASSWORD, link_in, page


def test_reset_page_has_the_labelled_field(client):
    html = page(client.get("/auth/reset"))
    assert ">Email</label>" in html
    assert 'value="Send reset link"' in html


def test_reset_answers_the_same_for_unknown_addresses(client, make_member, deliver):
    make_member("member1")
    known = client.submit("/auth/reset", {"email": "member1@example.com"}, follow_redirects=True)
    unknown = client.submit("/auth/reset", {"email": "ghost@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert "If an account uses member1@example.com, we sent it a link" in page(known)
    assert "If an account uses ghost@example.com, we sent it a link" in page(unknown)
    # Both are emailed (the same work either way): the member a link, the other a notice.
    sent = {m["To"]: m["Subject"] for m in deliver()}
    assert sent == {"member1@example.com": "Reset your password",
                    "ghost@example.com": "You do not have an account here"}


def test_reset_link_sets_a_new_password_once_and_ends_every_session(
    client, auth, make_member, make_client, deliver
):
    make_member("member1")
    elsewhere = make_client()
    from helpers import Auth

    Auth(elsewhere).login(remember=True)
    client.submit("/auth/reset", {"email": "member1@example.com"})
    [message] = deliver()
    assert message["Subject"] == "Reset your password"
    path = link_in(message, "/auth/reset/").removeprefix("http://localhost")

    form = page(client.get(path))
    assert ">New password</label>" in form and ">Confirm password</label>" in form
    new = {"password": "a brand new secret", "confirm": "a brand new secret"}
    response = client.submit(path, new, follow_redirects=True)
    assert "Your password is changed and you are logged in" in page(response)
    assert "@member1" in page(response)

    assert "@member1" not in page(elsewhere.get("/"))
    again = client.get(path)
    assert again.status_code == 400
    assert "already been used" in page(again)

    auth.logout()
    assert "Incorrect" in page(auth.login("member1", TEST_PASSWORD))
    response = auth.login("member1", "a brand new secret", follow_redirects=True)
    assert "Welcome back" in page(response)


def test_reset_with_a_weak_password_shows_the_rule(client, make_member, deliver):
    make_member("member1")
    client.submit("/auth/reset", {"email": "member1@example.com"})
    path = link_in(deliver()[0], "/auth/reset/").removeprefix("http://localhost")
    response = client.submit(path, {"password": "12345678", "confirm": "12345678"})
    assert response.status_code == 200
    assert "too common" in page(response)


def test_forged_and_expired_reset_links_are_refused(app, client, make_member, deliver):
    make_member("member1")
    assert client.get("/auth/reset/forged").status_code == 400
    client.submit("/auth/reset", {"email": "member1@example.com"})
    path = link_in(deliver()[0], "/auth/reset/").removeprefix("http://localhost")
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    new = {"password": "a brand new secret", "confirm": "a brand new secret"}
    response = client.submit(path, new)
    assert response.status_code == 400
    assert "expired" in page(response)


def test_a_verification_link_is_not_a_reset_link(client, auth, deliver):
    auth.register()
    token = link_in(deliver()[0], "/auth/verify/").rsplit("/", 1)[1]
    assert client.get(f"/auth/reset/{token}").status_code == 400
