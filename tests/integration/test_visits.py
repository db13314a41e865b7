"""Foreign visits through the test client: members, reception plan, record deadline, contact history."""
import io
from datetime import date

import pytest

from crm.auth.models import Role
from crm.core.deadlines import deadlines_due
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.visits.models import Visit, VisitMember


@pytest.fixture
def partners(factory):
    return factory.partner(name="Hiroshima University", country="JP"), factory.partner(name="Ivy Tech Community College", country="US")


def _visit(client, auth, partner_ids, **changes):
    data = {
        "csrf_token": auth.csrf("/visits/new"), "title": "Hiroshima University delegation", "partners": [str(p) for p in partner_ids],
        "arrive_on": "2026-09-28", "leave_on": "2026-09-30", "purpose_kind": "negotiation", "reception_level": "college",
        "host_id": str(auth.user.id), "gifts_given": "Shu embroidery",
    } | changes
    response = client.post("/visits/new", data=data)
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_visit_with_visitors_and_a_reception_plan_prints_and_becomes_history_for_each_partner(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners)
    token = auth.csrf(f"/visits/{visit_id}")
    assert client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": token, "name": "Prof. Tanaka Hiroshi", "position": "Vice President", "nationality": "JP", "is_head": "y"}).status_code == 303
    assert client.post(f"/visits/{visit_id}/schedule", data={"csrf_token": token, "day": "2026-09-28", "time": "09:30", "kind": "meeting", "what": "Talks with the president", "hosts": "President Li"}).status_code == 303
    assert client.post(f"/visits/{visit_id}/schedule", data={"csrf_token": token, "day": "2026-09-28", "time": "9h", "kind": "meal", "what": "Lunch"}).status_code == 422
    sheet = client.get(f"/visits/{visit_id}/print").text
    assert "Talks with the president" in sheet and "Prof. Tanaka Hiroshi" in sheet
    with app.app_context():
        version = db.session.get(Visit, visit_id).version
    assert client.post(f"/visits/{visit_id}/log", data={"csrf_token": token, "version": version}).status_code == 303
    assert client.post(f"/visits/{visit_id}/log", data={"csrf_token": token, "version": version + 1}).status_code == 409
    with app.app_context():
        entries = db.session.query(Interaction).order_by(Interaction.partner_id).all()
        assert [(e.partner_id, e.kind) for e in entries] == [(p, InteractionKind.INCOMING_VISIT) for p in sorted(partners)]
        assert "Prof. Tanaka Hiroshi" in entries[0].summary
    page = client.get(f"/partners/{partners[0]}").text
    assert "Hiroshima University delegation" in page


def test_the_record_is_due_five_working_days_after_the_visit_across_national_day(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    with app.app_context():
        due = {d.uid: d.due_on for d in deadlines_due({auth.user.id}, date(2026, 9, 1), date(2026, 12, 31))}
    assert due[f"visit-{visit_id}-record"] == date(2026, 10, 13)  # Wed 30 Sep: 8, 9, Sat 10 (worked), 12, 13 Oct
    with app.app_context():
        version = db.session.get(Visit, visit_id).version
    response = client.post(f"/visits/{visit_id}/record", data={"csrf_token": auth.csrf(f"/visits/{visit_id}"), "version": version, "record": "Agreed on a teacher exchange.", "recorded_on": "2026-10-09"})
    assert response.status_code == 303
    with app.app_context():
        assert f"visit-{visit_id}-record" not in {d.uid for d in deadlines_due(None, date(2026, 9, 1), date(2026, 12, 31))}


def test_passport_numbers_are_kept_only_when_the_office_turns_them_on(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    token = auth.csrf(f"/visits/{visit_id}")
    client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": token, "name": "A", "passport_number": "TK1234567"})
    app.config["STORE_PASSPORT_NUMBERS"] = True
    assert 'name="passport_number"' in client.get(f"/visits/{visit_id}").text
    client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": token, "name": "B", "passport_number": "TK7654321"})
    with app.app_context():
        assert {m.name: m.passport_number for m in db.session.query(VisitMember)} == {"A": None, "B": "TK7654321"}


def test_a_viewer_cannot_add_a_visitor_and_nothing_changes(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    response = client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": auth.csrf("/visits"), "name": "X"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.query(VisitMember).count() == 0


def test_photos_upload_and_download_as_attachments(client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    response = client.post(f"/visits/{visit_id}/documents", data={"csrf_token": auth.csrf(f"/visits/{visit_id}"), "kind": "photo", "file": (io.BytesIO(png), "group.png")})
    assert response.status_code == 303
    page = client.get(f"/visits/{visit_id}").text
    link = page.split('href="/visits/documents/')[1].split('"')[0]
    download = client.get(f"/visits/documents/{link}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")


def test_visits_count_as_delegations_received_by_partner_and_country(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": auth.csrf(f"/visits/{visit_id}"), "name": "A"})
    from crm.visits.queries import delegations_by_year

    with app.app_context():
        assert delegations_by_year(2026, 2026) == [(2026, partners[0], "JP", 1, 1)]


@pytest.mark.parametrize("path", ["/visits", "/visits/new", "/visits?year=2026&q=x"])
def test_the_visit_pages_answer(client, auth, path):
    auth.login()
    assert client.get(path).status_code == 200
