from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.audit.models import AuditEntry
from crm.extensions import db

HISTORY_LIMIT = 200


def record_history(record, limit: int = HISTORY_LIMIT) -> list[AuditEntry]:
    """The audit entries of one record, newest first, with their authors (one query)."""
    return db.session.scalars(
        select(AuditEntry)
        .options(joinedload(AuditEntry.user))
        .where(AuditEntry.record_type == type(record).__tablename__, AuditEntry.record_id == record.id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ).all()
