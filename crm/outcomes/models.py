"""Outcomes: what a cooperation produced in a year, one count per row, in a category.

An outcome belongs to an agreement, to a partner, or to nothing (a teacher's office in a foreign
organisation), and to a school (二级学院). Staff entries count at once; a liaison's entry waits
for the office's approval (`status`), and only approved outcomes reach the reports.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Audited, Timestamped, Versioned
from crm.core.uploads import DocumentColumns
from crm.extensions import db
from crm.schools.models import School  # a real import: the mapper needs it, schools import nothing back

if TYPE_CHECKING:
    from crm.agreements.models import Agreement
    from crm.auth.models import User
    from crm.partners.models import Partner


class OutcomeCategory(LabelledEnum):
    """What an outcome counts, in the order the yearly report shows them (seed's categories)."""

    OUTBOUND_STUDENTS = "outbound_students", _l("Students sent abroad")
    INBOUND_STUDENTS = "inbound_students", _l("International students received")
    SCHOLARSHIP_STUDENTS = "scholarship_students", _l("International students with scholarships")
    JOINT_PROGRAMME_STUDENTS = "joint_programme_students", _l("Joint-programme enrolment")
    TEACHERS_TRAINED = "teachers_trained", _l("Teachers trained")
    TRAINING_PROGRAMMES = "training_programmes", _l("Teacher-training programmes run")
    STAFF_SENT = "staff_sent", _l("Teachers and managers sent to external programmes")
    CERTIFICATES_EARNED = "certificates_earned", _l("Certificates earned")
    QUALIFICATIONS = "qualifications", _l("International qualifications introduced")
    EXPERTS_HOSTED = "experts_hosted", _l("Foreign teachers and experts hosted")
    DELEGATIONS_SENT = "delegations_sent", _l("Delegations sent")
    DELEGATIONS_RECEIVED = "delegations_received", _l("Delegations received")
    OTHER = "other", _l("Other quantity (counts toward an indicator)")


# What the `detail` of an outcome names, by category (suggestions; the field is free text).
DETAIL_HINTS = {
    OutcomeCategory.OUTBOUND_STUDENTS: _l("purpose: short visit, exchange, internship, degree study"),
    OutcomeCategory.INBOUND_STUDENTS: _l("programme"),
    OutcomeCategory.JOINT_PROGRAMME_STUDENTS: _l("major"),
    OutcomeCategory.STAFF_SENT: _l("sponsor: Ministry of Education, municipal, industry, partner"),
    OutcomeCategory.CERTIFICATES_EARNED: _l("issuer and holders, e.g. AHK, students"),
    OutcomeCategory.EXPERTS_HOSTED: _l("short-term or long-term"),
}

# Kept for the templates that list categories by key.
OUTCOME_COUNTS = {category.value: category._label for category in OutcomeCategory}


class OutcomeStatus(LabelledEnum):
    APPROVED = "approved", _l("Approved")
    PENDING = "pending", _l("Waiting for approval")
    RETURNED = "returned", _l("Sent back")


def academic_year_of(day: date) -> int:
    """The starting year of the academic year (1 September) that contains `day`."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def year_kind() -> str:
    """The office's year: "academic" (from 1 September, the default) or "calendar"."""
    kind = current_app.config.get("REPORT_YEAR_KIND", "academic") if has_app_context() else "academic"
    return "calendar" if kind == "calendar" else "academic"


def report_year_of(day: date) -> int:
    return day.year if year_kind() == "calendar" else academic_year_of(day)


def year_label(year: int) -> str:
    return str(year) if year_kind() == "calendar" else academic_year_label(year)


def year_kind_note() -> str:
    """Says which year the office counts in (the UI states it wherever years are shown)."""
    if year_kind() == "calendar":
        return str(_l("Years are calendar years."))
    return str(_l("Years are academic years from 1 September: 2025-2026 runs from 1 September 2025 to 31 August 2026."))


def year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of a report year."""
    if year_kind() == "calendar":
        return date(year, 1, 1), date(year, 12, 31)
    return date(year, 9, 1), date(year + 1, 8, 31)


class Indicator(Audited, Timestamped, Versioned, db.Model):
    """A row of the year's 国际影响表 (international-influence table), as the office words it.

    The template changes from year to year, so each year has its own rows, labels and units.
    """

    __tablename__ = "indicator"
    __table_args__ = (sa.UniqueConstraint("year", "code", name="uq_indicator_year_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(sa.String(40))
    label_zh: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(300))
    unit: Mapped[str] = mapped_column(sa.String(20))

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        locale = get_locale()
        return self.label_zh if locale is not None and locale.language == "zh" else self.label_en


class Outcome(Audited, Timestamped, Versioned, db.Model):
    """One count of what a cooperation produced in one report year."""

    __tablename__ = "outcome"
    __table_args__ = (
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
        sa.Index("ix_outcome_year", "year"),
        # Covers the report's sums: they read only the index, never the table.
        sa.Index("ix_outcome_report", "status", "year", "category", "agreement_id", "partner_id", "count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicator.id"), index=True)
    year: Mapped[int]  # the start year: 2025 is 2025-2026 (academic) or 2025 (calendar)
    category: Mapped[OutcomeCategory] = mapped_column(enum_column(OutcomeCategory))
    detail: Mapped[str | None] = mapped_column(sa.String(200))
    count: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[OutcomeStatus] = mapped_column(enum_column(OutcomeStatus), default=OutcomeStatus.APPROVED)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(sa.Text)

    agreement: Mapped[Agreement | None] = relationship()
    partner: Mapped[Partner | None] = relationship()
    school: Mapped[School | None] = relationship()
    indicator: Mapped[Indicator | None] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    evidence: Mapped[list[OutcomeEvidence]] = relationship(
        back_populates="outcome", order_by="OutcomeEvidence.id"
    )

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @hybrid_property
    def is_archived(self) -> bool:
        """An outcome is out of sight with its archived agreement: its pages answer 404
        (get_live_or_404, crm.core.uploads.document_or_404 ask), and the queues of what waits or
        came back leave it out (crm/outcomes/queries.py asks the same rule in SQL)."""
        return self.agreement is not None and self.agreement.is_archived

    @is_archived.inplace.expression
    @classmethod
    def _is_archived_expression(cls):
        from crm.agreements.models import Agreement

        return sa.exists().where(Agreement.id == cls.agreement_id, Agreement.archived_at.is_not(None))

    @property
    def is_approved(self) -> bool:
        return self.status == OutcomeStatus.APPROVED

    @property
    def is_waiting(self) -> bool:
        """Waiting for the office: the only state it approves or sends back."""
        return self.status == OutcomeStatus.PENDING

    def why_not_approved(self) -> str | None:
        """Why the office may not approve this entry, or None when it may: only an entry waiting
        for approval is approved (one already approved or sent back is not, a second time)."""
        if not self.is_waiting:
            return _("Only an outcome waiting for approval can be approved; this one is: %(status)s. Nothing was changed.",
                     status=self.status.label)
        return None

    def why_not_sent_back(self) -> str | None:
        """Why the office may not send this entry back for correction, or None when it may: only
        an entry waiting for approval goes back, and only to a school, whose liaison sees it."""
        if not self.is_waiting:
            return _("Only an outcome waiting for approval can be sent back; this one is: %(status)s. Nothing was changed.",
                     status=self.status.label)
        if self.school_id is None:
            return _("This outcome belongs to no school, so no liaison would see it sent back. Nothing was changed; "
                     "correct it yourself or choose its school first.")
        return None


class OutcomeEvidence(DocumentColumns, Audited, db.Model):
    """A file that backs an outcome's count: a scan of certificates, a list of students, a PDF.
    The file lives in UPLOAD_FOLDER under `stored_name` (crm/core/uploads.py)."""

    __tablename__ = "outcome_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome.id"), index=True)

    outcome: Mapped[Outcome] = relationship(back_populates="evidence")

    def __str__(self) -> str:
        return self.original_name


class Quota(Audited, Timestamped, Versioned, db.Model):
    """What an agreement promises each year in one category ("5 students per year each way")."""

    __tablename__ = "quota"
    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "category", name="uq_quota_agreement_category"),
        sa.CheckConstraint("per_year >= 0", name="per_year_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    category: Mapped[OutcomeCategory] = mapped_column(enum_column(OutcomeCategory))
    per_year: Mapped[int]
    note: Mapped[str | None] = mapped_column(sa.String(300))

    agreement: Mapped[Agreement] = relationship()
