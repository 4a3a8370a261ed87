"""Uploaded pictures: what is refused (and never stored), what is kept, and the limits."""

import io

import pytest

from helpers import Auth, FormClient, page
from picture_helpers import (
    animated_gif,
    fetched,
    jpeg_with_gps,
    noisy,
    opened,
    picture,
    png_claiming,
    rows,
    send,
    stored_files,
)


@pytest.fixture
def app(uploads_app):
    return uploads_app


REFUSED = {
    "text named .png": (b"just some text, not a picture at all", "WebP image"),
    "PDF named .jpg": (b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n" * 4, "PNG, JPEG, GIF or WebP"),
    "cut short": (picture(size=(200, 200))[:80], "damaged"),
    "HTML after the picture": (picture() + b"<html><script>alert(1)</script>", "HTML or script"),
    "HTML in a PNG comment": (picture(pnginfo=None)[:33] + b"\0\0\0\x10tEXtx\0<svg onload=1>"
                              + picture()[33:], "HTML or script"),
    "a PHP polyglot": (picture("GIF") + b"<?php system($_GET['c']); ?>", "HTML or script"),
    "decompression bomb": (png_claiming(30_000, 30_000), "too many pixels"),
    "animation with too many frames": (animated_gif(frames=101), "101 frames"),
    "an empty file": (b"", "Choose an image file"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_picture_gets_a_clear_error_and_nothing_is_stored(
        client, writer, uploads_folder, case):
    data, message = REFUSED[case]
    response = send(client, data)
    assert response.status_code == 422
    assert message in response.json["errors"]["image"][0]
    assert rows() == 0 and stored_files(uploads_folder) == []


def test_a_picture_too_big_is_refused_by_its_size(make_app, uploads_folder, make_member):
    app = make_app(UPLOAD_FOLDER=str(uploads_folder), UPLOAD_MAX_BYTES=20_000,
                   MAX_CONTENT_LENGTH=50_000)
    with app.app_context():
        client = FormClient(app.test_client())
        make_member("big")
        Auth(client).login("big")
        big = noisy("PNG", (120, 120))  # about 43 kB
        answer = send(client, big)
        assert answer.status_code == 422
        assert answer.json["errors"]["image"] == [
            "This image is too big: use one of at most 0.0190735 MB."]
        huge = send(client, noisy("PNG", (200, 200)))  # beyond the request's own limit
        assert huge.status_code == 413
        assert "too big" in huge.json["errors"]["body"][0]
        assert rows() == 0 and stored_files(uploads_folder) == []


def test_metadata_is_dropped_and_the_picture_re_encoded(client, writer):
    sent = jpeg_with_gps()
    assert opened(sent).getexif().get_ifd(0x8825)  # the GPS is there before
    answer = send(client, sent, "holiday.jpg")
    assert answer.status_code == 200
    assert answer.json["markdown"] == f"![holiday]({answer.json['url']})"
    assert answer.json["url"].endswith(".jpg")
    kept = fetched(client, answer.json["url"])
    assert kept != sent and b"PhoneMaker" not in kept
    assert len(opened(kept).getexif()) == 0 and opened(kept).format == "JPEG"


def test_trailing_bytes_go_with_the_re_encoding(client, writer):
    answer = send(client, picture(size=(30, 30)) + b"\0" * 100 + b"MZ payload")
    assert b"payload" not in fetched(client, answer.json["url"])


def test_pictures_are_resized_to_their_use(client, writer):
    wide = send(client, picture("JPEG", (2400, 600)))
    assert (wide.json["width"], wide.json["height"]) == (1600, 400)
    assert opened(fetched(client, wide.json["url"])).size == (1600, 400)
    small = send(client, picture(size=(300, 200)))
    assert (small.json["width"], small.json["height"]) == (300, 200)  # never enlarged


def test_a_small_animation_is_kept_moving(client, writer):
    answer = send(client, animated_gif(frames=4), "dance.gif")
    assert answer.status_code == 200 and answer.json["url"].endswith(".gif")
    kept = opened(fetched(client, answer.json["url"]))
    assert kept.format == "GIF" and kept.n_frames == 4


def test_webp_and_a_still_gif_are_taken(client, writer):
    assert send(client, picture("WEBP")).json["url"].endswith(".webp")
    assert send(client, picture("GIF")).json["url"].endswith(".png")  # a still GIF: PNG


def test_the_same_picture_twice_is_stored_once(
        client, writer, make_member, make_client, uploads_folder):
    first, again = send(client, picture()), send(client, picture(), "again.png")
    assert first.json["url"] == again.json["url"] and rows() == 1
    make_member("other")
    other = make_client()
    Auth(other).login("other")
    assert send(other, picture()).json["url"] == first.json["url"]
    assert rows() == 2 and len(stored_files(uploads_folder)) == 2  # and its small copy


def test_a_member_s_quota_is_kept(make_app, uploads_folder, make_member):
    app = make_app(UPLOAD_FOLDER=str(uploads_folder), UPLOAD_QUOTA_BYTES=30_000)
    with app.app_context():
        make_member("saver")
        client = FormClient(app.test_client())
        Auth(client).login("saver")
        assert send(client, noisy("PNG", (80, 80))).status_code == 200  # about 19 kB
        refused = send(client, noisy("PNG", (80, 80)))
        assert refused.status_code == 422
        assert "You have used your 0.0286102 MB of pictures" in refused.json["errors"]["image"][0]
        assert rows() == 1 and len(stored_files(uploads_folder)) == 2


def test_uploads_are_rate_limited(make_app, uploads_folder, make_member):
    app = make_app(UPLOAD_FOLDER=str(uploads_folder), RATELIMIT_ENABLED=True,
                   RATELIMIT_UPLOADS_PER_MEMBER="2 per hour")
    with app.app_context():
        make_member("busy")
        client = FormClient(app.test_client())
        Auth(client).login("busy")
        refused = send(client, b"not a picture")  # a refusal costs the member nothing
        assert refused.status_code == 422
        for colour in ((1, 2, 3), (4, 5, 6)):
            assert send(client, picture(colour=colour)).status_code == 200
        limited = send(client, picture(colour=(7, 8, 9)))
        assert limited.status_code == 429 and "Retry-After" in limited.headers
        assert rows() == 2


def test_visitors_and_unconfirmed_members_cannot_upload(client, make_member, auth, uploads_folder):
    assert send(client, picture()).status_code in (302, 401)
    make_member("fresh", verified=False)
    auth.login("fresh")
    assert send(client, picture()).status_code == 403
    assert rows() == 0 and stored_files(uploads_folder) == []


def test_the_settings_picture_is_checked_beside_its_field(client, writer, uploads_folder):
    response = client.submit("/settings", {
        "profile-display_name": "Member", "profile-bio": "", "profile-image_url": "",
        "profile-picture": (io.BytesIO(b"<html>not a picture</html>"), "me.png"),
    })
    assert response.status_code == 422
    text = page(response)
    assert 'id="profile-picture-error">This file holds HTML or script code' in text
    assert rows() == 0 and stored_files(uploads_folder) == []


def test_a_turned_photo_is_kept_upright_and_its_turn_forgotten(client, writer):
    exif = opened(picture("JPEG", (8, 8))).getexif()
    exif[0x0112] = 6  # the camera was held sideways: show it a quarter turn round
    sent = picture("JPEG", (3600, 2000), exif=exif.tobytes())
    answer = send(client, sent, "sideways.jpg").json
    assert (answer["width"], answer["height"]) == (1600, 2880)  # upright, at most 1600 wide
    kept = opened(fetched(client, answer["url"]))
    assert kept.size == (1600, 2880) and 0x0112 not in kept.getexif()


def test_an_uploaded_picture_in_a_body_keeps_its_room_while_it_loads(client, writer):
    upload = send(client, picture("JPEG", (2400, 600))).json
    body = f"Before.\n\n{upload['markdown']}\n\n![elsewhere](https://example.org/x.png)"
    client.submit("/new", {"title": "Pictured", "body": body, "publish": "Publish"})
    shown = page(client.get("/articles/pictured"))
    assert f'<img src="{upload["url"]}" alt="photo" width="1600" height="400">' in shown
    # Another site's picture has no size we know: none is made up.
    assert '<img src="https://example.org/x.png" alt="elsewhere">' in shown


def _set_picture(client, data=None, image_url=""):
    form = {"profile-display_name": "Member", "profile-bio": "", "profile-image_url": image_url}
    if data is not None:
        form["profile-picture"] = (io.BytesIO(data), "me.png")
    assert client.submit("/settings", form).status_code == 302


def test_a_replaced_profile_picture_leaves_the_quota_and_the_disk(
        client, writer, make_article, uploads_folder):
    from blog.domain import uploads
    from blog.extensions import db

    _set_picture(client, picture(colour=(1, 2, 3)))
    db.session.refresh(writer)
    first = writer.image_url
    _set_picture(client, picture(colour=(4, 5, 6)))
    db.session.refresh(writer)
    second = writer.image_url
    assert second != first and rows() == 1  # the first picture's row went
    assert client.get(first).status_code == 404  # and its files, nobody showing them
    assert len(stored_files(uploads_folder)) == 2  # the second, and its small copy
    assert uploads.usage_of(writer) == len(fetched(client, second))
    # A picture the member also put in an article stays there when they change faces.
    make_article(author=writer, title="Me", body=f"![me]({second})")
    _set_picture(client, image_url="https://example.org/me.png")
    assert rows() == 0 and uploads.usage_of(writer) == 0
    assert len(fetched(client, second)) > 0
