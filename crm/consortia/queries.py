"""The statements behind the consortium pages, the partner page's consortia and the yearly
consortium report."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.consortia.models import ActivityKind, Consortium, ConsortiumActivity, ConsortiumMember, MemberKind, MemberRole
from crm.core.search import contains
from crm.core.statements import prepared
from crm.extensions import db


def consortium_list(term: str = "", archived: bool = False):
    statement = (
        select(Consortium)
        .where(Consortium.archived_at.is_not(None) if archived else Consortium.archived_at.is_(None))
        .options(joinedload(Consortium.lead_partner), selectinload(Consortium.members), selectinload(Consortium.activities))
        .order_by(Consortium.name, Consortium.id)
    )
    if term:
        statement = statement.where(or_(contains(Consortium.name, term), contains(Consortium.local_name, term)))
    return statement


def consortium_for_page(consortium_id: int) -> Consortium | None:
    return db.session.scalars(
        select(Consortium)
        .where(Consortium.id == consortium_id)
        .options(
            joinedload(Consortium.lead_partner), joinedload(Consortium.owner),
            selectinload(Consortium.members).joinedload(ConsortiumMember.partner),
            selectinload(Consortium.activities).selectinload(ConsortiumActivity.members),
        )
    ).unique().one_or_none()


@dataclass
class PartnerConsortium:
    consortium: Consortium
    memberships: list[ConsortiumMember]


def consortia_of_partner(partner_id: int) -> list[PartnerConsortium]:
    """The consortia a partner leads or belongs to (the partner page), with its memberships:
    one statement."""
    rows = db.session.execute(_consortia_of_partner(), {"partner_id": partner_id}).all()
    found: dict[int, PartnerConsortium] = {}
    for consortium, membership in rows:
        item = found.setdefault(consortium.id, PartnerConsortium(consortium, []))
        if membership is not None:
            item.memberships.append(membership)
    return list(found.values())


@prepared
def _consortia_of_partner():
    partner_id = bindparam("partner_id")
    return (
        select(Consortium, ConsortiumMember)
        .outerjoin(ConsortiumMember, and_(ConsortiumMember.consortium_id == Consortium.id,
                                          ConsortiumMember.partner_id == partner_id))
        .where(Consortium.archived_at.is_(None),
               or_(Consortium.lead_partner_id == partner_id, ConsortiumMember.id.is_not(None)))
        .order_by(Consortium.name, Consortium.id, ConsortiumMember.id)
    )


ROLE_ORDER = list(MemberRole)


def members_by_role(consortium: Consortium, today: date) -> list[tuple[MemberRole, list[ConsortiumMember]]]:
    """The current members grouped by role (president unit first), each group by name."""
    groups: dict[MemberRole, list[ConsortiumMember]] = defaultdict(list)
    for member in consortium.members:
        if member.is_current(today):
            groups[member.role].append(member)
    return [(role, sorted(groups[role], key=lambda m: m.name)) for role in ROLE_ORDER if groups[role]]


def former_members(consortium: Consortium, today: date) -> list[ConsortiumMember]:
    return sorted((m for m in consortium.members if m.has_left(today)), key=lambda m: m.left_on)


def joining_members(consortium: Consortium, today: date) -> list[ConsortiumMember]:
    """Members whose joining date is still to come: shown, not yet counted."""
    return sorted((m for m in consortium.members if not m.has_joined(today) and not m.has_left(today)),
                  key=lambda m: (m.joined_on, m.name))


def kind_counts(consortium: Consortium, today: date) -> list[tuple[MemberKind, int]]:
    """Current member units by kind (a unit in two roles once)."""
    units = {m.unit: m.kind for m in sorted(consortium.members, key=lambda m: m.id) if m.is_current(today)}
    counts = Counter(units.values())
    return [(kind, counts[kind]) for kind in MemberKind if counts[kind]]


def activities_by_year(consortium: Consortium) -> list[tuple[int, list[ConsortiumActivity]]]:
    years: dict[int, list[ConsortiumActivity]] = defaultdict(list)
    for activity in consortium.activities:
        years[activity.held_on.year].append(activity)
    return sorted(years.items(), reverse=True)


def activity_counts_by_member(consortium: Consortium) -> dict[int, int]:
    """How many activities each member took part in (what they contributed, with their note)."""
    return Counter(member.id for activity in consortium.activities for member in activity.members)


@dataclass
class ReportYear:
    year: int
    activities: Counter = field(default_factory=Counter)   # ActivityKind → number
    participations: int = 0                                # member units taking part, summed (a unit in two roles once)
    joined: int = 0
    left: int = 0
    members_at_end: int = 0

    @property
    def total(self) -> int:
        return sum(self.activities.values())


def yearly_report(consortium: Consortium) -> list[ReportYear]:
    """The consortium's years (founding or first activity to the latest): activities by kind,
    member participations, members joined and left, members at the year's end."""
    years = [a.held_on.year for a in consortium.activities]
    years += [m.joined_on.year for m in consortium.members if m.joined_on]
    years += [m.left_on.year for m in consortium.members if m.left_on]
    if consortium.founded_on:
        years.append(consortium.founded_on.year)
    if not years:
        return []
    rows = {year: ReportYear(year) for year in range(min(years), max(years) + 1)}
    for activity in consortium.activities:
        row = rows[activity.held_on.year]
        row.activities[activity.kind] += 1
        row.participations += len({member.unit for member in activity.members})
    # Member units (a unit in two roles counts once): a unit joins with its first membership,
    # leaves with the end of its last, and is a member at a year's end if any role holds then.
    memberships = defaultdict(list)
    for member in consortium.members:
        memberships[member.unit].append(member)
    for members in memberships.values():
        joined = [m.joined_on for m in members if m.joined_on]
        if joined:
            rows[min(joined).year].joined += 1
        if all(m.left_on for m in members):
            rows[max(m.left_on for m in members).year].left += 1
        for year, row in rows.items():
            if any(m.is_current(date(year, 12, 31)) for m in members):
                row.members_at_end += 1
    return [rows[year] for year in sorted(rows, reverse=True)]


ACTIVITY_KINDS = list(ActivityKind)
