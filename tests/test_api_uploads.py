"""POST /api/uploads: the pages' upload rule through the API, answered as documented."""

import io

import pytest

from blog.extensions import db
from picture_helpers import fetched, opened, picture, rows, stored_files


@pytest.fixture
def app(uploads_app):
    return uploads_app


def upload(api, token, data, name="photo.png", **form):
    return api.post("/api/uploads", token=token,
                    data={"image": (io.BytesIO(data), name), **form})


def test_an_upload_answers_its_address_and_markdown(api, api_member, client):
    _, token = api_member("ada")
    response = upload(api, token, picture("JPEG", (2000, 500)), "wide.jpg")
    assert response.status_code == 201
    answer = response.json["upload"]
    assert answer["url"].startswith("http://localhost/media/") and answer["url"].endswith(".jpg")
    assert answer["markdown"] == f"![wide]({answer['url'].removeprefix('http://localhost')})"
    assert (answer["width"], answer["height"], answer["contentType"]) == (
        1600, 400, "image/jpeg")
    assert opened(fetched(client, answer["url"])).size == (1600, 400)


def test_an_uploaded_avatar_becomes_the_member_s_image(api, api_member):
    user, token = api_member("ada")
    url = upload(api, token, picture(size=(600, 300)), kind="avatar").json["upload"]["url"]
    changed = api.put("/api/user", {"user": {"image": url}}, token=token)
    assert changed.status_code == 200 and changed.json["user"]["image"] == url
    db.session.refresh(user)
    assert user.image_url == url.removeprefix("http://localhost")  # kept as its path
    assert api.get("/api/profiles/ada").json["profile"]["image"] == url


def test_a_bad_upload_is_a_422_on_its_field(api, api_member, uploads_folder):
    _, token = api_member("ada")
    for data, form, field in ((b"<svg onload=alert(1)>", {}, "image"),
                              (picture(), {"kind": "banner"}, "kind")):
        response = upload(api, token, data, **form)
        assert response.status_code == 422 and list(response.json["errors"]) == [field]
    missing = api.post("/api/uploads", token=token, data={"kind": "inline"})
    assert missing.status_code == 422 and missing.json["errors"] == {
        "image": ["Choose an image file."]}
    assert rows() == 0 and stored_files(uploads_folder) == []


def test_uploading_needs_a_token_and_a_confirmed_address(api, api_member):
    assert upload(api, None, picture()).status_code == 401
    _, token = api_member("fresh", verified=False)
    assert upload(api, token, picture()).status_code == 403
    assert rows() == 0
