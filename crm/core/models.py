"""Columns that many models share: timestamps, optimistic-locking version, archiving."""
from datetime import UTC, datetime

from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Versioned:
    """Optimistic locking: SQLAlchemy bumps `version` on each UPDATE and refuses a stale one."""

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


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
