"""A consortium the college leads or belongs to: its members (partners, each with a role and a
kind, joined and left dates) and its activities (with the members that took part)."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.labels import name_fields
from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.partners.models import Partner

# Where a member or the lead body is the college itself (not a partner), it is shown so.
OUR_COLLEGE = _l("Our college")


class MemberRole(LabelledEnum):
    PRESIDENT = "president", _l("President unit")
    VICE_PRESIDENT = "vice_president", _l("Vice-president unit")
    SECRETARIAT = "secretariat", _l("Secretariat")
    MEMBER = "member", _l("Member unit")


class MemberKind(LabelledEnum):
    COLLEGE = "college", _l("College")
    ENTERPRISE = "enterprise", _l("Enterprise")
    RESEARCH = "research", _l("Research institution")
    GOVERNMENT = "government", _l("Government guidance")


class ActivityKind(LabelledEnum):
    MEETING = "meeting", _l("Meeting")
    TRAINING = "training", _l("Training")
    DELEGATION = "delegation", _l("Delegation")
    COMPETITION = "competition", _l("Competition")
    OTHER = "other", _l("Other")


activity_member = sa.Table(
    "consortium_activity_member",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("consortium_activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("member_id", sa.ForeignKey("consortium_member.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Consortium(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "consortium"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    local_name: Mapped[str | None] = mapped_column(sa.String(200))
    lead_partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)  # None: our college
    founded_on: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    lead_partner: Mapped[Partner | None] = relationship()
    owner: Mapped[User | None] = relationship()
    members: Mapped[list[ConsortiumMember]] = relationship(back_populates="consortium", order_by="ConsortiumMember.id")
    activities: Mapped[list[ConsortiumActivity]] = relationship(
        back_populates="consortium", order_by="ConsortiumActivity.held_on.desc()"
    )

    def __str__(self) -> str:
        return self.name

    def current_member(self, partner_id: int | None, role: MemberRole, today: date) -> "ConsortiumMember | None":
        """The membership of a partner (None: of our college) in `role` that has not ended (current,
        or joining later), if any (a unit may hold two roles, e.g. president unit and secretariat)."""
        return next((m for m in self.members if m.partner_id == partner_id and m.role == role and not m.has_left(today)), None)

    def current_unit_count(self, today: date) -> int:
        """The member units current on `today` (a unit in two roles once)."""
        return len({m.unit for m in self.members if m.is_current(today)})

    @property
    def lead_name(self) -> str:
        return self.lead_partner.name if self.lead_partner else str(OUR_COLLEGE)


class ConsortiumMember(Audited, Timestamped, Versioned, db.Model):
    """A member unit; `partner_id` None is our college itself."""

    __tablename__ = "consortium_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole), default=MemberRole.MEMBER)
    kind: Mapped[MemberKind] = mapped_column(enum_column(MemberKind), default=MemberKind.COLLEGE)
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]
    contribution: Mapped[str | None] = mapped_column(sa.Text)

    consortium: Mapped[Consortium] = relationship(back_populates="members")
    partner: Mapped[Partner | None] = relationship()

    @property
    def name(self) -> str:
        return self.partner.name if self.partner else str(OUR_COLLEGE)

    @property
    def unit(self) -> int | None:
        """The member unit this membership belongs to: its partner, or our college (None). A unit
        may hold two roles (president unit and secretariat): counted, it counts once."""
        return self.partner_id

    def __str__(self) -> str:
        return self.name

    # One rule for the page, its counts, the choices of an activity and the yearly report (a
    # member at a year's end): a member from the day it joined until the day before it left.
    def has_joined(self, today: date) -> bool:
        return self.joined_on is None or self.joined_on <= today

    def has_left(self, today: date) -> bool:
        return self.left_on is not None and self.left_on <= today

    def is_current(self, today: date) -> bool:
        return self.has_joined(today) and not self.has_left(today)


class ConsortiumActivity(Audited, Timestamped, Versioned, db.Model):
    __tablename__ = "consortium_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind))
    title: Mapped[str] = mapped_column(sa.String(300))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    outcomes: Mapped[str | None] = mapped_column(sa.Text)

    consortium: Mapped[Consortium] = relationship(back_populates="activities")
    members: Mapped[list[ConsortiumMember]] = relationship(secondary=activity_member, order_by="ConsortiumMember.id")

    def __str__(self) -> str:
        return self.title


# The change history's names of this domain's fields (those crm/audit/labels.py does not name).
name_fields({
    "lead_partner_id": _l("Lead body"), "founded_on": _l("Founded on"), "role": _l("Role"),
    "joined_on": _l("Joined on"), "left_on": _l("Left on"), "contribution": _l("Contribution"),
    "held_on": _l("Held on"), "place": _l("Place"), "outcomes": _l("Outcomes"),
    "members": _l("Members that took part"), "consortium_id": _l("Consortium"), "consortium.local_name": _l("Chinese name"),
})
