from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.agreements.models import AgreementKind
from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Archivable, Audited, Timestamped, Versioned, utcnow
from crm.extensions import db

if TYPE_CHECKING:
    from crm.agreements.models import Agreement
    from crm.auth.models import User
    from crm.partners.models import Partner


class ProposalStage(LabelledEnum):
    IDEA = "idea", _l("Idea")
    DRAFTING = "drafting", _l("Drafting")
    SUBMITTED = "submitted", _l("Submitted")
    NEGOTIATING = "negotiating", _l("Negotiating")
    APPROVED = "approved", _l("Approved")
    SIGNED = "signed", _l("Signed")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STAGES


CLOSED_STAGES = frozenset({ProposalStage.SIGNED, ProposalStage.DECLINED, ProposalStage.WITHDRAWN})


class ProposedBy(LabelledEnum):
    US = "us", _l("Us")
    PARTNER = "partner", _l("The partner")


class Proposal(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "proposal"
    __table_args__ = (
        # The board reads each column's first cards in its sort order from an index of the
        # stage (crm/proposals/queries.py SORTS), not by sorting the stage's proposals: the
        # most urgent (undated next steps last), by title, and by days in stage; the last also
        # holds what the board's and the home page's counts ask, so they count from it alone.
        sa.Index(
            "ix_proposal_stage_next_step", "stage", sa.literal_column("next_step_on").is_(None), "next_step_on",
            "stage_changed_at",
        ),
        sa.Index("ix_proposal_stage_title", "stage", "title"),
        sa.Index("ix_proposal_stage_days", "stage", "stage_changed_at", "archived_at", "partner_id", "next_step_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind))
    description: Mapped[str | None] = mapped_column(sa.Text)
    proposed_by: Mapped[ProposedBy] = mapped_column(enum_column(ProposedBy), default=ProposedBy.US)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    stage: Mapped[ProposalStage] = mapped_column(
        enum_column(ProposalStage), default=ProposalStage.IDEA
    )
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    expected_start: Mapped[date | None]
    expected_participants: Mapped[int | None]
    next_step: Mapped[str | None] = mapped_column(sa.String(300))
    next_step_on: Mapped[date | None]
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)

    partner: Mapped[Partner] = relationship()
    owner: Mapped[User | None] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    stage_changes: Mapped[list[ProposalStageChange]] = relationship(
        back_populates="proposal", order_by="ProposalStageChange.changed_at.desc()"
    )

    def __str__(self) -> str:
        return self.title


class ProposalStageChange(db.Model):
    """The history of a proposal's stage: who moved it, when, from where to where, and why."""

    __tablename__ = "proposal_stage_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    from_stage: Mapped[ProposalStage | None] = mapped_column(enum_column(ProposalStage))
    to_stage: Mapped[ProposalStage] = mapped_column(enum_column(ProposalStage))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    proposal: Mapped[Proposal] = relationship(back_populates="stage_changes")
    changed_by: Mapped[User | None] = relationship()
