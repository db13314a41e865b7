"""Foreign teachers and experts: their stays, work and residence permits, and documents.

A permit stays open (and in the renewals view, the digest and the calendar feed once its
act-by date comes near) until someone records a decision: renewed (with the new permit, which
points back to it) or ended.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.labels import name_fields
from crm.core.enums import LabelledEnum, enum_column
from crm.core.markers import ERASED_EXPERT
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.core.uploads import DocumentColumns
from crm.extensions import db

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.partners.models import Partner

# An erased expert keeps the row (the stays still count in the yearly report) but no personal data.
ERASED_NAME = ERASED_EXPERT  # crm/core/markers.py: shown in the reader's language
ERASED_LABEL = _l("erased expert")


class StayTerm(LabelledEnum):
    SHORT = "short", _l("Short-term")
    LONG = "long", _l("Long-term")


class ReviewResult(LabelledEnum):
    """The end-of-term review on which an extension depends."""

    EXTEND = "extend", _l("Recommended for extension")
    NOT_EXTEND = "not_extend", _l("Not recommended for extension")


class PermitKind(LabelledEnum):
    WORK = "work", _l("Work permit")
    RESIDENCE = "residence", _l("Residence permit")


class PermitCategory(LabelledEnum):
    A = "A", _l("Category A (high-end talent)")
    B = "B", _l("Category B (professional)")
    C = "C", _l("Category C (other)")


class PermitDecision(LabelledEnum):
    RENEWED = "renewed", _l("Renewed")
    ENDED = "ended", _l("Ended")


class Expert(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "expert"
    __audit_secret__ = frozenset({"passport_number"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)          # Latin script
    local_name: Mapped[str | None] = mapped_column(sa.String(120))         # Chinese name
    nationality: Mapped[str] = mapped_column(sa.String(2), index=True)     # ISO 3166-1 alpha-2
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)  # sending partner
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    teaches: Mapped[str | None] = mapped_column(sa.Text)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    passport_number: Mapped[str | None] = mapped_column(sa.String(40))    # only if STORE_PASSPORT_NUMBERS
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    partner: Mapped[Partner | None] = relationship()
    owner: Mapped[User | None] = relationship()
    stays: Mapped[list[Stay]] = relationship(back_populates="expert", order_by="Stay.starts_on.desc()")
    permits: Mapped[list[Permit]] = relationship(back_populates="expert", order_by="Permit.expires_on.desc()")
    documents: Mapped[list[ExpertDocument]] = relationship(
        back_populates="expert", order_by="ExpertDocument.uploaded_at.desc()"
    )

    @hybrid_property
    def erased(self) -> bool:
        return self.name == ERASED_NAME

    @property
    def display_name(self) -> str:
        return str(ERASED_LABEL) if self.erased else self.name

    def __str__(self) -> str:
        return self.display_name


class Stay(Audited, Timestamped, Versioned, db.Model):
    __tablename__ = "expert_stay"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("expert.id"), index=True)
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date | None]
    term: Mapped[StayTerm] = mapped_column(enum_column(StayTerm))
    host_faculty: Mapped[str | None] = mapped_column(sa.String(200))
    contract: Mapped[str | None] = mapped_column(sa.String(200))
    review_on: Mapped[date | None]
    review_result: Mapped[ReviewResult | None] = mapped_column(enum_column(ReviewResult))
    review_note: Mapped[str | None] = mapped_column(sa.Text)

    expert: Mapped[Expert] = relationship(back_populates="stays")


class Permit(Audited, Timestamped, Versioned, db.Model):
    __tablename__ = "expert_permit"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("expert.id"), index=True)
    kind: Mapped[PermitKind] = mapped_column(enum_column(PermitKind))
    number: Mapped[str | None] = mapped_column(sa.String(60))
    category: Mapped[PermitCategory | None] = mapped_column(enum_column(PermitCategory))  # work permits
    issued_on: Mapped[date | None]
    expires_on: Mapped[date] = mapped_column(index=True)
    predecessor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("expert_permit.id"), unique=True)
    decision: Mapped[PermitDecision | None] = mapped_column(enum_column(PermitDecision))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    expert: Mapped[Expert] = relationship(back_populates="permits")
    decided_by: Mapped[User | None] = relationship()
    predecessor: Mapped[Permit | None] = relationship(remote_side=[id], back_populates="successor")
    successor: Mapped[Permit | None] = relationship(back_populates="predecessor", uselist=False)

    @property
    def is_open(self) -> bool:
        return self.decision is None

    def act_by(self, lead_days: int) -> date:
        """The date the extension must be filed by: expiry minus the office's lead time."""
        return self.expires_on - timedelta(days=lead_days)


class ExpertDocument(DocumentColumns, Audited, db.Model):
    """A contract, a permit scan or a CV. The file lives in UPLOAD_FOLDER under `stored_name`."""

    __tablename__ = "expert_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("expert.id"), index=True)

    expert: Mapped[Expert] = relationship(back_populates="documents")


# The change history's names of this domain's fields (those crm/audit/labels.py does not name).
name_fields({
    "nationality": _l("Nationality"), "teaches": _l("What they teach"), "passport_number": _l("Passport number"),
    "starts_on": _l("Arrives on"), "ends_on": _l("Leaves on"), "term": _l("Short- or long-term"),
    "host_faculty": _l("Host school or faculty"), "contract": _l("Contract"), "review_on": _l("End-of-term review on"),
    "review_result": _l("Review result"), "review_note": _l("Review note"), "number": _l("Permit number"),
    "category": _l("Category"), "issued_on": _l("Issued on"), "expires_on": _l("Expires on"),
    "decision_note": _l("Note"), "expert_id": _l("Expert"), "expert.local_name": _l("Chinese name"),
})
