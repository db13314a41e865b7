"""Open follow-ups: whose, grouped by urgency, and the overdue count the navigation shows."""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.auth.models import User
from crm.core.capped import CappedPage, capped_count, capped_page
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction
from crm.partners.models import Partner
from crm.proposals.models import Proposal
from crm.proposals.queries import is_live as proposal_is_live

EVERYONE = "all"


@cache
def not_archived():
    """Follow-ups of archived partners, agreements or proposals are out of sight like them.

    The few archived partners' ids are found once per statement: an interaction's partner is
    checked against them, not looked up for each follow-up (five times cheaper per row). The
    condition holds no value of its own, so it is built once (building its three relationship
    subqueries cost more than running them) and shared by every statement."""
    archived_partners = select(Partner.id).where(Partner.archived_at.is_not(None))
    return ~or_(
        FollowUp.interaction.has(Interaction.partner_id.in_(archived_partners)),
        FollowUp.agreement.has(Agreement.archived_at.is_not(None)),
        FollowUp.proposal.has(~proposal_is_live()),
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


GROUP_LIMIT = 10  # rows per group on /follow-ups (as on the home page); its "show all" pages through the rest


@dataclass(frozen=True)
class Group:
    """One urgency group of /follow-ups: its key in the URL (`?due=`) and its heading."""

    key: str
    heading: object


GROUPS = (
    Group("overdue", _l("Overdue")),
    Group("this-week", _l("Due this week")),
    Group("later", _l("Later")),
    Group("waiting", _l("Waiting on partner")),
)
GROUP_KEYS = tuple(group.key for group in GROUPS)


def group_condition(key: str, today: date):
    """Which open follow-ups a group holds: overdue, due this week (to Sunday), later or
    undated; the partner's promises on their own whatever their date."""
    if key == "waiting":
        return FollowUp.partner_commitment.is_(True)
    ours = FollowUp.partner_commitment.is_(False)
    if key == "overdue":
        return and_(ours, FollowUp.due_on < today)
    if key == "this-week":
        return and_(ours, FollowUp.due_on >= today, FollowUp.due_on <= end_of_week(today))
    if key == "later":
        return and_(ours, or_(FollowUp.due_on > end_of_week(today), FollowUp.due_on.is_(None)))
    raise ValueError(key)


def _open_of(assignee_id: int | str):
    """Open follow-ups of one assignee (or of everyone), not archived with what they belong to."""
    statement = select(FollowUp).where(FollowUp.done.is_(False), not_archived())
    if assignee_id != EVERYONE:
        statement = statement.where(FollowUp.assignee_id == assignee_id)
    return statement


# What a row shows of what it hangs from (names, titles, the subject), not whole rows (an
# interaction's summary, a user's tokens): loading them cost more than the statement.
ROW_OPTIONS = (
    joinedload(FollowUp.assignee).load_only(User.name),
    joinedload(FollowUp.interaction).load_only(Interaction.subject, Interaction.partner_id)
    .joinedload(Interaction.partner).load_only(Partner.name),
    joinedload(FollowUp.agreement).load_only(Agreement.title),
    joinedload(FollowUp.proposal).load_only(Proposal.title),
)
ROW_ORDER = (FollowUp.due_on.asc().nulls_last(), FollowUp.id)


def _rows(statement):
    """What a row shows, loaded with it (joins: still one statement), soonest due first."""
    return statement.options(*ROW_OPTIONS).order_by(*ROW_ORDER)


def group_rows(assignee_id: int | str, key: str, today: date, limit: int = GROUP_LIMIT) -> list[FollowUp]:
    """The first `limit` follow-ups of a group (one statement; the index by assignee serves it)."""
    return groups_rows(assignee_id, (key,), today, limit)[key]


def groups_rows(assignee_id: int | str, keys, today: date, limit: int = GROUP_LIMIT) -> dict[str, list[FollowUp]]:
    """The first `limit` follow-ups of each group in `keys`, in one statement: each group's
    first ids (the index by assignee serves each), joined in a UNION ALL that says their group,
    then the rows with what they show."""
    firsts = [
        _open_of(assignee_id)
        .where(group_condition(key, today))
        .with_only_columns(FollowUp.id.label("id"), literal(key).label("group_key"))
        .order_by(*ROW_ORDER)
        .limit(limit)
        .subquery()
        for key in keys
    ]
    picked = union_all(*(select(first.c.id, first.c.group_key) for first in firsts)).subquery()
    found: dict[str, list[FollowUp]] = {key: [] for key in keys}
    for follow_up, key in db.session.execute(
        select(FollowUp, picked.c.group_key).join(picked, picked.c.id == FollowUp.id).options(*ROW_OPTIONS).order_by(*ROW_ORDER)
    ):
        found[key].append(follow_up)
    return found


def group_count_columns(assignee_id: int | str, today: date, cap: int | None = None, keys=GROUP_KEYS) -> list:
    """How many follow-ups each group of `keys` holds (up to `cap + 1`), as labelled scalar
    subqueries in the order of `keys`, for a page that gathers its counts into one statement.
    Each count reads every follow-up of its group: ask only for the groups the page shows."""
    return [
        capped_count(_open_of(assignee_id).where(group_condition(key, today)), cap).label(f"group_{index}")
        for index, key in enumerate(keys)
    ]


def group_counts(assignee_id: int | str, today: date, cap: int | None = None, keys=GROUP_KEYS) -> dict[str, int]:
    """How many follow-ups each group of `keys` holds, each counted up to `cap + 1` (one statement)."""
    row = db.session.execute(select(*group_count_columns(assignee_id, today, cap, keys))).one()
    return dict(zip(keys, row, strict=True))


def group_page(assignee_id: int | str, key: str, today: date) -> CappedPage:
    """`?page=` of one whole group (a group's "show all"): two statements."""
    statement = _open_of(assignee_id).where(group_condition(key, today))
    return capped_page(statement, order_by=ROW_ORDER, options=ROW_OPTIONS)


def overdue_count(assignee_id: int, today: date) -> int:
    """How many of our own promises assigned to someone are overdue: one COUNT."""
    return db.session.scalar(
        select(func.count())
        .select_from(FollowUp)
        .where(FollowUp.assignee_id == assignee_id, *_overdue(today), not_archived())
    )


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


def open_of_partner(partner_id: int) -> list[FollowUp]:
    """The open follow-ups about a partner, ours and the partner's own promises: those of its
    interactions, of its agreements and of its proposals; soonest due first (one statement)."""
    from crm.agreements.models import agreement_partner

    about_partner = or_(
        FollowUp.interaction.has(Interaction.partner_id == partner_id),
        FollowUp.agreement_id.in_(select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id == partner_id)),
        FollowUp.proposal.has(Proposal.partner_id == partner_id),
    )
    return db.session.scalars(_rows(_open_of(EVERYONE).where(about_partner))).unique().all()


