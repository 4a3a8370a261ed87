"""Uploaded pictures on the site: served as files, in Settings and the editor, faces,
account deletion and the export."""

import io

import pytest

from blog.domain import approvals, articles, profiles, uploads
from blog.domain.export_contents import export_files
from helpers import TEST_PASSWORD, Auth, page
from picture_helpers import fetched, opened, picture, rows, send, stored_files


@pytest.fixture
def app(uploads_app):
    return uploads_app


def profile_form(**fields):
    return {"profile-display_name": "Member", "profile-bio": "", "profile-image_url": "",
            **fields}


def test_a_picture_is_served_as_an_immutable_image(client, writer, make_client):
    url = send(client, picture()).json["url"]
    visitor = make_client()
    response = visitor.get(url)
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/png"
    cache = response.cache_control
    assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers
    again = visitor.get(url, headers={"If-None-Match": response.headers["ETag"]})
    again.close()
    assert again.status_code == 304
    for missing in (url.replace(".png", ".gif"), "/media/" + "0" * 64 + ".png",
                    "/media/..%2Fblog.sqlite3", "/media/x.html"):
        assert visitor.get(missing).status_code == 404


def test_our_own_pictures_are_allowed_by_the_pages_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' https: data:" in policy


def test_a_member_s_uploaded_picture_replaces_their_face(client, writer, make_client):
    response = client.submit("/settings", profile_form(**{
        "profile-picture": (io.BytesIO(picture("JPEG", (900, 500))), "me.jpg")}))
    assert response.status_code == 302
    assert writer.image_url.startswith("/media/") and writer.image_url.endswith(".jpg")
    assert opened(fetched(client, writer.image_url)).size == (400, 400)  # cropped square
    profile = page(make_client().get("/@member1"))
    assert f'<img class="avatar" src="{writer.image_url}"' in profile
    assert ">M</text>" not in profile.split("<h1>")[0]
    # Small faces (the navigation, cards, comments) load the picture's small square copy.
    small = writer.image_url.replace(".jpg", "-96.jpg")
    nav = page(client.get("/")).split('class="nav-user"')[1].split("</a>")[0]
    assert f'<img class="avatar" src="{small}"' in nav
    assert opened(fetched(client, small)).size == (96, 96)


def test_an_https_picture_still_works(client, writer):
    response = client.submit("/settings", profile_form(**{
        "profile-image_url": "https://img.example.org/me.png"}))
    assert response.status_code == 302 and writer.image_url == "https://img.example.org/me.png"
    assert rows() == 0
    assert client.submit("/settings", profile_form(**{
        "profile-image_url": "http://img.example.org/me.png"})).status_code == 422


def test_the_editor_uploads_a_cover_and_an_image_for_the_body(client, writer):
    form = {"title": "Pictures", "description": "", "cover_url": "", "tags": "",
            "body": "Before the picture."}
    added = client.submit("/new", {**form, "upload_image": "Upload image",
                                   "image": (io.BytesIO(picture()), "diagram.png")})
    assert added.status_code == 200 and rows() == 1  # no article yet: the editor again
    body = page(added).split('name="body"')[1].split("</textarea>")[0]
    assert "Before the picture.\n\n![diagram](/media/" in body
    markdown = body.split("\n", 1)[1].strip()
    published = client.submit("/new", {
        **form, "body": f"Before the picture.\n\n{markdown}", "publish": "Publish",
        "cover_file": (io.BytesIO(picture("JPEG", (3000, 1000))), "cover.jpg")})
    assert published.status_code == 302
    article = articles.get_visible_article("pictures", writer)
    assert article.cover_url.startswith("/media/") and article.cover_url.endswith(".jpg")
    assert opened(fetched(client, article.cover_url)).size == (1600, 533)
    shown = page(client.get(published.headers["Location"]))
    assert f'src="{article.cover_url}"' in shown and 'alt="diagram"' in shown


def test_a_refused_cover_is_said_beside_its_field(client, writer):
    response = client.submit("/new", {
        "title": "Bad cover", "body": "Text", "publish": "Publish",
        "cover_file": (io.BytesIO(b"GIF89a but not really"), "cover.gif")})
    assert response.status_code == 422
    assert 'id="cover_file-error">Use a PNG, JPEG, GIF or WebP image.' in page(response)
    assert rows() == 0


def test_an_upload_without_a_file_says_so(client, writer):
    response = client.submit("/new", {"title": "T", "body": "B", "upload_image": "Upload image"})
    assert response.status_code == 422
    assert 'id="image-error">Choose an image file.' in page(response)


def test_a_deleted_account_takes_its_pictures_but_not_those_others_use(
        client, writer, make_member, make_article, uploads_folder):
    mine = send(client, picture(colour=(1, 1, 1))).json["url"]
    shared = send(client, picture(colour=(2, 2, 2))).json["url"]
    quoted = send(client, picture(colour=(3, 3, 3))).json["url"]
    other = make_member("other")
    uploads_of_other = picture(colour=(2, 2, 2))  # the same picture, uploaded by them too
    profiles.update_profile(other, "Other", "", picture=uploads_of_other)
    assert other.image_url != shared  # an avatar is its own use (cropped, re-encoded)
    uploads.store(other, picture(colour=(2, 2, 2)), "inline")
    make_article(author=other, title="Quoting", body=f"![borrowed]({quoted})")
    assert len(stored_files(uploads_folder)) == 8  # each with its small copy
    response = client.submit("/settings/delete", {"delete-password": TEST_PASSWORD})
    assert response.status_code == 302
    kept = {f"/media/{name}" for name in stored_files(uploads_folder)}
    assert mine not in kept and kept == {shared, quoted, other.image_url} | {
        url.replace(".png", "-96.png") for url in (shared, quoted, other.image_url)}


def test_the_export_holds_the_member_s_pictures(client, writer):
    url = send(client, picture()).json["url"]
    files = dict(export_files(writer, "blog", writer.created_at))
    name = url.removeprefix("/media/")
    assert files[f"images/{name}"] == fetched(client, url)
    assert "images/" in files["README.txt"]


def test_pictures_are_kept_per_member_in_both_ways_of_uploading(client, writer, make_client,
                                                                  make_member):
    send(client, picture())
    make_member("second")
    second = make_client()
    Auth(second).login("second")
    second.submit("/settings", profile_form(**{
        "profile-picture": (io.BytesIO(picture()), "same.png")}))
    assert rows() == 2


def test_a_refused_newcomer_s_pictures_go_with_their_account(app, make_member, uploads_folder):
    admin = make_member("admin", role="admin")
    newcomer = make_member("newcomer", awaiting_approval=True)
    uploads.store(newcomer, picture(), "avatar")
    assert len(stored_files(uploads_folder)) == 2  # the picture and its small copy
    approvals.refuse(admin, newcomer)
    assert stored_files(uploads_folder) == [] and rows() == 0
