"""The admins' site settings: who may change them, what they check, where they show."""

import pytest

from blog.domain import site
from blog.domain.errors import Forbidden
from fixtures.site import SITE_DEFAULTS
from helpers import count_queries, logged_in, page, security_events


def form(**values):
    """The settings page's fields as a browser posts them (unticked boxes are left out)."""
    data = {**SITE_DEFAULTS, **values}
    return {k: ("y" if v is True else v) for k, v in data.items() if v is not False}


def test_a_new_site_shows_the_old_name_and_texts(client):
    home = page(client.get("/"))
    assert "<title>" in home and "· blog</title>" not in home
    assert ">blog</a>" in home  # the brand: SITE_NAME from the config
    assert "A small community of people who write about what they build." in home
    assert "a small, self-hosted community" in home
    assert 'href="/about"' not in home and 'href="/code-of-conduct"' not in home
    assert client.get("/about").status_code == 404
    assert client.get("/code-of-conduct").status_code == 404


@pytest.mark.parametrize("who, status", [("moderator", 403), ("member", 403)])
def test_only_admins_open_the_settings_page(make_client, staff, who, status):
    browser = logged_in(make_client, staff[who].username)
    assert browser.get("/admin/site").status_code == status
    assert browser.submit("/admin/site", form(name="Mine")).status_code == status
    assert site.current().name == "blog"


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get("/admin/site")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_domain_refuses_non_admins_too(app, staff):
    with pytest.raises(Forbidden):
        site.save(staff["moderator"], {**SITE_DEFAULTS, "name": "Taken over"})


def test_the_admin_sets_the_name_texts_and_pages_and_visitors_see_them(
    make_client, client, staff, caplog
):
    admin = logged_in(make_client, "root")
    response = admin.submit("/admin/site", form(
        name="Makers", description="people who build things", welcome="Hello makers.",
        about="# About us\n\nWe <script>alert(1)</script> **build**.",
        conduct="Be *kind*.", contact_email="Team@Example.org",
        logo_url="/static/favicon.svg"))
    assert response.status_code == 302
    assert "Site settings" in page(admin.get("/admin/site"))  # the admin/mod nav links it

    home = page(client.get("/"))
    assert "<title>Makers</title>" in home or "Makers</title>" in home
    assert "Makers</a>" in home and "Hello makers." in home
    assert "people who build things" in home
    assert 'href="/about"' in home and 'href="/code-of-conduct"' in home
    assert "mailto:team@example.org" in home.lower()
    assert 'src="/static/favicon.svg"' in home
    about = page(client.get("/about"))
    assert "<strong>build</strong>" in about and "<script>" not in about
    assert "<em>kind</em>" in page(client.get("/code-of-conduct"))
    assert "Code of Conduct" in page(client.get("/auth/register"))
    assert "<title>Makers</title>" in client.get("/feed.atom").get_data(as_text=True)
    [event] = security_events(caplog, "admin.site_settings")
    assert event["username"] == "root" and "name" in event["changed"]


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "The site needs a name."),
    ("contact_email", "not an address", "email"),
    ("logo_url", "http://example.org/logo.png", "https://"),
    ("logo_url", "//evil.example/logo.png", "https://"),
    ("logo_url", "javascript:alert(1)", "https://"),
    ("signup_mode", "sometimes", "Not a valid choice"),
    ("description", "x" * 201, "200"),
])
def test_bad_values_are_refused_beside_their_field(make_client, staff, field, value, message):
    admin = logged_in(make_client, "root")
    response = admin.submit("/admin/site", form(**{field: value}))
    assert response.status_code == 422
    html = page(response)
    assert f'id="{field}-error"' in html or "error" in html
    assert message.lower() in html.lower()
    assert site.current().name == "blog"  # nothing saved


def test_the_settings_page_needs_its_csrf_token(make_client, staff):
    admin = logged_in(make_client, "root")
    response = admin.post("/admin/site", data=form(name="Forged"))
    assert response.status_code == 400
    assert site.current().name == "blog"


def test_settings_survive_a_new_app_on_the_same_database(make_app, set_site):
    set_site(name="Kept", about="Still **here**.")
    later = make_app()
    with later.app_context():
        kept = site.current()
    assert kept.name == "Kept" and "<strong>here</strong>" in kept.about_html


def test_emails_carry_the_site_name(set_site, auth, deliver):
    set_site(name="Makers")
    auth.register()
    [message] = deliver()
    assert "Welcome to Makers!" in message.get_body(("plain",)).get_content()


def test_pages_read_the_settings_from_the_app_not_the_database(client, set_site):
    set_site(name="Cached")
    client.get("/")
    with count_queries() as queries:
        assert "Cached" in page(client.get("/"))
    assert not [q for q in queries if "site_settings" in q]


def test_an_empty_about_page_hides_its_link_again(client, set_site):
    set_site(about="Hello")
    assert client.get("/about").status_code == 200
    set_site(about="")
    assert client.get("/about").status_code == 404
    assert 'href="/about"' not in page(client.get("/"))


def test_hostile_values_on_the_settings_page_never_fail(make_client, staff):
    from test_form_fuzz import HOSTILE_VALUES

    admin = logged_in(make_client, "root")
    for value in HOSTILE_VALUES:
        data = {name: value for name in SITE_DEFAULTS}
        assert admin.submit("/admin/site", data).status_code in (302, 422)
        assert admin.submit("/admin/site", form(name="Ok", about=value,
                                               conduct=value)).status_code in (302, 422)
    assert admin.get("/").status_code == 200


def test_kept_visitor_pages_show_a_new_name_at_once(client, set_site):
    assert "Fresh" not in page(client.get("/"))
    kept = client.get("/")
    assert kept.headers.get("X-Page-Cache") == "hit" and "Fresh" not in page(kept)
    set_site(name="Fresh")
    assert "Fresh</a>" in page(client.get("/"))
