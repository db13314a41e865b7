"""Where every figure of the office comes from, and the one rule that says what counts.

The yearly report, its Excel file and narrative, promised vs delivered, the health summary, the
国际影响表, and the outcome sums on the partner and agreement pages all read their figures from
`figures(first, last)` (a `Figures`), so they cannot disagree.

Two kinds of source:

- typed outcomes (crm/outcomes), summed in SQL: each of `Figures`' methods is one GROUP BY
  statement (year and category; partner; country; agreement; indicator), so the Python side
  handles grouped rows, never one row per outcome;
- records of other domains (foreign experts hosted from crm/experts, delegations from
  crm/trips and crm/visits, joint-programme enrolment from crm/programmes), each a function
  `(first_year, last_year) -> iterable of Figure` registered with `@figure_source`. A source
  groups its records itself and yields grouped figures (one per year, category and subject), so
  a new source shows everywhere once it is registered here:

    @figure_source("experts")
    def experts_hosted(first_year, last_year):
        for year, partner_id, country, count in ...:  # one query, grouped
            yield Figure(year, "experts_hosted", count, (partner_id,), (country,), source="experts")

A figure counts once in totals by category and year; by partner and by country it counts for each
of its partners and countries (an agreement with five German companies counts once for Germany and
once for each company); a figure's `countries=None` means its partners' countries.

The records win: where records count a category in a year (RECORD_CATEGORIES), typed outcomes of
that category and year are left out everywhere (`Figures.typed`, `not_counted`), so nothing
counts twice; in years without records (before the office kept them) typed outcomes still count.
"""
from __future__ import annotations

from collections import defaultdict
from contextvars import ContextVar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, bindparam, case, func, literal_column, or_, select, type_coerce, union, union_all

from crm.agreements.models import agreement_partner
from crm.core.dates import office_today
from crm.core.statements import prepared
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus, report_year_of
from crm.partners.models import Partner
from crm.reports.models import (ANY_KIND, TYPED, UNSUMMED, ReportCountry, ReportIndicator, ReportKeptRange, ReportPartner, ReportPartnerRange,
                                ReportPartnerYear, ReportRecordSubject, ReportSubjectRange, ReportTotal, ReportTypedSubject)
from crm.reports.units import CATEGORY_UNITS

# Labels of the categories (key → lazy label): the outcomes' own, and those that a source other
# than outcomes brings (people in the delegations, counted from trips and visits).
CATEGORY_LABELS: dict[str, object] = {c.value: c._label for c in OutcomeCategory if c != OutcomeCategory.OTHER}
CATEGORY_LABELS.update({
    "delegates_sent": _l("People in the delegations sent"),
    "delegates_received": _l("People in the delegations received"),
    OutcomeCategory.OTHER.value: OutcomeCategory.OTHER._label,
})
MAX_RANGE = 15  # years: the longest report, and how far back the partner and agreement pages sum
SUBJECT_CANDIDATES = 10  # per category: the largest typed subjects the narrative chooses from
# The categories whose largest subjects the narrative names ("173 with EBG Germany": crm/reports/
# narrative.py, `subjects`); ranking a category's subjects reads all of them, so only these are.
SUBJECT_CATEGORIES = ("certificates_earned", "outbound_students", "joint_programme_students", "inbound_students")


_labels: dict[tuple[str, str], str] = {}  # (locale, category) → its label: each translated once per process


def category_label(key: str) -> str:
    """The category's label in the request's language (a page names each category several times)."""
    try:
        cache_key = (str(get_locale()), key)
    except RuntimeError:  # no application context: nothing to cache by
        return str(CATEGORY_LABELS.get(key, key))
    label = _labels.get(cache_key)
    if label is None:
        label = _labels[cache_key] = str(CATEGORY_LABELS.get(key, key))
    return label


def category_order(key: str) -> int:
    keys = list(CATEGORY_LABELS)
    return keys.index(key) if key in keys else len(keys)


@dataclass(frozen=True)
class Figure:
    """A record source's grouped figure: `count` of `category` in `year` for its subject."""

    year: int
    category: str  # an OutcomeCategory value, or a source's own key (labelled in CATEGORY_LABELS)
    count: int
    partner_ids: tuple[int, ...] = ()
    countries: tuple[str, ...] | None = ()  # None: the countries of its partners (looked up once)
    source: str = "outcomes"
    indicator_id: int | None = None
    detail: str | None = None
    agreement_id: int | None = None  # the agreement it delivers on, where the records say


# The category as its stored value (type_coerce: the same SQL, no enum round trip for each row).
_category = type_coerce(Outcome.category, String)


@dataclass(frozen=True)
class Scope:
    """The records of one partner, or of one agreement (the partner and agreement pages), or the
    records of these ids of the source asked (`ids`: the summary's difference for a write)."""

    partner_id: int | None = None
    agreement_id: int | None = None
    ids: frozenset[int] | None = None


FigureSource = Callable[[int, int, Scope | None], Iterable[Figure]]
SOURCES: dict[str, FigureSource] = {}  # the records' kind ("experts", …: a Figure's source) → its function


