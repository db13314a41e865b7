"""Foreign visits through the test client: members, reception plan, record deadline, contact history."""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.deadlines import deadlines_due
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.outcomes.models import report_year_of
from crm.reports.summary import store_summary
from crm.visits.models import Visit, VisitMember, VisitStatus


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


def test_visits_count_as_delegations_received_by_partner_and_country_once_held(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": auth.csrf(f"/visits/{visit_id}"), "name": "A"})
    from crm.visits.queries import delegations_by_year

    assert _set_status(app, client, auth, visit_id, "planned").status_code == 303  # entered after the fact: held
    with app.app_context():
        assert delegations_by_year(2026, 2026) == []  # planned: not received yet
    assert _set_status(app, client, auth, visit_id, "held").status_code == 303
    with app.app_context():
        assert delegations_by_year(2026, 2026) == [(2026, partners[0], "JP", 1, 1)]


@pytest.mark.parametrize("path", ["/visits", "/visits/new", "/visits?year=2026&q=x"])
def test_the_visit_pages_answer(client, auth, path):
    auth.login()
    assert client.get(path).status_code == 200


# --- The visit's status: planned, held or cancelled ----------------------------------------------


def _version(app, visit_id: int) -> int:
    with app.app_context():
        return db.session.get(Visit, visit_id).version


def _set_status(app, client, auth, visit_id: int, status: str, confirmed: bool = True, **extra):
    data = {"csrf_token": auth.csrf(f"/visits/{visit_id}"), "version": _version(app, visit_id), "status": status, **extra}
    return client.post(f"/visits/{visit_id}/status", data=data | ({"confirmed": "1"} if confirmed else {}))


def _status(app, visit_id: int) -> tuple:
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        return visit.status, visit.cancel_reason


def _received(client, year: int) -> dict[str, int]:
    """The report's totals of delegations and people received in `year`."""
    page = client.get(f"/reports?year_from={year}&year_to={year}&exact=y").text
    totals = dict(re.findall(r'<tr data-category="(\w+)">.*?app-total"><strong><a [^>]+>(\d+)</a>', page, re.S))
    return {category: int(totals[category]) for category in ("delegations_received", "delegates_received") if category in totals}


def _summary_is_current(app) -> bool:
    with app.app_context():
        current = store_summary() == 0
        db.session.rollback()
    return current


def test_a_visit_counts_in_the_report_once_held_and_no_longer_once_cancelled(app, client, auth, partners):
    auth.login()
    arrived = office_today() - timedelta(days=10)
    visit_id = _visit(client, auth, partners[:1], arrive_on=arrived.isoformat(), leave_on=office_today().isoformat())  # not over yet
    token = auth.csrf(f"/visits/{visit_id}")
    for name in ("Prof. Tanaka Hiroshi", "Dr. Sato Yuki"):
        client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": token, "name": name, "nationality": "JP"})
    year = report_year_of(arrived)
    assert _status(app, visit_id) == (VisitStatus.PLANNED, None)
    assert _received(client, year) == {} and _summary_is_current(app)

    assert _set_status(app, client, auth, visit_id, "held").headers["Location"] == f"/visits/{visit_id}"
    assert _received(client, year) == {"delegations_received": 1, "delegates_received": 2} and _summary_is_current(app)

    asked = _set_status(app, client, auth, visit_id, "cancelled", confirmed=False, cancel_reason="Flights cancelled")
    assert asked.status_code == 200 and "Keep the visit" in asked.text  # asked first: nothing changed
    assert _status(app, visit_id) == (VisitStatus.HELD, None)
    carried = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', asked.text))
    assert carried["status"] == "cancelled" and carried["cancel_reason"] == "Flights cancelled" and carried["confirmed"] == "1"
    response = client.post(f"/visits/{visit_id}/status", data=carried | {"csrf_token": token})
    assert response.status_code == 303
    assert _status(app, visit_id) == (VisitStatus.CANCELLED, "Flights cancelled")
    assert _received(client, year) == {} and _summary_is_current(app)
    page = client.get(f"/visits/{visit_id}").text
    assert "Flights cancelled" in page and "No record is due: the visit was cancelled." in page

    assert _set_status(app, client, auth, visit_id, "planned").status_code == 303
    assert _status(app, visit_id) == (VisitStatus.PLANNED, None)
    with app.app_context():
        changes = db.session.execute(select(AuditEntry.old, AuditEntry.new).where(
            AuditEntry.record_type == "visit", AuditEntry.record_id == visit_id, AuditEntry.field == "status").order_by(AuditEntry.id)).all()
    assert [tuple(change) for change in changes][1:] == [("planned", "held"), ("held", "cancelled"), ("cancelled", "planned")]


def test_a_visit_cannot_be_marked_held_before_it_begins(app, client, auth, partners):
    auth.login()
    coming = office_today() + timedelta(days=20)
    visit_id = _visit(client, auth, partners[:1], arrive_on=coming.isoformat(), leave_on=coming.isoformat())
    assert "Mark as held" not in client.get(f"/visits/{visit_id}").text
    response = _set_status(app, client, auth, visit_id, "held")
    assert response.status_code == 422 and "once it has begun" in response.text
    assert _set_status(app, client, auth, visit_id, "finished").status_code == 422
    assert _status(app, visit_id) == (VisitStatus.PLANNED, None)


def test_the_status_action_refuses_a_viewer_and_a_stale_page(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1], arrive_on=office_today().isoformat(), leave_on=office_today().isoformat())
    stale = _version(app, visit_id)
    client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": auth.csrf(f"/visits/{visit_id}"), "name": "A"})
    with app.app_context():  # someone else's change
        db.session.get(Visit, visit_id).gifts_given = "Tea"
        db.session.commit()
    response = client.post(f"/visits/{visit_id}/status", data={
        "csrf_token": auth.csrf(f"/visits/{visit_id}"), "version": stale, "status": "held"})
    assert response.status_code == 409
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    page = client.get(f"/visits/{visit_id}").text
    assert "Mark as held" not in page and "Cancel the visit" not in page
    assert _set_status(app, client, auth, visit_id, "held").status_code == 403
    assert _status(app, visit_id) == (VisitStatus.PLANNED, None)


