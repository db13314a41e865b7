"""The child rows of a trip (members, stops) and of a visit (visitors, reception plan): each
removed with its confirmation token, back to its section; one leader or head at a time; no
removal by a viewer or on an archived record."""
import pytest
from sqlalchemy import select

from crm.auth.models import Role
from crm.extensions import db
from crm.trips.models import Trip, TripLeg, TripMember
from crm.visits.models import ScheduleItem, Visit, VisitMember


@pytest.fixture
def staff(auth):
    return auth.login()


@pytest.fixture
def trip_id(client, auth, factory, staff):
    partner = factory.partner(name="Berufliche Schule Kiel", short_name="BSK", country="DE")
    response = client.post("/trips/new", data={
        "csrf_token": auth.csrf("/trips/new"), "title": "Delegation to BSK", "year": "2026", "country": "DE",
        "partners": str(partner), "purpose_kind": "exchange", "depart_on": "2026-09-21", "return_on": "2026-09-30",
        "owner_id": str(auth.user.id),
    })
    trip_id = int(response.headers["Location"].rsplit("/", 1)[1])
    token = auth.csrf(f"/trips/{trip_id}")
    for name in ("Wang Fang", "Li Ming"):
        assert client.post(f"/trips/{trip_id}/members", data={"csrf_token": token, "name": name, "is_leader": "y"}).status_code == 303
    assert client.post(f"/trips/{trip_id}/legs", data={
        "csrf_token": token, "country": "DE", "city": "Kiel", "arrive_on": "2026-09-22", "leave_on": "2026-09-24",
    }).status_code == 303
    return trip_id


@pytest.fixture
def visit_id(client, auth, factory, staff):
    partner = factory.partner(name="Hiroshima University", country="JP")
    response = client.post("/visits/new", data={
        "csrf_token": auth.csrf("/visits/new"), "title": "Hiroshima University delegation", "partners": [str(partner)],
        "arrive_on": "2026-09-28", "leave_on": "2026-09-30", "purpose_kind": "negotiation", "reception_level": "college",
        "host_id": str(auth.user.id),
    })
    visit_id = int(response.headers["Location"].rsplit("/", 1)[1])
    token = auth.csrf(f"/visits/{visit_id}")
    for name in ("Prof. Tanaka Hiroshi", "Dr. Sato Yuki"):
        assert client.post(f"/visits/{visit_id}/visitors", data={"csrf_token": token, "name": name, "is_head": "y"}).status_code == 303
    assert client.post(f"/visits/{visit_id}/schedule", data={
        "csrf_token": token, "day": "2026-09-28", "kind": "meeting", "what": "Talks with the president",
    }).status_code == 303
    return visit_id


def _ids(app, model, **where):
    with app.app_context():
        return db.session.scalars(select(model.id).filter_by(**where).order_by(model.id)).all()


def test_the_last_member_marked_leader_is_the_trip_s_only_leader(app, trip_id):
    with app.app_context():
        leaders = {m.name: m.is_leader for m in db.session.get(Trip, trip_id).members}
    assert leaders == {"Wang Fang": False, "Li Ming": True}


def test_the_last_visitor_marked_head_is_the_visit_s_only_head(app, visit_id):
    with app.app_context():
        heads = {m.name: m.is_head for m in db.session.get(Visit, visit_id).members}
    assert heads == {"Prof. Tanaka Hiroshi": False, "Dr. Sato Yuki": True}


@pytest.mark.parametrize("parent, path, model, anchor", [
    ("trip", "/trips/members/{id}/remove", TripMember, "members"),
    ("trip", "/trips/legs/{id}/remove", TripLeg, "itinerary"),
    ("visit", "/visits/visitors/{id}/remove", VisitMember, "visitors"),
    ("visit", "/visits/schedule/{id}/remove", ScheduleItem, "reception-plan"),
])
def test_staff_confirm_then_remove_a_row_and_land_on_its_section(app, client, auth, request, parent, path, model, anchor):
    parent_id = request.getfixturevalue(f"{parent}_id")
    row = _ids(app, model, **{f"{parent}_id": parent_id})[0]
    token = auth.csrf(f"/{parent}s/{parent_id}")
    asked = client.post(path.format(id=row), data={"csrf_token": token})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in page and f'href="/{parent}s/{parent_id}#{anchor}"' in page
    with app.app_context():
        title = db.session.get(Trip if parent == "trip" else Visit, parent_id).title
    assert title in page  # the question names the trip or visit it changes
    assert row in _ids(app, model, **{f"{parent}_id": parent_id})
    response = client.post(path.format(id=row), data={"csrf_token": token, "confirmed": "1"})
    assert response.status_code == 303 and response.headers["Location"] == f"/{parent}s/{parent_id}#{anchor}"
    assert row not in _ids(app, model, **{f"{parent}_id": parent_id})


def test_a_viewer_cannot_remove_and_the_row_stays(app, client, auth, trip_id, visit_id):
    member, item = _ids(app, TripMember, trip_id=trip_id)[0], _ids(app, ScheduleItem, visit_id=visit_id)[0]
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    token = auth.csrf(f"/trips/{trip_id}")
    assert client.post(f"/trips/members/{member}/remove", data={"csrf_token": token, "confirmed": "1"}).status_code == 403
    assert client.post(f"/visits/schedule/{item}/remove", data={"csrf_token": token, "confirmed": "1"}).status_code == 403
    assert member in _ids(app, TripMember, trip_id=trip_id) and item in _ids(app, ScheduleItem, visit_id=visit_id)


def test_rows_of_an_archived_trip_or_visit_are_404(app, client, auth, trip_id, visit_id):
    leg, visitor = _ids(app, TripLeg, trip_id=trip_id)[0], _ids(app, VisitMember, visit_id=visit_id)[0]
    with app.app_context():
        db.session.get(Trip, trip_id).archive()
        db.session.get(Visit, visit_id).archive()
        db.session.commit()
    token = auth.csrf("/trips")
    assert client.post(f"/trips/legs/{leg}/remove", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/visits/visitors/{visitor}/remove", data={"csrf_token": token}).status_code == 404
    assert client.post("/trips/members/999999/remove", data={"csrf_token": token}).status_code == 404
    assert leg in _ids(app, TripLeg, trip_id=trip_id) and visitor in _ids(app, VisitMember, visit_id=visit_id)
