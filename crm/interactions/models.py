from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.agreements.models import Agreement
    from crm.auth.models import User
    from crm.contacts.models import Contact
    from crm.followups.models import FollowUp
    from crm.partners.models import Partner
    from crm.proposals.models import Proposal


class InteractionKind(LabelledEnum):
    MEETING = "meeting", _l("Meeting")
    INCOMING_VISIT = "incoming_visit", _l("Incoming visit")
    OUTGOING_VISIT = "outgoing_visit", _l("Outgoing visit")
    VIDEO_CALL = "video_call", _l("Video call")
    PHONE_CALL = "phone_call", _l("Phone call")
    EMAIL = "email", _l("E-mail")
    EVENT = "event", _l("Event / conference")
    OTHER = "other", _l("Other")


interaction_contact = sa.Table(
    "interaction_contact",
    db.metadata,
    sa.Column("interaction_id", sa.ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("contact_id", sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True),
)

interaction_user = sa.Table(
    "interaction_user",
    db.metadata,
    sa.Column("interaction_id", sa.ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Interaction(Audited, Timestamped, Versioned, db.Model):
    """Something that happened with a partner: a meeting, a visit, a call, an e-mail."""

    __tablename__ = "interaction"
    __table_args__ = (
        sa.Index("ix_interaction_partner_occurred", "partner_id", "occurred_at"),
        # Counts by date (the home page's chart): the partner in the index lets a count skip
        # archived partners without reading the rows (SQLite: 1.5 ms instead of 240 ms for a
        # year of 200,000 interactions).
        sa.Index("ix_interaction_occurred_partner", "occurred_at", "partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)  # newest first: (occurred_at, id)
    kind: Mapped[InteractionKind] = mapped_column(enum_column(InteractionKind))
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str | None] = mapped_column(sa.Text)
    location: Mapped[str | None] = mapped_column(sa.String(200))
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)

    partner: Mapped[Partner] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    contacts: Mapped[list[Contact]] = relationship(secondary=interaction_contact)
    staff: Mapped[list[User]] = relationship(secondary=interaction_user)
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="interaction", order_by="FollowUp.due_on"
    )

    def __str__(self) -> str:
        return self.subject
