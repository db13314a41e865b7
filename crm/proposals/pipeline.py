"""The proposal pipeline: the order of stages, moving a proposal, staleness, conversion."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app

from crm.agreements.models import Agreement
from crm.auth.models import User
from crm.core.models import utcnow
from crm.extensions import db
from crm.partners.models import Partner, PartnerStatus
from crm.proposals.models import CLOSED_STAGES, Proposal, ProposalStage, ProposalStageChange

DEFAULT_STALE_DAYS = 30

# The board's columns, left to right; a proposal moves forward through them.
OPEN_STAGES: tuple[ProposalStage, ...] = tuple(stage for stage in ProposalStage if stage not in CLOSED_STAGES)
# Dropping a proposal needs a reason: the stage history should say why.
REASON_REQUIRED = frozenset({ProposalStage.DECLINED, ProposalStage.WITHDRAWN})
STAGE_ORDER = {stage: position for position, stage in enumerate(ProposalStage)}


def stale_days() -> int:
    return int(current_app.config.get("PROPOSAL_STALE_DAYS", DEFAULT_STALE_DAYS))


def next_stage(stage: ProposalStage) -> ProposalStage | None:
    """The stage after `stage` on the way to signed (approved → signed); None when closed."""
    if stage in CLOSED_STAGES:
        return None
    if stage == OPEN_STAGES[-1]:
        return ProposalStage.SIGNED
    return OPEN_STAGES[OPEN_STAGES.index(stage) + 1]


def previous_stage(stage: ProposalStage) -> ProposalStage | None:
    """The open stage before `stage`; None for the first one and for closed stages."""
    if stage in CLOSED_STAGES or stage == OPEN_STAGES[0]:
        return None
    return OPEN_STAGES[OPEN_STAGES.index(stage) - 1]


def stale_before(now: datetime | None = None, days: int | None = None) -> datetime:
    """A proposal whose stage last changed before this moment is stale."""
    return (now or utcnow()) - timedelta(days=stale_days() if days is None else days)


def is_stale(proposal: Proposal, now: datetime | None = None, days: int | None = None) -> bool:
    return proposal.stage.is_open and proposal.stage_changed_at < stale_before(now, days)


def days_in_stage(proposal: Proposal, now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - proposal.stage_changed_at).days)


def next_step_due(proposal: Proposal, today: date) -> bool:
    """The next step's date has come (or passed) while the proposal is still open."""
    return proposal.stage.is_open and proposal.next_step_on is not None and proposal.next_step_on <= today


def move(proposal: Proposal, to_stage: ProposalStage, by: User | None, reason: str | None = None) -> ProposalStageChange:
    """Move `proposal` to `to_stage` and write the stage history. The caller commits."""
    if to_stage in REASON_REQUIRED and not (reason or "").strip():
        raise ValueError(f"moving to {to_stage.value} needs a reason")
    change = ProposalStageChange(
        proposal=proposal,
        from_stage=proposal.stage,
        to_stage=to_stage,
        reason=(reason or "").strip() or None,
        changed_at=utcnow(),
        changed_by=by,
    )
    proposal.stage = to_stage
    proposal.stage_changed_at = change.changed_at
    db.session.add(change)
    return change


def start(proposal: Proposal, by: User | None) -> ProposalStageChange:
    """The first line of a new proposal's stage history: it entered its stage."""
    proposal.stage_changed_at = utcnow()
    change = ProposalStageChange(
        proposal=proposal, from_stage=None, to_stage=proposal.stage, changed_at=proposal.stage_changed_at, changed_by=by
    )
    db.session.add(change)
    return change


def prospective_partner(name: str, country: str, kind, owner: User | None) -> Partner:
    """A partner created together with a proposal: a prospect until something is signed."""
    partner = Partner(
        name=name.strip(), country=country, kind=kind, status=PartnerStatus.PROSPECT,
        owner=owner, created_by=owner, updated_by=owner,
    )
    db.session.add(partner)
    return partner


def convert(proposal: Proposal, agreement: Agreement, by: User | None) -> Agreement:
    """Turn an approved proposal into `agreement`: link them and move the proposal to signed.

    Prospective partners of the agreement become active partners. The caller commits.
    """
    if proposal.stage != ProposalStage.APPROVED or proposal.agreement_id is not None:
        raise ValueError("only an approved proposal without an agreement is converted")
    db.session.add(agreement)
    proposal.agreement = agreement
    for partner in agreement.partners:
        if partner.status == PartnerStatus.PROSPECT:
            partner.status = PartnerStatus.ACTIVE
    move(proposal, ProposalStage.SIGNED, by, reason=None)
    return agreement
