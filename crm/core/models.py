"""Columns that many models share: timestamps, optimistic-locking version, archiving."""
from datetime import UTC, datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Versioned:
    """Optimistic locking: SQLAlchemy bumps `version` on each UPDATE and refuses a stale one.

    A change to a many-to-many collection (a partner's tags, a trip's partners) is a change of
    the record too (the audit records it as a field): it bumps the version even when no column
    changed, so that a form rendered before it answers 409 instead of overwriting it."""

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


@event.listens_for(Versioned, "before_update", propagate=True)
def _bump_version_on_collection_change(mapper, connection, record) -> None:
    # Runs for every dirty record, also one whose only change is a link-table row; the UPDATE
    # it causes carries `version` + 1 and still checks the old version.
    attrs = inspect(record).attrs
    if any(rel.secondary is not None and attrs[rel.key].history.has_changes() for rel in mapper.relationships):
        record.version = attrs.version.loaded_value + 1


class Archivable:
    archived_at: Mapped[datetime | None] = mapped_column(index=True)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        self.archived_at = utcnow()

    def restore(self) -> None:
        self.archived_at = None


class Audited:
    """Marks a model whose inserts, updates and deletes the audit hook records."""

    __audit_ignore__: frozenset[str] = frozenset({"version", "created_at", "updated_at"})
    __audit_secret__: frozenset[str] = frozenset()
