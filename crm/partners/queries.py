"""The queries behind the partner directory: filters, list columns, facets, countries.

What a search term matches is stated once, in crm/partners/search.py.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import exists, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.sql.expression import ColumnElement

from crm.agreements.models import agreement_partner
from crm.agreements.queries import (
    in_force_count_of_partner, in_force_ids, in_force_summary_of_partner, next_act_by_of_partner,
)
from crm.auth.choices import assignable_statement
from crm.auth.models import User
from crm.core.capped import COUNT_CAP, capped_count
from crm.core.dates import office_today
from crm.core.statements import prepared
from crm.core.i18n import country_names
from crm.extensions import db
from crm.interactions.queries import last_contact_at
from crm.partners.activity import quiet_condition
from crm.partners.models import Partner, PartnerCountryCount, PartnerKind, PartnerStatus, Tag, partner_tag
from crm.partners.search import search_condition, search_words, words_every_match_holds
from crm.partners.search_index import index_first, index_serves, partners_holding, pattern_of, walk_by_name

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

    def live_by_country_only(self) -> bool:
        """The live partners, all or of one country: nothing else asked."""
        return not (self.archived or self.q or self.kind or self.status or self.tag or self.owner_id or self.quiet)

    def searched_by_country_only(self) -> bool:
        """A search of the live or the archived partners, all or of one country: nothing else asked."""
        return not (self.kind or self.status or self.tag or self.owner_id or self.quiet)


def filter_conditions(filters: PartnerFilters, *, with_country: bool = True,
                      common: frozenset[str] = frozenset(), given: str | None = None) -> list[ColumnElement[bool]]:
    """The WHERE clause of the list. `common`: search words to test row by row; `given`: a
    search word the statement ensures by itself (see search.search_condition)."""
    conditions: list[ColumnElement[bool]] = [
        Partner.archived_at.is_not(None) if filters.archived else Partner.archived_at.is_(None)
    ]
    if (condition := search_condition(filters.q, common=common, given=given)) is not None:
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


@dataclass(slots=True)
class PartnerRow:
    """A row of the list: the columns it shows, read as plain values (no ORM entity)."""

    id: int
    name: str
    local_name: str | None
    country: str
    city: str | None
    kind: PartnerKind
    status: PartnerStatus
    version: int
    owner_name: str | None
    active_agreements: int
    last_contact: datetime | None
    next_renewal: date | None


@dataclass
class PartnerPage:
    """A page of the list. `total` is exact, except when `capped`: more than `cap` match (the
    list says "more than 1000"), and `facets` then count the countries among the first
    `cap + 1` matches only (`facets_complete` is False). The stored counts of the live list
    are exact at any size."""

    rows: list[PartnerRow]
    total: int
    page: int
    per_page: int
    facets: list[tuple[str, int]]
    has_next: bool = False
    cap: int = COUNT_CAP
    capped: bool = False  # more than `cap` match: `total` is cap + 1
    facets_complete: bool = True

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


@lru_cache(maxsize=4)
def _computed_columns(today: date):
    """The three computed columns as of `today`, built once a day (SQL expressions never change)."""
    return (in_force_count_of_partner(today).label("active_agreements"), last_contact_at().label("last_contact"),
            next_act_by_of_partner(today).label("next_renewal"))


@lru_cache(maxsize=4)
def _in_force_lateral(today: date):
    """PostgreSQL: each row's agreements in force as of `today`, their count and next act-by
    date (a LATERAL subquery), built once a day: building it took about a millisecond a list."""
    return in_force_summary_of_partner(today).lateral("in_force")


def partner_rows_statement(filters: PartnerFilters, countries_present: list[str] | None = None):
    """Every partner the filters find with its three computed columns, in the list's order (one
    statement; the export's)."""
    active, last_contact, renewal = _computed_columns(filters.today)
    return (select(Partner, active, last_contact, renewal).options(joinedload(Partner.owner))
            .where(*filter_conditions(filters)).order_by(*_order(filters, countries_present, last_contact, renewal)))


