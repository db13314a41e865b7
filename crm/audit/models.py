from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import utcnow
from crm.extensions import db


class AuditAction(LabelledEnum):
    INSERT = "insert", _l("created")
    UPDATE = "update", _l("changed")
    DELETE = "delete", _l("deleted")


class AuditEntry(db.Model):
    """One changed field of one record (or the deletion of the record), by whom and when."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_record", "record_type", "record_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int]
    field: Mapped[str | None] = mapped_column(sa.String(60))
    old: Mapped[str | None] = mapped_column(sa.Text)
    new: Mapped[str | None] = mapped_column(sa.Text)

    user = relationship("User", lazy="raise")
