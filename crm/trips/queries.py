"""Trips abroad: the lists, the plan, one trip's page, its deadlines and the statistics."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.core.dates import office_today
from crm.core.deadlines import Deadline
from crm.core.search import contains
from crm.core.statements import prepared
from crm.core.workdays import WorkdayCalendar, office_calendar
from crm.extensions import db
from crm.outcomes.models import academic_year_of
from crm.trips.models import Trip, TripDocument, TripLeg, TripMember, TripStatus, trip_partner

LIST_LIMIT = 200
# Statuses in which a trip has been made (counted as a delegation sent).
MADE = (TripStatus.TRAVELLING, TripStatus.RETURNED, TripStatus.REPORTED, TripStatus.CLOSED)


def _list_options():
    return (selectinload(Trip.partners), selectinload(Trip.members), selectinload(Trip.owner))


@dataclass
class TripList:
    trips: list[Trip]
    more: bool


def trip_list(year: int | None = None, status: TripStatus | None = None, term: str = "", limit: int = LIST_LIMIT) -> TripList:
    """Trips not archived, soonest departure first (planned ones without a date last); capped."""
    statement = select(Trip).where(Trip.archived_at.is_(None)).options(*_list_options())
    if year:
        statement = statement.where(Trip.year == year)
    if status:
        statement = statement.where(Trip.status == status)
    if term:
        statement = statement.where(or_(contains(Trip.title, term), contains(Trip.school, term), contains(Trip.inviting_body, term)))
    statement = statement.order_by(Trip.depart_on.is_(None), Trip.depart_on.desc(), Trip.id.desc()).limit(limit + 1)
    rows = db.session.scalars(statement).all()
    return TripList(list(rows[:limit]), len(rows) > limit)


def plan_of_year(year: int) -> list[Trip]:
    """The annual trip plan: every trip of the year (those outside the plan are flagged)."""
    statement = (
        select(Trip).where(Trip.archived_at.is_(None), Trip.year == year).options(*_list_options())
        .order_by(Trip.in_plan.desc(), Trip.country, Trip.depart_on, Trip.id)
    )
    return list(db.session.scalars(statement))


def trip_for_page(trip_id: int) -> Trip | None:
    statement = select(Trip).where(Trip.id == trip_id).options(
        *_list_options(), selectinload(Trip.legs).selectinload(TripLeg.partner),
        selectinload(Trip.legs).selectinload(TripLeg.interaction), selectinload(Trip.documents).joinedload(TripDocument.uploaded_by),
        selectinload(Trip.members).selectinload(TripMember.user),
    )
    return db.session.scalar(statement)


def trips_of_partner(partner_id: int, limit: int = 20) -> list[tuple[Trip, int]]:
    """(trip, headcount) of the trips naming the partner (in the plan or on a leg), newest first: one statement."""
    return [(row[0], row[1]) for row in db.session.execute(_trips_of_partner(limit), {"partner_id": partner_id})]


@prepared
def _trips_of_partner(limit: int):
    partner_id = bindparam("partner_id")
    on_leg = select(TripLeg.trip_id).where(TripLeg.partner_id == partner_id)
    named = select(trip_partner.c.trip_id).where(trip_partner.c.partner_id == partner_id)
    headcount = select(func.count()).where(TripMember.trip_id == Trip.id).correlate(Trip).scalar_subquery()
    return (
        select(Trip, headcount).where(Trip.archived_at.is_(None), or_(Trip.id.in_(named), Trip.id.in_(on_leg)))
        .order_by(Trip.year.desc(), Trip.depart_on.desc(), Trip.id.desc()).limit(limit)
    )


def plan_years() -> list[int]:
    """The years that have trips, and this year and the next (the plan due in January)."""
    this_year = office_today().year
    years = set(db.session.scalars(select(Trip.year).distinct())) | {this_year, this_year + 1}
    return sorted(years, reverse=True)


# --- Deadlines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TripDeadline:
    key: str            # "notice", "passports", "report"
    label: object
    due_on: date
    done_on: date | None
    covered: bool       # False: past the Chinese calendar's known years, counted Monday to Friday
    settled: bool = False  # the trip is closed: a date not recorded (a trip entered after the fact) is owed no more

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and not self.settled and self.due_on < today


NOTICE_LABEL = _l("Public notice (公示) posted")
PASSPORTS_LABEL = _l("Passports returned to the office")
REPORT_LABEL = _l("Trip report submitted")


def deadlines_of(trip: Trip, calendar: WorkdayCalendar | None = None, config=None) -> list[TripDeadline]:
    """The deadlines a trip brings, done or not: the one place that computes them.

    公示 N working days before departure (once applied for); passports back and the trip report
    N working days after the return (once back). N comes from the settings."""
    calendar = calendar or office_calendar()
    config = config or current_app.config
    found = []
    settled = trip.status == TripStatus.CLOSED
    if trip.depart_on and trip.status != TripStatus.PLANNED:
        due = calendar.add_workdays(trip.depart_on, -int(config["TRIP_NOTICE_WORKDAYS"]))
        found.append(TripDeadline("notice", NOTICE_LABEL, due, trip.notice_posted_on, calendar.covers(due), settled))
    if trip.return_on and trip.status.rank >= TripStatus.RETURNED.rank:
        due = calendar.add_workdays(trip.return_on, int(config["TRIP_PASSPORT_WORKDAYS"]))
        found.append(TripDeadline("passports", PASSPORTS_LABEL, due, trip.passports_returned_on, calendar.covers(due), settled))
        due = calendar.add_workdays(trip.return_on, int(config["TRIP_REPORT_WORKDAYS"]))
        found.append(TripDeadline("report", REPORT_LABEL, due, trip.reported_on, calendar.covers(due), settled))
    return found


OPEN_STATUSES = (TripStatus.APPLIED, TripStatus.APPROVED, TripStatus.TRAVELLING, TripStatus.RETURNED, TripStatus.REPORTED)
# Titles are lazy, translated where shown (a page, a digest in its recipient's language).
DEADLINE_TITLES = {
    "notice": lambda title: _l("Public notice (公示) due: %(title)s", title=title),
    "passports": lambda title: _l("Passports due back: %(title)s", title=title),
    "report": lambda title: _l("Trip report due: %(title)s", title=title),
}


def open_trip_deadlines(owner_ids: Collection[int] | None, today: date, horizon: date) -> list[Deadline]:
    """The deadline source (crm/core/deadlines.py): open trip deadlines owed by the trip's owner."""
    statement = select(Trip).where(Trip.archived_at.is_(None), Trip.status.in_(OPEN_STATUSES))
    if owner_ids is not None:
        statement = statement.where(Trip.owner_id.in_(list(owner_ids) or [-1]))
    calendar, config = office_calendar(), current_app.config
    found = []
    for trip in db.session.scalars(statement):
        for deadline in deadlines_of(trip, calendar, config):
            # A 公示 not recorded before departure stays red on the trip's page, but no longer
            # reminds anyone once the delegation has left.
            moot = deadline.key == "notice" and trip.status.rank >= TripStatus.TRAVELLING.rank
            if deadline.done_on is None and deadline.due_on <= horizon and not moot:
                found.append(Deadline(
                    uid=f"trip-{trip.id}-{deadline.key}", due_on=deadline.due_on,
                    title=DEADLINE_TITLES[deadline.key](trip.title),
                    endpoint="trips.show", values={"trip_id": trip.id}, owner_id=trip.owner_id,
                ))
    return found


