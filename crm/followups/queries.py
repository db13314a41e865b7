"""Open follow-ups: whose, grouped by urgency, and the overdue count the navigation shows."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction
from crm.partners.models import Partner
from crm.proposals.models import Proposal

EVERYONE = "all"
HOME_CARD_LIMIT = 10


def not_archived():
    """Follow-ups of archived partners, agreements or proposals are out of sight like them."""
    return ~or_(
        FollowUp.interaction.has(Interaction.partner.has(Partner.archived_at.is_not(None))),
        FollowUp.agreement.has(Agreement.archived_at.is_not(None)),
        FollowUp.proposal.has(Proposal.archived_at.is_not(None)),
    )


def _overdue(today: date):
    return (
        FollowUp.done.is_(False),
        FollowUp.partner_commitment.is_(False),
        FollowUp.due_on < today,
    )


def end_of_week(today: date) -> date:
    """Sunday of the current week: "due this week" is up to and including it."""
    return today + timedelta(days=6 - today.weekday())


def open_follow_ups(assignee_id: int | str | None) -> list[FollowUp]:
    """Open follow-ups of one assignee (or of everyone), with what they belong to (one statement)."""
    statement = (
        select(FollowUp)
        .where(FollowUp.done.is_(False), not_archived())
        .options(
            joinedload(FollowUp.assignee),
            joinedload(FollowUp.interaction).joinedload(Interaction.partner),
            joinedload(FollowUp.agreement),
            joinedload(FollowUp.proposal),
        )
        .order_by(FollowUp.due_on.asc().nulls_last(), FollowUp.id)
    )
    if assignee_id != EVERYONE:
        statement = statement.where(FollowUp.assignee_id == assignee_id)
    return db.session.scalars(statement).all()


@dataclass
class Groups:
    overdue: list[FollowUp] = field(default_factory=list)
    this_week: list[FollowUp] = field(default_factory=list)
    later: list[FollowUp] = field(default_factory=list)
    waiting: list[FollowUp] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.this_week) + len(self.later) + len(self.waiting)


def grouped(follow_ups: list[FollowUp], today: date) -> Groups:
    """Overdue first, then due this week, then later; the partner's promises on their own."""
    groups = Groups()
    week_ends = end_of_week(today)
    for follow_up in follow_ups:
        if follow_up.partner_commitment:
            groups.waiting.append(follow_up)
        elif follow_up.due_on is not None and follow_up.due_on < today:
            groups.overdue.append(follow_up)
        elif follow_up.due_on is not None and follow_up.due_on <= week_ends:
            groups.this_week.append(follow_up)
        else:
            groups.later.append(follow_up)
    return groups


def overdue_count(assignee_id: int, today: date) -> int:
    """How many of our own promises assigned to someone are overdue: one COUNT."""
    return db.session.scalar(
        select(func.count())
        .select_from(FollowUp)
        .where(FollowUp.assignee_id == assignee_id, *_overdue(today), not_archived())
    )


def overdue_of(assignee_id: int, today: date, limit: int = HOME_CARD_LIMIT) -> list[FollowUp]:
    """The home page's card: the most overdue first."""
    return db.session.scalars(
        select(FollowUp)
        .where(FollowUp.assignee_id == assignee_id, *_overdue(today), not_archived())
        .options(
            joinedload(FollowUp.interaction).joinedload(Interaction.partner),
            joinedload(FollowUp.agreement),
            joinedload(FollowUp.proposal),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(limit)
    ).all()


def load_follow_up(follow_up_id: int) -> FollowUp | None:
    """One follow-up with what its row shows, or None when missing or archived with its parent."""
    return db.session.scalars(
        select(FollowUp)
        .where(FollowUp.id == follow_up_id, not_archived())
        .options(
            joinedload(FollowUp.assignee),
            joinedload(FollowUp.interaction).joinedload(Interaction.partner),
            joinedload(FollowUp.agreement),
            joinedload(FollowUp.proposal),
        )
    ).first()
