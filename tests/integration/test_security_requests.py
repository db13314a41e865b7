"""GET never changes anything; redirects built from request data stay on this site; oversized
fields answer 422 with the field's error; logged-in pages, fragments and downloads are no-store."""
import re
from urllib.parse import urlsplit

import pytest

from crm import create_app
from crm.auth.models import Role
from tests.integration.test_security_extra_fields import rendered_form
from tests.integration.test_security_viewer_writes import _path, office, snapshot  # noqa: F401 (fixture)

OFF_SITE = ["//evil.example", "https://evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
            "/%0d%0aLocation:%20https://evil.example", " //evil.example", "http:/evil.example"]


def _get_rules():
    app = create_app({"ENV_NAME": "testing"})
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ("static", "calendar.feed"):
            yield rule.endpoint, rule.rule


GET_RULES = list(_get_rules())


def test_no_get_route_changes_anything_even_with_htmx(app, client, auth, office):
    """Every GET route of the URL map, as an admin, with real ids: the database stays as it was."""
    auth.login(Role.ADMIN)
    client.get("/")  # the first page after login may settle the session; then nothing may change
    before = snapshot(app)
    for endpoint, rule in GET_RULES:
        path = _path(rule, office, endpoint)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            assert response.status_code < 500, (path, response.status_code)
    assert snapshot(app) == before


@pytest.mark.parametrize("target", OFF_SITE)
def test_redirects_built_from_request_data_never_leave_the_site(app, client, auth, factory, target):
    user = auth.login(Role.STAFF)
    interaction = factory.interaction(factory.partner())
    follow_up = factory.follow_up(interaction_id=interaction, assignee_id=user.id)
    token = auth.csrf("/follow-ups")
    answers = [
        client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1", "next": target}),
        client.post(f"/language?next={target}", data={"csrf_token": token, "locale": "en"}),
    ]
    client.post("/logout", data={"csrf_token": token})
    answers.append(client.get(f"/login?next={target}"))
    login_form = client.get(f"/login?next={target}").text
    answers.append(client.post(f"/login?next={target}", data={
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_form).group(1),
        "email": user.email, "password": "correct horse battery staple"}))
    for response in answers:
        location = response.headers.get("Location", "")
        assert response.status_code in (200, 303), response.status_code
        assert location == "" or (location.startswith("/") and not location.startswith(("//", "/\\"))), location
        parts = urlsplit(location)
        assert not parts.scheme and not parts.netloc and "\r" not in location and "\n" not in location, location


LONG = "x" * 100_001


def test_oversized_fields_answer_422_with_the_fields_error(app, client, auth, factory):
    auth.login(Role.ADMIN)
    pid = factory.partner()
    cid = factory.contact(pid)
    aid = factory.agreement([pid])
    iid = factory.interaction(pid)
    rid = factory.proposal(pid)
    forms = [
        ("/partners/new", "/partners/new", {"name": LONG, "notes": LONG}),
        (f"/partners/{pid}/edit", f"/partners/{pid}/edit", {"name": LONG}),
        (f"/partners/{pid}/contacts/new", f"/partners/{pid}/contacts/new", {"new-contact-name": LONG}),
        (f"/partners/{pid}/contacts/{cid}/edit", f"/partners/{pid}/contacts/{cid}/edit", {f"contact-{cid}-notes": LONG}),
        ("/agreements/new", "/agreements/new", {"title": LONG}),
        (f"/agreements/{aid}/edit", f"/agreements/{aid}/edit", {"notes": LONG}),
        (f"/partners/{pid}/interactions/new", f"/partners/{pid}/interactions/new", {"subject": LONG}),
        (f"/interactions/{iid}/edit", f"/interactions/{iid}/edit", {f"edit{iid}-summary": LONG}),
        ("/proposals/new", "/proposals/new", {"title": LONG}),
        (f"/proposals/{rid}/edit", f"/proposals/{rid}/edit", {"description": LONG}),
        (f"/agreements/{aid}/terminate", f"/agreements/{aid}/terminate", {"reason": LONG}),
        ("/admin/users", "/admin/users", {"name": LONG, "email": "new@cqipc.edu.cn", "password": "a very fine passphrase"}),
    ]
    before = snapshot(app)
    for page, action, overrides in forms:
        data = rendered_form(client, page, action) | {name: [value] for name, value in overrides.items()}
        response = client.post(action, data=data)
        assert response.status_code == 422, (action, response.status_code)
        assert re.search(r"(at most|longer than|between \d+ and) [\d,]+ characters", response.text, re.I), action
    assert snapshot(app) == before


def test_logged_in_pages_fragments_and_downloads_are_not_cached_and_vary_on_htmx(client, auth, factory):
    auth.login(Role.ADMIN)
    pid = factory.partner()
    paths = [("/", {}), ("/partners", {}), ("/partners", {"HX-Request": "true", "HX-Target": "partner-results"}),
             (f"/partners/{pid}/contacts", {"HX-Request": "true", "HX-Target": "contacts"}),
             ("/partners/picker-options", {"HX-Request": "true"}), ("/partners/export.csv", {}),
             (f"/partners/{pid}/contacts/export.xlsx", {}), ("/follow-ups/overdue-count", {"HX-Request": "true",
                                                                                     "HX-Target": "overdue-count"}),
             ("/partners/999999", {"HX-Request": "true"})]
    for path, headers in paths:
        response = client.get(path, headers=headers)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "HX-Request" in response.headers["Vary"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
