from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.models import Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.partners.models import Partner


class Contact(Audited, Timestamped, Versioned, db.Model):
    """A person at a partner. Erased (not archived) on a data-protection request."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[str | None] = mapped_column(sa.String(120))
    department: Mapped[str | None] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    messaging: Mapped[str | None] = mapped_column(sa.String(120))  # e.g. "WeChat: li_wei"
    preferred_language: Mapped[str | None] = mapped_column(sa.String(40))
    is_primary: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    partner: Mapped[Partner] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.name
