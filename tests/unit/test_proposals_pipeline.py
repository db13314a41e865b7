"""The proposal pipeline's rules, without HTTP."""
from datetime import date, datetime, timedelta

import pytest

from crm.agreements.models import Agreement, AgreementKind
from crm.auth.models import User
from crm.extensions import db
from crm.partners.models import Partner, PartnerStatus
from crm.proposals import pipeline
from crm.proposals.models import Proposal, ProposalStage, ProposalStageChange
from crm.proposals.queries import Filters, board, proposals_needing_action, proposals_needing_action_count

NOW = datetime(2026, 11, 25, 12, 0)


def test_stages_run_forward_from_idea_to_signed():
    assert [s.value for s in pipeline.OPEN_STAGES] == ["idea", "drafting", "submitted", "negotiating", "approved"]
    assert pipeline.next_stage(ProposalStage.SUBMITTED) == ProposalStage.NEGOTIATING
    assert pipeline.next_stage(ProposalStage.APPROVED) == ProposalStage.SIGNED
    assert pipeline.next_stage(ProposalStage.DECLINED) is None
    assert pipeline.previous_stage(ProposalStage.NEGOTIATING) == ProposalStage.SUBMITTED
    assert pipeline.previous_stage(ProposalStage.IDEA) is None
    assert pipeline.previous_stage(ProposalStage.SIGNED) is None


def test_a_proposal_is_stale_after_the_configured_days_without_movement(app):
    with app.app_context():
        assert app.config["PROPOSAL_STALE_DAYS"] == 30
        fresh = Proposal(stage=ProposalStage.SUBMITTED, stage_changed_at=NOW - timedelta(days=29))
        old = Proposal(stage=ProposalStage.SUBMITTED, stage_changed_at=NOW - timedelta(days=31))
        closed = Proposal(stage=ProposalStage.DECLINED, stage_changed_at=NOW - timedelta(days=300))
        assert not pipeline.is_stale(fresh, NOW)
        assert pipeline.is_stale(old, NOW)
        assert not pipeline.is_stale(closed, NOW)
        app.config["PROPOSAL_STALE_DAYS"] = 10
        assert pipeline.is_stale(fresh, NOW)
        assert pipeline.days_in_stage(old, NOW) == 31


def test_next_step_is_due_on_its_day_and_after_while_open():
    today = date(2026, 11, 25)
    assert pipeline.next_step_due(Proposal(stage=ProposalStage.IDEA, next_step_on=today), today)
    assert pipeline.next_step_due(Proposal(stage=ProposalStage.IDEA, next_step_on=today - timedelta(days=3)), today)
    assert not pipeline.next_step_due(Proposal(stage=ProposalStage.IDEA, next_step_on=today + timedelta(days=1)), today)
    assert not pipeline.next_step_due(Proposal(stage=ProposalStage.SIGNED, next_step_on=today), today)


@pytest.fixture
def proposal_in(app, factory):
    def make(stage=ProposalStage.SUBMITTED, **fields):
        partner_id = factory.partner()
        return factory.proposal(partner_id, stage=stage, **fields)

    return make


def test_a_move_writes_who_when_from_to_and_why(app, proposal_in, make_user):
    user = make_user()
    proposal_id = proposal_in(ProposalStage.SUBMITTED, stage_changed_at=NOW - timedelta(days=40))
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        pipeline.move(proposal, ProposalStage.NEGOTIATING, db.session.get(User, user.id), "They replied")
        db.session.commit()
        change = db.session.query(ProposalStageChange).one()
        assert (change.from_stage, change.to_stage, change.reason) == (
            ProposalStage.SUBMITTED, ProposalStage.NEGOTIATING, "They replied")
        assert change.changed_by_id == user.id
        assert proposal.stage_changed_at == change.changed_at
        assert not pipeline.is_stale(proposal)


def test_declining_without_a_reason_is_refused(app, proposal_in):
    proposal_id = proposal_in()
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        with pytest.raises(ValueError):
            pipeline.move(proposal, ProposalStage.DECLINED, None, "   ")
        assert proposal.stage == ProposalStage.SUBMITTED


def test_converting_links_the_agreement_signs_the_proposal_and_activates_a_prospect(app, factory):
    partner_id = factory.partner(status=PartnerStatus.PROSPECT)
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.APPROVED)
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        partner = db.session.get(Partner, partner_id)
        agreement = Agreement(title="Joint programme", kind=AgreementKind.JOINT_PROGRAMME, partners=[partner])
        pipeline.convert(proposal, agreement, None)
        db.session.commit()
        assert proposal.agreement_id == agreement.id
        assert proposal.stage == ProposalStage.SIGNED
        assert partner.status == PartnerStatus.ACTIVE
        assert proposal.stage_changes[0].to_stage == ProposalStage.SIGNED


def test_only_an_approved_proposal_converts(app, proposal_in):
    proposal_id = proposal_in(ProposalStage.NEGOTIATING)
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        with pytest.raises(ValueError):
            pipeline.convert(proposal, Agreement(title="x", kind=AgreementKind.OTHER), None)


