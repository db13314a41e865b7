"""The demo office: built from the seed, believable on a given day, and safe to load twice."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from crm import create_app
from crm.agreements.models import Agreement, AgreementDecision, AgreementStatus
from crm.auth.models import User
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.outcomes.models import Outcome, academic_year_of
from crm.partners.models import Partner, PartnerKind, PartnerStatus
from crm.proposals.models import Proposal, ProposalStage

TODAY = date(2026, 11, 25)


def make_app(path):
    return create_app({
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(path / "t.sqlite3"),
        "UPLOAD_FOLDER": str(path / "uploads"),
    })


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """One database with the demo loaded once, shared by the tests of this module."""
    from crm.demo.loader import load_demo

    app = make_app(tmp_path_factory.mktemp("demo"))
    with app.app_context():
        db.create_all()
        first_counts = load_demo(today=TODAY)
        app.config["DEMO_FIRST_COUNTS"] = first_counts
        yield app
        db.session.remove()
        db.engine.dispose()


def all_of(model):
    return db.session.scalars(select(model)).all()


def partner(name) -> Partner:
    return db.session.scalar(select(Partner).where(Partner.name == name))


def sum_of(column, *conditions):
    return db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(*conditions))


def test_database_is_empty_until_the_demo_is_loaded(tmp_path):
    from crm.demo.loader import database_is_empty, load_demo

    app = make_app(tmp_path)
    with app.app_context():
        db.create_all()
        assert database_is_empty()
        load_demo(today=TODAY)
        assert not database_is_empty()
        db.session.remove()
        db.engine.dispose()


def test_load_reports_what_it_added(demo_app):
    counts = demo_app.config["DEMO_FIRST_COUNTS"]
    assert set(counts) == {"partners", "contacts", "agreements", "interactions", "follow-ups",
                           "proposals", "outcomes"}
    assert 25 <= counts["partners"] <= 30  # with the consortium's Chinese members (crm/demo/international.py)
    assert counts["partners"] == db.session.scalar(select(func.count()).select_from(Partner))
    assert 40 <= counts["interactions"] <= 60
    assert counts["agreements"] >= 15


@pytest.mark.parametrize("name, country, local_name", [
    ("EBG Germany", "DE", "Europäisches Bildungswerk für Beruf und Gesellschaft"),
    ("BSK International Education Institute", "DE", None),
    ("Holmesglen Institute", "AU", None),
    ("Universiti Utara Malaysia", "MY", None),
    ("Coleg y Cymoedd", "GB", None),
    ("Hiroshima University", "JP", "広島大学"),
    ("Ivy Tech Community College", "US", None),
    ("St. Clair College", "CA", None),
    ("Chongqing Vocational Education Consortium for International Cooperation", "CN",
     "重庆高职教育国际合作联盟"),
    ("Chongqing Municipal Education Commission", "CN", "重庆市教育委员会"),
])
def test_seed_partners_are_spelled_correctly(demo_app, name, country, local_name):
    found = partner(name)
    assert found is not None, name
    assert found.country == country
    assert found.local_name == local_name
    assert 1 <= len(found.contacts) <= 3
    assert sum(c.is_primary for c in found.contacts) == 1


def test_no_seed_misspelling_survives(demo_app):
    names = " ".join(p.name for p in all_of(Partner)).lower()
    for wrong in ("utata", "cymoeed", "cymoed ", "homsglen", "university utara"):
        assert wrong not in names


def test_five_manufacturers_share_one_programme_agreement(demo_app):
    companies = db.session.scalars(select(Partner).where(Partner.kind == PartnerKind.COMPANY)).all()
    assert {p.short_name for p in companies} >= {"BMW", "Mercedes-Benz", "VW", "Audi", "Porsche"}
    programme = [a for a in all_of(Agreement) if len(a.partners) == 5]
    assert len(programme) == 1
    assert {p.kind for p in programme[0].partners} == {PartnerKind.COMPANY}
    assert all(any(t.name == "Germany-China automotive" for t in p.tags) for p in programme[0].partners)


def test_agreements_cover_every_situation_on_the_day(demo_app):
    agreements = all_of(Agreement)
    statuses = [a.status_on(TODAY) for a in agreements]
    assert statuses.count(AgreementStatus.EXPIRING) >= 3
    assert statuses.count(AgreementStatus.EXPIRED) >= 2
    assert statuses.count(AgreementStatus.DRAFT) >= 1
    assert statuses.count(AgreementStatus.ACTIVE) >= 3
    act_by_soon = [a for a in agreements if a.signed_on and a.act_by and 0 <= (a.act_by - TODAY).days <= 90
                   and a.status_on(TODAY) == AgreementStatus.EXPIRING]
    assert len(act_by_soon) >= 3
    assert any(a.valid_until is None and a.signed_on for a in agreements)
    assert all(a.notice_days is None or 30 <= a.notice_days <= 180 for a in agreements)

    renewed = [a for a in agreements if a.decision == AgreementDecision.RENEWED]
    assert renewed and all(a.successor is not None and a.valid_until < TODAY for a in renewed)
    frameworks = [a for a in agreements if a.children]
    assert frameworks and all(a.kind.value == "mou" for a in frameworks)


def test_every_proposal_stage_is_used_with_a_consistent_history(demo_app):
    proposals = all_of(Proposal)
    assert {p.stage for p in proposals} == set(ProposalStage)
    for proposal in proposals:
        history = sorted(proposal.stage_changes, key=lambda change: change.changed_at)
        assert history[0].from_stage is None and history[0].to_stage == ProposalStage.IDEA
        for before, after in zip(history, history[1:]):
            assert after.from_stage == before.to_stage
        assert history[-1].to_stage == proposal.stage
        assert history[-1].changed_at == proposal.stage_changed_at
        if proposal.stage in (ProposalStage.DECLINED, ProposalStage.WITHDRAWN):
            assert history[-1].reason
    signed = [p for p in proposals if p.stage == ProposalStage.SIGNED]
    assert signed and all(p.agreement is not None for p in signed)
    assert any(p.partner.status == PartnerStatus.PROSPECT for p in proposals)
    now = datetime(TODAY.year, TODAY.month, TODAY.day)
    assert any((now - p.stage_changed_at).days > 30 for p in proposals if p.stage.is_open)


def test_outcomes_add_up_to_the_seed(demo_app):
    def total(category, partner_name):
        ids = select(Agreement.id).join(Agreement.partners).where(Partner.name == partner_name)
        of_category = Outcome.category == category
        by_agreement = sum_of(Outcome.count, of_category, Outcome.agreement_id.in_(ids))
        by_partner = sum_of(Outcome.count, of_category, Outcome.partner_id == partner(partner_name).id)
        return by_agreement + by_partner

    def recent(category):
        return sum_of(Outcome.count, Outcome.category == category, Outcome.year != 2016)

    assert total("certificates_earned", "EBG Germany") == 173
    assert total("teachers_trained", "Holmesglen Institute") == 92
    assert total("certificates_earned", "Holmesglen Institute") == 92
    assert total("outbound_students", "BSK International Education Institute") == 10
    assert total("joint_programme_students", "BSK International Education Institute") == 15
    assert total("joint_programme_students", "BMW AG") == 30
    assert sum_of(Outcome.count, Outcome.category == "joint_programme_students", Outcome.year == 2016) == 60
    assert recent("teachers_trained") == 412 and recent("training_programmes") == 31
    assert recent("qualifications") == 9
    assert recent("experts_hosted") > 60 and recent("staff_sent") > 40
    assert all(outcome.note for outcome in all_of(Outcome))
    assert all(outcome.is_approved for outcome in all_of(Outcome))
    recent_years = {o.year for o in all_of(Outcome) if o.year != 2016}
    assert recent_years == {academic_year_of(TODAY) - n for n in (1, 2, 3)}


def test_a_year_of_interactions_with_follow_ups(demo_app):
    interactions = all_of(Interaction)
    assert {i.kind for i in interactions} == set(InteractionKind)
    assert all((TODAY - i.occurred_at.date()).days <= 366 for i in interactions)
    assert all(i.occurred_at.date() < TODAY for i in interactions)
    assert all(i.staff and i.summary for i in interactions)
    assert all(c.partner_id == i.partner_id for i in interactions for c in i.contacts)
    with_follow_ups = [i for i in interactions if i.follow_ups]
    assert 0.35 <= len(with_follow_ups) / len(interactions) <= 0.65
    for interaction in with_follow_ups:
        assert all(f.due_on >= interaction.occurred_at.date() for f in interaction.follow_ups)


def test_there_are_overdue_open_follow_ups(demo_app):
    follow_ups = all_of(FollowUp)
    overdue = [f for f in follow_ups if f.is_overdue(TODAY)]
    assert len(overdue) >= 3
    assert any(f.partner_commitment for f in overdue)
    assert any(f.done and f.done_on for f in follow_ups)
    assert any(f.agreement_id for f in follow_ups)
    assert any(f.proposal_id for f in follow_ups)
    assert all(f.done_on <= TODAY for f in follow_ups if f.done)


def test_a_second_load_adds_nothing(demo_app):
    from crm.demo.loader import load_demo

    def row_counts():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}

    before = row_counts()
    assert load_demo(today=TODAY) == dict.fromkeys(demo_app.config["DEMO_FIRST_COUNTS"], 0)
    assert row_counts() == before


def test_demo_users_have_no_known_password(demo_app):
    users = all_of(User)
    assert len(users) >= 4
    assert all(u.email.endswith("@cqipc.edu.cn") for u in users)
    for user in users:
        assert not user.check_password("password")
        assert not user.check_password("")


def test_st_clairs_typed_outcomes_count_no_delegation_its_visits_do_not_show(demo_app):
    from crm.visits.models import Visit
    st_clair = partner("St. Clair College")
    agreements = select(Agreement.id).join(Agreement.partners).where(Partner.id == st_clair.id)
    typed = sum_of(Outcome.count, Outcome.category == "delegations_received",
                   (Outcome.agreement_id.in_(agreements)) | (Outcome.partner_id == st_clair.id))
    visits = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.partners.any(Partner.id == st_clair.id)))
    assert typed <= visits