def figure_source(source: str) -> Callable[[FigureSource], FigureSource]:
    """Register a record source: the function that yields the figures of records of this kind."""
    def register(function: FigureSource) -> FigureSource:
        SOURCES[source] = function
        return function
    return register


# --- which years the figures cover ---------------------------------------------------------------


def typed_years() -> tuple[int | None, int | None]:
    """The first and last year with an approved outcome (asked once per request)."""
    if not has_request_context() or "report_outcome_years" not in g:
        g.report_outcome_years = tuple(db.session.execute(_outcome_years()).one())
    return g.report_outcome_years


@prepared
def _outcome_years():
    approved = Outcome.status == OutcomeStatus.APPROVED
    # Two scalar subqueries: each reads one end of the index (min and max together scan it).
    return select(select(func.min(Outcome.year)).where(approved).scalar_subquery(),
                  select(func.max(Outcome.year)).where(approved).scalar_subquery())


def office_span() -> tuple[int, int]:
    """The years the partner and agreement pages sum: the last MAX_RANGE years up to this one,
    and every year with an approved outcome."""
    this_year = report_year_of(office_today())
    first, last = typed_years()
    return min(first or this_year, this_year - MAX_RANGE + 1), max(last or this_year, this_year)


def record_figures(first_year: int, last_year: int, scope: Scope | None = None, kind: str | None = None,
                   sources: Iterable[str] | None = None) -> list[Figure]:
    """Every record source's figures (or those of `sources`) for the years (of the scope's records
    only, with one), in the office's year kind or `kind`, countries resolved (each source's statements and one for the
    partners' countries). Read by the summary when records change (crm/reports/summary.py); the
    pages read the summary."""
    token = _KIND.set(kind) if kind is not None else None
    try:
        found = [figure for name, source in SOURCES.items() if sources is None or name in sources
                 for figure in source(first_year, last_year, scope)]
    finally:
        if token is not None:
            _KIND.reset(token)
    partner_ids = {pid for figure in found if figure.countries is None for pid in figure.partner_ids}
    country_of = dict(db.session.execute(
        select(Partner.id, Partner.country).where(Partner.id.in_(partner_ids), Partner.country.is_not(None))
    ).all()) if partner_ids else {}
    return [
        figure if figure.countries is not None else Figure(
            figure.year, figure.category, figure.count, figure.partner_ids,
            tuple(sorted({country_of[pid] for pid in figure.partner_ids if pid in country_of})),
            figure.source, figure.indicator_id, figure.detail, figure.agreement_id)
        for figure in found
    ]


def _summary_kinds():
    """The summary's rows of the office's year kind: typed outcomes' and its records'."""
    from crm.outcomes.models import year_kind

    return (ANY_KIND, year_kind())


def _records_counted(table):
    """The summary's record rows of the years (parameters `first` and `last`), in the office's year
    kind (`kind`): `_records_params`."""
    return and_(table.c.source != TYPED, table.c.year_kind == bindparam("kind"),
                table.c.year.between(bindparam("first"), bindparam("last")))


def _records_params(first_year: int, last_year: int) -> dict:
    """The parameters of `_records_counted`."""
    from crm.outcomes.models import year_kind

    return {"kind": year_kind(), "first": first_year, "last": last_year}


def counted_by_records(first_year: int, last_year: int) -> frozenset[tuple[str, int]]:
    """The (category, year) pairs of the years that records count, anywhere (1 statement, once per
    request and years)."""
    key = ("report_counted_by_records", first_year, last_year)
    kept = g.get("report_counted_by_records") if has_request_context() else None
    if kept is not None and key in kept:
        return kept[key]
    pairs = {tuple(row) for row in db.session.execute(_counted_by_records(), _records_params(first_year, last_year))}
    if (UNSUMMED["category"], UNSUMMED["year"]) in pairs:  # read along: the records' figures are not summed yet
        pairs.discard((UNSUMMED["category"], UNSUMMED["year"]))
        if has_request_context():
            g.report_records_unsummed = True
    pairs = frozenset(pairs)
    if has_request_context():
        g.setdefault("report_counted_by_records", {})[key] = pairs
    return pairs


@prepared
def _counted_by_records():
    table = ReportTotal.__table__
    unsummed = and_(table.c.year == UNSUMMED["year"], table.c.source == UNSUMMED["source"])
    return select(table.c.category, table.c.year).where(or_(_records_counted(table), unsummed)).distinct()


def records_unsummed() -> bool:
    """Whether the records' figures wait for `flask reports summarise` (known once the figures of
    the request were read)."""
    return bool(has_request_context() and g.get("report_records_unsummed"))


def not_counted(outcome: Outcome) -> bool:
    """Whether an approved typed outcome is left out because records count its category in its
    year (the pages say so next to it), over the office's span as the partner and agreement pages
    count."""
    if not outcome.is_approved or outcome.category.value not in RECORD_CATEGORIES:
        return False
    first, last = office_span()
    return first <= outcome.year <= last and (outcome.category.value, outcome.year) in counted_by_records(first, last)


# --- the figures of a range of years ---------------------------------------------------------------