def open_about(*, agreement_id: int | None = None, proposal_id: int | None = None) -> list[FollowUp]:
    """The open follow-ups about an agreement or a proposal (one of the two): attached to it, or
    to an interaction about it (where the UI creates them, from a meeting); soonest due first
    (one statement). Its page shows them and counts them, so the two agree."""
    if (agreement_id is None) == (proposal_id is None):
        raise ValueError("name an agreement or a proposal")
    if agreement_id is not None:
        about = or_(FollowUp.agreement_id == agreement_id, FollowUp.interaction.has(Interaction.agreement_id == agreement_id))
    else:
        about = or_(FollowUp.proposal_id == proposal_id, FollowUp.interaction.has(Interaction.proposal_id == proposal_id))
    return db.session.scalars(_rows(_open_of(EVERYONE).where(about))).unique().all()


def chosen_open(ids: list[int] | None, assignee_id: int | str, group_key: str | None, today: date, limit: int) -> list[FollowUp]:
    """Open follow-ups for a bulk change: those of `ids`, or (ids None) all the page lists: the
    assignee's (or everyone's), of one group when `group_key` is given; at most `limit`."""
    if ids is None:
        statement = _open_of(assignee_id)
        if group_key is not None:
            statement = statement.where(group_condition(group_key, today))
    else:
        statement = select(FollowUp).where(FollowUp.id.in_(ids or [-1]), FollowUp.done.is_(False), not_archived())
    return db.session.scalars(_rows(statement).limit(limit)).unique().all()
