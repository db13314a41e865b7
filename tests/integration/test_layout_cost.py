"""The layout costs almost nothing: no SQL of its own, and the menus' markup drawn once per
language, page and visible items (issue 16)."""
from flask import template_rendered

from crm.auth.models import Role


def _menus_rendered(app, client, paths):
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        pages = [client.get(path).text for path in paths]
    finally:
        template_rendered.disconnect(record, app)
    return rendered.count("core/_menus.html"), pages


def test_the_menus_are_drawn_once_per_page_and_language(app, client, auth):
    auth.login(Role.STAFF)
    drawn, pages = _menus_rendered(app, client, ["/partners", "/partners", "/history", "/partners"])
    assert drawn == 2  # /partners once, /history once
    assert '<a href="/partners" aria-current="page">' in pages[0] and '<a href="/history" aria-current="page">' not in pages[0]
    assert '<a href="/history" aria-current="page">' in pages[2] and '<a href="/partners" aria-current="page">' not in pages[2]
    assert _menus(pages[3]) == _menus(pages[0])  # the reused markup is the same


def _menus(page: str) -> str:
    start = page.index('<ul class="app-nav-links">')
    return page[start:page.index('<div class="app-nav-tools">', start)]


def test_an_admin_and_a_staff_member_never_share_menus(app, client, auth):
    auth.login(Role.STAFF)
    assert 'href="/admin/users"' not in client.get("/partners").text
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.ADMIN)
    assert 'href="/admin/users"' in client.get("/partners").text


def test_the_layout_asks_the_database_nothing_but_the_login(app, client, auth, count_statements):
    auth.login(Role.STAFF)
    client.get("/partners?country=DE")
    with count_statements() as counter:
        client.get("/partners?country=DE")
    assert not any("follow_up" in s.lower() for s in counter.statements)