class Figures:
    """The office's figures for `first_year`..`last_year`, read from the report's summary
    (crm/reports/models.py, kept by the writes: crm/reports/summary.py): the record sources' sums,
    and the typed outcomes' sums that count (`typed` on the outcomes, `_counted` on the summary)."""

    def __init__(self, first_year: int, last_year: int, scope: Scope | None = None):
        self.first_year, self.last_year = first_year, last_year
        if scope is None:
            self.record_years = set(counted_by_records(first_year, last_year))
        else:
            # Of one partner or agreement: the categories and years that records count anywhere
            # (read over the office's span, once per request).
            span_first, span_last = office_span()
            everywhere = counted_by_records(min(span_first, first_year), max(span_last, last_year))
            self.record_years = {(category, year) for category, year in everywhere if first_year <= year <= last_year}
        self.scope = scope

    @cached_property
    def typed(self):
        """The typed outcomes that count (the partner and agreement pages, promised vs delivered)."""
        return counted_condition(self.first_year, self.last_year, self.record_years)

    @property
    def record_sources(self) -> dict[str, str]:
        """category → the source whose records count it in these years."""
        return {category: RECORD_CATEGORIES.get(category, "") for category, _year in self.record_years}

    def _counted(self, compact: bool = False, category: str | None = None) -> tuple[tuple, dict]:
        """The summary's rows that count, as (the condition's shape, its parameters) for
        `_counted_condition`: of the years, in the office's year kind, and typed ones only where
        records do not count their category and year. `compact`: the categories that records
        count in every year of the range in one list, cheaper for each row read; not for
        report_partner, where SQLite's planner then reads every partner in key order (1.5 s at
        scale 10 over ten years). `category`: for a statement that reads only that category's
        rows, only its own condition (the others' hold for each of its rows: fewer tests a row)."""
        years_of: dict[str, set[int]] = defaultdict(set)
        for counted, year in self.record_years:
            if category is None or counted == category:
                years_of[counted].add(year)
        every_year = set(range(self.first_year, self.last_year + 1)) if compact else None
        in_every_year = sorted(category for category, years in years_of.items() if years == every_year)
        partly = sorted((category, sorted(years)) for category, years in years_of.items() if years != every_year)
        params = {"years": list(range(self.first_year, self.last_year + 1)), "kinds": list(_summary_kinds()),
                  "every_year": in_every_year}
        for n, (category, years) in enumerate(partly):
            params[f"category_{n}"], params[f"years_{n}"] = category, years
        return (bool(in_every_year), len(partly)), params

    def _records_of_scope(self):
        """(year, category, sum) of the scope's records (its partner's, or those that deliver on
        its agreement), from the summary (parameters: `_records_params`)."""
        if self.scope.agreement_id is not None:
            table = ReportRecordSubject.__table__
            condition = table.c.agreement_id == self.scope.agreement_id
        else:
            table = ReportPartner.__table__
            condition = table.c.partner_id == self.scope.partner_id
        return (select(table.c.year, table.c.category, func.sum(table.c.total))
                .where(_records_counted(table), condition)
                .group_by(table.c.year, table.c.category))

    # Each method: one statement on the summary (typed outcomes and records together), or on the
    # outcomes where the summary has not their grain. The summary's statements are built once per
    # process and shape (crm/core/statements.py), the request's values their parameters.

    def by_year_and_category(self) -> dict[tuple[int, str], int]:
        """(year, category) → count, of the scope (a partner: its own outcomes and its agreements';
        an agreement: its own) or of the office; each figure once."""
        cells: dict[tuple[int, str], int] = defaultdict(int)
        if self.scope is None:
            shape, params = self._counted()
            statements = [(_totals_statement(shape), params)]
        else:
            statements = [
                (select(Outcome.year, _category, func.sum(Outcome.count)).where(self.typed, _scope_condition(self.scope))
                 .group_by(Outcome.year, _category), {}),
                (self._records_of_scope(), _records_params(self.first_year, self.last_year)),
            ]
        for statement, params in statements:
            for year, category, total in db.session.execute(statement, params):
                cells[(year, category)] += int(total or 0)
        return dict(cells)

    def by_country(self, limit: int | None = None, focus: str = "",
                   categories: Iterable[str] = ()) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
        """(country → category → count, a figure counting once for each of its countries; the
        countries' sums: "" (every category) and `focus` → country → count). Without `limit`, every
        country's figures and sums (1 statement). With it (2 statements; `categories` are those
        with figures in the years): every country's sum in `focus` (one category's rows), then the
        figures of the `limit` first of them and of the countries without a figure in `focus`
        (the tables rank those after the others by their sums over every category: the only
        countries "" holds then); only the figures of the `limit` first countries of the tables'
        order (`table_order`) are kept. Every country's sums over every category sorted every row
        of the years by country (at bench scale 1 over ten years 8 of the page's 26 ms of SQL)."""
        shape, params = self._counted(compact=True)
        cells: dict[str, dict[str, int]] = defaultdict(dict)
        sums: dict[str, dict[str, int]] = {"": {}, **({focus: {}} if focus else {})}
        if limit is not None:
            focus_shape, focus_params = self._counted(compact=True, category=focus)  # it reads the focus's rows only
            for country, total in db.session.execute(_country_sums_statement(focus_shape), {**focus_params, "focus": focus}):
                if focus:
                    sums[focus][country] = int(total or 0)
            in_focus = ranked_countries(sums[focus]) if focus else []
            # every country but those in `focus` after the first `limit` (one test a row read)
            params.update(categories=sorted(categories), left_out=[country for country, _count in in_focus[limit:]])
        for country, category, total in db.session.execute(_country_cells_statement(shape, limit is not None), params):
            cells[country][category] = int(total or 0)
        if limit is None:
            for country, row in cells.items():
                sums[""][country] = sum(row.values())
                if focus:
                    sums[focus][country] = row.get(focus, 0)
            return dict(cells), sums
        listed = {country for country, _count in in_focus}
        sums[""] = {country: sum(row.values()) for country, row in cells.items() if country not in listed}
        chosen = table_order(in_focus, ranked_countries(sums[""]))[:limit]
        return {country: cells[country] for country in chosen if country in cells}, sums

    def by_partner(self, limit: int | None = None, focus: str = "", overall: bool = True) -> tuple[dict[int, dict[str, int]], bool]:
        """(partner → category → count, whether more partners have figures than kept); a figure
        counts once for each of its partners. With `limit`, only the `limit` largest partners over
        all categories (report_partner_year: a row a partner and year; not without `overall`) and
        in the `focus` category, ties included (2 or 3 statements: the largest ranked in SQL, then
        their figures)."""
        shape, params = self._counted()
        more = False
        if limit is not None:
            chosen: set[int] = set()
            if overall or not focus:
                chosen, more = self._largest_partners(_largest_overall_statement, _records_params(self.first_year, self.last_year), limit)
            if focus:
                focus_shape, focus_params = self._counted(category=focus)  # it reads the focus category's rows only
                in_focus, more_in_focus = self._largest_partners(
                    lambda rows: _largest_in_focus_statement(focus_shape, focus in RANGE_PARTNER_CATEGORIES, rows),
                    {**focus_params, "focus": focus, "first": self.first_year, "last": self.last_year}, limit)
                chosen |= in_focus
                more = more if overall else more_in_focus
            params["partners"] = sorted(chosen)
        cells: dict[int, dict[str, int]] = defaultdict(dict)
        for partner_id, category, total in db.session.execute(_partner_cells_statement(shape, limit is not None), params):
            cells[partner_id][category] = int(total or 0)
        return dict(cells), more

    @staticmethod
    def _largest_partners(statement: Callable, params: dict, limit: int) -> tuple[set[int], bool]:
        """The `limit` partners with the largest sum (`statement(rows)`: partner and sum, the
        largest first, `rows` rows; `statement(None)`: every partner whose sum reaches
        `threshold`), those tied with the last of them too, and whether more partners have a
        figure (1 statement, of 2 × `limit` rows; a second one only where ties run past them)."""
        rows = db.session.execute(statement(2 * limit), params).all()
        if len(rows) <= limit:
            return {partner_id for partner_id, _total in rows}, False
        threshold = rows[limit - 1][1]
        if rows[-1][1] >= threshold:  # ties past the rows read: every partner with the threshold's figure
            rows = db.session.execute(statement(None), {**params, "threshold": threshold}).all()
        return {partner_id for partner_id, count in rows if count >= threshold}, True

    def by_subject(self) -> dict[tuple[str, tuple[int, ...]], int]:
        """(category, partner ids) → count, for the narrative's "173 with EBG Germany": the
        SUBJECT_CANDIDATES largest agreements (or partners alone) of each of SUBJECT_CATEGORIES,
        those with the same partners together, and the SUBJECT_CANDIDATES largest subjects of the
        records (3 statements)."""
        years_of: dict[str, set[int]] = defaultdict(set)
        for category, year in self.record_years:
            years_of[category].add(year)
        # each category's largest, summed in the table's order; not those that records count in
        # every year (their typed outcomes do not count; one category stays: a fixed statement)
        every_year = set(range(self.first_year, self.last_year + 1))
        typed_count = [category for category in SUBJECT_CATEGORIES if years_of.get(category) != every_year]
        shape = tuple((category, bool(years_of.get(category))) for category in typed_count or SUBJECT_CATEGORIES[:1])
        params = {"first": self.first_year, "last": self.last_year,
                  **{f"excluded_{category}": sorted(years_of[category]) for category, excluded in shape if excluded}}
        rows = [(category, agreement_id or None, partner_id or None, count)
                for category, agreement_id, partner_id, count in db.session.execute(_typed_subjects_statement(shape), params)]
        partners_of: dict[int, list[int]] = defaultdict(list)
        for agreement_id, partner_id in db.session.execute(
                _agreements_partners_statement(), {"agreements": sorted({row[1] for row in rows if row[1] is not None})}):
            partners_of[agreement_id].append(partner_id)
        subjects: dict[tuple[str, tuple[int, ...]], int] = defaultdict(int)
        for category, agreement_id, partner_id, count in rows:
            subject = tuple(sorted(partners_of[agreement_id])) if agreement_id is not None else (partner_id,)
            subjects[(category, subject)] += int(count or 0)
        for category, partners, count in db.session.execute(_record_subjects_statement(), _records_params(self.first_year, self.last_year)):
            subjects[(category, tuple(int(pid) for pid in partners.split(",")))] += int(count or 0)
        return dict(subjects)

    def by_agreement(self, agreement_ids: Iterable[int]) -> dict[tuple[int, str], int]:
        """(agreement, category) → count delivered on each of the agreements (promised vs delivered)."""
        agreement_ids = set(agreement_ids)
        cells: dict[tuple[int, str], int] = defaultdict(int)
        for agreement_id, category, total in db.session.execute(
            select(Outcome.agreement_id, _category, func.sum(Outcome.count))
            .where(self.typed, Outcome.agreement_id.in_(agreement_ids)).group_by(Outcome.agreement_id, _category)
        ):
            cells[(agreement_id, category)] += int(total or 0)
        table = ReportRecordSubject.__table__
        for agreement_id, category, total in db.session.execute(
            select(table.c.agreement_id, table.c.category, func.sum(table.c.total))
            .where(_records_counted(table), table.c.agreement_id.in_(sorted(agreement_ids)))
            .group_by(table.c.agreement_id, table.c.category), _records_params(self.first_year, self.last_year)
        ):
            cells[(agreement_id, category)] += int(total or 0)
        return dict(cells)

    def by_indicator(self) -> dict[int, tuple[int, int, int]]:
        """indicator → (count, outcomes counted, outcomes left out because records count their
        category and year), over the approved outcomes tagged with an indicator (1 statement, on the
        summary: a row a year, category and indicator)."""
        table = ReportIndicator.__table__
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for year, category, indicator_id, total, outcomes in db.session.execute(
            select(table.c.year, table.c.category, table.c.indicator_id, table.c.total, table.c.outcomes)
            .where(table.c.year.between(self.first_year, self.last_year))
        ):
            cell = sums[indicator_id]
            if (category, year) in self.record_years:
                cell[2] += outcomes
            else:
                cell[0] += int(total or 0)
                cell[1] += outcomes
        return {indicator_id: tuple(cell) for indicator_id, cell in sums.items()}


