"""Trips abroad through the test client: plan, apply, approve, return, deadlines, report, close."""
import io
from datetime import date, timedelta

import pytest

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.deadlines import deadlines_due
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.trips.models import Trip, TripDocument, TripStatus

PDF = b"%PDF-1.4\n%trip report\n"


@pytest.fixture
def partner_id(factory):
    return factory.partner(name="Berufliche Schule Kiel", short_name="BSK", country="DE")


def _trip(client, auth, partner_id, **changes):
    data = {
        "csrf_token": auth.csrf("/trips/new"), "title": "Delegation to BSK", "year": "2026", "country": "DE",
        "partners": str(partner_id), "purpose_kind": "exchange", "depart_on": "2026-09-21", "return_on": "2026-09-30",
        "funding": "College budget", "owner_id": str(auth.user.id), "made_status": "planned",
    } | changes
    response = client.post("/trips/new", data=data)
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _version(app, trip_id):
    with app.app_context():
        return db.session.get(Trip, trip_id).version


def _step(client, auth, app, trip_id, step, **fields):
    data = {"csrf_token": auth.csrf(f"/trips/{trip_id}"), "version": _version(app, trip_id)} | fields
    return client.post(f"/trips/{trip_id}/{step}", data=data)


def _prepare(client, auth, trip_id, partner_id):
    token = auth.csrf(f"/trips/{trip_id}")
    assert client.post(f"/trips/{trip_id}/members", data={"csrf_token": token, "user_id": str(auth.user.id), "is_leader": "y"}).status_code == 303
    assert client.post(f"/trips/{trip_id}/members", data={"csrf_token": token, "name": "Wang Fang", "position": "Teacher"}).status_code == 303
    assert client.post(f"/trips/{trip_id}/legs", data={
        "csrf_token": token, "country": "DE", "city": "Kiel", "arrive_on": "2026-09-22", "leave_on": "2026-09-24",
        "partner_id": str(partner_id), "agenda": "Joint preparatory department",
    }).status_code == 303


def test_a_trip_goes_from_the_plan_to_closed_with_its_deadlines_in_working_days(app, client, auth, partner_id):
    auth.login()
    trip_id = _trip(client, auth, partner_id)
    assert _step(client, auth, app, trip_id, "apply").status_code == 409  # no leader, no itinerary yet
    _prepare(client, auth, trip_id, partner_id)
    assert _step(client, auth, app, trip_id, "apply").status_code == 303
    with app.app_context():
        notice = {d.uid: d.due_on for d in deadlines_due({auth.user.id}, date(2026, 9, 1), date(2026, 12, 31))}
    assert notice == {f"trip-{trip_id}-notice": date(2026, 9, 15)}  # Mon 21 Sep: Sun 20 (worked), 18, 17, 16, 15
    assert _step(client, auth, app, trip_id, "approve", approver="City Foreign Affairs Office", approval_number="").status_code == 422
    assert _step(client, auth, app, trip_id, "approve", approver="City Foreign Affairs Office", approval_number="渝外办〔2026〕12号").status_code == 303
    assert _step(client, auth, app, trip_id, "depart").status_code == 303
    # a mistyped year (next year's date) would have moved the passport and report deadlines out of sight
    next_year = (office_today() + timedelta(days=366)).isoformat()
    refused = _step(client, auth, app, trip_id, "return", return_on=next_year)
    assert refused.status_code == 422 and "cannot be in the future" in refused.text
    assert _step(client, auth, app, trip_id, "return", return_on="2026-09-30").status_code == 303
    page = client.get(f"/trips/{trip_id}").text
    # Returned Wed 30 Sep 2026: 1-7 October off, Sat 10 October worked: five working days → Tue 13 October.
    assert "13 Oct 2026" in page and "渝外办〔2026〕12号" in page
    with app.app_context():
        due = {d.uid: d.due_on for d in deadlines_due({auth.user.id}, date(2026, 10, 1), date(2026, 12, 31))}
    assert due[f"trip-{trip_id}-passports"] == date(2026, 10, 13) and due[f"trip-{trip_id}-report"] == date(2026, 10, 13)
    assert f"trip-{trip_id}-notice" not in due  # moot once the delegation has left

    token = auth.csrf(f"/trips/{trip_id}")
    response = client.post(f"/trips/{trip_id}/documents", data={"csrf_token": token, "kind": "report", "file": (io.BytesIO(PDF), "report.pdf")})
    assert response.status_code == 303
    assert _step(client, auth, app, trip_id, "close").status_code == 409  # passports not back yet
    refused = client.post(f"/trips/{trip_id}/passports", data={"csrf_token": token, "version": _version(app, trip_id), "passports_returned_on": next_year})
    assert refused.status_code == 422
    response = client.post(f"/trips/{trip_id}/passports", data={"csrf_token": token, "version": _version(app, trip_id), "passports_returned_on": "2026-10-09"})
    assert response.status_code == 303
    assert _step(client, auth, app, trip_id, "close").status_code == 303
    with app.app_context():
        trip = db.session.get(Trip, trip_id)
        assert trip.status == TripStatus.CLOSED and trip.reported_on is not None
        assert db.session.query(TripDocument).count() == 1
        assert not [d for d in deadlines_due(None, date(2026, 10, 1), date(2026, 12, 31)) if d.uid.startswith(f"trip-{trip_id}-")]


