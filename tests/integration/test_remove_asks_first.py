"""Removing a document asks first whatever the client: a POST without confirmed=1 answers the
confirmation page (200, nothing removed); with it the file goes (303); a viewer gets 403."""
import io

from crm.auth.models import Role
from crm.extensions import db
from crm.trips.models import Trip, TripDocument

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
