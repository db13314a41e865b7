"""A viewer reads and exports; every other state change answers 403 and leaves the database unchanged.

The test walks the URL map: every route that takes POST (or PUT/PATCH/DELETE) is posted to by a
logged-in viewer, with a valid CSRF token, plausible form fields and the ids of a small seeded
office, once as a plain form and once as htmx. Every row of every table, versions included, and
the upload folder are the same afterwards. A new write route is covered without touching this
file; a route a viewer may use must be listed in VIEWER_MAY_POST with the reason.
"""
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm import create_app
from crm.agreements.models import Agreement, AgreementKind, Document
from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.imports.models import BatchStatus, ImportBatch
from crm.interactions.models import Interaction, InteractionKind
from crm.outcomes.models import Indicator, Outcome, OutcomeCategory, OutcomeEvidence, OutcomeStatus, Quota
from crm.partners.models import Partner, PartnerKind
from crm.schools.models import School
from crm.proposals.models import Proposal, ProposalStage
from crm.consortia.models import ActivityKind, Consortium, ConsortiumActivity, ConsortiumMember
from crm.experts.models import Expert, ExpertDocument, Permit, PermitKind, Stay, StayTerm
from crm.programmes.models import Approval, ApprovingAuthority, Programme, ProgrammeKind
from crm.trips.models import Trip, TripLeg, TripMember
from crm.visits.models import ScheduleItem, Visit, VisitMember

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Routes a viewer may legitimately post to, each about the viewer's own session or account only.
VIEWER_MAY_POST = {
    "auth.login": "the public login form: a logged-in user is only sent home",
    "auth.logout": "ending one's own session",
    "auth.set_language": "one's own interface language",
    "auth.account": "changing one's own password",
    "calendar.new_address": "one's own private calendar address",
    "calendar.revoke": "turning one's own calendar address off",
}

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _write_rules():
    app = create_app({"ENV_NAME": "testing"})
    rules = []
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods & WRITE_METHODS)
        if methods and rule.endpoint not in VIEWER_MAY_POST:
            rules.append(pytest.param(rule.endpoint, rule.rule, methods, id=f"{rule.endpoint} {rule.rule}"))
    return rules


WRITE_RULES = _write_rules()


