"""Archived records answer 404 like missing ones, on every route that names them, read or write.

The URL map is walked: every route with a partner, contact, interaction, follow-up, agreement,
document or proposal id is asked, as an admin (who may do everything), about a record that is
archived or belongs to an archived one, with GET and with a valid POST. Each answers 404 and
nothing changes. The exceptions are restoring a partner, an agreement or a proposal (the admins' archive lists).
"""
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm import create_app
from crm.agreements.models import Agreement, AgreementKind, Document
from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind
from crm.proposals.models import Proposal, ProposalStage
from tests.integration.test_security_viewer_writes import PDF, _plausible_form, snapshot

ARCHIVED_AT = datetime(2025, 6, 1)
RECORD_ARGS = {"partner_id", "contact_id", "interaction_id", "follow_up_id", "agreement_id", "document_id", "proposal_id"}
NOT_ABOUT_ONE_RECORD = {"partners.restore", "agreements.restore", "proposals.restore"}  # restoring is what an archived record is for


def _rules():
    app = create_app({"ENV_NAME": "testing"})
    for rule in app.url_map.iter_rules():
        if rule.arguments & RECORD_ARGS and rule.endpoint not in NOT_ABOUT_ONE_RECORD:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            yield pytest.param(rule.rule, methods, id=f"{rule.endpoint} {rule.rule}")


