"""Foreign visitors (外宾来访): the delegation and its members, the reception plan as a schedule,
gifts, and the record (纪要 and photos) due after the visit."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.labels import name_fields
from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.core.uploads import DocumentColumns
from crm.extensions import db
from crm.trips.models import DelegationPurpose

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.partners.models import Partner


class VisitStatus(LabelledEnum):
    """Planned until it took place (held: it counts as a delegation received) or was called off."""

    PLANNED = "planned", lazy_pgettext("visit", "Planned")
    HELD = "held", _l("Held")
    CANCELLED = "cancelled", _l("Cancelled")


class ReceptionLevel(LabelledEnum):
    """Matched to the guests' rank."""

    COLLEGE = "college", _l("College leadership")
    DEPARTMENT = "department", _l("School or department")
    OFFICE = "office", _l("International office")


class ScheduleKind(LabelledEnum):
    MEETING = "meeting", _l("Meeting")
    TOUR = "tour", _l("Campus tour")
    MEAL = "meal", _l("Meal")
    LODGING = "lodging", _l("Lodging")
    TRANSPORT = "transport", _l("Transport")
    CEREMONY = "ceremony", _l("Signing or ceremony")
    OTHER = "other", _l("Other")


class VisitDocumentKind(LabelledEnum):
    INVITATION = "invitation", _l("Invitation letter")
    RECORD = "record", _l("Record (纪要)")
    PHOTO = "photo", _l("Photo")
    OTHER = "other", _l("Other")


visit_partner = sa.Table(
    "visit_partner",
    db.metadata,
    sa.Column("visit_id", sa.ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partner.id"), primary_key=True, index=True),
)


class Visit(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    purpose_kind: Mapped[DelegationPurpose] = mapped_column(enum_column(DelegationPurpose), default=DelegationPurpose.EXCHANGE)
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[VisitStatus] = mapped_column(enum_column(VisitStatus), default=VisitStatus.PLANNED, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    arrive_on: Mapped[date] = mapped_column(index=True)
    leave_on: Mapped[date]
    requested_on: Mapped[date | None]
    invitation_number: Mapped[str | None] = mapped_column(sa.String(100))
    visa_help: Mapped[bool] = mapped_column(default=False)
    reception_level: Mapped[ReceptionLevel] = mapped_column(enum_column(ReceptionLevel), default=ReceptionLevel.OFFICE)
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)  # owes the record
    gifts_given: Mapped[str | None] = mapped_column(sa.Text)
    gifts_received: Mapped[str | None] = mapped_column(sa.Text)
    record: Mapped[str | None] = mapped_column(sa.Text)  # 纪要
    recorded_on: Mapped[date | None]
    logged_at: Mapped[datetime | None]  # when it became contact history of its partners

    host: Mapped[User | None] = relationship()
    partners: Mapped[list[Partner]] = relationship(secondary=visit_partner, order_by="Partner.name")
    members: Mapped[list[VisitMember]] = relationship(
        back_populates="visit", order_by="(VisitMember.is_head.desc(), VisitMember.id)", cascade="all, delete-orphan"
    )
    schedule: Mapped[list[ScheduleItem]] = relationship(
        back_populates="visit", order_by="(ScheduleItem.day, ScheduleItem.time, ScheduleItem.id)", cascade="all, delete-orphan"
    )
    documents: Mapped[list[VisitDocument]] = relationship(back_populates="visit", order_by="VisitDocument.uploaded_at.desc()")

    def __str__(self) -> str:
        return self.title

    @property
    def headcount(self) -> int:
        return len(self.members)


class VisitMember(Audited, db.Model):
    __tablename__ = "visit_member"
    __audit_secret__ = frozenset({"passport_number"})

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str | None] = mapped_column(sa.String(200))
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    is_head: Mapped[bool] = mapped_column(default=False)
    passport_number: Mapped[str | None] = mapped_column(sa.String(40))  # only with STORE_PASSPORT_NUMBERS

    visit: Mapped[Visit] = relationship(back_populates="members")


class ScheduleItem(Audited, db.Model):
    """One line of the reception plan (接待方案): when, what, where, who hosts."""

    __tablename__ = "visit_schedule_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    time: Mapped[str | None] = mapped_column(sa.String(5))  # "09:30", local
    kind: Mapped[ScheduleKind] = mapped_column(enum_column(ScheduleKind))
    what: Mapped[str] = mapped_column(sa.String(300))
    place: Mapped[str | None] = mapped_column(sa.String(200))
    hosts: Mapped[str | None] = mapped_column(sa.String(300))

    visit: Mapped[Visit] = relationship(back_populates="schedule")


class VisitDocument(DocumentColumns, Audited, db.Model):
    __tablename__ = "visit_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    kind: Mapped[VisitDocumentKind] = mapped_column(enum_column(VisitDocumentKind))

    visit: Mapped[Visit] = relationship(back_populates="documents")


# The change history's names of this domain's fields (those crm/audit/labels.py does not name).
name_fields({
    "visit.purpose": lazy_pgettext("visit", "Tasks and purpose"), "visit.arrive_on": _l("Arrival"),
    "visit.leave_on": _l("Departure"), "cancel_reason": _l("Why it was cancelled"), "requested_on": _l("Requested on"), "invitation_number": _l("Invitation letter number"),
    "visa_help": _l("Needs visa help"), "reception_level": _l("Reception level"), "host_id": _l("Host in the office"),
    "gifts_given": _l("Gifts given"), "gifts_received": _l("Gifts received"), "record": _l("Record (纪要)"),
    "recorded_on": _l("Written on"), "logged_at": _l("Logged in the contact history"), "is_head": _l("Head of the delegation"),
    "day": _l("Day"), "time": _l("Time"), "what": _l("What"), "hosts": _l("Hosts"), "visit_id": _l("Delegation"),
})
