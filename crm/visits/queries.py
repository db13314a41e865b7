"""Foreign visits: the list, one visit's page, the record deadline and the statistics."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.core.deadlines import Deadline
from crm.core.search import contains
from crm.core.statements import prepared
from crm.core.workdays import WorkdayCalendar, office_calendar
from crm.extensions import db
from crm.outcomes.models import academic_year_of
from crm.partners.models import Partner
from crm.visits.models import Visit, VisitDocument, VisitMember, VisitStatus, visit_partner

LIST_LIMIT = 200


@dataclass
class VisitList:
    visits: list[Visit]
    more: bool


def visit_list(year: int | None = None, term: str = "", limit: int = LIST_LIMIT, status: VisitStatus | None = None) -> VisitList:
    statement = select(Visit).where(Visit.archived_at.is_(None)).options(
        selectinload(Visit.partners), selectinload(Visit.members), selectinload(Visit.host)
    )
    if year:
        statement = statement.where(Visit.arrive_on.between(date(year, 1, 1), date(year, 12, 31)))
    if status:
        statement = statement.where(Visit.status == status)
    if term:
        statement = statement.where(or_(contains(Visit.title, term), contains(Visit.purpose, term)))
    rows = db.session.scalars(statement.order_by(Visit.arrive_on.desc(), Visit.id.desc()).limit(limit + 1)).all()
    return VisitList(list(rows[:limit]), len(rows) > limit)


def visit_for_page(visit_id: int) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.id == visit_id).options(
        selectinload(Visit.partners), selectinload(Visit.members), selectinload(Visit.schedule),
        selectinload(Visit.documents).joinedload(VisitDocument.uploaded_by), selectinload(Visit.host),
    ))


def visits_of_partner(partner_id: int, limit: int = 20) -> list[tuple[Visit, int]]:
    """(visit, headcount) of the partner's visits, newest first: one statement."""
    return [(row[0], row[1]) for row in db.session.execute(_visits_of_partner(limit), {"partner_id": partner_id})]


@prepared
def _visits_of_partner(limit: int):
    named = select(visit_partner.c.visit_id).where(visit_partner.c.partner_id == bindparam("partner_id"))
    headcount = select(func.count()).where(VisitMember.visit_id == Visit.id).correlate(Visit).scalar_subquery()
    return (
        select(Visit, headcount).where(Visit.archived_at.is_(None), Visit.id.in_(named))
        .order_by(Visit.arrive_on.desc(), Visit.id.desc()).limit(limit)
    )


# --- The visit's status and the record (纪要) deadline ----------------------------------------


def may_mark_held(visit: Visit, today: date) -> bool:
    """A planned visit can be marked held once it has begun (a held visit counts as received)."""
    return visit.status == VisitStatus.PLANNED and visit.arrive_on <= today


def status_overdue(visit: Visit, today: date) -> bool:
    """A planned visit whose last day is past: someone should say whether it was held or cancelled."""
    return visit.status == VisitStatus.PLANNED and visit.leave_on < today



@dataclass(frozen=True)
class RecordDeadline:
    due_on: date
    done_on: date | None
    covered: bool

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today


def record_deadline(visit: Visit, calendar: WorkdayCalendar | None = None, config=None) -> RecordDeadline:
    """The 纪要 and photos are due N working days (VISIT_RECORD_WORKDAYS) after the visit ends."""
    calendar = calendar or office_calendar()
    config = config or current_app.config
    due = calendar.add_workdays(visit.leave_on, int(config["VISIT_RECORD_WORKDAYS"]))
    return RecordDeadline(due, visit.recorded_on, calendar.covers(due))


def open_visit_deadlines(owner_ids: Collection[int] | None, today: date, horizon: date) -> list[Deadline]:
    """The deadline source, owed by the visit's host in the office: records not yet written (none
    for a cancelled visit), and planned visits to mark held or cancelled once their last day has
    come (due that day)."""
    statement = select(Visit).where(
        Visit.archived_at.is_(None), Visit.status != VisitStatus.CANCELLED, Visit.arrive_on <= horizon,
        or_(Visit.recorded_on.is_(None), Visit.status == VisitStatus.PLANNED),
    )
    if owner_ids is not None:
        statement = statement.where(Visit.host_id.in_(list(owner_ids) or [-1]))
    calendar, config = office_calendar(), current_app.config
    found = []
    for visit in db.session.scalars(statement):
        if visit.status == VisitStatus.PLANNED and visit.leave_on <= min(today, horizon):
            found.append(Deadline(
                uid=f"visit-{visit.id}-status", due_on=visit.leave_on,
                title=_l("Mark the visit as held or cancelled: %(title)s", title=visit.title),
                endpoint="visits.show", values={"visit_id": visit.id}, owner_id=visit.host_id,
            ))
        if visit.recorded_on is not None:
            continue
        deadline = record_deadline(visit, calendar, config)
        if deadline.due_on <= horizon:
            found.append(Deadline(
                uid=f"visit-{visit.id}-record", due_on=deadline.due_on,
                title=_l("Visit record (纪要) due: %(title)s", title=visit.title),
                endpoint="visits.show", values={"visit_id": visit.id}, owner_id=visit.host_id,
            ))
    return found


