"""Archiving an agreement from its page, and the administrators' list of archived agreements."""
from datetime import datetime

from crm.agreements.models import Agreement
from crm.auth.models import Role
from crm.extensions import db


def _logout(client, auth):
    client.post("/logout", data={"csrf_token": auth.csrf()})


def test_staff_archives_an_agreement_after_a_confirmation_page(app, client, auth, factory):
    agreement_id = factory.agreement([factory.partner()], title="Welding exchange")
    auth.login()
    assert "Archive…" in client.get(f"/agreements/{agreement_id}").text
    confirm = client.get(f"/agreements/{agreement_id}/archive")
    assert confirm.status_code == 200 and "Archive this agreement" in confirm.text
    response = client.post(f"/agreements/{agreement_id}/archive", data={"csrf_token": auth.csrf(), "version": "1"})
    assert response.status_code == 303
    assert client.get(f"/agreements/{agreement_id}").status_code == 404
    assert "Welding exchange" not in client.get("/agreements").text
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).is_archived


def test_a_viewer_cannot_archive_an_agreement_and_nothing_changes(app, client, auth, factory):
    agreement_id = factory.agreement([factory.partner()])
    auth.login(Role.VIEWER)
    assert "Archive…" not in client.get(f"/agreements/{agreement_id}").text
    assert client.get(f"/agreements/{agreement_id}/archive").status_code == 403
    response = client.post(f"/agreements/{agreement_id}/archive", data={"csrf_token": auth.csrf(), "version": "1"})
    assert response.status_code == 403
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert not agreement.is_archived and agreement.version == 1


def test_archiving_a_stale_agreement_answers_409_and_archives_nothing(app, client, auth, factory):
    agreement_id = factory.agreement([factory.partner()])
    with app.app_context():
        db.session.get(Agreement, agreement_id).notes = "Changed meanwhile"
        db.session.commit()
    auth.login()
    response = client.post(f"/agreements/{agreement_id}/archive", data={"csrf_token": auth.csrf(), "version": "1"})
    assert response.status_code == 409
    with app.app_context():
        assert not db.session.get(Agreement, agreement_id).is_archived


def test_only_an_admin_sees_the_archived_agreements_and_restores_one(app, client, auth, factory):
    partner = factory.partner()
    archived = factory.agreement([partner], title="Old welding exchange", archived_at=datetime(2026, 1, 1))
    factory.agreement([partner], title="Live nursing exchange")
    auth.login()
    assert "Archived agreements" not in client.get("/agreements").text
    assert client.get("/agreements?archived=1").status_code == 403
    assert client.get("/agreements/export.csv?archived=1").status_code == 403
    restore = client.post(f"/agreements/{archived}/restore", data={"csrf_token": auth.csrf(), "version": "1"})
    assert restore.status_code == 403
    with app.app_context():
        assert db.session.get(Agreement, archived).is_archived

    _logout(client, auth)
    auth.login(Role.ADMIN)
    assert "Archived agreements" in client.get("/agreements").text
    listing = client.get("/agreements?archived=1")
    assert listing.status_code == 200
    assert "Old welding exchange" in listing.text and "Live nursing exchange" not in listing.text
    assert f'action="/agreements/{archived}/restore"' in listing.text
    fragment = client.get("/agreements?archived=1", headers={"HX-Request": "true", "HX-Target": "agreement-results"})
    assert "Old welding exchange" in fragment.text and "<html" not in fragment.text
    token = auth.csrf()
    assert client.post(f"/agreements/{archived}/restore", data={"csrf_token": token, "version": "0"}).status_code == 409
    response = client.post(f"/agreements/{archived}/restore", data={"csrf_token": token, "version": "1"})
    assert response.status_code == 303
    assert client.get(f"/agreements/{archived}").status_code == 200
    assert client.post(f"/agreements/{archived}/restore", data={"csrf_token": token, "version": "2"}).status_code == 404
