"""Official trips abroad (因公出国（境）): the plan entry, the application with its members and
itinerary, the approval (批件), the return and its deadlines, the report."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.labels import name_fields
from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.core.uploads import DocumentColumns
from crm.extensions import db

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.interactions.models import Interaction
    from crm.partners.models import Partner

# Hong Kong, Macao and Taiwan: their own track and approver (港澳台).
HMT_COUNTRIES = frozenset({"HK", "MO", "TW"})


class TripStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    APPLIED = "applied", _l("Applied for")
    APPROVED = "approved", _l("Approved")
    TRAVELLING = "travelling", _l("Travelling")
    RETURNED = "returned", _l("Returned")
    REPORTED = "reported", _l("Reported")
    CLOSED = "closed", _l("Closed")

    @property
    def rank(self) -> int:
        return list(TripStatus).index(self)


class TripTrack(LabelledEnum):
    ABROAD = "abroad", _l("Abroad")
    HMT = "hmt", _l("Hong Kong, Macao and Taiwan")


class DelegationPurpose(LabelledEnum):
    """Why a delegation travels (trips abroad and foreign visits alike), for the statistics."""

    EXCHANGE = "exchange", _l("Visit and exchange")
    NEGOTIATION = "negotiation", _l("Cooperation talks")
    SIGNING = "signing", _l("Signing an agreement")
    TRAINING = "training", _l("Training")
    TEACHING = "teaching", _l("Teaching")
    CONFERENCE = "conference", _l("Conference")
    STUDENTS = "students", _l("Accompanying students")
    OTHER = "other", _l("Other")


class TripDocumentKind(LabelledEnum):
    APPROVAL = "approval", _l("Approval document (批件)")
    REPORT = "report", _l("Trip report")
    OTHER = "other", _l("Other")


trip_partner = sa.Table(
    "trip_partner",
    db.metadata,
    sa.Column("trip_id", sa.ForeignKey("trip.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partner.id"), primary_key=True, index=True),
)


class Trip(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "trip"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    year: Mapped[int] = mapped_column(index=True)  # the plan year
    in_plan: Mapped[bool] = mapped_column(default=True)  # False: applied for outside the annual plan
    status: Mapped[TripStatus] = mapped_column(enum_column(TripStatus), default=TripStatus.PLANNED, index=True)
    country: Mapped[str] = mapped_column(sa.String(2), index=True)  # the main destination
    purpose_kind: Mapped[DelegationPurpose] = mapped_column(enum_column(DelegationPurpose), default=DelegationPurpose.EXCHANGE)
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    days: Mapped[int | None]
    funding: Mapped[str | None] = mapped_column(sa.String(200))
    school: Mapped[str | None] = mapped_column(sa.String(200))  # the organising school or department
    inviting_body: Mapped[str | None] = mapped_column(sa.String(300))
    depart_on: Mapped[date | None]
    return_on: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    approver: Mapped[str | None] = mapped_column(sa.String(200))
    approval_number: Mapped[str | None] = mapped_column(sa.String(100))
    approved_on: Mapped[date | None]
    notice_posted_on: Mapped[date | None]  # 公示
    passports_returned_on: Mapped[date | None]
    reported_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(sa.Text)

    owner: Mapped[User | None] = relationship()
    partners: Mapped[list[Partner]] = relationship(secondary=trip_partner, order_by="Partner.name")
    members: Mapped[list[TripMember]] = relationship(
        back_populates="trip", order_by="(TripMember.is_leader.desc(), TripMember.id)", cascade="all, delete-orphan"
    )
    legs: Mapped[list[TripLeg]] = relationship(
        back_populates="trip", order_by="(TripLeg.arrive_on, TripLeg.id)", cascade="all, delete-orphan"
    )
    documents: Mapped[list[TripDocument]] = relationship(back_populates="trip", order_by="TripDocument.uploaded_at.desc()")

    def __str__(self) -> str:
        return self.title

    @property
    def track(self) -> TripTrack:
        return TripTrack.HMT if self.country in HMT_COUNTRIES else TripTrack.ABROAD

    @property
    def day_count(self) -> int | None:
        """The trip's days, departure and return both counted, once both dates are known (the
        return step may move the return); before that, the days typed in the plan."""
        if self.depart_on and self.return_on:
            return (self.return_on - self.depart_on).days + 1
        return self.days

    @property
    def leader(self) -> TripMember | None:
        return next((member for member in self.members if member.is_leader), None)

    @property
    def headcount(self) -> int:
        return len(self.members)

    @property
    def has_report(self) -> bool:
        return any(document.kind == TripDocumentKind.REPORT for document in self.documents)


class TripMember(Audited, db.Model):
    """A member of the delegation: a staff user, or a named person of the college."""

    __tablename__ = "trip_member"
    __audit_secret__ = frozenset({"passport_number"})

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(sa.ForeignKey("trip.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str | None] = mapped_column(sa.String(200))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    is_leader: Mapped[bool] = mapped_column(default=False)
    passport_number: Mapped[str | None] = mapped_column(sa.String(40))  # only with STORE_PASSPORT_NUMBERS

    trip: Mapped[Trip] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship()


class TripLeg(Audited, db.Model):
    """A stop of the itinerary: where, when, and the partner invited by or visited there."""

    __tablename__ = "trip_leg"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(sa.ForeignKey("trip.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(sa.String(2))
    city: Mapped[str | None] = mapped_column(sa.String(200))
    arrive_on: Mapped[date | None]
    leave_on: Mapped[date | None]
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    agenda: Mapped[str | None] = mapped_column(sa.String(500))
    interaction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interaction.id", ondelete="SET NULL"))

    trip: Mapped[Trip] = relationship(back_populates="legs")
    partner: Mapped[Partner | None] = relationship()
    interaction: Mapped[Interaction | None] = relationship()


class TripDocument(DocumentColumns, Audited, db.Model):
    """The 批件 scan, the trip report, others. The file lives in UPLOAD_FOLDER under `stored_name`."""

    __tablename__ = "trip_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(sa.ForeignKey("trip.id"), index=True)
    kind: Mapped[TripDocumentKind] = mapped_column(enum_column(TripDocumentKind))

    trip: Mapped[Trip] = relationship(back_populates="documents")


# The change history's names of this domain's fields (those crm/audit/labels.py does not name).
name_fields({
    "trip.year": _l("Plan year"), "in_plan": _l("In the yearly plan"), "purpose_kind": _l("Purpose"), "trip.purpose": _l("Tasks and purpose"),
    "days": _l("Days"), "funding": _l("Funding source"), "school": _l("Organising school or department"),
    "inviting_body": _l("Inviting body"), "depart_on": _l("Departs on"), "return_on": _l("Returns on"),
    "approver": _l("Approving body"), "approval_number": _l("Approval number (批件号)"), "approved_on": _l("Approved on"),
    "notice_posted_on": _l("Public notice (公示) posted on"), "passports_returned_on": _l("Passports returned on"),
    "reported_on": _l("Trip report submitted on"), "user_id": _l("Staff member"), "is_leader": _l("Leader of the delegation"),
    "trip_leg.arrive_on": _l("From"), "trip_leg.leave_on": _l("Until"), "agenda": _l("Programme"), "trip_id": _l("Delegation"),
})