# --- Statistics ---------------------------------------------------------------------------------


def received_visits(first_year: int, last_year: int, academic: bool = False, partner_id: int | None = None,
                    visit_ids: Collection[int] | None = None) -> list[tuple]:
    """(visit id, year, country, purpose, headcount, [partner ids]) of the visits received (held:
    a planned or cancelled visit is no delegation received) in the years (calendar years of arrival, or with `academic` academic years from 1 September: 2025
    means 2025-2026, for the yearly report); the country is the first partner's (else the head of
    the delegation's nationality). With `partner_id`, only the visits from that partner; with
    `visit_ids`, only those visits."""
    start, end = (date(first_year, 9, 1), date(last_year + 1, 8, 31)) if academic else (date(first_year, 1, 1), date(last_year, 12, 31))
    year_of = academic_year_of if academic else (lambda day: day.year)
    only = None if visit_ids is None else sorted(visit_ids)
    headcount = (select(VisitMember.visit_id, func.count().label("n"))
                 .where(*([VisitMember.visit_id.in_(only)] if only is not None else [])).group_by(VisitMember.visit_id).subquery())
    rows = db.session.execute(
        select(Visit.id, Visit.arrive_on, Visit.purpose_kind, func.coalesce(headcount.c.n, 0))
        .outerjoin(headcount, headcount.c.visit_id == Visit.id)
        .where(Visit.archived_at.is_(None), Visit.status == VisitStatus.HELD, Visit.arrive_on.between(start, end),
               *([Visit.id.in_(select(visit_partner.c.visit_id).where(visit_partner.c.partner_id == partner_id))]
                 if partner_id is not None else []), *([Visit.id.in_(only)] if only is not None else []))
    ).all()
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    heads: dict[int, str] = {}
    ids = [row[0] for row in rows]
    # Asked even without visits: the yearly report runs the same statements whatever the records.
    for visit_id, linked_id, country in db.session.execute(
        select(visit_partner.c.visit_id, Partner.id, Partner.country)
        .join(Partner, Partner.id == visit_partner.c.partner_id)
        .where(visit_partner.c.visit_id.in_(ids)).order_by(Partner.name)
    ):
        partners[visit_id].append((linked_id, country))
    for visit_id, nationality in db.session.execute(
        select(VisitMember.visit_id, VisitMember.nationality)
        .where(VisitMember.visit_id.in_(ids), VisitMember.nationality.is_not(None))
        .order_by(VisitMember.is_head.desc(), VisitMember.id)
    ):
        heads.setdefault(visit_id, nationality)
    result = []
    for visit_id, arrive_on, purpose, people in rows:
        linked = partners[visit_id]
        country = linked[0][1] if linked else heads.get(visit_id, "")
        result.append((visit_id, year_of(arrive_on), country, purpose, people, [pid for pid, _c in linked]))
    return result


def delegations_by_year(first_year: int, last_year: int) -> list[tuple[int, int | None, str, int, int]]:
    """Delegations received, for the yearly report: rows (year, partner_id or None, country,
    headcount, count), as crm/trips/queries.py:delegations_by_year gives those sent (a visit
    with several partners counts once for each; without a partner, partner_id is None)."""
    totals: Counter = Counter()
    people: Counter = Counter()
    for visit_id, year, _country, _purpose, headcount, partner_ids in received_visits(first_year, last_year):
        del visit_id
        for partner_id in partner_ids or [None]:
            key = (year, partner_id, _country)
            totals[key] += 1
            people[key] += headcount
    rows = [(year, partner_id, country, people[(year, partner_id, country)], count)
            for (year, partner_id, country), count in totals.items()]
    return sorted(rows, key=lambda row: (row[0], row[2], row[1] or 0))
