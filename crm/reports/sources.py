"""Where the report's figures come from: one place to plug in a new source.

A figure source is a function `(first_year, last_year) -> iterable of Figure`, registered with
`@figure_source`. The report (crm/reports/queries.py), its Excel file, the narrative and the
国际影响表 all read `figures(first, last)`, so a new source (foreign experts hosted from the
expert records, delegations from trips and visits, joint-programme enrolment) shows everywhere
once it is registered here:

    @figure_source
    def experts_hosted(first_year, last_year):
        for year, partner_id, country, count in ...:  # one query, grouped
            yield Figure(year, "experts_hosted", count, (partner_id,), (country,), source="experts")

A Figure counts once in totals by category and year; by partner and by country it counts for each
of its partners and countries (an agreement with five German companies counts once for Germany and
once for each company); `countries=None` means its partners' countries, which the report looks up
once for all figures. `records` is the query-string filter that lists the records behind it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import String, func, select, type_coerce

from crm.agreements.models import agreement_partner
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeStatus
from crm.partners.models import Partner


@dataclass(frozen=True)
class Figure:
    year: int
    category: str  # an OutcomeCategory value, or a source's own key (labelled in CATEGORY_LABELS)
    count: int
    partner_ids: tuple[int, ...] = ()
    countries: tuple[str, ...] | None = ()  # None: the countries of its partners (the report looks them up)
    source: str = "outcomes"
    indicator_id: int | None = None
    detail: str | None = None
    records: dict = field(default_factory=dict, compare=False, hash=False)


FigureSource = Callable[[int, int], Iterable[Figure]]
SOURCES: list[FigureSource] = []


def figure_source(function: FigureSource) -> FigureSource:
    if function not in SOURCES:
        SOURCES.append(function)
    return function


def figures(first_year: int, last_year: int) -> list[Figure]:
    """Every figure of every source for the years (each source a fixed number of statements).
    Where records count a category in a year, typed outcomes of that category and year are left
    out (see RECORD_CATEGORIES below): nothing counts twice."""
    found = [figure for source in SOURCES for figure in source(first_year, last_year)]
    from_records = {(figure.category, figure.year) for figure in found if figure.source != "outcomes"}
    return [figure for figure in found if figure.source != "outcomes" or (figure.category, figure.year) not in from_records]


@figure_source
def approved_outcomes(first_year: int, last_year: int) -> Iterable[Figure]:
    """Approved outcome records, summed by year, category and subject (2 statements, both read
    the covering index ix_outcome_report); an outcome of a partner alone counts for the partner's
    country (looked up by the report)."""
    in_years = (Outcome.status == OutcomeStatus.APPROVED, Outcome.year.between(first_year, last_year))
    # The category as its stored value (type_coerce: the same SQL, no enum round trip for each of
    # the tens of thousands of rows at a large office's scale).
    category = type_coerce(Outcome.category, String)
    rows = db.session.execute(
        select(Outcome.year, category, Outcome.agreement_id, Outcome.partner_id, func.sum(Outcome.count))
        .where(*in_years)
        .group_by(Outcome.year, category, Outcome.agreement_id, Outcome.partner_id)
    ).all()
    agreement_ids = {row[2] for row in rows if row[2] is not None}
    subjects = db.session.execute(
        select(agreement_partner.c.agreement_id, Partner.id, Partner.country)
        .join(Partner, Partner.id == agreement_partner.c.partner_id)
        .where(agreement_partner.c.agreement_id.in_(select(Outcome.agreement_id).where(*in_years).distinct()))
    ).all() if agreement_ids else []
    partners_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for agreement_id, partner_id, country in subjects:
        partners_of[agreement_id].append((partner_id, country))
    # An agreement's partners and countries, once per agreement (not once per row).
    subject_of: dict[int | None, tuple[tuple[int, ...], tuple[str, ...]]] = {None: ((), ())}
    for agreement_id, pairs in partners_of.items():
        pairs.sort()
        subject_of[agreement_id] = (tuple(p for p, _c in pairs), tuple(sorted({c for _p, c in pairs if c})))
    for year, category, agreement_id, partner_id, total in rows:
        if agreement_id is None and partner_id is not None:
            yield Figure(year=year, category=category, count=int(total or 0), partner_ids=(partner_id,), countries=None)
            continue
        partner_ids, countries = subject_of.get(agreement_id, ((), ()))
        yield Figure(year=year, category=category, count=int(total or 0), partner_ids=partner_ids, countries=countries)


# --- Figures counted from the records of other domains, never typed --------------------------------
#
# Foreign experts hosted (crm/experts), delegations sent (crm/trips) and received (crm/visits) with
# their headcount, and joint-programme enrolment (crm/programmes). Each counts in the office's year
# (settings: REPORT_YEAR_KIND, academic from 1 September or calendar).
#
# How they combine with typed outcomes of the same category: the records win. For a category and
# a year where any record counts, typed (approved) outcomes of that category and year are left out
# of the report; in years without records (before the office kept them) the typed outcomes still
# count. So nothing counts twice, and the history entered before the records existed is kept.

# The categories that records bring, with the source whose records count them.
RECORD_CATEGORIES = {
    "experts_hosted": "experts",
    "delegations_sent": "trips",
    "delegates_sent": "trips",
    "delegations_received": "visits",
    "delegates_received": "visits",
    "joint_programme_students": "programmes",
}


def _academic() -> bool:
    from crm.outcomes.models import year_kind

    return year_kind() == "academic"


@figure_source
def experts_hosted(first_year: int, last_year: int) -> Iterable[Figure]:
    """Foreign teachers and experts hosted, from the experts' stays (1 statement): an expert counts
    once in each year one of their stays overlaps; by country, their nationality."""
    from crm.experts.queries import hosted_experts_by_year

    for row in hosted_experts_by_year(first_year, last_year, academic=_academic()):
        yield Figure(
            year=row.year, category="experts_hosted", count=row.count,
            partner_ids=(row.partner_id,) if row.partner_id else (), countries=(row.country,) if row.country else (),
            source="experts", detail=row.short_or_long_term.value,
        )


def _delegation_figures(rows, kind: str) -> Iterable[Figure]:
    """One figure per year, country and partners for the delegations, one for their people."""
    delegations: dict[tuple, int] = defaultdict(int)
    people: dict[tuple, int] = defaultdict(int)
    for _id, year, country, _purpose, headcount, partner_ids in rows:
        key = (year, tuple(sorted(partner_ids)), country or "")
        delegations[key] += 1
        people[key] += headcount
    for (year, partner_ids, country), count in delegations.items():
        countries = (country,) if country else ()
        yield Figure(year, f"delegations_{kind}", count, partner_ids, countries, source="trips" if kind == "sent" else "visits")
        if people[(year, partner_ids, country)]:
            yield Figure(year, f"delegates_{kind}", people[(year, partner_ids, country)], partner_ids, countries,
                         source="trips" if kind == "sent" else "visits")


@figure_source
def delegations_sent(first_year: int, last_year: int) -> Iterable[Figure]:
    """Delegations sent abroad (trips made) and the people in them (2 statements)."""
    from crm.trips.queries import made_trips

    return _delegation_figures(made_trips(first_year, last_year, academic=_academic()), "sent")


@figure_source
def delegations_received(first_year: int, last_year: int) -> Iterable[Figure]:
    """Foreign delegations received (visits) and the people in them (3 statements)."""
    from crm.visits.queries import received_visits

    return _delegation_figures(received_visits(first_year, last_year, academic=_academic()), "received")


@figure_source
def joint_programme_enrolment(first_year: int, last_year: int) -> Iterable[Figure]:
    """Students enrolled in joint programmes, by intake year (an intake starts in September, so
    the intake year is the academic year; in calendar years, the year of the intake); by country,
    the programme's partners' (2 statements)."""
    from crm.programmes.queries import programme_enrolment_by_year

    rows = programme_enrolment_by_year(first_year, last_year)
    totals: dict[tuple, int] = defaultdict(int)
    for row in rows:
        totals[(row.year, row.partner_ids)] += row.enrolled
    for (year, partners), count in totals.items():
        yield Figure(year, "joint_programme_students", count, partners, None, source="programmes")
