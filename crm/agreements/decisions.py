"""Renewal decisions: renew (a new agreement that points to the old one), amend, let lapse,
terminate.

Each decision records who, when and why on the agreement; the audit hook keeps the trail. A
renewal counts only once it is signed: until then the old agreement stays undecided (and in the
renewals view, with its drafted renewal linked), so an unsigned draft never silences a reminder.
"""
from __future__ import annotations

from datetime import date, timedelta

from crm.agreements.models import Agreement, AgreementDecision, AgreementStatus
from crm.core.models import utcnow

DECIDABLE = {
    "lapse": AgreementDecision.LAPSE,
    "terminate": AgreementDecision.TERMINATED,
    "amend": AgreementDecision.AMEND,
}
# Statuses whose page offers Renew: not a draft, nor signed and waiting to start.
RENEWABLE_STATUSES = frozenset({AgreementStatus.ACTIVE, AgreementStatus.EXPIRING, AgreementStatus.EXPIRED})


def can_be_decided(agreement: Agreement) -> bool:
    """Neither renewed nor terminated: a decision (another one, if it lapses or was amended) can be taken."""
    return agreement.decision in (None, AgreementDecision.LAPSE, AgreementDecision.AMEND)


def can_be_renewed(agreement: Agreement) -> bool:
    return agreement.successor is None and can_be_decided(agreement)


def offers_renewal(agreement: Agreement, today: date) -> bool:
    """Whether the agreement's page offers Renew: it can be renewed and it has started."""
    return can_be_renewed(agreement) and agreement.status_on(today) in RENEWABLE_STATUSES


def drafted_renewal(agreement: Agreement) -> Agreement | None:
    """The renewal drafted for `agreement` and not signed yet (the renewals view links to it)."""
    successor = agreement.successor
    if successor is None or successor.signed_on is not None or successor.archived_at is not None:
        return None
    return successor


def decide(agreement: Agreement, decision: AgreementDecision, reason: str | None, user_id: int | None) -> None:
    agreement.decision = decision
    agreement.decision_reason = reason
    agreement.decided_at = utcnow()
    agreement.decided_by_id = user_id


def link_renewal(old: Agreement, new: Agreement, user_id: int | None) -> None:
    """`new` renews `old`: the chain gets a link; the old one counts as renewed once `new` is signed."""
    new.predecessor = old
    settle_renewal(new, user_id)


def settle_renewal(agreement: Agreement, user_id: int | None) -> None:
    """After `agreement` was saved, archived or restored: its predecessor counts as renewed when
    `agreement` is signed (and not archived), and is undecided again when it no longer is."""
    old = agreement.predecessor
    if old is None:
        return
    signed = agreement.signed_on is not None and agreement.archived_at is None
    if signed and can_be_decided(old):  # a termination recorded meanwhile stands
        decide(old, AgreementDecision.RENEWED, None, user_id)
    elif not signed and old.decision == AgreementDecision.RENEWED:
        old.decision = old.decision_reason = old.decided_at = old.decided_by_id = None


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
    """The end of a period as long as the old one, starting at `start`: whole years stay whole
    (1 Jan 2025 – 31 Dec 2027 is renewed to 31 Dec 2030, across the leap day of 2028)."""
    day_after = old_end + timedelta(days=1)
    years = day_after.year - old_start.year
    if years > 0 and _years_after(old_start, years) == day_after:
        return _years_after(start, years) - timedelta(days=1)
    return start + (old_end - old_start)


def _years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)