def _page_ids(filters: PartnerFilters, conditions, countries_present: list[str], limit: int, offset: int,
              walk_word: str | None = None):
    """A select of the page's partner ids: filtered, sorted, cut. `walk_word`: a search word
    left out of `conditions`, tested as the documents are walked in name order
    (search_index.walk_by_name)."""
    if walk_word is not None:
        return walk_by_name(select(Partner.id).where(*conditions), walk_word, people=True).limit(limit).offset(offset)
    _active, last_contact, renewal = _computed_columns(filters.today)
    order = _order(filters, countries_present, last_contact, renewal)
    return select(Partner.id).where(*conditions).order_by(*order).limit(limit).offset(offset)


def _page_rows(filters: PartnerFilters, page_ids, countries_present: list[str], *counts) -> list[tuple]:
    """The rows of `_page_rows_statement`."""
    return _rows_of(_page_rows_statement(filters, page_ids, countries_present, *counts))


def _page_rows_statement(filters: PartnerFilters, page_ids, countries_present: list[str], *counts):
    """The page's rows: the partners of `page_ids` (a select, or a condition on `Partner.id`)
    with their shown columns and the computed ones for those rows only, in the list's order
    (one statement, plain rows), each row followed by `counts` (scalar subqueries that come
    with the rows, see partner_page)."""
    active, last_contact, renewal = _computed_columns(filters.today)
    order = _order(filters, countries_present, last_contact, renewal)
    shown = (Partner.id, Partner.name, Partner.local_name, Partner.country, Partner.city, Partner.kind,
             Partner.status, Partner.version, User.name)
    if db.engine.dialect.name == "postgresql":
        # One look at each row's agreements for both columns (a LATERAL join): the two
        # correlated subqueries cost PostgreSQL twice the lookups, and more planning.
        in_force = _in_force_lateral(filters.today)
        statement = (select(*shown, in_force.c.count, last_contact, in_force.c.next_act_by, *counts)
                     .outerjoin(User, User.id == Partner.owner_id).join(in_force, sa.true()))
    else:  # SQLite has no LATERAL
        statement = select(*shown, active, last_contact, renewal, *counts).outerjoin(User, User.id == Partner.owner_id)
    among = page_ids if isinstance(page_ids, ColumnElement) else Partner.id.in_(page_ids)
    return statement.where(among).order_by(*order)


def _id_among(ids: list[int]) -> ColumnElement[bool]:
    """`Partner.id` is one of `ids` (at most the cap). PostgreSQL: one array parameter, so that
    the statement's text is the same whatever the number of matches; SQLite takes `IN`."""
    if db.engine.dialect.name == "postgresql":
        return Partner.id == sa.any_(sa.bindparam("partner_ids", ids, type_=postgresql.ARRAY(sa.Integer)))
    return Partner.id.in_(ids)


def _id_in(ids) -> ColumnElement[bool]:
    """PostgreSQL: `Partner.id` is one of the ids that `ids` (a select) returns, each partner
    looked up by id (`partner.id = ANY(ARRAY(...))`): as `IN` the planner hashed every
    partner for the few ids of a page (search_index.index_first says the same)."""
    return Partner.id == sa.any_(func.array(ids.scalar_subquery()))


def _rows_of(statement):
    """The rows of a statement of plain columns: through the session's connection (its
    transaction), without the ORM's work for entities that these statements do not load."""
    return db.session.connection().execute(statement).all()


