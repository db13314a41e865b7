from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.models import Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.agreements.models import Agreement
    from crm.partners.models import Partner

# The counts an outcome records, in the order the yearly report shows them.
OUTCOME_COUNTS = {
    "outbound_students": _l("Outbound students"),
    "inbound_students": _l("Inbound students"),
    "joint_programme_students": _l("Students in joint programmes"),
    "teachers_trained": _l("Teachers trained"),
    "certificates_earned": _l("Certificates earned"),
    "experts_hosted": _l("Foreign teachers / experts hosted"),
    "delegations_sent": _l("Delegations sent"),
    "delegations_received": _l("Delegations received"),
}


def academic_year_of(day: date) -> int:
    """The starting year of the academic year (1 September) that contains `day`."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


class Outcome(Audited, Timestamped, Versioned, db.Model):
    """What a cooperation produced in one academic year."""

    __tablename__ = "outcome"
    __table_args__ = (
        sa.CheckConstraint("agreement_id IS NOT NULL OR partner_id IS NOT NULL", name="has_subject"),
        sa.Index("ix_outcome_year", "academic_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    academic_year: Mapped[int]  # 2025 means 2025-2026
    outbound_students: Mapped[int] = mapped_column(default=0)
    inbound_students: Mapped[int] = mapped_column(default=0)
    joint_programme_students: Mapped[int] = mapped_column(default=0)
    teachers_trained: Mapped[int] = mapped_column(default=0)
    certificates_earned: Mapped[int] = mapped_column(default=0)
    experts_hosted: Mapped[int] = mapped_column(default=0)
    delegations_sent: Mapped[int] = mapped_column(default=0)
    delegations_received: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(sa.Text)

    agreement: Mapped[Agreement | None] = relationship()
    partner: Mapped[Partner | None] = relationship()

    @property
    def academic_year_label(self) -> str:
        return academic_year_label(self.academic_year)
