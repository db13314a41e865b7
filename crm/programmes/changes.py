"""The approval decisions: renewed (with the new approval, which points back) or ended."""
from __future__ import annotations

from crm.core.models import utcnow
from crm.programmes.models import Approval, ApprovalDecision


def decide_approval(approval: Approval, decision: ApprovalDecision, note: str | None, user_id: int | None) -> None:
    approval.decision = decision
    approval.decision_note = note or None
    approval.decided_at = utcnow()
    approval.decided_by_id = user_id


def renew_approval(old: Approval, new: Approval, note: str | None, user_id: int | None) -> None:
    new.programme = old.programme
    new.predecessor = old
    decide_approval(old, ApprovalDecision.RENEWED, note, user_id)
