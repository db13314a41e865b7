"""Renewal decisions: renew (a new agreement that points to the old one), let lapse, terminate.

Each decision records who, when and why on the old agreement; the audit hook keeps the trail.
"""
from __future__ import annotations

from datetime import date, timedelta

from crm.agreements.models import Agreement, AgreementDecision
from crm.core.models import utcnow

DECIDABLE = {"lapse": AgreementDecision.LAPSE, "terminate": AgreementDecision.TERMINATED}


def can_be_renewed(agreement: Agreement) -> bool:
    return agreement.successor is None and agreement.decision in (None, AgreementDecision.LAPSE)


def decide(agreement: Agreement, decision: AgreementDecision, reason: str | None, user_id: int | None) -> None:
    agreement.decision = decision
    agreement.decision_reason = reason
    agreement.decided_at = utcnow()
    agreement.decided_by_id = user_id


def link_renewal(old: Agreement, new: Agreement, user_id: int | None) -> None:
    """`new` renews `old`: the chain gets a link and the old one is marked renewed."""
    new.predecessor = old
    decide(old, AgreementDecision.RENEWED, None, user_id)


def renewal_draft(old: Agreement) -> dict:
    """The new-agreement form's data for renewing `old`: same terms, the next period, unsigned."""
    valid_from = old.valid_until + timedelta(days=1) if old.valid_until else None
    valid_until = None
    if old.valid_until and old.valid_from and valid_from:
        valid_until = _same_length_after(valid_from, old.valid_from, old.valid_until)
    return {
        "title": old.title,
        "kind": old.kind,
        "partners": [partner.id for partner in old.partners],
        "valid_from": valid_from,
        "valid_until": valid_until,
        "notice_days": old.notice_days,
        "auto_renew": old.auto_renew,
        "owner_id": old.owner_id,
        "parent_id": old.parent_id,
        "subjects": old.subjects,
        "yearly_quotas": old.yearly_quotas,
    }


def _same_length_after(start: date, old_start: date, old_end: date) -> date:
    """The end of a period as long as the old one, starting at `start` (whole years stay whole)."""
    try:
        years = old_end.year - old_start.year
        if old_start.replace(year=old_start.year + years) == old_end + timedelta(days=1):
            return start.replace(year=start.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        pass
    return start + (old_end - old_start)