@pytest.fixture
def archived(app, make_user):
    """Records that are archived, or hang from an archived partner, agreement or proposal."""
    staff = make_user(Role.STAFF)
    with app.app_context():
        today = office_today()
        live = Partner(name="Live Partner", kind=PartnerKind.UNIVERSITY, country="DE")
        gone = Partner(name="Archived Partner", kind=PartnerKind.VOCATIONAL, country="AU", archived_at=ARCHIVED_AT)
        contact = Contact(partner=gone, name="Jane Doe")
        interaction = Interaction(partner=gone, author_id=staff.id, occurred_at=datetime(2026, 1, 5, 9),
                                  kind=InteractionKind.MEETING, subject="Visit")
        follow_up = FollowUp(title="Send the draft", interaction=interaction, assignee_id=staff.id)
        agreement = Agreement(
            title="Archived agreement", kind=AgreementKind.MOU, signed_on=today - timedelta(days=30),
            valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=300), notice_days=60,
            partners=[live], archived_at=ARCHIVED_AT,
        )
        folder = Path(app.config["UPLOAD_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "feedfacefeedface.pdf").write_bytes(PDF)
        document = Document(agreement=agreement, original_name="signed.pdf", stored_name="feedfacefeedface.pdf",
                            content_type="application/pdf", size=len(PDF), sha256="0" * 64)
        proposal = Proposal(partner=live, title="Archived proposal", kind=AgreementKind.MOU,
                            stage=ProposalStage.APPROVED, archived_at=ARCHIVED_AT)
        agreement_follow_up = FollowUp(title="Renew", agreement=agreement, assignee_id=staff.id)
        proposal_follow_up = FollowUp(title="Call", proposal=proposal, assignee_id=staff.id)
        db.session.add_all([live, gone, contact, interaction, follow_up, agreement, document, proposal,
                            agreement_follow_up, proposal_follow_up])
        db.session.commit()
        return {
            "partner_id": gone.id, "contact_id": contact.id, "interaction_id": interaction.id,
            "follow_up_id": follow_up.id, "agreement_id": agreement.id, "document_id": document.id,
            "proposal_id": proposal.id, "live_partner_id": live.id, "staff_id": staff.id,
            "agreement_follow_up_id": agreement_follow_up.id, "proposal_follow_up_id": proposal_follow_up.id,
        }


def _path(rule: str, ids: dict) -> str:
    for name in RECORD_ARGS:
        rule = rule.replace(f"<int:{name}>", str(ids[name]))
    return rule


@pytest.mark.parametrize(("rule", "methods"), list(_rules()))
def test_a_route_about_an_archived_record_answers_404_and_changes_nothing(app, client, auth, archived, rule, methods):
    auth.login(Role.ADMIN)
    csrf = auth.csrf("/account")
    path = _path(rule, archived)
    before = snapshot(app)
    for method in methods:
        for headers in ({}, {"HX-Request": "true"}):
            data = _plausible_form(archived, csrf) if method != "GET" else None
            response = client.open(path, method=method, data=data, headers=headers,
                                   content_type="multipart/form-data" if data else None)
            assert response.status_code == 404, (method, path, headers)
    assert snapshot(app) == before


@pytest.mark.parametrize("which", ["follow_up_id", "agreement_follow_up_id", "proposal_follow_up_id"])
def test_a_follow_up_of_an_archived_record_cannot_be_closed_or_reassigned(app, client, auth, archived, which):
    auth.login(Role.ADMIN)
    csrf = auth.csrf("/account")
    before = snapshot(app)
    for action in ("done", "reopen", "assign"):
        response = client.post(f"/follow-ups/{archived[which]}/{action}", data=_plausible_form(archived, csrf))
        assert response.status_code == 404
    assert snapshot(app) == before


def test_archived_records_are_not_offered_by_links_that_take_an_id_in_the_query(client, auth, archived):
    auth.login(Role.ADMIN)
    assert client.get(f"/agreements/new?renews={archived['agreement_id']}").status_code == 404
    picked = client.get(f"/interactions/new?partner_id={archived['partner_id']}")
    assert picked.status_code == 422 and "Archived Partner" not in picked.text
    proposal_form = client.get(f"/proposals/new?partner={archived['partner_id']}")
    assert proposal_form.status_code == 200 and "Archived Partner" not in proposal_form.text
    assert "Archived Partner" not in client.get("/partners/picker-options?partner_q=Archived").text
    for page in ("/partners", "/agreements", "/proposals", "/proposals?view=list", "/history", "/follow-ups?assignee=all", "/"):
        text = client.get(page).text
        # The records' titles; an administrator's "Archived agreements/proposals" links are no leak.
        assert not re.search(r"Archived (Partner|agreement(?!s)|proposal(?!s))", text), page


def test_the_calendar_feed_leaves_out_follow_ups_of_archived_records(app, client, auth, archived):
    from crm.auth.models import User

    with app.app_context():
        staff = db.session.get(User, archived["staff_id"])
        staff.calendar_token = "a" * 32
        for follow_up in db.session.query(FollowUp):
            follow_up.due_on = office_today()
        live = FollowUp(title="Live follow-up", assignee_id=staff.id, due_on=office_today(),
                        agreement=Agreement(title="Live agreement", kind=AgreementKind.MOU))
        db.session.add(live)
        db.session.commit()
    body = client.get(f"/calendar/{'a' * 32}.ics").data.decode()
    assert "Live follow-up" in body
    for title in ("Send the draft", "Renew", "Call"):
        assert f"Due: {title}" not in body


def test_reminder_digests_leave_out_follow_ups_of_archived_records(app, archived):
    from crm.reminders.digest import build_digests

    with app.app_context():
        for follow_up in db.session.query(FollowUp):
            follow_up.due_on = office_today() - timedelta(days=3)
        db.session.add(FollowUp(title="Live follow-up", assignee_id=archived["staff_id"],
                                due_on=office_today() - timedelta(days=3),
                                agreement=Agreement(title="Live agreement", kind=AgreementKind.MOU)))
        db.session.commit()
        [digest] = build_digests(office_today())
        assert [f.title for f in digest.follow_ups] == ["Live follow-up"]


@pytest.fixture
def proposal_of_archived_partner(app, archived):
    """A proposal that is not archived itself, of the archived partner, with a follow-up."""
    with app.app_context():
        proposal = Proposal(partner_id=archived["partner_id"], title="Proposal of a gone partner", kind=AgreementKind.MOU,
                            stage=ProposalStage.APPROVED)
        follow_up = FollowUp(title="Chase the gone partner", proposal=proposal, assignee_id=archived["staff_id"])
        db.session.add_all([proposal, follow_up])
        db.session.commit()
        return archived | {"proposal_id": proposal.id, "follow_up_id": follow_up.id}


@pytest.mark.parametrize(("rule", "methods"), [p for p in _rules() if "proposal_id" in p.values[0] or "follow_up_id" in p.values[0]])
def test_a_proposal_of_an_archived_partner_and_its_follow_ups_answer_404(app, client, auth, proposal_of_archived_partner, rule, methods):
    auth.login(Role.ADMIN)
    csrf = auth.csrf("/account")
    path = _path(rule, proposal_of_archived_partner)
    before = snapshot(app)
    for method in methods:
        data = _plausible_form(proposal_of_archived_partner, csrf) if method != "GET" else None
        response = client.open(path, method=method, data=data, content_type="multipart/form-data" if data else None)
        assert response.status_code == 404, (method, path)
    assert snapshot(app) == before
    assert "Chase the gone partner" not in client.get("/follow-ups?assignee=all").text
