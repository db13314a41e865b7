"""Removing a document asks first whatever the client: a POST without confirmed=1 answers the
confirmation page (200, nothing removed); with it the file goes (303); a viewer gets 403."""
import io
from datetime import date

import pytest

from crm.auth.models import Role
from crm.experts.models import Expert, ExpertDocument
from crm.extensions import db
from crm.trips.models import Trip, TripDocument
from crm.visits.models import Visit, VisitDocument

PDF = b"%PDF-1.4\n%trip report\n"


def test_a_trip_document_is_removed_only_once_confirmed(app, client, auth):
    staff = auth.login()
    with app.app_context():
        trip = Trip(title="Delegation to BSK", year=2026, country="DE")
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
    token = auth.csrf(f"/trips/{trip_id}")
    client.post(f"/trips/{trip_id}/documents", data={"csrf_token": token, "kind": "report", "file": (io.BytesIO(PDF), "report.pdf")})
    with app.app_context():
        document_id = db.session.query(TripDocument).one().id
    path = f"/trips/documents/{document_id}/remove"

    asked = client.post(path, data={"csrf_token": token})
    assert asked.status_code == 200 and "Remove report.pdf? The file is deleted." in asked.text
    assert "Delegation to BSK" in asked.text  # it names the trip the file is removed from
    assert 'name="confirmed" value="1"' in asked.text and f'href="/trips/{trip_id}#documents"' in asked.text
    with app.app_context():
        assert db.session.query(TripDocument).count() == 1

    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    assert client.post(path, data={"csrf_token": auth.csrf(f"/trips/{trip_id}"), "confirmed": "1"}).status_code == 403
    with app.app_context():
        assert db.session.query(TripDocument).count() == 1

    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(user=staff)
    removed = client.post(path, data={"csrf_token": auth.csrf(f"/trips/{trip_id}"), "confirmed": "1"})
    assert removed.status_code == 303 and removed.headers["Location"] == f"/trips/{trip_id}#documents"
    with app.app_context():
        assert db.session.query(TripDocument).count() == 0


@pytest.mark.parametrize("make, upload, document_model", [
    (lambda: Visit(title="Hiroshima University delegation", arrive_on=date(2026, 5, 11), leave_on=date(2026, 5, 13)),
     {"kind": "record"}, VisitDocument),
    (lambda: Expert(name="Anna Keller", nationality="DE"), {}, ExpertDocument),
])
def test_a_visit_or_expert_document_asks_naming_its_record_then_goes(app, client, auth, make, upload, document_model):
    auth.login()
    with app.app_context():
        record = make()
        db.session.add(record)
        db.session.commit()
        page, name = f"/{record.__tablename__}s/{record.id}", str(record)
    token = auth.csrf(page)
    uploaded = client.post(f"{page}/documents", data={"csrf_token": token, **upload, "file": (io.BytesIO(PDF), "notes.pdf")})
    assert uploaded.status_code == 303
    with app.app_context():
        document_id = db.session.query(document_model).one().id
    path = f"/{record.__tablename__}s/documents/{document_id}/remove"

    asked = client.post(path, data={"csrf_token": token})
    assert asked.status_code == 200 and "Remove notes.pdf? The file is deleted." in asked.text and name in asked.text
    removed = client.post(path, data={"csrf_token": token, "confirmed": "1"})
    assert removed.status_code == 303 and removed.headers["Location"] == f"{page}#documents"
    with app.app_context():
        assert db.session.query(document_model).count() == 0