# --- Statistics ---------------------------------------------------------------------------------


def _trip_year(trip_year: int, depart_on: date | None) -> int:
    return depart_on.year if depart_on else trip_year


def _academic_trip_year(trip_year: int, depart_on: date | None) -> int:
    """The academic year (from 1 September) of the departure; without a date, the plan year."""
    return academic_year_of(depart_on) if depart_on else trip_year


def made_trips(first_year: int, last_year: int, academic: bool = False, partner_id: int | None = None,
               trip_ids: Collection[int] | None = None) -> list[tuple]:
    """(trip id, year, country, purpose, headcount, [partner ids]) of the trips made in the years
    (calendar years of departure, or with `academic` academic years from 1 September: 2025 means
    2025-2026, for the yearly report); with `partner_id`, only the trips to that partner; with
    `trip_ids`, only those trips."""
    only = None if trip_ids is None else sorted(trip_ids)
    headcount = (
        select(TripMember.trip_id, func.count().label("n"))
        .where(*([TripMember.trip_id.in_(only)] if only is not None else [])).group_by(TripMember.trip_id).subquery()
    )
    rows = db.session.execute(
        select(Trip.id, Trip.year, Trip.depart_on, Trip.country, Trip.purpose_kind, func.coalesce(headcount.c.n, 0))
        .outerjoin(headcount, headcount.c.trip_id == Trip.id)
        .where(Trip.archived_at.is_(None), Trip.status.in_(MADE), Trip.year.between(first_year - 1, last_year + 1),
               *([Trip.id.in_(select(trip_partner.c.trip_id).where(trip_partner.c.partner_id == partner_id))]
                 if partner_id is not None else []), *([Trip.id.in_(only)] if only is not None else []))
    ).all()
    year_of = _academic_trip_year if academic else _trip_year
    rows = [row for row in rows if first_year <= year_of(row[1], row[2]) <= last_year]
    partners = defaultdict(list)
    # Asked even without trips: the yearly report runs the same statements whatever the records.
    links = db.session.execute(
        select(trip_partner.c.trip_id, trip_partner.c.partner_id).where(trip_partner.c.trip_id.in_([r[0] for r in rows]))
    ).all()
    for trip_id, partner_id in links:
        partners[trip_id].append(partner_id)
    return [(r[0], year_of(r[1], r[2]), r[3], r[4], r[5], partners[r[0]]) for r in rows]


