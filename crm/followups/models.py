from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.models import Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.agreements.models import Agreement
    from crm.auth.models import User
    from crm.interactions.models import Interaction
    from crm.proposals.models import Proposal


class FollowUp(Audited, Timestamped, Versioned, db.Model):
    """A promise with a due date; belongs to an interaction, an agreement or a proposal."""

    __tablename__ = "follow_up"
    __table_args__ = (
        sa.Index("ix_follow_up_open_due", "done", "due_on"),
        # One person's open follow-ups by group (ours or the partner's) and due date: serves the
        # navigation's overdue COUNT on every page, the home card and each /follow-ups group.
        sa.Index("ix_follow_up_assignee_open", "assignee_id", "done", "partner_commitment", "due_on"),
        sa.CheckConstraint(
            "interaction_id IS NOT NULL OR agreement_id IS NOT NULL OR proposal_id IS NOT NULL",
            name="has_parent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date | None]
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # ix_follow_up_assignee_open
    # True when the partner promised it ("waiting on partner"), False when we did.
    partner_commitment: Mapped[bool] = mapped_column(default=False)
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]
    interaction_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("interaction.id", ondelete="CASCADE"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)

    assignee: Mapped[User | None] = relationship()
    interaction: Mapped[Interaction | None] = relationship(back_populates="follow_ups")
    agreement: Mapped[Agreement | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return not self.done and self.due_on is not None and self.due_on < today
