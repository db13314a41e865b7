"""The queries behind the partner directory: filters, list columns, facets, countries.

What a search term matches is stated once, in crm/partners/search.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.expression import ColumnElement

from crm.agreements.models import agreement_partner
from crm.agreements.queries import in_force_count_of_partner, in_force_ids, next_act_by_of_partner
from crm.auth.choices import assignable_users
from crm.core.i18n import country_names
from crm.extensions import db
from crm.interactions.queries import last_contact_at
from crm.partners.activity import quiet_condition
from crm.partners.models import Partner, PartnerKind, PartnerStatus, Tag, partner_tag
from crm.partners.search import search_condition

SORTS = ("name", "country", "last_contact", "renewal")


# --- The list columns: agreements in force, last contact, next act-by date -------------------
# Each is its domain's rule (crm/agreements/queries.py, crm/interactions/queries.py); the
# "gone quiet" filter is crm/partners/activity.py.


# --- Filters ---------------------------------------------------------------------------------

@dataclass
class PartnerFilters:
    """What the user asked the list for. Values are already validated (see forms.PartnerFilterForm)."""

    q: str = ""
    country: str | None = None  # ISO code
    kind: PartnerKind | None = None
    status: PartnerStatus | None = None
    tag: str = ""
    owner_id: int | None = None
    quiet: bool = False
    archived: bool = False
    sort: str = "name"
    today: date = field(default_factory=date.today)

    def is_empty(self) -> bool:
        return not (self.q or self.country or self.kind or self.status or self.tag or self.owner_id or self.quiet)


def filter_conditions(filters: PartnerFilters, *, with_country: bool = True) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Partner.archived_at.is_not(None) if filters.archived else Partner.archived_at.is_(None)
    ]
    if (condition := search_condition(filters.q)) is not None:
        conditions.append(condition)
    if filters.kind:
        conditions.append(Partner.kind == filters.kind)
    if filters.status:
        conditions.append(Partner.status == filters.status)
    if filters.tag:
        conditions.append(
            exists().where(partner_tag.c.partner_id == Partner.id, partner_tag.c.tag_id == Tag.id, Tag.name == filters.tag)
        )
    if filters.owner_id:
        conditions.append(Partner.owner_id == filters.owner_id)
    if filters.quiet:
        conditions.append(quiet_condition())
    return conditions + _country_condition(filters) if with_country else conditions


def _country_condition(filters: PartnerFilters) -> list[ColumnElement[bool]]:
    return [Partner.country == filters.country] if filters.country else []


def _country_rank(codes: list[str]):
    """An ORDER BY expression putting country codes in the order of their names in the user's language."""
    from crm.core.i18n import country_choices

    order = {code: rank for rank, (code, _name) in enumerate(country_choices())}
    present = {code: order.get(code, len(order)) for code in codes}
    if not present:
        return sa.literal(0)
    return sa.case(present, value=Partner.country, else_=len(order))


@dataclass
class PartnerRow:
    partner: Partner
    active_agreements: int
    last_contact: datetime | None
    next_renewal: date | None


@dataclass
class PartnerPage:
    rows: list[PartnerRow]
    total: int
    page: int
    per_page: int
    facets: list[tuple[str, int]]

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def next_num(self) -> int:
        return self.page + 1


def _order(filters: PartnerFilters, countries_present: list[str] | None, last_contact, renewal) -> list:
    name_order = [func.lower(Partner.name), Partner.id]
    if filters.sort == "country":
        return [_country_rank(countries_present or []), *name_order]
    if filters.sort == "last_contact":
        return [last_contact.desc().nulls_last(), *name_order]
    if filters.sort == "renewal":
        return [renewal.asc().nulls_last(), *name_order]
    return name_order


def partner_rows_statement(filters: PartnerFilters, countries_present: list[str] | None = None,
                           limit: int | None = None, offset: int = 0, conditions=None):
    """Partners with their three computed columns, filtered and sorted (one statement).

    With `limit`, the page's partners are chosen first (filtered, sorted, cut) and the computed
    columns worked out for those rows only, not for every partner that matches. `conditions`:
    `filter_conditions(filters)` when the caller has them already.
    """
    active = in_force_count_of_partner(filters.today).label("active_agreements")
    last_contact = last_contact_at().label("last_contact")
    renewal = next_act_by_of_partner(filters.today).label("next_renewal")
    conditions = filter_conditions(filters) if conditions is None else conditions
    order = _order(filters, countries_present, last_contact, renewal)
    statement = select(Partner, active, last_contact, renewal).options(joinedload(Partner.owner))
    if limit is None:
        return statement.where(*conditions).order_by(*order)
    page = select(Partner.id).where(*conditions).order_by(*order).limit(limit).offset(offset)
    return statement.where(Partner.id.in_(page)).order_by(*order)


