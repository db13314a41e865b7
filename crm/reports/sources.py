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
once for each company). `records` is the query-string filter that lists the records behind it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

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
    countries: tuple[str, ...] = ()
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
    """Every figure of every source for the years (each source a fixed number of statements)."""
    return [figure for source in SOURCES for figure in source(first_year, last_year)]


@figure_source
def approved_outcomes(first_year: int, last_year: int) -> Iterable[Figure]:
    """Approved outcome records, summed by year, category and subject (2 statements, both read
    the covering index ix_outcome_report)."""
    in_years = (Outcome.status == OutcomeStatus.APPROVED, Outcome.year.between(first_year, last_year))
    rows = db.session.execute(
        select(Outcome.year, Outcome.category, Outcome.agreement_id, Outcome.partner_id, func.sum(Outcome.count))
        .where(*in_years)
        .group_by(Outcome.year, Outcome.category, Outcome.agreement_id, Outcome.partner_id)
    ).all()
    agreement_ids = {row[2] for row in rows if row[2] is not None}
    own_ids = {row[3] for row in rows if row[3] is not None}
    subjects = db.session.execute(
        select(agreement_partner.c.agreement_id, Partner.id, Partner.country)
        .join(Partner, Partner.id == agreement_partner.c.partner_id)
        .where(agreement_partner.c.agreement_id.in_(select(Outcome.agreement_id).where(*in_years).distinct()))
    ).all() if agreement_ids else []
    own = dict(db.session.execute(select(Partner.id, Partner.country).where(Partner.id.in_(own_ids))).all()) if own_ids else {}
    partners_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for agreement_id, partner_id, country in subjects:
        partners_of[agreement_id].append((partner_id, country))
    for pairs in partners_of.values():
        pairs.sort()
    for year, category, agreement_id, partner_id, total in rows:
        if agreement_id is not None:
            pairs = partners_of.get(agreement_id, [])
        elif partner_id is not None:
            pairs = [(partner_id, own.get(partner_id))]
        else:
            pairs = []
        yield Figure(
            year=year, category=category.value, count=int(total or 0),
            partner_ids=tuple(p for p, _c in pairs), countries=tuple(sorted({c for _p, c in pairs if c})),
        )