def test_the_status_action_with_htmx_follows_the_same_redirect(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    response = client.post(f"/visits/{visit_id}/status", headers={"HX-Request": "true"}, data={
        "csrf_token": auth.csrf(f"/visits/{visit_id}"), "version": _version(app, visit_id), "status": "cancelled", "confirmed": "1"})
    assert response.status_code == 303 and _status(app, visit_id) == (VisitStatus.CANCELLED, None)
    page = client.get(f"/visits/{visit_id}").text
    assert 'hx-confirm' not in page.split('id="visit-status"')[1].split("</section>")[0]  # nothing left to confirm
    assert "Back to planned" in page


def test_deadlines_ask_to_mark_a_past_planned_visit_and_stop_for_a_cancelled_one(app, client, auth, partners):
    auth.login()
    today = office_today()
    left = today - timedelta(days=3)
    visit_id = _visit(client, auth, partners[:1], arrive_on=(left - timedelta(days=1)).isoformat(), leave_on=left.isoformat())
    _set_status(app, client, auth, visit_id, "planned")  # entered after the fact it was held: not so, after all
    coming_id = _visit(client, auth, partners[1:], arrive_on=(today + timedelta(days=5)).isoformat(),
                       leave_on=(today + timedelta(days=6)).isoformat())

    def due() -> dict:
        with app.app_context():
            return {d.uid: d for d in deadlines_due({auth.user.id}, today, today + timedelta(days=60))}

    found = due()
    assert found[f"visit-{visit_id}-status"].due_on == left and found[f"visit-{visit_id}-status"].is_overdue(today)
    assert f"visit-{coming_id}-status" not in found  # not before its last day has come
    assert {f"visit-{visit_id}-record", f"visit-{coming_id}-record"} <= found.keys()
    assert "mark it as held or cancelled" in client.get(f"/visits/{visit_id}").text
    assert "to mark held or cancelled" in client.get("/visits").text

    _set_status(app, client, auth, visit_id, "held")
    _set_status(app, client, auth, coming_id, "cancelled")
    found = due()
    assert f"visit-{visit_id}-status" not in found and f"visit-{visit_id}-record" in found
    assert not {uid for uid in found if uid.startswith(f"visit-{coming_id}-")}


def test_the_list_shows_and_filters_the_status(app, client, auth, partners):
    auth.login()
    held_id = _visit(client, auth, partners[:1], title="Held delegation")
    coming = (office_today() + timedelta(days=7)).isoformat()
    _visit(client, auth, partners[1:], title="Planned delegation", arrive_on=coming, leave_on=coming)
    _set_status(app, client, auth, held_id, "held")
    page = client.get("/visits").text
    assert 'app-visit-held">Held<' in page and 'app-visit-planned">Planned<' in page
    held = client.get("/visits?status=held").text
    assert "Held delegation" in held and "Planned delegation" not in held
    assert client.get("/visits?status=nonsense").status_code == 422


def test_a_cancelled_visit_does_not_go_into_the_contact_history(app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    _set_status(app, client, auth, visit_id, "cancelled")
    assert "Add to each partner&#39;s contact history" not in client.get(f"/visits/{visit_id}").text
    response = client.post(f"/visits/{visit_id}/log", data={"csrf_token": auth.csrf(f"/visits/{visit_id}"), "version": _version(app, visit_id)})
    assert response.status_code == 409


def test_a_held_visit_cannot_be_moved_into_the_future_and_the_partner_page_says_which_visits_are_not_held(
        app, client, auth, partners):
    auth.login()
    visit_id = _visit(client, auth, partners[:1])
    _set_status(app, client, auth, visit_id, "held")
    coming = (office_today() + timedelta(days=7)).isoformat()
    response = client.post(f"/visits/{visit_id}/edit", data={
        "csrf_token": auth.csrf(f"/visits/{visit_id}/edit"), "version": _version(app, visit_id), "title": "Moved",
        "partners": [str(partners[0])], "arrive_on": coming, "leave_on": coming, "purpose_kind": "exchange",
        "reception_level": "office", "host_id": ""})
    assert response.status_code == 422 and "put it back to planned first" in response.text
    with app.app_context():
        assert db.session.get(Visit, visit_id).title == "Hiroshima University delegation"
    _visit(client, auth, partners[:1], title="Next delegation", arrive_on=coming, leave_on=coming)
    work = client.get(f"/partners/{partners[0]}/work").text
    assert 'app-visit-planned">Planned<' in work and 'app-visit-held"' not in work  # a held visit needs no badge


# --- A visit entered after the fact -----------------------------------------------------------------


def test_a_visit_entered_after_its_dates_is_saved_as_held_and_counts_at_once(app, client, auth, partners):
    auth.login()
    today = office_today()
    past = _visit(client, auth, partners[:1], title="Past delegation", arrive_on=(today - timedelta(days=3)).isoformat(),
                  leave_on=(today - timedelta(days=1)).isoformat())
    assert "saved as held, as its dates are past" in client.get(f"/visits/{past}").text  # the flash says why
    ongoing = _visit(client, auth, partners[1:], title="Ongoing delegation", arrive_on=(today - timedelta(days=1)).isoformat(),
                     leave_on=today.isoformat())
    coming = _visit(client, auth, partners[1:], title="Coming delegation", arrive_on=(today + timedelta(days=1)).isoformat(),
                    leave_on=(today + timedelta(days=2)).isoformat())
    assert [_status(app, v)[0] for v in (past, ongoing, coming)] == [VisitStatus.HELD, VisitStatus.PLANNED, VisitStatus.PLANNED]
    client.post(f"/visits/{past}/visitors", data={"csrf_token": auth.csrf(f"/visits/{past}"), "name": "A", "nationality": "JP"})
    year = report_year_of(today - timedelta(days=3))
    assert _received(client, year) == {"delegations_received": 1, "delegates_received": 1} and _summary_is_current(app)
    with app.app_context():
        deadlines = {d.uid for d in deadlines_due({auth.user.id}, today - timedelta(days=30), today + timedelta(days=60))}
    assert f"visit-{past}-status" not in deadlines and f"visit-{past}-record" in deadlines  # nothing to mark; the record is owed
    page = client.get(f"/visits/{past}").text
    assert "Held: it counts as a delegation received." in page and "Back to planned" in page  # a mistake is one click away


def test_editing_a_planned_visit_into_the_past_leaves_its_status_to_the_office(app, client, auth, partners):
    auth.login()
    coming = (office_today() + timedelta(days=7)).isoformat()
    visit_id = _visit(client, auth, partners[:1], arrive_on=coming, leave_on=coming)
    past = (office_today() - timedelta(days=7)).isoformat()
    response = client.post(f"/visits/{visit_id}/edit", data={
        "csrf_token": auth.csrf(f"/visits/{visit_id}/edit"), "version": _version(app, visit_id), "title": "Moved",
        "partners": [str(partners[0])], "arrive_on": past, "leave_on": past, "purpose_kind": "exchange",
        "reception_level": "office", "host_id": ""})
    assert response.status_code == 303
    assert _status(app, visit_id) == (VisitStatus.PLANNED, None)  # held or cancelled: the page asks (status deadline)
    assert "mark it as held or cancelled" in client.get(f"/visits/{visit_id}").text