def test_a_delegation_cannot_be_marked_as_left_before_its_departure_date(app, client, auth, partner_id):
    """Pressed a week early it counted as a delegation sent and its 公示 reminder stopped."""
    auth.login()
    depart = office_today() + timedelta(days=7)
    trip_id = _trip(client, auth, partner_id, depart_on=depart.isoformat(), return_on=(depart + timedelta(days=9)).isoformat())
    token = auth.csrf(f"/trips/{trip_id}")
    client.post(f"/trips/{trip_id}/members", data={"csrf_token": token, "user_id": str(auth.user.id), "is_leader": "y"})
    client.post(f"/trips/{trip_id}/legs", data={"csrf_token": token, "country": "DE", "city": "Kiel", "partner_id": str(partner_id),
                                               "arrive_on": (depart + timedelta(days=1)).isoformat(),
                                               "leave_on": (depart + timedelta(days=3)).isoformat()})
    assert _step(client, auth, app, trip_id, "apply").status_code == 303
    assert _step(client, auth, app, trip_id, "approve", approver="FAO", approval_number="12").status_code == 303
    early = _step(client, auth, app, trip_id, "depart")
    assert early.status_code == 409 and "record its departure then" in early.text
    assert "record its departure then" in client.get(f"/trips/{trip_id}").text
    with app.app_context():
        assert db.session.get(Trip, trip_id).status == TripStatus.APPROVED


