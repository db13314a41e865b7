"""The statements behind the expert pages, the permit renewals, the deadline source and the
yearly report's "foreign teachers and experts" figures.

A permit's act-by date is its expiry minus the office's lead time (PERMIT_LEAD_DAYS, 90 by
default); a second warning falls PERMIT_SECOND_WARNING_DAYS (45) before expiry. A permit is open
until a decision is recorded (renewed or ended); an archived or erased expert owes nothing.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.core.search import contains
from crm.core.statements import prepared
from crm.experts.models import Expert, ExpertDocument, Permit, Stay, StayTerm
from crm.extensions import db
from crm.outcomes.models import academic_year_of

EXPORT_CAP = 20_000


def permit_lead_days() -> int:
    return int(current_app.config.get("PERMIT_LEAD_DAYS", 90))


def permit_second_warning_days() -> int:
    return int(current_app.config.get("PERMIT_SECOND_WARNING_DAYS", 45))


def permit_act_by(permit: Permit) -> date:
    return permit.act_by(permit_lead_days())


def permit_filing_closes(permit: Permit) -> date:
    """The last day to file the extension: the rules take it from 3 months to 45 days before
    expiry, so the window opens on the act-by date (the lead time) and closes on the second
    warning (PERMIT_SECOND_WARNING_DAYS); a permit is overdue only after that."""
    return max(permit_act_by(permit), permit.expires_on - timedelta(days=permit_second_warning_days()))


def live_expert():
    """Experts that can owe something or be listed: not archived, not erased."""
    return (Expert.archived_at.is_(None), ~Expert.erased)


@dataclass(frozen=True)
class ExpertFilter:
    term: str = ""
    nationality: str = ""
    partner_id: int | None = None
    term_kind: str = ""  # short / long: has a stay of that kind
    archived: bool = False


def expert_list(criteria: ExpertFilter = ExpertFilter()):
    """The expert list's statement, by name; stays, permits and partner load with it."""
    statement = (
        select(Expert)
        .where(~Expert.erased, Expert.archived_at.is_not(None) if criteria.archived else Expert.archived_at.is_(None))
        .options(joinedload(Expert.partner), selectinload(Expert.stays), selectinload(Expert.permits))
        .order_by(Expert.name, Expert.id)
    )
    if criteria.term:
        statement = statement.where(or_(contains(Expert.name, criteria.term), contains(Expert.local_name, criteria.term)))
    if criteria.nationality:
        statement = statement.where(Expert.nationality == criteria.nationality)
    if criteria.partner_id:
        statement = statement.where(Expert.partner_id == criteria.partner_id)
    if criteria.term_kind:
        statement = statement.where(Expert.id.in_(select(Stay.expert_id).where(Stay.term == StayTerm(criteria.term_kind))))
    return statement


def experts_for_export(criteria: ExpertFilter) -> list[Expert]:
    return list(db.session.scalars(expert_list(criteria).limit(EXPORT_CAP)).unique())


def expert_for_page(expert_id: int) -> Expert | None:
    return db.session.scalars(
        select(Expert)
        .where(Expert.id == expert_id)
        .options(
            joinedload(Expert.partner), joinedload(Expert.owner), selectinload(Expert.stays),
            selectinload(Expert.permits).joinedload(Permit.decided_by), selectinload(Expert.documents).joinedload(ExpertDocument.uploaded_by),
        )
    ).unique().one_or_none()


def experts_sent_by(partner_id: int) -> list[Expert]:
    """The experts a partner sent us (the partner page), with their stays."""
    return list(db.session.scalars(_experts_sent_by(), {"partner_id": partner_id}).unique())


@prepared
def _experts_sent_by():
    return (
        select(Expert).where(Expert.partner_id == bindparam("partner_id"), *live_expert())
        .options(joinedload(Expert.stays)).order_by(Expert.name, Expert.id)
    )


def open_permits_due(horizon: date, owner_ids: Collection[int] | None = None) -> list[Permit]:
    """Open permits of live experts whose act-by date falls on or before `horizon` (overdue
    included), soonest first, with their experts."""
    statement = (
        select(Permit)
        .join(Permit.expert)
        .where(Permit.decision.is_(None), Permit.expires_on <= horizon + timedelta(days=permit_lead_days()), *live_expert())
        # One statement whatever is due (a selectin load would add a second one only when rows exist).
        .options(joinedload(Permit.expert).joinedload(Expert.owner), joinedload(Permit.expert).joinedload(Expert.stays))
        .order_by(Permit.expires_on, Permit.id)
    )
    if owner_ids is not None:
        statement = statement.where(Expert.owner_id.in_(list(owner_ids)))
    return list(db.session.scalars(statement).unique())


@dataclass(frozen=True)
class HostedExperts:
    year: int
    partner_id: int | None
    country: str
    short_or_long_term: StayTerm
    count: int


def hosted_experts_by_year(first_year: int, last_year: int, academic: bool = False, partner_id: int | None = None,
                           expert_ids: Collection[int] | None = None) -> list[HostedExperts]:
    """Foreign teachers and experts hosted, from the stay records (never typed): per year, sending
    partner (None: came on their own), nationality and short- or long-term, the number of experts.

    An expert counts once in each year that one of their stays overlaps (calendar years, or
    academic years starting 1 September with `academic`; 2025 means 2025-2026). Erased experts
    still count (their stays stay); archived ones too (they were hosted). An expert with a short
    and a long stay in one year counts once, as long-term. With `partner_id`, only
    the experts that partner sent; with `expert_ids`, only those experts. One statement."""
    start = date(first_year, 9, 1) if academic else date(first_year, 1, 1)
    end = date(last_year + 1, 8, 31) if academic else date(last_year, 12, 31)
    rows = db.session.execute(
        select(Stay.expert_id, Stay.starts_on, Stay.ends_on, Stay.term, Expert.partner_id, Expert.nationality)
        .join(Stay.expert)
        .where(Stay.starts_on <= end, or_(Stay.ends_on.is_(None), Stay.ends_on >= start),
               *([Expert.partner_id == partner_id] if partner_id is not None else []),
               *([Stay.expert_id.in_(sorted(expert_ids))] if expert_ids is not None else []))
    ).all()
    year_of = academic_year_of if academic else (lambda day: day.year)
    hosted: dict[tuple[int, int], tuple] = {}  # (year, expert) → (year, partner, nationality, term): each expert once a year
    for row in rows:
        first = max(year_of(row.starts_on), first_year)
        last = min(year_of(row.ends_on) if row.ends_on else last_year, last_year)
        for year in range(first, last + 1):
            # a short visit and a long stay in one year: one expert hosted, long-term
            if (year, row.expert_id) not in hosted or row.term == StayTerm.LONG:
                hosted[(year, row.expert_id)] = (year, row.partner_id, row.nationality, row.term)
    counts = Counter(hosted.values())
    return [HostedExperts(*key, count) for key, count in sorted(counts.items(), key=lambda item: (item[0][0], item[0][2], item[0][1] or 0, item[0][3].value))]
