"""Approved joint programmes: a Sino-foreign cooperative programme (中外合作办学项目) or a
joint / dual-degree programme, with its approvals (each with a structured approval number and
a period), foreign partners, majors, approved intake and actual enrolment per year.

An approval stays open (in the renewals view, the digest and the calendar feed once its act-by
date comes near) until someone records a decision: renewed (with the new approval, which
points back to it) or ended.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.labels import name_fields
from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.agreements.models import Agreement
    from crm.auth.models import User
    from crm.partners.models import Partner


class ProgrammeKind(LabelledEnum):
    SINO_FOREIGN = "sino_foreign", _l("Sino-foreign joint programme")
    DUAL_DEGREE = "dual_degree", _l("Joint / dual-degree programme")


class ProgrammeStatus(LabelledEnum):
    APPLYING = "applying", _l("Applying")
    APPROVED = "approved", _l("Approved")
    ENROLLING = "enrolling", _l("Enrolling")
    WIND_DOWN = "wind_down", _l("In wind-down")
    ENDED = "ended", _l("Ended")


class ApprovingAuthority(LabelledEnum):
    MINISTRY = "ministry", _l("Ministry of Education")
    PROVINCIAL = "provincial", _l("Provincial education commission")
    MUNICIPAL = "municipal", _l("Municipal education commission")


class ApprovalDecision(LabelledEnum):
    RENEWED = "renewed", _l("Renewed")
    ENDED = "ended", _l("Ended")


# 批准书编号: issuer (MOE, or PDE for a provincial department), region code (2 digits), foreign
# country (ISO alpha-2), level (e.g. 2A: associate degree), year, serial, suffix (N).
APPROVAL_NUMBER = re.compile(r"^(MOE|PDE)(\d{2})([A-Z]{2})(\d[A-Z])(\d{4})(\d{4})([A-Z])$")


def parse_approval_number(text: str) -> dict | None:
    """The parts of an approval number, or None when it does not have the structure."""
    match = APPROVAL_NUMBER.match(re.sub(r"[\s-]", "", text or "").upper())
    if match is None:
        return None
    issuer, region, country, level, year, serial, suffix = match.groups()
    return {"number_issuer": issuer, "number_region": region, "number_country": country, "number_level": level,
            "number_year": int(year), "number_serial": serial, "number_suffix": suffix}


programme_partner = sa.Table(
    "programme_partner",
    db.metadata,
    sa.Column("programme_id", sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partner.id"), primary_key=True, index=True),
)


class Programme(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), index=True)
    local_name: Mapped[str | None] = mapped_column(sa.String(300))
    kind: Mapped[ProgrammeKind] = mapped_column(enum_column(ProgrammeKind))
    status: Mapped[ProgrammeStatus] = mapped_column(enum_column(ProgrammeStatus), default=ProgrammeStatus.APPROVED)
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    majors: Mapped[str | None] = mapped_column(sa.Text)               # one a line
    approved_intake: Mapped[int | None]                                 # students per year
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    partners: Mapped[list[Partner]] = relationship(secondary=programme_partner, order_by="Partner.name")
    agreement: Mapped[Agreement | None] = relationship()
    owner: Mapped[User | None] = relationship()
    approvals: Mapped[list[Approval]] = relationship(back_populates="programme", order_by="Approval.approved_on.desc()")
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="programme", order_by=lambda: (Enrolment.year.desc(), Enrolment.major)
    )

    def __str__(self) -> str:
        return self.name

    @property
    def major_list(self) -> list[str]:
        return [line.strip() for line in (self.majors or "").splitlines() if line.strip()]

    @property
    def current_approval(self) -> Approval | None:
        return self.approvals[0] if self.approvals else None


class Approval(Audited, Timestamped, Versioned, db.Model):
    __tablename__ = "programme_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    authority: Mapped[ApprovingAuthority] = mapped_column(enum_column(ApprovingAuthority))
    number_issuer: Mapped[str] = mapped_column(sa.String(3))
    number_region: Mapped[str] = mapped_column(sa.String(2))
    number_country: Mapped[str] = mapped_column(sa.String(2))
    number_level: Mapped[str] = mapped_column(sa.String(2))
    number_year: Mapped[int]
    number_serial: Mapped[str] = mapped_column(sa.String(4))
    number_suffix: Mapped[str] = mapped_column(sa.String(1))
    approved_on: Mapped[date]
    valid_from: Mapped[date | None]
    expires_on: Mapped[date] = mapped_column(index=True)
    predecessor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme_approval.id"), unique=True)
    decision: Mapped[ApprovalDecision | None] = mapped_column(enum_column(ApprovalDecision))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    programme: Mapped[Programme] = relationship(back_populates="approvals")
    decided_by: Mapped[User | None] = relationship()
    predecessor: Mapped[Approval | None] = relationship(remote_side=[id], back_populates="successor")
    successor: Mapped[Approval | None] = relationship(back_populates="predecessor", uselist=False)

    @property
    def number(self) -> str:
        return (f"{self.number_issuer}{self.number_region}{self.number_country}{self.number_level}"
                f"{self.number_year:04d}{self.number_serial}{self.number_suffix}")

    @property
    def is_open(self) -> bool:
        return self.decision is None

    def act_by(self, lead_days: int) -> date:
        return self.expires_on - timedelta(days=lead_days)


class Enrolment(Audited, Timestamped, Versioned, db.Model):
    """Students actually enrolled in one intake year, per major."""

    __tablename__ = "programme_enrolment"
    __table_args__ = (sa.UniqueConstraint("programme_id", "year", "major"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    year: Mapped[int]
    major: Mapped[str] = mapped_column(sa.String(200))
    enrolled: Mapped[int]

    programme: Mapped[Programme] = relationship(back_populates="enrolments")


# The change history's names of this domain's fields (those crm/audit/labels.py does not name).
name_fields({
    "majors": _l("Majors"), "approved_intake": _l("Approved intake per year"), "authority": _l("Approving authority"),
    "approved_on": _l("Approved on"), "number_issuer": _l("Approval number: issuer"),
    "number_region": _l("Approval number: region"), "number_country": _l("Approval number: country"),
    "number_level": _l("Approval number: level"), "number_year": _l("Approval number: year"),
    "number_serial": _l("Approval number: serial"), "number_suffix": _l("Approval number: suffix"),
    "programme_enrolment.year": _l("Intake year"), "major": _l("Major"), "enrolled": _l("Students enrolled"),
    # not "Programme": that word is a delegation's programme of the day (日程安排) in trips and visits
    "programme_id": _l("Joint programme"), "programme.local_name": _l("Chinese name"),
    "programme_approval.predecessor_id": _l("Renews approval"),
})
