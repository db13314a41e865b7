from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.extensions import db

HISTORY_LIMIT = 200
USER_FIELDS = frozenset(
    {"owner_id", "assignee_id", "author_id", "created_by_id", "updated_by_id", "decided_by_id", "uploaded_by_id", "changed_by_id"}
)


@dataclass(frozen=True)
class HistoryLine:
    entry: AuditEntry
    old: str
    new: str


def record_history(record, limit: int = HISTORY_LIMIT) -> list[HistoryLine]:
    """The audit entries of one record, newest first, readable: user ids become names (two statements)."""
    entries = db.session.scalars(
        select(AuditEntry)
        .options(joinedload(AuditEntry.user))
        .where(AuditEntry.record_type == type(record).__tablename__, AuditEntry.record_id == record.id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ).all()
    user_ids = {
        int(value)
        for entry in entries
        if entry.field in USER_FIELDS
        for value in (entry.old, entry.new)
        if value and value.isdigit()
    }
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    return [HistoryLine(entry, _readable(entry.field, entry.old, names), _readable(entry.field, entry.new, names)) for entry in entries]


def _readable(field: str | None, value: str | None, names: dict[int, str]) -> str:
    if value is None:
        return ""
    if field in USER_FIELDS and value.isdigit():
        return names.get(int(value), value)
    if value == "True":
        return _("yes")
    if value == "False":
        return _("no")
    return value
