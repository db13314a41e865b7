"""Outcome lists and sums for the pages that show them (fixed statements whatever the rows)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, bindparam, exists, func, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from crm.agreements.models import Agreement, agreement_partner
from crm.core.statements import prepared
from crm.extensions import db
from crm.outcomes.evidence import evidence_names
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus, Quota
from crm.partners.models import Partner
from crm.schools.models import School

QUEUE_CAP = 500


def _loaded(statement: Select) -> Select:
    return statement.options(
        joinedload(Outcome.agreement), joinedload(Outcome.partner), joinedload(Outcome.school),
        joinedload(Outcome.indicator), joinedload(Outcome.entered_by), selectinload(Outcome.evidence),
    )


def of_partner_condition(partner_id: int):
    """An outcome recorded for the partner itself or for any of its agreements. Written as the
    ids of two index lookups: with an OR of the two, SQLite's planner (given statistics) scans
    every outcome instead."""
    return Outcome.id.in_(union(
        select(Outcome.id).where(Outcome.partner_id == partner_id),
        select(Outcome.id).where(Outcome.agreement_id.in_(
            select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id == partner_id)
        )),
    ))


def of_country_condition(country: str):
    """An outcome of a partner in `country` (itself or through one of its agreements)."""
    in_country = select(Partner.id).where(Partner.country == country)
    return or_(
        Outcome.partner_id.in_(in_country),
        Outcome.agreement_id.in_(
            select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id.in_(in_country))
        ),
    )


def outcomes_of_agreement(agreement_id: int) -> list[Outcome]:
    return db.session.scalars(
        _loaded(select(Outcome).where(Outcome.agreement_id == agreement_id))
        .order_by(Outcome.year.desc(), Outcome.category, Outcome.id)
    ).unique().all()


def outcomes_of_partner(partner_id: int) -> list[Outcome]:
    """Outcomes recorded for the partner itself or for any of its agreements."""
    return db.session.scalars(_outcomes_of_partner(), {"partner_id": partner_id}).unique().all()


@prepared
def _outcomes_of_partner():
    return (
        _loaded(select(Outcome).where(of_partner_condition(bindparam("partner_id"))))
        .order_by(Outcome.year.desc(), Outcome.category, Outcome.id)
    )


@dataclass
class CategoryYears:
    """Figures by category key (rows) and year (columns), as the office counts them
    (crm/reports/sources.py); `from_records`: the (category, year) cells that records count."""

    years: list[int] = field(default_factory=list)
    cells: dict[str, dict[int, int]] = field(default_factory=dict)
    from_records: dict[tuple[str, int], str] = field(default_factory=dict)  # (category, year) → source

    def total(self, category: str) -> int:
        return sum(self.cells.get(category, {}).values())

    @property
    def categories(self) -> list[str]:
        from crm.reports.sources import category_order

        return sorted(self.cells, key=category_order)

    def label(self, category: str) -> str:
        from crm.reports.sources import category_label

        return category_label(category)

    def counted_from_records(self, category: str) -> str | None:
        """The source whose records count the category in one of the years, if any."""
        return next((source for (cat, _year), source in self.from_records.items() if cat == category), None)


def _sums(agreement_id: int | None = None, partner_id: int | None = None) -> CategoryYears:
    """The office's figures of an agreement or a partner over its span (crm/reports/sources.py:
    the one rule for what counts; typed outcomes summed in one statement)."""
    from crm.reports.sources import figures, office_span

    found = figures(*office_span(), partner_id=partner_id, agreement_id=agreement_id)
    cells: dict[str, dict[int, int]] = defaultdict(dict)
    for (year, category), count in found.by_year_and_category().items():
        if count:
            cells[category][year] = count
    years = sorted({year for row in cells.values() for year in row}, reverse=True)
    from_records = {key: found.record_sources[key[0]] for key in found.record_years if key[0] in cells and key[1] in cells[key[0]]}
    return CategoryYears(years, dict(cells), from_records)


def partner_sums(partner_id: int) -> CategoryYears:
    """The partner page's sums: its own outcomes and its agreements', and the records of it."""
    return _sums(partner_id=partner_id)


def agreement_sums(agreement_id: int) -> CategoryYears:
    """The agreement page's sums: its outcomes, and the records that deliver on it."""
    return _sums(agreement_id=agreement_id)


# --- the records behind a figure -----------------------------------------------------------


@dataclass
class OutcomeFilter:
    year_from: int | None = None
    year_to: int | None = None
    category: str = ""
    partner_id: int | None = None
    agreement_id: int | None = None
    country: str = ""
    school_id: int | None = None
    indicator_id: int | None = None
    status: str = OutcomeStatus.APPROVED.value