def _rows(statement) -> list[PartnerRow]:
    return [PartnerRow(partner, count or 0, last, renewal) for partner, count, last, renewal in db.session.execute(statement)]


def country_facets(filters: PartnerFilters, conditions=None) -> list[tuple[str, int]]:
    """(country code, number of partners) under every filter but the country, most partners
    first. `conditions`: `filter_conditions(filters, with_country=False)` when the caller has them."""
    conditions = filter_conditions(filters, with_country=False) if conditions is None else conditions
    statement = (
        select(Partner.country, func.count(Partner.id))
        .where(*conditions)
        .group_by(Partner.country)
        .order_by(func.count(Partner.id).desc(), Partner.country)
    )
    return [(code, count) for code, count in db.session.execute(statement)]


def partner_page(filters: PartnerFilters, page: int, per_page: int) -> PartnerPage | None:
    """One page of the list with its total and country facets: two statements, whatever the
    size (the search is answered by the search index: crm/partners/search_index.py).

    None when `page` lies past the last page.
    """
    conditions = filter_conditions(filters, with_country=False)
    facets = country_facets(filters, conditions)
    if filters.country:
        total = next((count for code, count in facets if code == filters.country), 0)
    else:
        total = sum(count for _code, count in facets)
    if page > 1 and (page - 1) * per_page >= total:
        return None
    statement = partner_rows_statement(filters, [code for code, _count in facets], per_page, (page - 1) * per_page,
                                       conditions + _country_condition(filters))
    rows = _rows(statement)
    return PartnerPage(rows=rows, total=total, page=page, per_page=per_page, facets=facets)


def partner_count_query(filters: PartnerFilters):
    """How many partners the list shows under `filters` (the same conditions as its total), as
    a statement of one number, for a page that gathers several counts in one statement."""
    return select(func.count(Partner.id)).where(*filter_conditions(filters))


def partners_for_export(filters: PartnerFilters) -> list[PartnerRow]:
    """Every partner the filters find, with tags and contacts loaded, in the list's order (three
    statements): the export writes a row per active contact."""
    statement = partner_rows_statement(filters, sorted(country_names("en"))).options(
        selectinload(Partner.tags), selectinload(Partner.contacts))
    return _rows(statement)


# --- Choices for the filter form -------------------------------------------------------------

def tag_names() -> list[str]:
    return list(db.session.scalars(select(Tag.name).order_by(func.lower(Tag.name))))


def owner_choices() -> list[tuple[int, str]]:
    """Users who own at least one partner, or could (crm/auth/choices.py: assignable_users)."""
    return assignable_users(keep=select(Partner.owner_id).where(Partner.owner_id.is_not(None)))


def frequent_countries(limit: int = 8) -> list[str]:
    """The codes of the countries with the most partners (not archived), most first: the
    country picker offers them first."""
    statement = (
        select(Partner.country)
        .where(Partner.archived_at.is_(None))
        .group_by(Partner.country)
        .order_by(func.count(Partner.id).desc(), Partner.country)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


# --- /partners/countries ---------------------------------------------------------------------

@dataclass
class CountryRow:
    code: str
    partners: int
    active_agreements: int
    last_contact: datetime | None


def countries_overview(today: date | None = None) -> list[CountryRow]:
    """Every country with partners (not archived), most partners first (three statements)."""
    today = today or date.today()
    live = Partner.archived_at.is_(None)
    partner_counts = db.session.execute(
        select(Partner.country, func.count(Partner.id)).where(live).group_by(Partner.country)
    ).all()
    agreement_counts = dict(
        db.session.execute(
            select(Partner.country, func.count(func.distinct(agreement_partner.c.agreement_id)))
            .select_from(Partner)
            .join(agreement_partner, agreement_partner.c.partner_id == Partner.id)
            .where(live, agreement_partner.c.agreement_id.in_(in_force_ids(today)))
            .group_by(Partner.country)
        ).all()
    )
    last_contacts = dict(
        db.session.execute(select(Partner.country, func.max(last_contact_at())).where(live).group_by(Partner.country)).all()
    )
    rows = [
        CountryRow(code, count, agreement_counts.get(code, 0), last_contacts.get(code))
        for code, count in partner_counts
    ]
    rows.sort(key=lambda row: (-row.partners, row.code))
    return rows


def partner_by_id(partner_id: int) -> Partner | None:
    """The partner page's partner with its owner, tags and contacts (three statements)."""
    return db.session.scalars(
        select(Partner)
        .where(Partner.id == partner_id)
        .options(joinedload(Partner.owner), selectinload(Partner.tags), selectinload(Partner.contacts))
    ).first()