def _most_first(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _counts_text(country, count):
    """Countries and their counts as one text, "DE 12 FR 3" (an aggregate), to come with the
    page's rows; `_read_counts` reads it back."""
    return func.aggregate_strings(country + " " + sa.cast(count, sa.String), " ")


def _read_counts(text: str | None) -> dict[str, int]:
    words = (text or "").split()
    return {code: int(count) for code, count in zip(words[::2], words[1::2])}


@prepared
def _stored_counts():
    """Live partners per country, kept by the database as partners change (PartnerCountryCount),
    as a scalar subquery of their text (`_counts_text`); built once (crm/core/statements.py)."""
    return (select(_counts_text(PartnerCountryCount.country, PartnerCountryCount.partners))
            .where(PartnerCountryCount.partners > 0).scalar_subquery())


def _countries_to_rank(stored: bool) -> list[str]:
    """The countries that the country sort ranks by name (_country_rank): for the live list,
    those with live partners, most first (a statement: ranking all 250 in every row of a long
    list costs SQLite twice its sort); for a search, every country."""
    if stored:
        return [code for code, _count in _most_first(_read_counts(db.session.scalar(select(_stored_counts()))))]
    return sorted(country_names("en"))


@dataclass
class _Found:
    """What a page of the list found: its rows (PartnerRow values, one more than the page),
    the counts per country, the total, and whether the counts are exact (below the cap)."""

    rows: list
    counts: dict[str, int]
    total: int
    complete: bool = True


def partner_page(filters: PartnerFilters, page: int, per_page: int, cap: int = COUNT_CAP) -> PartnerPage | None:
    """One page of the list, its total and its country facets, in one or two statements whatever
    the number of partners, each reading a bounded number of rows:

    - the live list, all or of one country: the stored counts per country (PartnerCountryCount),
      and the page's rows straight from the country-and-name index, in one statement (the
      counts come with the rows: `_stored_page`);
    - otherwise the matches, at most `cap + 1` of them (with a search word that every match
      holds and the trigram index knows, the index hands its partners over one by one): below
      the cap these are all of them, so the total and the facets are exact and the page is
      sorted out of them; above it the list says "more than `cap`", the facets count the
      countries among those matches, a country filter counts its matches up to the cap too,
      and the page walks the partners (their search documents) in name order testing that
      word in each, stopping after the page (so that no statement reads every partner that
      holds "university"): two statements (`_search_page`). (One statement holding both ways
      to the page, each cut to LIMIT 0 unless the number of matches asked for it, saved
      PostgreSQL a round trip but cost more to build and plan than the round trip took:
      measured slower on both databases.)

    The rows: one more than the page, to know whether another page follows. None when `page`
    lies past the last page.
    """
    limit, offset = per_page + 1, (page - 1) * per_page
    stored = filters.live_by_country_only()  # exact counts kept by the database
    present = _countries_to_rank(stored) if filters.sort == "country" else []
    found = _stored_page(filters, present, limit, offset) if stored else _search_page(filters, present, limit, offset, cap)
    if page > 1 and not found.rows:
        return None
    return PartnerPage(rows=[PartnerRow(*row) for row in found.rows[:per_page]], total=found.total, page=page,
                       per_page=per_page, facets=_most_first(found.counts), has_next=len(found.rows) > per_page,
                       cap=cap, capped=not stored and found.total > cap, facets_complete=found.complete)


def _stored_page(filters: PartnerFilters, present: list[str], limit: int, offset: int) -> _Found:
    """The live list's page with the stored counts as one more column of its rows (one
    statement; a second for the counts when a country filter leaves no row)."""
    page_ids = _page_ids(filters, filter_conditions(filters), present, limit, offset)
    rows = _page_rows(filters, page_ids, present, _stored_counts().label("counts"))
    if rows:
        counts_text = rows[0][-1]
    else:
        counts_text = db.session.scalar(select(_stored_counts())) if filters.country else None
    counts = _read_counts(counts_text)
    total = counts.get(filters.country, 0) if filters.country else sum(counts.values())
    return _Found([row[:-1] for row in rows], counts, total)


def _search_word(filters: PartnerFilters) -> tuple[str | None, bool]:
    """The search word that every match holds, the one that the trigram index serves first, and
    whether it does."""
    held = words_every_match_holds(filters.q)
    word = next((word for word in held if index_serves(word)), held[0] if held else None)
    return word, bool(word) and index_serves(word)


def _first_conditions(filters: PartnerFilters, word: str | None, served: bool) -> list:
    """The matches in no order: the word's partners one by one from the trigram index and the
    other conditions; or every condition as it is (a country filter left out)."""
    if served:
        return index_first(word, people=True) + filter_conditions(filters, with_country=False, given=word)
    return filter_conditions(filters, with_country=False)


def _beyond_the_cap(filters: PartnerFilters, word: str | None, served: bool, present: list[str], limit: int,
                    offset: int):
    """The page's ids when more than the cap match: walked in name order where possible."""
    if word and filters.sort == "name" and served:
        # The documents walked in name order, the word tested in each as it comes.
        return _page_ids(filters, filter_conditions(filters, given=word), present, limit, offset, walk_word=word)
    if word and filters.sort == "name":
        # The partners walked in name order, the word tested in each one's document.
        return _page_ids(filters, filter_conditions(filters, common=frozenset({word})), present, limit, offset)
    return _page_ids(filters, filter_conditions(filters), present, limit, offset)  # every match sorted


def _capped_country_total(filters: PartnerFilters, conditions: list, cap: int) -> int:
    """Above the cap, a country filter counts the country's own matches, up to the cap."""
    return db.session.scalar(select(capped_count(select(Partner.id).where(*conditions, *_country_condition(filters)), cap)))


def _search_page(filters: PartnerFilters, present: list[str], limit: int, offset: int, cap: int) -> _Found:
    """The matches (up to cap + 1, with their countries), then the page's rows. For a search of
    one word alone (and the trigram index's), PostgreSQL reads the matches from the documents
    with their countries (search_index.partners_holding: no lookup of each match's partner),
    and keeps them on the server: the page's rows come with their counts (`_held_page`)."""
    word, served = _search_word(filters)
    alone = served and search_words(filters.q) == [word] and filters.searched_by_country_only()
    if alone and filters.sort == "name" and db.engine.dialect.name == "postgresql":
        return _held_page(filters, word, present, limit, offset, cap)
    first = _first_conditions(filters, word, served)
    if alone and db.engine.dialect.name == "postgresql":
        matches = partners_holding(word, people=True, live=not filters.archived)
    else:  # SQLite: the trigram index hands its partners over one by one, as fast
        matches = select(Partner.id, Partner.country).where(*first)
    found = _rows_of(matches.limit(cap + 1))
    counts = dict(Counter(code for _id, code in found))
    if len(found) > cap:
        return _above_the_cap(filters, word, served, first, counts, present, limit, offset, cap)
    ids = [partner_id for partner_id, code in found if code == filters.country or not filters.country]
    if filters.sort == "country":  # the countries among the matches
        present = [code for code, _count in _most_first(counts)]
    page_ids = _page_ids(filters, [_id_among(ids)], present, limit, offset)
    return _Found(_page_rows(filters, page_ids, present), counts, len(ids))


def _above_the_cap(filters: PartnerFilters, word: str | None, served: bool, first: list, counts: dict[str, int],
                   present: list[str], limit: int, offset: int, cap: int) -> _Found:
    """The page of a search that more than the cap match (`counts`: the countries of the first
    cap + 1 matches)."""
    page_ids = _beyond_the_cap(filters, word, served, present, limit, offset)
    total = _capped_country_total(filters, first, cap) if filters.country else cap + 1
    return _Found(_page_rows(filters, page_ids, present), counts, total, complete=False)


def _held_page(filters: PartnerFilters, word: str, present: list[str], limit: int, offset: int,
               cap: int) -> _Found:
    """PostgreSQL, a search of one word alone (the trigram index's) in name order: the page's
    rows with the counts per country of the first cap + 1 matches as one more column
    (`_counts_text`), in one statement (`_held_page_statement`). Above the cap a country filter
    counts its own matches (a statement more, as `_above_the_cap`)."""
    rows_statement, counts_statement = _held_page_statement(filters.archived, bool(filters.country), cap, filters.today)
    values = {"pattern": pattern_of(word), "country": filters.country, "page_limit": limit, "page_offset": offset}
    connection = db.session.connection()
    rows = connection.execute(rows_statement, values).all()
    found = _read_counts(rows[0][-1] if rows else connection.execute(counts_statement, values).scalar())
    if (total := sum(found.values())) > cap:
        total = _capped_country_total(filters, _first_conditions(filters, word, True), cap) if filters.country else total
    elif filters.country:
        total = found.get(filters.country, 0)
    return _Found([row[:-1] for row in rows], found, total, complete=sum(found.values()) <= cap)


@lru_cache(maxsize=16)  # shapes × a day or two (the computed columns are as of a day)
def _held_page_statement(archived: bool, by_country: bool, cap: int, today: date):
    """The statements of `_held_page` (its rows, and its counts alone for a page without rows),
    built once per shape and day (as crm/core/statements.py's, which keeps its keys for good)
    with the word's pattern (`pattern`), the country (`country`), `page_limit` and
    `page_offset` as parameters.

    The matches are read once from the documents (search_index.partners_holding) and stay on
    the server; the page is chosen among them when no more than the cap match, else by walking
    the documents in name order (as `_beyond_the_cap` does): both ways are in the statement,
    and a condition that the server tests once (the number of matches) leaves one of them out
    before it reads anything. One round trip instead of two, and no thousand matches sent to
    the app to be counted there (PostgreSQL only: SQLite has no round trip to save); the text
    is the same for every word, so the connection plans it once (psycopg's prepared statements,
    crm/core/database.py)."""
    pattern = sa.bindparam("pattern", type_=sa.String)
    limit, offset = sa.bindparam("page_limit", type_=sa.Integer), sa.bindparam("page_offset", type_=sa.Integer)
    filters = PartnerFilters(archived=archived, today=today)  # the name order, no other filter
    held = partners_holding(pattern, people=True, live=not archived).limit(cap + 1).cte("held")
    per_country = select(held.c.country, func.count().label("n")).group_by(held.c.country).subquery()
    counts = select(_counts_text(per_country.c.country, per_country.c.n)).scalar_subquery()
    matched = select(func.count()).select_from(held).scalar_subquery()
    among, in_country = select(held.c.id), []
    if by_country:
        among = among.where(held.c.country == sa.bindparam("country"))
        in_country = [Partner.country == sa.bindparam("country")]
    sorted_matches = _page_ids(filters, [matched <= cap, _id_in(among)], [], limit, offset)
    walked = _page_ids(filters, [matched > cap, *filter_conditions(filters), *in_country], [], limit, offset,
                       walk_word=pattern)
    rows = _page_rows_statement(filters, _id_in(sa.union_all(sorted_matches, walked)), [], counts.label("counts"))
    return rows, select(counts)


def partner_count_query(filters: PartnerFilters):
    """How many partners the list shows under `filters` (the same conditions as its total), as
    a statement of one number, for a page that gathers several counts in one statement. The
    live list, all or of one country, adds up the stored counts per country, as its total does."""
    if filters.live_by_country_only():
        stored = select(func.coalesce(func.sum(PartnerCountryCount.partners), 0))
        return stored.where(PartnerCountryCount.country == filters.country) if filters.country else stored
    return select(func.count(Partner.id)).where(*filter_conditions(filters))


@dataclass
class ExportRow:
    partner: Partner
    active_agreements: int
    last_contact: datetime | None
    next_renewal: date | None


def partners_for_export(filters: PartnerFilters) -> list[ExportRow]:
    """Every partner the filters find, with tags and contacts loaded, in the list's order (three
    statements): the export writes a row per active contact."""
    statement = partner_rows_statement(filters, sorted(country_names("en"))).options(
        selectinload(Partner.tags), selectinload(Partner.contacts))
    return [ExportRow(partner, count or 0, last, renewal) for partner, count, last, renewal in db.session.execute(statement)]


# --- Choices for the filter form -------------------------------------------------------------

def tag_names() -> list[str]:
    return list(db.session.scalars(_tag_names()))


def owner_choices() -> list[tuple[int, str]]:
    """Users who own at least one partner, or could (crm/auth/choices.py: assignable_users)."""
    return [(user_id, name) for user_id, name in db.session.execute(_owner_choices())]


# Each user probes the owner index (not a scan of every partner's owner). The two statements
# of the filter's choices are built once (crm/core/statements.py).
_owner = aliased(User)
_owner_choices = prepared(lambda: assignable_statement(keep=select(_owner.id).where(
    exists().where(Partner.owner_id == _owner.id))))
_tag_names = prepared(lambda: select(Tag.name).order_by(func.lower(Tag.name)))


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
    today = today or office_today()
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
    return db.session.scalars(_partner_by_id(), {"partner_id": partner_id}).first()


@prepared
def _partner_by_id():
    """The partner's id a parameter: building a statement (and its cache key) costs more than
    SQLite takes to run it."""
    return (
        select(Partner)
        .where(Partner.id == sa.bindparam("partner_id"))
        .options(joinedload(Partner.owner), selectinload(Partner.tags), selectinload(Partner.contacts))
    )
