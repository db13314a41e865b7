"""Changes to experts with side effects: the permit decisions, and erasure on request."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, insert, or_, and_

from crm.audit.models import AuditAction, AuditEntry
from crm.audit.recorder import current_actor_id
from crm.core.models import utcnow
from crm.core.uploads import path_of
from crm.experts.models import ERASED_NAME, Expert, Permit, PermitDecision
from crm.extensions import db

PERSONAL_FIELDS = ("local_name", "email", "passport_number", "subject", "teaches", "notes")


def decide_permit(permit: Permit, decision: PermitDecision, note: str | None, user_id: int | None) -> None:
    permit.decision = decision
    permit.decision_note = note or None
    permit.decided_at = utcnow()
    permit.decided_by_id = user_id


def renew_permit(old: Permit, new: Permit, note: str | None, user_id: int | None) -> None:
    """`new` (same expert, same kind) renews `old`: it points back, and `old` is marked renewed."""
    new.expert = old.expert
    new.kind = old.kind
    new.predecessor = old
    decide_permit(old, PermitDecision.RENEWED, note, user_id)


def erase_expert(expert: Expert) -> list[Path]:
    """Erase a person on a data-protection request; the caller commits, then removes the files
    returned (their documents).

    The row stays, with its stays (dates, term, host faculty), so the yearly report still counts
    a hosted expert; the name, Chinese name, e-mail, passport number, subject, notes, review notes,
    permit numbers and documents go. The expert's, their permits' and documents' audit rows go too
    (one row remains that says who erased the expert and when), as for contacts."""
    expert.name = ERASED_NAME
    for field in PERSONAL_FIELDS:
        setattr(expert, field, None)
    expert.owner_id = None
    for stay in expert.stays:
        stay.review_note = None
    for permit in expert.permits:
        permit.number = None
        permit.decision_note = None
        if permit.decision is None:
            decide_permit(permit, PermitDecision.ENDED, None, current_actor_id())
    files = [path_of(document) for document in expert.documents]
    document_ids = [document.id for document in expert.documents]
    for document in list(expert.documents):
        db.session.delete(document)
    db.session.flush()  # the audit hook records these changes, with the old values: removed below

    audit = AuditEntry.__table__
    permit_ids = [permit.id for permit in expert.permits]
    stay_ids = [stay.id for stay in expert.stays]
    db.session.execute(delete(audit).where(or_(
        and_(audit.c.record_type == "expert", audit.c.record_id == expert.id),
        and_(audit.c.record_type == "expert_permit", audit.c.record_id.in_(permit_ids or [-1])),
        and_(audit.c.record_type == "expert_stay", audit.c.record_id.in_(stay_ids or [-1]), audit.c.field == "review_note"),
        and_(audit.c.record_type == "expert_document", audit.c.record_id.in_(document_ids or [-1])),
    )))
    db.session.execute(insert(audit).values(
        at=utcnow(), user_id=current_actor_id(), action=AuditAction.UPDATE, record_type="expert",
        record_id=expert.id, field="name", old=None, new=ERASED_NAME,
    ))
    return files
