"""The site's icon: every page links a small vendored SVG, and /favicon.ico (which browsers and
other clients still ask for) answers it too, without a login, instead of a 404 on every page."""
from crm.auth.models import Role


def test_every_page_links_the_icon_and_favicon_ico_answers_it_without_a_login(client, auth):
    login_page = client.get("/login").text
    icon = client.get("/favicon.ico")
    static = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and static.status_code == 200
    assert icon.mimetype == "image/svg+xml" and icon.data == static.data
    assert icon.data.startswith(b"<svg") and len(icon.data) < 1024
    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    assert link in login_page
    auth.login(Role.VIEWER)
    assert link in client.get("/").text
