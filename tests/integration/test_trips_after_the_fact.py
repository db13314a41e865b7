"""Trips entered after the fact: a trip whose return is before today is recorded as made in one go
(returned or closed), counts as a delegation sent in the statistics and the yearly report, and its
history says it was recorded after the fact; as a past visit is saved held."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.deadlines import deadlines_due
from crm.extensions import db
from crm.outcomes.models import report_year_of
from crm.reports.summary import store_summary
from crm.trips.models import Trip, TripStatus
from crm.visits.models import Visit, VisitStatus

TODAY = office_today()
LAST_SPRING = TODAY - timedelta(days=200)


@pytest.fixture
def partner_id(factory):
    return factory.partner(name="Holmesglen Institute", country="AU")


def _new_trip(client, auth, partner_id, expect=303, **changes):
    data = {
        "csrf_token": auth.csrf("/trips/new"), "title": "Teacher training at Holmesglen", "year": str(LAST_SPRING.year),
        "country": "AU", "partners": str(partner_id), "purpose_kind": "training",
        "depart_on": LAST_SPRING.isoformat(), "return_on": (LAST_SPRING + timedelta(days=13)).isoformat(),
        "owner_id": str(auth.user.id),
    } | changes
    response = client.post("/trips/new", data=data)
    assert response.status_code == expect, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1]) if expect == 303 else response


def _add_members(client, auth, trip_id, *names):
    token = auth.csrf(f"/trips/{trip_id}")
    for name in names:
        assert client.post(f"/trips/{trip_id}/members", data={"csrf_token": token, "name": name}).status_code == 303


def _trip(app, trip_id) -> Trip:
    with app.app_context():
        trip = db.session.get(Trip, trip_id)
        db.session.expunge(trip)
        return trip


def _after_the_fact_lines(app, record_type: str, record_id: int) -> list:
    with app.app_context():
        return db.session.execute(select(AuditEntry.user_id, AuditEntry.new).where(
            AuditEntry.record_type == record_type, AuditEntry.record_id == record_id,
            AuditEntry.field == "recorded_after_the_fact")).all()


def _sent(client, year: int) -> dict[str, int]:
    """The yearly report's totals of delegations and people sent in `year`."""
    page = client.get(f"/reports?year_from={year}&year_to={year}&exact=y").text
    totals = dict(re.findall(r'<tr data-category="(\w+)">.*?app-total"><strong><a [^>]+>(\d+)</a>', page, re.S))
    return {category: int(totals[category]) for category in ("delegations_sent", "delegates_sent") if category in totals}


def test_a_past_trip_entered_on_the_form_is_saved_made_and_counts_in_the_report_and_the_statistics(app, client, auth, partner_id):
    user = auth.login()
    year = report_year_of(LAST_SPRING)
    assert _sent(client, year) == {}
    trip_id = _new_trip(client, auth, partner_id, approval_number="渝外办〔2026〕7号")
    _add_members(client, auth, trip_id, "Wang Fang", "Li Ming")

    trip = _trip(app, trip_id)
    assert trip.status == TripStatus.RETURNED and trip.approval_number == "渝外办〔2026〕7号"
    # the step dates nobody typed stay empty: not faked as today
    assert (trip.approved_on, trip.approver, trip.notice_posted_on, trip.passports_returned_on, trip.reported_on) == (None,) * 5
    assert _after_the_fact_lines(app, "trip", trip_id) == [(user.id, "True")]
    page = client.get(f"/trips/{trip_id}").text
    assert "Recorded after the fact" in page and "渝外办〔2026〕7号" in page and " by  on " not in page

    assert _sent(client, year) == {"delegations_sent": 1, "delegates_sent": 2}
    with app.app_context():
        assert store_summary() == 0  # the kept tallies already counted it
        db.session.rollback()
    statistics = client.get(f"/trips/statistics?first={LAST_SPRING.year}&last={LAST_SPRING.year}").text
    assert "Holmesglen Institute" in statistics


def test_a_trip_recorded_closed_owes_no_deadline_and_shows_none_overdue(app, client, auth, partner_id):
    auth.login()
    trip_id = _new_trip(client, auth, partner_id, made_status="closed")
    assert _trip(app, trip_id).status == TripStatus.CLOSED
    page = client.get(f"/trips/{trip_id}").text
    assert "not recorded" in page and "app-badge-overdue" not in page
    with app.app_context():
        assert not [d for d in deadlines_due(None, LAST_SPRING, TODAY + timedelta(days=60)) if d.uid.startswith(f"trip-{trip_id}-")]


def test_a_trip_recorded_returned_still_owes_its_passports_and_report(app, client, auth, partner_id):
    auth.login()
    trip_id = _new_trip(client, auth, partner_id)
    with app.app_context():
        owed = {d.uid for d in deadlines_due(None, LAST_SPRING, TODAY + timedelta(days=60))}
    assert {f"trip-{trip_id}-passports", f"trip-{trip_id}-report"} <= owed