# --- the report's statements on the summary, built once per process and shape ----------------------
#
# Their values are parameters (`bindparam`): `Figures._counted` gives a condition's shape (whether
# some categories are counted by records in every year, how many in some years only) and its
# parameters. Lists are expanding parameters: the SQL is the same as with the values written in
# (`year IN (?, ?, ?)`), so the planner's choices are too.


def _counted_condition(table, shape: tuple[bool, int]):
    """The condition of `Figures._counted`'s shape on a summary table."""
    every_year, partly = shape
    # the years listed, not a range: the summary's key leads with the year, so each year is a
    # seek and a category condition after it narrows the rows read (a range reads every category)
    conditions = [table.c.year.in_(bindparam("years", expanding=True)), table.c.year_kind.in_(bindparam("kinds", expanding=True))]
    if every_year:
        conditions.append(or_(table.c.source != TYPED, table.c.category.not_in(bindparam("every_year", expanding=True))))
    for n in range(partly):
        conditions.append(or_(table.c.source != TYPED, table.c.category != bindparam(f"category_{n}"),
                              table.c.year.not_in(bindparam(f"years_{n}", expanding=True))))
    return and_(*conditions)


@prepared
def _totals_statement(shape):
    table = ReportTotal.__table__
    return (select(table.c.year, table.c.category, func.sum(table.c.total))
            .where(_counted_condition(table, shape)).group_by(table.c.year, table.c.category))