def delegations_by_year(first_year: int, last_year: int) -> list[tuple[int, int | None, str, int, int]]:
    """Delegations sent (trips made), for the yearly report: rows (year, partner_id or None,
    country, headcount, count), one per year, partner and country. A trip with several partners
    counts once for each of them (so sum `count` over partner_id None rows and one partner's
    rows, not over all rows, for a total); a trip without a partner has partner_id None."""
    totals: Counter = Counter()
    people: Counter = Counter()
    for _trip_id, year, country, _purpose, headcount, partner_ids in made_trips(first_year, last_year):
        for partner_id in partner_ids or [None]:
            totals[(year, partner_id, country)] += 1
            people[(year, partner_id, country)] += headcount
    rows = [(year, partner_id, country, people[(year, partner_id, country)], count)
            for (year, partner_id, country), count in totals.items()]
    return sorted(rows, key=lambda row: (row[0], row[2], row[1] or 0))


@dataclass
class StatisticsRow:
    year: int
    key: object       # a country code, a partner id (None: no partner) or a DelegationPurpose
    count: int
    headcount: int


def summarise(records: list[tuple], by: str) -> list[StatisticsRow]:
    """Delegations `records` (id, year, country, purpose, headcount, partner ids) counted per
    year and `by` ("country", "partner" or "purpose"); by partner a delegation with several
    partners counts for each."""
    counts: Counter = Counter()
    people: Counter = Counter()
    for _id, year, country, purpose, headcount, partner_ids in records:
        keys = {"country": [country], "purpose": [purpose], "partner": partner_ids or [None]}[by]
        for key in keys:
            counts[(year, key)] += 1
            people[(year, key)] += headcount
    rows = [StatisticsRow(year, key, count, people[(year, key)]) for (year, key), count in counts.items()]
    return sorted(rows, key=lambda row: (-row.year, -row.count, str(row.key)))
