"""Outcome lists and sums for the pages that show them (fixed statements whatever the rows)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.agreements.models import Agreement, agreement_partner
from crm.extensions import db
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
    """An outcome recorded for the partner itself or for any of its agreements."""
    return or_(
        Outcome.partner_id == partner_id,
        Outcome.agreement_id.in_(
            select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id == partner_id)
        ),
    )


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
    return db.session.scalars(
        _loaded(select(Outcome).where(of_partner_condition(partner_id)))
        .order_by(Outcome.year.desc(), Outcome.category, Outcome.id)
    ).unique().all()


@dataclass
class CategoryYears:
    """Sums by category (rows) and year (columns), approved outcomes only."""

    years: list[int] = field(default_factory=list)
    cells: dict[OutcomeCategory, dict[int, int]] = field(default_factory=dict)

    def total(self, category: OutcomeCategory) -> int:
        return sum(self.cells.get(category, {}).values())

    @property
    def categories(self) -> list[OutcomeCategory]:
        return [c for c in OutcomeCategory if c in self.cells]


def sums_by_category_and_year(condition) -> CategoryYears:
    rows = db.session.execute(
        select(Outcome.year, Outcome.category, func.sum(Outcome.count))
        .where(condition, Outcome.status == OutcomeStatus.APPROVED)
        .group_by(Outcome.year, Outcome.category)
    ).all()
    cells: dict[OutcomeCategory, dict[int, int]] = defaultdict(dict)
    for year, category, total in rows:
        cells[category][year] = total or 0
    return CategoryYears(sorted({row[0] for row in rows}, reverse=True), dict(cells))


def partner_sums(partner_id: int) -> CategoryYears:
    """The partner page's sums: its own outcomes and its agreements', approved ones."""
    return sums_by_category_and_year(of_partner_condition(partner_id))


def agreement_sums(agreement_id: int) -> CategoryYears:
    return sums_by_category_and_year(Outcome.agreement_id == agreement_id)


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


def outcome_list(f: OutcomeFilter) -> Select:
    statement = select(Outcome)
    if f.year_from is not None:
        statement = statement.where(Outcome.year >= f.year_from)
    if f.year_to is not None:
        statement = statement.where(Outcome.year <= f.year_to)
    if f.category:
        statement = statement.where(Outcome.category == f.category)
    if f.partner_id is not None:
        statement = statement.where(of_partner_condition(f.partner_id))
    if f.agreement_id is not None:
        statement = statement.where(Outcome.agreement_id == f.agreement_id)
    if f.country:
        statement = statement.where(of_country_condition(f.country))
    if f.school_id is not None:
        statement = statement.where(Outcome.school_id == f.school_id)
    if f.indicator_id is not None:
        statement = statement.where(Outcome.indicator_id == f.indicator_id)
    if f.status:
        statement = statement.where(Outcome.status == f.status)
    return _loaded(statement).order_by(Outcome.year.desc(), Outcome.category, Outcome.id.desc())


# --- the approval queue --------------------------------------------------------------------


def waiting_outcomes(school_id: int | None = None) -> list[Outcome]:
    """Liaisons' entries waiting for the office, oldest first, per school (capped)."""
    statement = select(Outcome).where(Outcome.status == OutcomeStatus.PENDING)
    if school_id is not None:
        statement = statement.where(Outcome.school_id == school_id)
    return db.session.scalars(
        _loaded(statement).order_by(Outcome.school_id, Outcome.created_at, Outcome.id).limit(QUEUE_CAP)
    ).unique().all()


def returned_outcomes_of_school(school_id: int) -> list[Outcome]:
    return db.session.scalars(
        _loaded(select(Outcome).where(Outcome.status == OutcomeStatus.RETURNED, Outcome.school_id == school_id))
        .order_by(Outcome.updated_at.desc()).limit(QUEUE_CAP)
    ).unique().all()


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