@prepared
def _country_sums_statement(shape):
    """(country, its sum in the `focus` category)."""
    table = ReportCountry.__table__
    return (select(table.c.country, func.sum(table.c.total))
            .where(_counted_condition(table, shape), table.c.category == bindparam("focus")).group_by(table.c.country))


@prepared
def _country_cells_statement(shape, chosen: bool):
    """(country, category, sum) of every country, or (`chosen`) in `categories` of the countries
    but those `left_out`. The countries' test first: SQLite tests a row's conditions in their
    order, and most rows read are of countries left out (at bench scale 1 over ten years 4.5 ms
    instead of 7 with the counted conditions first)."""
    table = ReportCountry.__table__
    of = [table.c.country.not_in(bindparam("left_out", expanding=True)),
          table.c.category.in_(bindparam("categories", expanding=True))] if chosen else []
    return (select(table.c.country, table.c.category, func.sum(table.c.total))
            .where(*of, _counted_condition(table, shape)).group_by(table.c.country, table.c.category))


@prepared
def _partner_cells_statement(shape, chosen: bool):
    """(partner, category, sum) of every partner, or (`chosen`) of `partners`."""
    table = ReportPartner.__table__
    of = [table.c.partner_id.in_(bindparam("partners", expanding=True))] if chosen else []
    return (select(table.c.partner_id, table.c.category, func.sum(table.c.total))
            .where(_counted_condition(table, shape), *of).group_by(table.c.partner_id, table.c.category))