def test_the_exemptions_name_routes_that_exist_and_the_walk_is_not_empty():
    app = create_app({"ENV_NAME": "testing"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS}
    assert set(VIEWER_MAY_POST) <= endpoints
    assert len(WRITE_RULES) >= 25


@pytest.fixture
def office(app, make_user):
    """One of each record, linked as in real use, with a stored document on disk."""
    staff = make_user(Role.STAFF)
    with app.app_context():
        partner = Partner(name="Holmesglen Institute", kind=PartnerKind.VOCATIONAL, country="AU")
        archived = Partner(name="Old Partner", kind=PartnerKind.COMPANY, country="DE", archived_at=datetime(2025, 1, 1))
        contact = Contact(partner=partner, name="Jane Doe", email="jane@example.org")
        today = office_today()
        agreement = Agreement(
            title="Teacher training", kind=AgreementKind.TEACHER_TRAINING, signed_on=today - timedelta(days=30),
            valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=300), notice_days=60,
            partners=[partner],
        )
        folder = Path(app.config["UPLOAD_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "0123456789abcdef.pdf").write_bytes(PDF)
        document = Document(agreement=agreement, original_name="signed.pdf", stored_name="0123456789abcdef.pdf",
                            content_type="application/pdf", size=len(PDF), sha256="0" * 64)
        interaction = Interaction(partner=partner, author_id=staff.id, occurred_at=datetime(2026, 1, 5, 9),
                                  kind=InteractionKind.MEETING, subject="Visit")
        follow_up = FollowUp(title="Send the draft", interaction=interaction, assignee_id=staff.id,
                             due_on=today + timedelta(days=3))
        proposal = Proposal(partner=partner, title="Joint programme", kind=AgreementKind.JOINT_PROGRAMME,
                            stage=ProposalStage.APPROVED)
        school = School(name_zh="机械工程学院", name_en="School of Mechanical Engineering")
        indicator = Indicator(year=today.year - 1, position=1, code="intl_students", label_zh="留学生", label_en="Students", unit="人")
        outcome = Outcome(agreement=agreement, school=school, year=today.year - 1, category=OutcomeCategory.CERTIFICATES_EARNED,
                          count=5, status=OutcomeStatus.PENDING)
        quota = Quota(agreement=agreement, category=OutcomeCategory.CERTIFICATES_EARNED, per_year=10)
        (folder / "fedcba9876543210.pdf").write_bytes(PDF)
        evidence = OutcomeEvidence(outcome=outcome, original_name="certificates.pdf", stored_name="fedcba9876543210.pdf",
                                   content_type="application/pdf", size=len(PDF), sha256="0" * 64)
        trip = Trip(title="Delegation to Holmesglen", year=2026, country="AU", partners=[partner],
                    members=[TripMember(name="Li Wei", is_leader=True)], legs=[TripLeg(country="AU", partner=partner)])
        visit = Visit(title="Holmesglen delegation", arrive_on=today, leave_on=today, partners=[partner],
                      members=[VisitMember(name="Jane Doe")], schedule=[ScheduleItem(day=today, kind="meeting", what="Talks")])
        batch = ImportBatch(kind="partners", file_name="partners.xlsx", status=BatchStatus.PREVIEW, created_by_id=staff.id)
        db.session.add_all([partner, archived, contact, agreement, document, interaction, follow_up, proposal,
                            school, indicator, outcome, evidence, quota, trip, visit, batch])
        extra = _consortium_expert_programme(partner, folder, today)
        db.session.add_all(extra.values())
        db.session.commit()
        ids = {
            "partner_id": partner.id, "archived_partner_id": archived.id, "contact_id": contact.id,
            "agreement_id": agreement.id, "document_id": document.id, "interaction_id": interaction.id,
            "follow_up_id": follow_up.id, "proposal_id": proposal.id, "user_id": staff.id,
            "staff_id": staff.id, "batch_id": batch.id, "outcome_id": outcome.id, "evidence_id": evidence.id, "quota_id": quota.id, "school_id": school.id,
            "indicator_id": indicator.id, "trip_id": trip.id, "member_id": trip.members[0].id, "leg_id": trip.legs[0].id,
            "visit_id": visit.id, "item_id": visit.schedule[0].id,
            **{f"{name}_id": record.id for name, record in extra.items()},
        }
    return ids


def _consortium_expert_programme(partner, folder, today) -> dict:
    """A consortium with a member and an activity, an expert with a stay, a permit and a
    document, a programme with an approval (crm/consortia, crm/experts, crm/programmes)."""
    consortium = Consortium(name="CQ Consortium")
    member = ConsortiumMember(consortium=consortium, partner=partner)
    activity = ConsortiumActivity(consortium=consortium, kind=ActivityKind.MEETING, title="Council", held_on=today,
                                  members=[member])
    expert = Expert(name="Anna Schmidt", nationality="DE")
    stay = Stay(expert=expert, starts_on=today, term=StayTerm.LONG)
    permit = Permit(expert=expert, kind=PermitKind.WORK, expires_on=today + timedelta(days=30))
    (folder / "fedcba9876543210.pdf").write_bytes(PDF)
    expert_document = ExpertDocument(expert=expert, original_name="cv.pdf", stored_name="fedcba9876543210.pdf",
                                     content_type="application/pdf", size=len(PDF), sha256="0" * 64)
    programme = Programme(name="Dual degree", kind=ProgrammeKind.DUAL_DEGREE, majors="Finance", partners=[partner])
    approval = Approval(programme=programme, authority=ApprovingAuthority.MUNICIPAL, number_issuer="PDE",
                        number_region="50", number_country="CA", number_level="2A", number_year=2015,
                        number_serial="1739", number_suffix="N", approved_on=today, expires_on=today + timedelta(days=30))
    return {"consortium": consortium, "member": member, "activity": activity, "expert": expert, "stay": stay,
            "permit": permit, "expert_document": expert_document, "programme": programme, "approval": approval}


def _plausible_form(ids: dict, csrf: str) -> dict:
    """Fields that the app's forms would accept from staff: names, dates, choices, the version."""
    today = office_today()
    return {
        "csrf_token": csrf,
        "version": "1",
        "name": "Mallory Institute", "email": "mallory@example.org", "role": "admin", "active": "y",
        "locale": "en", "password": "a-long-unusual-passphrase",
        "kind": "meeting", "country": "DE", "status": "active", "website": "https://example.org",
        "title": "Changed by a viewer", "subject": "Changed by a viewer", "summary": "Changed",
        "occurred_at": "2026-01-06T10:00", "stage": "negotiating", "reason": "because",
        "signed_on": today.isoformat(), "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(), "notice_days": "30",
        "partners": str(ids["partner_id"]), "partner_ids": str(ids["partner_id"]),
        "partner_id": str(ids["partner_id"]), "institution": "existing",
        "assignee_id": str(ids["staff_id"]), "owner_id": str(ids["staff_id"]),
        "create_anyway": "y", "next": "/",
        "file": (io.BytesIO(PDF), "signed.pdf", "application/pdf"),
    }


def _path(rule: str, ids: dict, endpoint: str) -> str:
    path = rule
    for name, value in ids.items():
        path = path.replace(f"<int:{name}>", str(value))
    if endpoint == "partners.restore":  # restoring makes sense only for an archived partner
        path = rule.replace("<int:partner_id>", str(ids["archived_partner_id"]))
    assert "<" not in path, f"no seeded id for {rule}: add one to the office fixture"
    return path


def snapshot(app) -> dict:
    """Every row of every table, in a stable order, and the upload folder's files."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            tables[table.name] = sorted((tuple(map(repr, row)) for row in rows))
        folder = Path(app.config["UPLOAD_FOLDER"])
        files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return {"tables": tables, "files": files}


@pytest.mark.parametrize(("endpoint", "rule", "methods"), WRITE_RULES)
def test_a_viewer_is_refused_every_write_with_403_and_nothing_changes(app, client, auth, office, endpoint, rule, methods):
    auth.login(Role.VIEWER)
    path = _path(rule, office, endpoint)
    csrf = auth.csrf("/account")
    before = snapshot(app)
    for method in methods:
        for headers in ({}, {"HX-Request": "true", "HX-Target": "main", "X-CSRFToken": csrf}):
            response = client.open(path, method=method, data=_plausible_form(office, csrf),
                                   content_type="multipart/form-data", headers=headers)
            assert response.status_code == 403, (method, path, headers, response.status_code)
    assert snapshot(app) == before


def test_the_same_walk_as_staff_does_write_so_the_form_data_is_plausible(app, client, auth, office):
    """A control: the payload is good enough to change things when the role allows it."""
    auth.login(Role.ADMIN)
    csrf = auth.csrf("/account")
    before = snapshot(app)
    data = _plausible_form(office, csrf) | {"kind": "vocational"}
    assert client.post(f"/partners/{office['partner_id']}/edit", data=data, content_type="multipart/form-data").status_code == 303
    data = _plausible_form(office, csrf)
    assert client.post(f"/agreements/{office['agreement_id']}/documents", data=data,
                       content_type="multipart/form-data").status_code == 303
    assert snapshot(app) != before


def test_every_write_without_or_with_a_wrong_csrf_token_answers_400_and_changes_nothing(app, client, auth, office):
    """As an admin (whom no role check stops), every write route of the URL map, exemptions included."""
    auth.login(Role.ADMIN)
    csrf = auth.csrf("/account")
    before = snapshot(app)
    app_rules = [rule for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS and rule.endpoint != "auth.login"]
    for rule in app_rules:
        path = _path(rule.rule, office, rule.endpoint)
        for token in (None, "wrong-token", csrf[:-2] + "xx"):
            data = _plausible_form(office, csrf)
            del data["csrf_token"]
            headers = {"X-CSRFToken": token} if token else {}
            response = client.post(path, data=data, headers=headers, content_type="multipart/form-data")
            assert response.status_code == 400, (path, token, response.status_code)
    assert snapshot(app) == before
