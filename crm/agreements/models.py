from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from crm.core.dates import office_today
from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.core.uploads import DocumentColumns
from crm.extensions import db

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.partners.models import Partner

DEFAULT_RENEWAL_WINDOW_DAYS = 90


class AgreementKind(LabelledEnum):
    MOU = "mou", _l("Memorandum of understanding / framework")
    STUDENT_EXCHANGE = "student_exchange", _l("Student exchange")
    JOINT_PROGRAMME = "joint_programme", _l("Joint programme / dual degree")
    TOP_UP = "top_up", _l("Top-up / articulation")
    CERTIFICATE_TRAINING = "certificate_training", _l("Certificate training")
    TEACHER_TRAINING = "teacher_training", _l("Teacher training")
    SHORT_VISIT = "short_visit", _l("Short-term visit / study tour")
    CONSORTIUM = "consortium", _l("Consortium membership")
    OTHER = "other", _l("Other")


class AgreementStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SIGNED = "signed", _l("Signed, not yet in force")
    ACTIVE = "active", _l("Active")
    EXPIRING = "expiring", _l("Expiring")
    EXPIRED = "expired", _l("Expired")
    RENEWED = "renewed", _l("Renewed")
    TERMINATED = "terminated", _l("Terminated")


class AgreementDecision(LabelledEnum):
    """A decision that overrides the status derived from the dates."""

    RENEWED = "renewed", _l("Renewed")
    TERMINATED = "terminated", _l("Terminated")
    LAPSE = "lapse", _l("Let lapse")
    AMEND = "amend", _l("Amended")


# In force: signed, started, not past valid-until, neither renewed nor terminated.
IN_FORCE = frozenset({AgreementStatus.ACTIVE, AgreementStatus.EXPIRING})
# Decisions after which the renewal question is still open: none yet, or an amendment (which
# may move the end date, but does not say what happens at the end).
RENEWAL_OPEN = (None, AgreementDecision.AMEND)


agreement_partner = sa.Table(
    "agreement_partner",
    db.metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partner.id"), primary_key=True, index=True),
)


def act_by_of(valid_until: date | None, notice_days: int | None) -> date | None:
    """The one definition of the act-by date, the date that matters for renewal: valid-until
    minus the notice period (none: 0 days); None for an open-ended agreement. Its SQL twin is
    queries.computed_act_by; `Agreement.act_by` stores it."""
    if valid_until is None:
        return None
    return valid_until - timedelta(days=notice_days or 0)


class Agreement(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "agreement"
    # act_by is derived from valid_until and notice_days, whose changes the history shows.
    __audit_ignore__ = Audited.__audit_ignore__ | {"act_by"}
    __table_args__ = (
        # The renewal windows and sorting by act-by; the renewal-due conditions read from the
        # index too, so counting a window does not read the rows.
        sa.Index("ix_agreement_act_by", "act_by", "archived_at", "signed_on", "decision"),
        # Counting the agreements in force (the home page's figure) without reading the rows.
        sa.Index("ix_agreement_in_force", "valid_until", "valid_from", "signed_on", "decision", "archived_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind))
    signed_on: Mapped[date | None]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None] = mapped_column(index=True)  # None: open-ended
    notice_days: Mapped[int | None]
    # act_by_of(valid_until, notice_days), stored so that lists sort and filter by an index;
    # kept by _keep_act_by on every change of either (and queries.store_act_by for bulk writes).
    # It depends on nothing else (no setting): nothing has to recompute it on start.
    act_by: Mapped[date | None]
    auto_renew: Mapped[bool] = mapped_column(default=False)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    subjects: Mapped[str | None] = mapped_column(sa.Text)
    yearly_quotas: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    predecessor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement.id"), unique=True, index=True
    )
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    decision: Mapped[AgreementDecision | None] = mapped_column(enum_column(AgreementDecision))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    partners: Mapped[list[Partner]] = relationship(
        secondary=agreement_partner, order_by="Partner.name"
    )
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    predecessor: Mapped[Agreement | None] = relationship(
        remote_side=[id], foreign_keys=[predecessor_id], back_populates="successor"
    )
    successor: Mapped[Agreement | None] = relationship(
        foreign_keys=[predecessor_id], back_populates="predecessor", uselist=False
    )
    parent: Mapped[Agreement | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Agreement]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Agreement.title"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="agreement", order_by="Document.uploaded_at.desc()"
    )

    def __str__(self) -> str:
        return self.title

    @validates("valid_until", "notice_days")
    def _keep_act_by(self, key: str, value):
        """Whoever sets valid-until or the notice period sets the act-by date with it, so that
        it is current before the flush (the status reads it) and in the same UPDATE."""
        inputs = {"valid_until": self.valid_until, "notice_days": self.notice_days} | {key: value}
        self.act_by = act_by_of(**inputs)
        return value

    @property
    def renewal_window_opens(self) -> date | None:
        act_by = self.act_by
        return None if act_by is None else act_by - timedelta(days=DEFAULT_RENEWAL_WINDOW_DAYS)

    @property
    def renewal_open(self) -> bool:
        """Nobody has decided yet what happens at the end (an amendment does not decide it)."""
        return self.decision in RENEWAL_OPEN

    def status_on(self, today: date) -> AgreementStatus:
        """The one definition of an agreement's status (queries.status_condition is its SQL twin).

        A decision wins (renewed: its renewal is signed; terminated). Unsigned is a draft. Signed
        but not yet started is signed, not in force. Signed and open-ended stays active. Past
        valid-until it has expired. Inside the renewal window, which opens 90 days before the
        act-by date (valid-until minus the notice period) and closes at valid-until, it is
        expiring, unless someone decided to let it lapse: then it stays active, without
        reminders, until it expires. An amendment changes none of this.
        """
        if self.decision == AgreementDecision.RENEWED:
            return AgreementStatus.RENEWED
        if self.decision == AgreementDecision.TERMINATED:
            return AgreementStatus.TERMINATED
        if self.signed_on is None:
            return AgreementStatus.DRAFT
        if self.valid_from is not None and today < self.valid_from:
            return AgreementStatus.SIGNED
        if self.valid_until is None:
            return AgreementStatus.ACTIVE
        if today > self.valid_until:
            return AgreementStatus.EXPIRED
        if self.decision != AgreementDecision.LAPSE and today >= self.renewal_window_opens:
            return AgreementStatus.EXPIRING
        return AgreementStatus.ACTIVE

    @property
    def status(self) -> AgreementStatus:
        return self.status_on(office_today())

    def in_force_on(self, today: date) -> bool:
        """The one definition of "in force" (queries.in_force_condition is its SQL twin)."""
        return self.status_on(today) in IN_FORCE


class Document(DocumentColumns, Audited, db.Model):
    """A signed agreement or a scan. The file lives in UPLOAD_FOLDER under `stored_name`."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id"), index=True)

    agreement: Mapped[Agreement] = relationship(back_populates="documents")