def _largest(table, counted, rows: int | None, by_key_order: bool = True):
    """The partners with the largest sums: the `rows` first, or (None) every one whose sum reaches
    the parameter `threshold`. Without `by_key_order`, grouped by `partner_id + 0`, not the column:
    on report_partner with the statistics of ANALYZE, SQLite's planner would rather read a
    category's rows of every year through ix_report_partner_partner, in partner order, than seek
    each year's (at bench scale 1 over ten years 110 ms against 4 ms)."""
    total = func.sum(table.c.total).label("total")
    partner = table.c.partner_id if by_key_order else (table.c.partner_id + literal_column("0")).label("partner_id")
    grouped = select(partner, total).where(counted).group_by(partner)
    if rows is None:
        return grouped.having(total >= bindparam("threshold"))
    return grouped.having(total > 0).order_by(total.desc(), partner).limit(rows)


def _of_range(range_table):
    """The rows of a range table (report_*_range) of the range of the parameters `first` and `last`."""
    return and_(range_table.c.first == bindparam("first"), range_table.c.last == bindparam("last"))


def _kept_or_yearly(kept, yearly, rows: int | None) -> list:
    """The parts of one statement for both cases: where report_kept_range lists the range of the
    parameters `first` and `last`, the kept range's rows (`kept`, of a range table), else the sum
    of the yearly rows (`yearly`); each of `rows` rows at most (None: all). The part not asked
    has a LIMIT of 0, which the database works out once, before reading a row (a condition in the
    WHERE clause would be tested on every row read)."""
    ranges = ReportKeptRange.__table__
    listed = select(ranges.c.first).where(_of_range(ranges)).exists()
    if rows is None:
        return [select(kept.where(listed).subquery()), select(yearly.where(~listed).subquery())]
    return [select(kept.limit(case((listed, rows), else_=0)).subquery()), select(yearly.limit(case((listed, 0), else_=rows)).subquery())]


@prepared
def _largest_overall_statement(rows: int | None):
    """The partners with the largest sums of every category (report_partner_year)."""
    table = ReportPartnerYear.__table__
    return _largest(table, and_(table.c.year_kind == bindparam("kind"), table.c.year.between(bindparam("first"), bindparam("last"))), rows)


@prepared
def _largest_in_focus_statement(shape, in_range: bool, rows: int | None):
    """The partners with the largest sums in the `focus` category; `in_range`: a category of
    report_partner_range, read there where it keeps the range (the first rows of its index)."""
    table = ReportPartner.__table__
    yearly = _largest(table, and_(_counted_condition(table, shape), table.c.category == bindparam("focus")), rows, by_key_order=False)
    if not in_range:
        return yearly
    ranged = ReportPartnerRange.__table__
    kept = select(ranged.c.partner_id, ranged.c.total).where(
        _of_range(ranged), ranged.c.category == bindparam("focus"),
        ranged.c.total > 0 if rows is not None else ranged.c.total >= bindparam("threshold"))
    if rows is not None:
        kept = kept.order_by(ranged.c.total.desc(), ranged.c.partner_id).limit(rows)
    both = union_all(*_kept_or_yearly(kept, yearly, rows)).subquery()
    return select(both).order_by(both.c.total.desc(), both.c.partner_id)


@prepared
def _typed_subjects_statement(shape: tuple[tuple[str, bool], ...]):
    """The SUBJECT_CANDIDATES largest typed subjects of each category of the shape, in the years
    (`first`, `last`) but those that records count (`excluded_<category>`, where the shape says):
    where no year is left out, from report_subject_range where it keeps the range."""
    table, ranged = ReportTypedSubject.__table__, ReportSubjectRange.__table__
    largest = []
    for category, excluded in shape:
        total = func.sum(table.c.total)
        yearly = (select(table.c.category, table.c.agreement_id, table.c.partner_id, total.label("total"))
                  .where(table.c.category == category, table.c.year.between(bindparam("first"), bindparam("last")),
                         *([table.c.year.not_in(bindparam(f"excluded_{category}", expanding=True))] if excluded else []))
                  .group_by(table.c.category, table.c.agreement_id, table.c.partner_id)
                  .order_by(total.desc(), table.c.agreement_id, table.c.partner_id).limit(SUBJECT_CANDIDATES))
        if excluded:
            largest.append(select(yearly.subquery()))
            continue
        kept = (select(ranged.c.category, ranged.c.agreement_id, ranged.c.partner_id, ranged.c.total)
                .where(_of_range(ranged), ranged.c.category == category)
                .order_by(ranged.c.total.desc(), ranged.c.agreement_id, ranged.c.partner_id).limit(SUBJECT_CANDIDATES))
        largest.extend(_kept_or_yearly(kept, yearly, SUBJECT_CANDIDATES))
    every = union_all(*largest).subquery()  # each category's in the order of its largest
    return select(every).order_by(every.c.category, every.c.total.desc(), every.c.agreement_id, every.c.partner_id)


@prepared
def _agreements_partners_statement():
    return (select(agreement_partner.c.agreement_id, agreement_partner.c.partner_id)
            .where(agreement_partner.c.agreement_id.in_(bindparam("agreements", expanding=True))))