def test_a_past_trip_may_still_be_walked_through_the_steps(app, client, auth, partner_id):
    auth.login()
    trip_id = _new_trip(client, auth, partner_id, made_status="planned")
    assert _trip(app, trip_id).status == TripStatus.PLANNED
    assert _after_the_fact_lines(app, "trip", trip_id) == []


def test_a_coming_trip_is_saved_planned_and_refuses_an_approval_number(app, client, auth, partner_id):
    auth.login()
    coming = TODAY + timedelta(days=30)
    dates = {"depart_on": coming.isoformat(), "return_on": (coming + timedelta(days=5)).isoformat(), "year": str(coming.year)}
    refused = _new_trip(client, auth, partner_id, expect=422, approval_number="12", **dates)
    assert "record its approval number at the approval step" in refused.text
    trip_id = _new_trip(client, auth, partner_id, **dates)
    assert _trip(app, trip_id).status == TripStatus.PLANNED
    assert "Record as made" not in client.get(f"/trips/{trip_id}").text
    version = _trip(app, trip_id).version
    response = client.post(f"/trips/{trip_id}/made", data={"csrf_token": auth.csrf(f"/trips/{trip_id}"), "version": version,
                                                          "made_status": "returned"})
    assert response.status_code == 409 and _trip(app, trip_id).status == TripStatus.PLANNED


def test_a_past_trip_needs_its_departure_date(app, client, auth, partner_id):
    auth.login()
    refused = _new_trip(client, auth, partner_id, expect=422, depart_on="")
    assert "Enter the departure date of a trip already made." in refused.text


def test_a_planned_trip_whose_dates_are_past_is_recorded_made_from_its_page(app, client, auth, partner_id):
    user = auth.login()
    trip_id = _new_trip(client, auth, partner_id, made_status="planned")
    page = client.get(f"/trips/{trip_id}").text
    assert "Already made?" in page and "Record as made" in page
    version = _trip(app, trip_id).version
    data = {"csrf_token": auth.csrf(f"/trips/{trip_id}"), "version": version, "made_status": "closed", "approval_number": "12"}
    assert client.post(f"/trips/{trip_id}/made", data=data | {"made_status": "planned"}).status_code == 422
    assert client.post(f"/trips/{trip_id}/made", data=data | {"version": version + 1}).status_code == 409
    assert client.post(f"/trips/{trip_id}/made", data=data).status_code == 303
    trip = _trip(app, trip_id)
    assert (trip.status, trip.approval_number, trip.approved_on) == (TripStatus.CLOSED, "12", None)
    assert _after_the_fact_lines(app, "trip", trip_id) == [(user.id, "True")]
    assert "Record as made" not in client.get(f"/trips/{trip_id}").text


def test_a_viewer_cannot_record_a_trip_as_made(app, client, auth, partner_id):
    auth.login()
    trip_id = _new_trip(client, auth, partner_id, made_status="planned")
    version = _trip(app, trip_id).version
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    assert "Record as made" not in client.get(f"/trips/{trip_id}").text
    response = client.post(f"/trips/{trip_id}/made", data={"csrf_token": auth.csrf(f"/trips/{trip_id}"), "version": version,
                                                          "made_status": "returned"})
    assert response.status_code == 403
    assert _trip(app, trip_id).status == TripStatus.PLANNED and _trip(app, trip_id).version == version


def test_a_trip_made_cannot_be_edited_to_depart_after_today(app, client, auth, partner_id):
    auth.login()
    trip_id = _new_trip(client, auth, partner_id)
    coming = TODAY + timedelta(days=10)
    response = client.post(f"/trips/{trip_id}/edit", data={
        "csrf_token": auth.csrf(f"/trips/{trip_id}/edit"), "version": _trip(app, trip_id).version, "title": "Teacher training",
        "year": str(coming.year), "country": "AU", "partners": str(partner_id), "purpose_kind": "training",
        "depart_on": coming.isoformat(), "return_on": (coming + timedelta(days=3)).isoformat(),
    })
    assert response.status_code == 422 and "A trip already made cannot depart after today." in response.text
    assert _trip(app, trip_id).depart_on == LAST_SPRING


def test_a_past_visit_saved_held_says_so_in_its_history_as_a_trip_does(app, client, auth, factory):
    user = auth.login()
    partner = factory.partner(name="Hiroshima University", country="JP")
    response = client.post("/visits/new", data={
        "csrf_token": auth.csrf("/visits/new"), "title": "Hiroshima University delegation", "partners": [str(partner)],
        "arrive_on": LAST_SPRING.isoformat(), "leave_on": (LAST_SPRING + timedelta(days=2)).isoformat(),
        "purpose_kind": "negotiation", "reception_level": "college", "host_id": str(user.id),
    })
    assert response.status_code == 303
    visit_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(Visit, visit_id).status == VisitStatus.HELD
    assert _after_the_fact_lines(app, "visit", visit_id) == [(user.id, "True")]
    assert "Recorded after the fact" in client.get(f"/visits/{visit_id}").text
