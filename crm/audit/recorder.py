"""Writes an AuditEntry for every insert, update and delete of an audited record.

One session hook does it for the whole app, so no view has to remember. It runs after each
flush, when new rows have their ids and the attribute history still holds the old values.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from enum import Enum

from flask import g, has_request_context
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from crm.audit.models import AuditAction, AuditEntry
from crm.core.models import Audited, utcnow

SECRET_PLACEHOLDER = "••••"
_cli_actor: ContextVar[int | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(user_id: int | None):
    """Attribute the writes of a CLI command or a background job to a user."""
    token = _cli_actor.set(user_id)
    try:
        yield
    finally:
        _cli_actor.reset(token)


def current_actor_id() -> int | None:
    if has_request_context():
        # Read what Flask-Login already loaded; loading a user inside a flush would recurse.
        user = g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id
    return _cli_actor.get()


def as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def _field_changes(obj, *, inserted: bool):
    """(field, old, new) for each changed column and many-to-many collection of `obj`."""
    state = inspect(obj)
    mapper = state.mapper
    attrs = state.attrs  # built anew on each access: fetch it once per record
    ignored = type(obj).__audit_ignore__
    secret = type(obj).__audit_secret__
    for attr in mapper.column_attrs:
        key = attr.key
        if key in ignored or (key == "id" and not inserted):
            continue
        history = attrs[key].history
        if inserted:
            value = attrs[key].value
            if value is None or key == "id" or key in secret:
                continue
            yield key, None, as_text(value)
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if key in secret:
                yield key, None, SECRET_PLACEHOLDER
            elif as_text(old) != as_text(new):
                yield key, as_text(old), as_text(new)
    for rel in mapper.relationships:
        if rel.secondary is None or rel.key in ignored:
            continue
        history = attrs[rel.key].history
        if not history.has_changes():
            continue
        unchanged = list(history.unchanged)
        old = None if inserted else as_text(unchanged + list(history.deleted))
        new = as_text(unchanged + list(history.added))
        if old != new:
            yield rel.key, old or None, new or None


def _rows_for_flush(session: Session):
    actor = current_actor_id()
    now = utcnow()

    def row(obj, action, field=None, old=None, new=None):
        return {
            "at": now,
            "user_id": actor,
            "action": action,
            "record_type": type(obj).__tablename__,
            "record_id": obj.id,
            "field": field,
            "old": old,
            "new": new,
        }

    for obj in session.new:
        if isinstance(obj, Audited):
            changes = list(_field_changes(obj, inserted=True))
            yield row(obj, AuditAction.INSERT)
            for field, old, new in changes:
                yield row(obj, AuditAction.INSERT, field, old, new)
    for obj in session.dirty:
        if isinstance(obj, Audited) and obj not in session.deleted:
            for field, old, new in _field_changes(obj, inserted=False):
                yield row(obj, AuditAction.UPDATE, field, old, new)
    for obj in session.deleted:
        if isinstance(obj, Audited):
            yield row(obj, AuditAction.DELETE, None, as_text(str(obj)), None)


def _record_changes(session: Session, flush_context) -> None:
    rows = list(_rows_for_flush(session))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


# The history's line for a record entered after the fact (crm.core.dates.after_the_fact): not a
# column, a fact about how the record came to be.
AFTER_THE_FACT_FIELD = "recorded_after_the_fact"


def note_after_the_fact(record: Audited, session: Session) -> None:
    """Say in `record`'s history that it was recorded after the fact, so that its status (held,
    made) is not read as stepped through on the day; the step dates it does not know stay empty.
    Written by hand (no column changes), after a flush that gives a new record its id."""
    session.flush()
    session.execute(insert(AuditEntry.__table__).values(
        at=utcnow(), user_id=current_actor_id(), action=AuditAction.UPDATE, record_type=type(record).__tablename__,
        record_id=record.id, field=AFTER_THE_FACT_FIELD, old=None, new=as_text(True),
    ))


def register_audit_hook() -> None:
    if not event.contains(Session, "after_flush", _record_changes):
        event.listen(Session, "after_flush", _record_changes)