@prepared
def _record_subjects_statement():
    """The SUBJECT_CANDIDATES largest subjects of the records of each of SUBJECT_CATEGORIES that
    records count, in the years and year kind (`_records_params`)."""
    table = ReportRecordSubject.__table__
    largest = []
    for category in sorted(set(RECORD_CATEGORIES) & set(SUBJECT_CATEGORIES)):  # each category's largest, in order
        total = func.sum(table.c.total)
        largest.append(select(
            select(table.c.category, table.c.partners, total.label("total"))
            .where(_records_counted(table), table.c.category == category, table.c.partners != "")
            .group_by(table.c.category, table.c.partners)
            .order_by(total.desc(), table.c.partners).limit(SUBJECT_CANDIDATES).subquery()))
    return union_all(*largest)


def table_order(ranked_in_focus: list[tuple], ranked: list[tuple]) -> list:
    """The keys (countries or partners) of a table by country or by partner, in its order: the
    largest in the focus category first, as its chart ranks them, then the others with figures, the
    largest first (every category together)."""
    first = [key for key, _count in ranked_in_focus]
    listed = set(first)
    return first + [key for key, _count in ranked if key not in listed]


def ranked_countries(sums: dict[str, int]) -> list[tuple[str, int]]:
    """(country, count) of the countries with a figure, the largest first, then by name."""
    from crm.core.i18n import country_names, current_locale_code

    names = country_names(current_locale_code())
    return sorted([(code, count) for code, count in sums.items() if count], key=lambda row: (-row[1], names.get(row[0], row[0])))


def figures(first_year: int, last_year: int, partner_id: int | None = None, agreement_id: int | None = None) -> Figures:
    """The office's figures of the years, or those of one partner or one agreement."""
    scope = Scope(partner_id, agreement_id) if partner_id is not None or agreement_id is not None else None
    return Figures(first_year, last_year, scope)


def _scope_condition(scope: Scope):
    from crm.outcomes.queries import of_partner_condition

    if scope.agreement_id is not None:
        return Outcome.agreement_id == scope.agreement_id
    return of_partner_condition(scope.partner_id)


def counted_condition(first_year: int, last_year: int, record_years: set[tuple[str, int]]):
    """The typed outcomes that count: approved, in the years, and not of a category and year that
    records count (the covering index ix_outcome_report answers it)."""
    conditions = [Outcome.status == OutcomeStatus.APPROVED, Outcome.year.between(first_year, last_year)]
    years_of: dict[str, set[int]] = defaultdict(set)
    for category, year in record_years:
        years_of[category].add(year)
    for category, years in sorted(years_of.items()):
        if category in OutcomeCategory._value2member_map_:
            conditions.append(or_(_category != category, Outcome.year.not_in(sorted(years))))
    return and_(*conditions)


def typed_sums(keys=None, subjects: tuple[set[int], set[int]] | None = None, partner_ids=None, countries=None):
    """(by year and category, by country, by partner, by subject, by indicator): the statements
    that sum the approved typed outcomes (of `keys`, a condition) at the report summary's grains
    (crm/reports/summary.py keeps them; every approved outcome: the records-win rule applies when
    `Figures` reads them). An outcome counts for each of its partners (its agreement's, or its own
    without an agreement), and once for each distinct country of those partners. With `subjects`
    (agreement ids, ids of partners alone), `partner_ids` and `countries`: only the rows of those
    subjects, partners and countries (what an outcome's write changes), each read by index."""
    approved = [Outcome.status == OutcomeStatus.APPROVED, *([keys] if keys is not None else [])]
    total = (select(Outcome.year, _category, func.sum(Outcome.count))
             .where(*approved).group_by(Outcome.year, _category))
    joined = Outcome.__table__.outerjoin(agreement_partner, agreement_partner.c.agreement_id == Outcome.agreement_id)
    partner = case((Outcome.agreement_id.is_(None), Outcome.partner_id), else_=agreement_partner.c.partner_id)

    def of_partners(partners) -> list:  # the outcomes that count for these partners (a select or ids)
        return [or_(Outcome.agreement_id.in_(select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id.in_(partners))),
                    and_(Outcome.agreement_id.is_(None), Outcome.partner_id.in_(partners))), partner.in_(partners)]

    by_partner = (select(Outcome.year, _category, partner, func.sum(Outcome.count)).select_from(joined)
                  .where(*approved, partner.is_not(None), *([] if partner_ids is None else of_partners(sorted(partner_ids))))
                  .group_by(Outcome.year, _category, partner))
    # (outcome, country) once each: through its agreement's partners, or its own partner; with
    # `countries`, the outcomes of those countries' agreements and partners found by index.
    in_countries = [] if countries is None else [Partner.country.in_(sorted(countries))]
    agreements_there = select(agreement_partner.c.agreement_id).join(Partner, Partner.id == agreement_partner.c.partner_id).where(
        *in_countries)
    via_agreement = (select(Outcome.id, Outcome.year, _category.label("category"), Outcome.count, Partner.country)
                     .join(agreement_partner, agreement_partner.c.agreement_id == Outcome.agreement_id)
                     .join(Partner, Partner.id == agreement_partner.c.partner_id)
                     .where(*approved, Partner.country.is_not(None), *in_countries,
                            *([] if countries is None else [Outcome.agreement_id.in_(agreements_there)])))
    alone_there = (select(Outcome.id, Outcome.year, _category.label("category"), Outcome.count, Partner.country)
                   .join(Partner, Partner.id == Outcome.partner_id)
                   .where(*approved, Outcome.agreement_id.is_(None), Partner.country.is_not(None), *in_countries,
                          *([] if countries is None else [Outcome.partner_id.in_(select(Partner.id).where(*in_countries))])))
    pairs = union(via_agreement, alone_there).subquery()  # UNION: each (outcome, country) once
    by_country = (select(pairs.c.year, pairs.c.category, pairs.c.country, func.sum(pairs.c.count))
                  .group_by(pairs.c.year, pairs.c.category, pairs.c.country).having(func.sum(pairs.c.count) != 0))
    alone = case((Outcome.agreement_id.is_(None), Outcome.partner_id), else_=0)
    of_subjects = [] if subjects is None else [or_(Outcome.agreement_id.in_(sorted(subjects[0])),
                                                   and_(Outcome.agreement_id.is_(None), Outcome.partner_id.in_(sorted(subjects[1]))))]
    by_subject = (select(Outcome.year, _category, func.coalesce(Outcome.agreement_id, 0), alone, func.sum(Outcome.count))
                  .where(*approved, or_(Outcome.agreement_id.is_not(None), Outcome.partner_id.is_not(None)), *of_subjects)
                  .group_by(Outcome.year, _category, Outcome.agreement_id, alone))
    by_indicator = (select(Outcome.year, _category, Outcome.indicator_id, func.sum(Outcome.count), func.count())
                    .where(*approved, Outcome.indicator_id.is_not(None)).group_by(Outcome.year, _category, Outcome.indicator_id))
    return total, by_country, by_partner, by_subject, by_indicator