def test_a_legs_meeting_becomes_an_outgoing_visit_in_the_partners_history_once(app, client, auth, partner_id):
    auth.login()
    trip_id = _trip(client, auth, partner_id)
    _prepare(client, auth, trip_id, partner_id)
    with app.app_context():
        leg_id = db.session.get(Trip, trip_id).legs[0].id
    token = auth.csrf(f"/trips/{trip_id}")
    assert client.post(f"/trips/legs/{leg_id}/log", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/trips/legs/{leg_id}/log", data={"csrf_token": token}).status_code == 409
    with app.app_context():
        entries = db.session.query(Interaction).all()
    assert len(entries) == 1 and entries[0].kind == InteractionKind.OUTGOING_VISIT and entries[0].partner_id == partner_id
    page = client.get(f"/partners/{partner_id}").text
    assert "Delegation to BSK" in page


def test_a_trip_outside_the_plan_is_flagged_on_the_plan(client, auth, partner_id):
    auth.login()
    token = auth.csrf("/trips/new")
    response = client.post("/trips/new?outside=1", data={"csrf_token": token, "title": "Urgent trip to Kiel", "year": "2026", "country": "DE", "purpose_kind": "negotiation"})
    assert response.status_code == 303
    page = client.get("/trips/plan?year=2026").text
    assert "Urgent trip to Kiel" in page and "outside the plan" in page


def test_a_hong_kong_trip_carries_its_own_approver(app, client, auth, partner_id):
    app.config.update(TRIP_APPROVER_HMT="HMT Affairs Office", TRIP_APPROVER_ABROAD="Foreign Affairs Office")
    auth.login()
    trip_id = _trip(client, auth, partner_id, country="HK", title="Visit to Hong Kong")
    _prepare(client, auth, trip_id, partner_id)
    assert _step(client, auth, app, trip_id, "apply").status_code == 303
    page = client.get(f"/trips/{trip_id}").text
    assert "Hong Kong, Macao and Taiwan" in page and 'value="HMT Affairs Office"' in page


def test_a_viewer_cannot_create_or_move_a_trip_and_nothing_changes(app, client, auth, make_user, partner_id):
    auth.login()
    trip_id = _trip(client, auth, partner_id)
    version = _version(app, trip_id)
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    token = auth.csrf("/trips")
    assert client.post("/trips/new", data={"csrf_token": token, "title": "X", "year": "2026", "country": "DE"}).status_code == 403
    assert client.post(f"/trips/{trip_id}/apply", data={"csrf_token": token, "version": version}).status_code == 403
    assert client.get(f"/trips/{trip_id}").status_code == 200
    with app.app_context():
        assert db.session.query(Trip).count() == 1 and db.session.get(Trip, trip_id).version == version


def test_a_stale_step_answers_409(app, client, auth, partner_id):
    auth.login()
    trip_id = _trip(client, auth, partner_id)
    _prepare(client, auth, trip_id, partner_id)
    response = client.post(f"/trips/{trip_id}/apply", data={"csrf_token": auth.csrf(f"/trips/{trip_id}"), "version": _version(app, trip_id) - 1 if _version(app, trip_id) > 1 else 99})
    assert response.status_code == 409


def test_a_renamed_executable_is_refused_as_a_trip_document(app, client, auth, partner_id):
    auth.login()
    trip_id = _trip(client, auth, partner_id)
    response = client.post(f"/trips/{trip_id}/documents", data={"csrf_token": auth.csrf(f"/trips/{trip_id}"), "kind": "approval", "file": (io.BytesIO(b"MZ\x90\x00"), "pifa.pdf")})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.query(TripDocument).count() == 0


def test_delegations_by_year_counts_trips_made_per_partner_with_their_headcount(app, client, auth, partner_id):
    auth.login()
    trip_id = _trip(client, auth, partner_id)
    _prepare(client, auth, trip_id, partner_id)
    for step in ("apply", "depart"):
        if step == "depart":
            assert _step(client, auth, app, trip_id, "approve", approver="FAO", approval_number="12").status_code == 303
        assert _step(client, auth, app, trip_id, step).status_code == 303
    _trip(client, auth, partner_id, title="Only planned")
    from crm.trips.queries import delegations_by_year

    with app.app_context():
        assert delegations_by_year(2025, 2027) == [(2026, partner_id, "DE", 2, 1)]
    assert client.get("/trips/statistics?first=2026&last=2026").status_code == 200
    export = client.get("/trips/statistics.xlsx?first=2026&last=2026")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")


def test_the_delegation_statistics_excel_names_its_columns_in_chinese(app, client, auth, make_user, partner_id):
    """Its second column was titled 导入人 ("imported by": the import list's "By")."""
    from openpyxl import load_workbook

    auth.login(user=make_user(locale="zh_CN"))
    sheet = load_workbook(io.BytesIO(client.get("/trips/statistics.xlsx?first=2026&last=2026").data)).worksheets[0]
    titles = [cell.value for cell in sheet[1]]
    assert titles == ["出访或来访", "统计维度", "年份", "名称", "团组数", "人数"]


@pytest.mark.parametrize("path", ["/trips", "/trips/plan", "/trips/plan?year=2027", "/trips/statistics", "/trips/new", "/trips/new?outside=1"])
def test_the_trip_pages_answer(client, auth, path):
    auth.login()
    assert client.get(path).status_code == 200


def test_a_returned_trips_passport_and_report_deadlines_reach_its_owners_calendar_feed(app, client, auth, partner_id):
    from icalendar import Calendar

    from crm.auth.models import User

    user = auth.login()
    today = office_today()
    with app.app_context():
        trip = Trip(title="Delegation to BSK", year=today.year, country="DE", status=TripStatus.RETURNED,
                    depart_on=today - timedelta(days=12), return_on=today - timedelta(days=2), owner_id=user.id)
        db.session.add(trip)
        db.session.commit()
    client.post("/account/calendar", data={"csrf_token": auth.csrf("/account")})
    with app.app_context():
        token = db.session.get(User, user.id).calendar_token
    summaries = {str(e.get("summary")) for e in Calendar.from_ical(client.get(f"/calendar/{token}.ics").data).walk("VEVENT")}
    assert {"Passports due back: Delegation to BSK", "Trip report due: Delegation to BSK"} <= summaries