def test_the_board_puts_open_proposals_in_columns_and_counts_closed_ones(app, factory):
    partner_id = factory.partner()
    factory.proposal(partner_id, title="A", stage=ProposalStage.IDEA)
    factory.proposal(partner_id, title="B", stage=ProposalStage.NEGOTIATING)
    factory.proposal(partner_id, title="C", stage=ProposalStage.DECLINED)
    factory.proposal(partner_id, title="D", stage=ProposalStage.SIGNED, archived_at=NOW)
    with app.app_context():
        result = board(Filters())
        assert [p.title for p in result.columns[ProposalStage.IDEA]] == ["A"]
        assert [p.title for p in result.columns[ProposalStage.NEGOTIATING]] == ["B"]
        assert result.closed_counts == {ProposalStage.SIGNED: 0, ProposalStage.DECLINED: 1, ProposalStage.WITHDRAWN: 0}
        assert result.counts[ProposalStage.IDEA] == 1 and result.open_total == 2


def test_a_column_holds_the_first_cards_by_next_step_then_staleness_and_counts_them_all(app, factory):
    partner_id = factory.partner()
    today = date(2026, 11, 25)
    factory.proposal(partner_id, title="later", next_step_on=today + timedelta(days=9), stage_changed_at=NOW)
    factory.proposal(partner_id, title="overdue", next_step_on=today - timedelta(days=3), stage_changed_at=NOW)
    factory.proposal(partner_id, title="no date, stalled", stage_changed_at=NOW - timedelta(days=60))
    factory.proposal(partner_id, title="no date, fresh", stage_changed_at=NOW)
    factory.proposal(partner_id, title="other column", stage=ProposalStage.SUBMITTED, stage_changed_at=NOW)
    with app.app_context():
        result = board(Filters(), NOW, limit=3)
        assert [p.title for p in result.columns[ProposalStage.IDEA]] == ["overdue", "later", "no date, stalled"]
        assert result.counts[ProposalStage.IDEA] == 4
        assert [p.title for p in result.columns[ProposalStage.SUBMITTED]] == ["other column"]
        by_title = board(Filters(sort="title"), NOW, limit=2)
        assert [p.title for p in by_title.columns[ProposalStage.IDEA]] == ["later", "no date, fresh"]


def test_every_sort_order_fills_each_column_from_its_own_stage_only(app, factory):
    first = factory.partner(name="Aalto")
    second = factory.partner(name="Zagreb")
    factory.proposal(second, title="a", stage_changed_at=NOW - timedelta(days=1))
    factory.proposal(first, title="b", stage_changed_at=NOW - timedelta(days=9))
    factory.proposal(first, title="c", stage_changed_at=NOW - timedelta(days=5))
    factory.proposal(first, title="elsewhere", stage=ProposalStage.APPROVED, stage_changed_at=NOW)
    with app.app_context():
        columns = {sort: board(Filters(sort=sort), NOW, limit=2).columns for sort in ("title", "days", "partner")}
    assert [p.title for p in columns["title"][ProposalStage.IDEA]] == ["a", "b"]
    assert [p.title for p in columns["days"][ProposalStage.IDEA]] == ["b", "c"]
    assert [p.title for p in columns["partner"][ProposalStage.IDEA]] == ["b", "c"]
    assert all([p.title for p in by_stage[ProposalStage.APPROVED]] == ["elsewhere"] for by_stage in columns.values())


def test_a_board_narrowed_to_one_stage_fills_only_that_column(app, factory):
    partner_id = factory.partner()
    factory.proposal(partner_id, title="idea")
    factory.proposal(partner_id, title="submitted", stage=ProposalStage.SUBMITTED)
    with app.app_context():
        result = board(Filters(stage=ProposalStage.SUBMITTED), NOW)
    assert [p.title for p in result.columns[ProposalStage.SUBMITTED]] == ["submitted"]
    assert result.columns[ProposalStage.IDEA] == [] and result.counts[ProposalStage.IDEA] == 0


def test_the_country_filter_offers_the_countries_of_live_partners_with_live_proposals(app, factory):
    from crm.proposals.queries import proposal_countries

    factory.proposal(factory.partner(country="DE"), title="de")
    factory.proposal(factory.partner(country="DE"), title="de again")
    factory.proposal(factory.partner(country="FR", archived_at=NOW), title="archived partner")
    factory.proposal(factory.partner(country="IT"), title="archived proposal", archived_at=NOW)
    factory.partner(country="JP")  # no proposal
    factory.proposal(factory.partner(country="KR"), title="kr")
    with app.app_context():
        assert sorted(proposal_countries()) == ["DE", "KR"]


def test_needing_action_lists_due_and_stale_open_proposals_overdue_first(app, factory):
    partner_id = factory.partner()
    today = date(2026, 11, 25)
    factory.proposal(partner_id, title="due today", next_step_on=today, stage_changed_at=NOW)
    factory.proposal(partner_id, title="overdue", next_step_on=today - timedelta(days=5), stage_changed_at=NOW)
    factory.proposal(partner_id, title="stale", stage_changed_at=NOW - timedelta(days=45))
    factory.proposal(partner_id, title="later", next_step_on=today + timedelta(days=5), stage_changed_at=NOW)
    factory.proposal(partner_id, title="closed", stage=ProposalStage.DECLINED, next_step_on=today - timedelta(days=5))
    with app.app_context():
        titles = [p.title for p in proposals_needing_action(today, NOW)]
        first = [p.title for p in proposals_needing_action(today, NOW, limit=2)]
        count = proposals_needing_action_count(today, NOW)
    assert titles == ["overdue", "due today", "stale"]
    assert first == ["overdue", "due today"] and count == 3