# --- Figures counted from the records of other domains, never typed --------------------------------
#
# Foreign experts hosted (crm/experts), delegations sent (crm/trips) and received (crm/visits) with
# their headcount, and joint-programme enrolment (crm/programmes). Each counts in the office's year
# (settings: REPORT_YEAR_KIND, academic from 1 September or calendar).
#
# How they combine with typed outcomes of the same category: the records win. For a category and
# a year where any record counts, typed (approved) outcomes of that category and year are left out
# of every figure; in years without records (before the office kept them) the typed outcomes still
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


# The categories whose partners' sums report_partner_range keeps over the kept ranges (those a
# chart by partner may show, and that records never count: every typed figure of them counts).
RANGE_PARTNER_CATEGORIES = tuple(category for category in CATEGORY_UNITS if category not in RECORD_CATEGORIES)


_KIND: ContextVar[str | None] = ContextVar("report_year_kind", default=None)  # the summary's: both kinds


def _academic() -> bool:
    from crm.outcomes.models import year_kind

    return (_KIND.get() or year_kind()) == "academic"


@figure_source("experts")
def experts_hosted(first_year: int, last_year: int, scope: Scope | None = None) -> Iterable[Figure]:
    """Foreign teachers and experts hosted, from the experts' stays (1 statement): an expert counts
    once in each year one of their stays overlaps; by country, their nationality. Of no agreement."""
    from crm.experts.queries import hosted_experts_by_year

    if scope is not None and scope.agreement_id is not None:
        return
    for row in hosted_experts_by_year(first_year, last_year, academic=_academic(), partner_id=scope and scope.partner_id,
                                      expert_ids=scope and scope.ids):
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


@figure_source("trips")
def delegations_sent(first_year: int, last_year: int, scope: Scope | None = None) -> Iterable[Figure]:
    """Delegations sent abroad (trips made) and the people in them (2 statements); of no agreement."""
    from crm.trips.queries import made_trips

    if scope is not None and scope.agreement_id is not None:
        return ()
    return _delegation_figures(made_trips(first_year, last_year, academic=_academic(), partner_id=scope and scope.partner_id,
                                          trip_ids=scope and scope.ids), "sent")


@figure_source("visits")
def delegations_received(first_year: int, last_year: int, scope: Scope | None = None) -> Iterable[Figure]:
    """Foreign delegations received (visits) and the people in them (3 statements); of no agreement."""
    from crm.visits.queries import received_visits

    if scope is not None and scope.agreement_id is not None:
        return ()
    return _delegation_figures(
        received_visits(first_year, last_year, academic=_academic(), partner_id=scope and scope.partner_id,
                        visit_ids=scope and scope.ids), "received")


@figure_source("programmes")
def joint_programme_enrolment(first_year: int, last_year: int, scope: Scope | None = None) -> Iterable[Figure]:
    """Students enrolled in joint programmes, by intake year (an intake starts in September, so
    the intake year is the academic year; in calendar years, the year of the intake); by country,
    the programme's partners'; delivered on the programme's agreement (2 statements)."""
    from crm.programmes.queries import programme_enrolment_by_year

    totals: dict[tuple, int] = defaultdict(int)
    for row in programme_enrolment_by_year(first_year, last_year, partner_id=scope and scope.partner_id,
                                           agreement_id=scope and scope.agreement_id, programme_ids=scope and scope.ids):
        totals[(row.year, row.partner_ids, row.agreement_id)] += row.enrolled
    for (year, partners, agreement_id), count in totals.items():
        yield Figure(year, "joint_programme_students", count, partners, None, source="programmes", agreement_id=agreement_id)