def _conditions(f: OutcomeFilter) -> list:
    conditions = []
    if f.year_from is not None:
        conditions.append(Outcome.year >= f.year_from)
    if f.year_to is not None:
        conditions.append(Outcome.year <= f.year_to)
    if f.category:
        conditions.append(Outcome.category == f.category)
    if f.partner_id is not None:
        conditions.append(of_partner_condition(f.partner_id))
    if f.agreement_id is not None:
        conditions.append(Outcome.agreement_id == f.agreement_id)
    if f.country:
        conditions.append(of_country_condition(f.country))
    if f.school_id is not None:
        conditions.append(Outcome.school_id == f.school_id)
    if f.indicator_id is not None:
        conditions.append(Outcome.indicator_id == f.indicator_id)
    if f.status:
        conditions.append(Outcome.status == f.status)
    return conditions


ORDER = (Outcome.year.desc(), Outcome.category, Outcome.id.desc())


def outcome_list(f: OutcomeFilter) -> Select:
    return _loaded(select(Outcome).where(*_conditions(f))).order_by(*ORDER)


@dataclass
class OutcomeRecord:
    """An outcome as a spreadsheet row (plain values, no ORM object)."""

    year: int
    category: OutcomeCategory
    detail: str | None
    count: int
    agreement: str | None
    partners: str | None
    school: str | None
    note: str | None
    evidence: str | None  # the evidence files' names
    created_at: datetime


def outcome_records(f: OutcomeFilter, limit: int) -> tuple[list[OutcomeRecord], int]:
    """The first `limit` outcomes of the filter as plain rows, and how many there are in all
    (5 statements: the rows with their agreement and partner, the agreements' partners, the
    schools, the evidence files' names, the count)."""
    rows = db.session.execute(
        select(Outcome.id, Outcome.year, Outcome.category, Outcome.detail, Outcome.count, Outcome.agreement_id, Agreement.title,
               Partner.name, Outcome.school_id, Outcome.note, Outcome.created_at)
        .outerjoin(Agreement, Agreement.id == Outcome.agreement_id).outerjoin(Partner, Partner.id == Outcome.partner_id)
        .where(*_conditions(f)).order_by(*ORDER).limit(limit)
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    for agreement_id, name in db.session.execute(
        select(agreement_partner.c.agreement_id, Partner.name).join(Partner, Partner.id == agreement_partner.c.partner_id)
        .where(agreement_partner.c.agreement_id.in_({row.agreement_id for row in rows if row.agreement_id}))
        .order_by(Partner.name)
    ):
        names[agreement_id].append(name)
    schools = {school.id: school.name for school in db.session.scalars(select(School))}
    evidence = evidence_names(row.id for row in rows)
    total = db.session.scalar(select(func.count()).select_from(Outcome).where(*_conditions(f)))
    return [
        OutcomeRecord(row.year, row.category, row.detail, row.count, row.title,
                      "; ".join(names[row.agreement_id]) if row.agreement_id else row.name,
                      schools.get(row.school_id), row.note, evidence.get(row.id), row.created_at)
        for row in rows
    ], total


# --- the approval queue --------------------------------------------------------------------


def waiting_outcomes(school_id: int | None = None) -> list[Outcome]:
    """Liaisons' entries waiting for the office, oldest first, per school (capped); not those out
    of sight with their archived agreement (no one could approve or change them: 404)."""
    statement = select(Outcome).where(Outcome.status == OutcomeStatus.PENDING, ~Outcome.is_archived)
    if school_id is not None:
        statement = statement.where(Outcome.school_id == school_id)
    return db.session.scalars(
        _loaded(statement).order_by(Outcome.school_id, Outcome.created_at, Outcome.id).limit(QUEUE_CAP)
    ).unique().all()


def returned_to_school(school_id: int) -> Select:
    """A school's entries the office sent back for correction: its liaison's to do (the list on
    /outcomes/mine, and the home page's list and count). Not those out of sight with their
    archived agreement: their liaison could not correct them (404), so they are nothing to do."""
    return select(Outcome).where(Outcome.status == OutcomeStatus.RETURNED, Outcome.school_id == school_id,
                                 ~Outcome.is_archived)


def returned_outcomes_of_school(school_id: int, limit: int = QUEUE_CAP) -> list[Outcome]:
    """The latest sent back first."""
    return db.session.scalars(
        _loaded(returned_to_school(school_id)).order_by(Outcome.updated_at.desc(), Outcome.id.desc()).limit(limit)
    ).unique().all()


def returned_count_query(school_id: int) -> Select:
    return select(func.count()).select_from(returned_to_school(school_id).with_only_columns(Outcome.id).subquery())


def schools_without_outcomes(year: int) -> list[School]:
    """Active schools with no outcome (entered, waiting or approved) for `year`."""
    reported = exists().where(Outcome.school_id == School.id, Outcome.year == year,
                              Outcome.status != OutcomeStatus.RETURNED)
    return db.session.scalars(
        select(School).where(School.archived_at.is_(None), ~reported).order_by(School.name_zh)
    ).all()


def quotas_of(agreement_id: int) -> list[Quota]:
    return db.session.scalars(select(Quota).where(Quota.agreement_id == agreement_id).order_by(Quota.category)).all()


def live_agreement(agreement_id: int) -> Agreement | None:
    agreement = db.session.get(Agreement, agreement_id)
    return None if agreement is None or agreement.is_archived else agreement
