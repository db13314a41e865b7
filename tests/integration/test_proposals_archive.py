"""Archiving a proposal from its page, the administrators' list of archived proposals, and
the proposals of archived partners being out of sight."""
from datetime import datetime, timedelta

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.proposals.models import Proposal

LIST = "/proposals?view=list&archived=1"


def _logout(client, auth):
    client.post("/logout", data={"csrf_token": auth.csrf()})


def test_staff_archives_a_proposal_after_a_confirmation_page(app, client, auth, factory):
    proposal_id = factory.proposal(factory.partner(), title="Robotics summer school")
    auth.login()
    assert "Archive…" in client.get(f"/proposals/{proposal_id}").text
    confirm = client.get(f"/proposals/{proposal_id}/archive")
    assert confirm.status_code == 200 and "Archive this proposal" in confirm.text
    response = client.post(f"/proposals/{proposal_id}/archive", data={"csrf_token": auth.csrf(), "version": "1"})
    assert response.status_code == 303
    assert client.get(f"/proposals/{proposal_id}").status_code == 404
    assert "Robotics summer school" not in client.get("/proposals").text
    assert "Robotics summer school" not in client.get("/proposals?view=list").text
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).is_archived


def test_a_viewer_cannot_archive_a_proposal_and_nothing_changes(app, client, auth, factory):
    proposal_id = factory.proposal(factory.partner())
    auth.login(Role.VIEWER)
    assert "Archive…" not in client.get(f"/proposals/{proposal_id}").text
    response = client.post(f"/proposals/{proposal_id}/archive", data={"csrf_token": auth.csrf(), "version": "1"})
    assert response.status_code == 403
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert not proposal.is_archived and proposal.version == 1


def test_archiving_a_stale_proposal_answers_409_and_archives_nothing(app, client, auth, factory):
    proposal_id = factory.proposal(factory.partner())
    with app.app_context():
        db.session.get(Proposal, proposal_id).next_step = "Changed meanwhile"
        db.session.commit()
    auth.login()
    response = client.post(f"/proposals/{proposal_id}/archive", data={"csrf_token": auth.csrf(), "version": "1"})
    assert response.status_code == 409
    with app.app_context():
        assert not db.session.get(Proposal, proposal_id).is_archived


def test_only_an_admin_sees_the_archived_proposals_and_restores_one(app, client, auth, factory):
    partner = factory.partner()
    archived = factory.proposal(partner, title="Old robotics school", archived_at=datetime(2026, 1, 1))
    factory.proposal(partner, title="Live nursing exchange")
    auth.login()
    assert "Archived proposals" not in client.get("/proposals").text
    assert client.get(LIST).status_code == 403
    assert client.get("/proposals?archived=1").status_code == 403
    restore = client.post(f"/proposals/{archived}/restore", data={"csrf_token": auth.csrf(), "version": "1"})
    assert restore.status_code == 403
    with app.app_context():
        assert db.session.get(Proposal, archived).is_archived

    _logout(client, auth)
    auth.login(Role.ADMIN)
    assert "Archived proposals" in client.get("/proposals").text
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert "Old robotics school" in listing.text and "Live nursing exchange" not in listing.text
    assert f'action="/proposals/{archived}/restore"' in listing.text
    # The archived proposals are a list, even when the board is asked for.
    assert "Old robotics school" in client.get("/proposals?archived=1").text
    token = auth.csrf()
    assert client.post(f"/proposals/{archived}/restore", data={"csrf_token": token, "version": "0"}).status_code == 409
    response = client.post(f"/proposals/{archived}/restore", data={"csrf_token": token, "version": "1"})
    assert response.status_code == 303
    assert client.get(f"/proposals/{archived}").status_code == 200
    assert client.post(f"/proposals/{archived}/restore", data={"csrf_token": token, "version": "2"}).status_code == 404


def test_proposals_of_archived_partners_leave_the_board_the_list_and_the_home_card(client, auth, factory):
    overdue = office_today() - timedelta(days=3)
    gone = factory.partner(name="Gone Institute", country="NZ", archived_at=datetime(2026, 1, 1))
    live = factory.partner(name="Live Institute", country="DE")
    me = auth.login()  # the home page lists the user's own proposals that need action
    factory.proposal(gone, title="Ghost proposal", next_step="Call", next_step_on=overdue, owner_id=me.id)
    factory.proposal(live, title="Living proposal", next_step="Call", next_step_on=overdue, owner_id=me.id)
    for url in ("/proposals", "/proposals?view=list", "/"):
        page = client.get(url).text
        assert "Living proposal" in page, url
        assert "Ghost proposal" not in page, url
    assert "Gone Institute" not in client.get("/proposals").text  # nor its country among the filter's
    assert "New Zealand" not in client.get("/proposals").text
