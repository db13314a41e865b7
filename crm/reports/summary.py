"""The report's summary (crm/reports/models.py), kept in the same transaction as the writes.

- Typed outcomes: after each flush that adds, edits (year, category, count, status, agreement,
  partner: an approval or a send-back too), or deletes outcomes, the rows of their (year,
  category), before and after the change, are summed again from the outcomes (plain SQL, one
  DELETE and one INSERT … SELECT per table). A change of an agreement's partners, or of a
  partner's country, sums again the (year, category) of the outcomes they count for.
- Records (experts and their stays, trips and their members, visits and their members,
  programmes and their enrolments, and a partner's country, which places records by country):
  a transaction that changed any of them sums every record figure again before it commits (the
  record sources in crm/reports/sources.py, for both year kinds).

Rows written around the ORM (crm/demo/generate.py) are summed by `store_summary`, registered as a
stored rule (crm/core/stored.py: `store_every_rule`); `flask reports summarise` does the same from a
terminal (after `flask db upgrade`, whose migration sums the typed outcomes but not the records).
On PostgreSQL the writers of the summary take one transaction lock, so two writers summing the
same rows do not lose each other's change.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import String, and_, delete, event, func, insert, inspect, literal_column, or_, select, type_coerce, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from crm.agreements.models import Agreement, agreement_partner
from crm.core.stored import stored_rule
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus
from crm.partners.models import Partner
from crm.reports.sources import typed_sums
from crm.reports.models import (ANY_KIND, SUMMARY_TABLES, TYPED, UNSUMMED, ReportCountry, ReportIndicator, ReportPartner, ReportPartnerYear,
                                ReportRecordSubject, ReportTotal, ReportTypedSubject)

YEAR_KINDS = ("academic", "calendar")
_OUTCOME_FIELDS = ("year", "category", "count", "status", "agreement_id", "partner_id", "agreement", "partner", "indicator_id",
                   "indicator")
_DELETED_KEYS = "report_summary_deleted"  # session.info: (year, category) of outcomes being deleted
_DELETED_SUBJECTS = "report_summary_deleted_subjects"  # session.info: their agreements and partners
_DELETED_STATES = "report_summary_deleted_states"  # session.info: what they were
_RECORDS_CHANGED = "report_summary_records"  # session.info: records changed, summed before commit
_LOCK = 7_414_021  # PostgreSQL advisory lock of the summary's writers
_CHUNK = 1000

_category = type_coerce(Outcome.category, String)


def _record_models() -> tuple:
    from crm.experts.models import Expert, Stay
    from crm.programmes.models import Enrolment, Programme
    from crm.trips.models import Trip, TripMember
    from crm.visits.models import Visit, VisitMember

    return (Expert, Stay, Trip, TripMember, Visit, VisitMember, Programme, Enrolment)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_LOCK)))


def _keys_condition(year_column, category_column, keys: set[tuple[int, str]] | None):
    """The rows of these (year, category) keys (None: every row)."""
    if keys is None:
        return None
    by_year: dict[int, set[str]] = defaultdict(set)
    for year, category in keys:
        by_year[year].add(category)
    return or_(*(and_(year_column == year, category_column.in_(sorted(categories))) for year, categories in sorted(by_year.items())))


def refresh_typed(connection: Connection, keys: set[tuple[int, str]] | None = None,
                  subjects: tuple[set[int], set[int]] | None = None, states: list | None = None) -> int:
    """Sum the typed outcomes of these (year, category) keys again (None: all); with `subjects`
    (agreement ids, ids of partners with outcomes of their own), only their rows: their partners',
    their partners' countries' and their own (what an outcome's write can change, while no
    agreement's partners and no partner's country change; the countries' rows then move by the
    outcomes' `states`, before and after, instead of being summed again). The rows written."""
    if keys is not None and not keys:
        return 0
    _lock(connection)
    partner_ids = countries = None
    if keys is not None and subjects is not None:
        agreements, alone = subjects[0], subjects[1]
        partner_ids = set(alone) | set(connection.scalars(
            select(agreement_partner.c.partner_id).where(agreement_partner.c.agreement_id.in_(sorted(agreements)))))
    else:
        subjects = None
    total, by_country, by_partner, by_subject, by_indicator = typed_sums(
        _keys_condition(Outcome.year, _category, keys), subjects, partner_ids, countries)
    partners_before = None if keys is None else _typed_partner_rows(connection, keys, partner_ids)
    written = 0
    for model, statement, columns in (
        (ReportTotal, total, ("year", "category", "total")),
        (ReportCountry, by_country, ("year", "category", "country", "total")),
        (ReportPartner, by_partner, ("year", "category", "partner_id", "total")),
        (ReportTypedSubject, by_subject, ("year", "category", "agreement_id", "partner_id", "total")),
        (ReportIndicator, by_indicator, ("year", "category", "indicator_id", "total", "outcomes")),
    ):
        table = model.__table__
        if subjects is not None and model is ReportCountry:
            written += _move_countries(connection, states or [])
            continue
        if subjects is not None and model is ReportIndicator and not subjects[2:3]:
            continue  # no outcome of an indicator changed
        typed_only = "source" not in table.c
        condition = [] if typed_only else [table.c.source == TYPED]
        keyed = _keys_condition(table.c.year, table.c.category, keys)
        if keyed is not None:
            condition.append(keyed)
        if subjects is not None and model is ReportCountry:
            condition.append(table.c.country.in_(sorted(countries)))
        elif subjects is not None and model is ReportPartner:
            condition.append(table.c.partner_id.in_(sorted(partner_ids)))
        elif subjects is not None and model is ReportTypedSubject:
            condition.append(or_(table.c.agreement_id.in_(sorted(subjects[0])),
                                 and_(table.c.agreement_id == 0, table.c.partner_id.in_(sorted(subjects[1])))))
        connection.execute(delete(table).where(*condition) if condition else delete(table))
        if not typed_only:
            statement = statement.add_columns(literal_column(f"'{TYPED}'"), literal_column(f"'{ANY_KIND}'"))
            columns = (*columns, "source", "year_kind")
        written += connection.execute(insert(table).from_select(columns, statement)).rowcount or 0
    if keys is None:
        return written + refresh_partner_years(connection, None)
    return written + _add_to_partner_years(connection, keys, partners_before, _typed_partner_rows(connection, keys, partner_ids))


def _move_countries(connection: Connection, states: list) -> int:
    """Add to report_country what outcomes' writes changed: each state (year, category, count,
    approved, agreement, partner) before a write is taken off, each after it added, once for each
    distinct country of its partners (a row whose total comes to 0 goes, as a sum leaves it out)."""
    agreements = {state[4] for state in states if state[4] is not None}
    alone = {state[5] for state in states if state[4] is None and state[5] is not None}
    countries_of: dict[tuple, set[str]] = defaultdict(set)
    if agreements:
        for agreement_id, country in connection.execute(
                select(agreement_partner.c.agreement_id, Partner.country).join(Partner, Partner.id == agreement_partner.c.partner_id)
                .where(agreement_partner.c.agreement_id.in_(sorted(agreements)), Partner.country.is_not(None))):
            countries_of[("agreement", agreement_id)].add(country)
    if alone:
        for partner_id, country in connection.execute(
                select(Partner.id, Partner.country).where(Partner.id.in_(sorted(alone)), Partner.country.is_not(None))):
            countries_of[("partner", partner_id)].add(country)
    changes: dict[tuple[int, str, str], int] = defaultdict(int)
    for sign, (year, category, count, approved, agreement_id, partner_id) in ((state[6], state[:6]) for state in states):
        if approved and count:
            subject = ("agreement", agreement_id) if agreement_id is not None else ("partner", partner_id)
            for country in countries_of.get(subject, ()):
                changes[(year, category, country)] += sign * count
    return _add_to_rows(ReportCountry.__table__, connection, {
        (("year", year), ("category", category), ("country", country), ("source", TYPED), ("year_kind", ANY_KIND)): change
        for (year, category, country), change in changes.items()})


def _add_to_rows(table, connection: Connection, changes: dict) -> int:
    """Add each change to its row's total ((column, value) pairs of the row's key → the change): a
    missing row is added, a row whose total comes to 0 goes (the sums leave such rows out). The
    rows changed."""
    changed = 0
    for key, change in changes.items():
        if not change:
            continue
        row = [table.c[name] == value for name, value in key]
        now = connection.scalar(select(table.c.total).where(*row))
        if now is None:
            connection.execute(insert(table).values(**dict(key), total=change))
        elif now + change == 0:
            connection.execute(delete(table).where(*row))
        else:
            connection.execute(update(table).where(*row).values(total=table.c.total + change))
        changed += 1
    return changed


def _typed_partner_rows(connection: Connection, keys: set[tuple[int, str]], partner_ids=None) -> dict[tuple[int, str, int], int]:
    table = ReportPartner.__table__
    return {(year, category, partner_id): total for year, category, partner_id, total in connection.execute(
        select(table.c.year, table.c.category, table.c.partner_id, table.c.total)
        .where(table.c.source == TYPED, _keys_condition(table.c.year, table.c.category, keys),
               *([] if partner_ids is None else [table.c.partner_id.in_(sorted(partner_ids))])))}


def _add_to_partner_years(connection: Connection, keys, before: dict, after: dict) -> int:
    """Bring report_partner_year up to date with the typed rows of these keys, from what they were
    and what they are: only the partners whose figure changed (an outcome's edit: its partners)."""
    totals, lumped = ReportTotal.__table__, ReportPartnerYear.__table__
    excluded = {(kind, year, category) for kind, year, category in connection.execute(
        select(totals.c.year_kind, totals.c.year, totals.c.category)
        .where(totals.c.source != TYPED, _keys_condition(totals.c.year, totals.c.category, keys)))}
    changes: dict[tuple[str, int, int], int] = defaultdict(int)
    for year, category, partner_id in before.keys() | after.keys():
        change = after.get((year, category, partner_id), 0) - before.get((year, category, partner_id), 0)
        for kind in YEAR_KINDS:
            if change and (kind, year, category) not in excluded:
                changes[(kind, year, partner_id)] += change
    return _add_to_rows(lumped, connection, {
        (("year_kind", kind), ("year", year), ("partner_id", partner_id)): change for (kind, year, partner_id), change in changes.items()})


def refresh_partner_years(connection: Connection, years: set[int] | tuple[int, int] | None) -> int:
    """Sum report_partner's rows of these years (a set, a (first, last) range, None: all) again into
    report_partner_year, in each year kind, leaving out typed rows of a category and year that
    records count in that kind (one INSERT … SELECT a kind)."""
    partner, lumped, totals = ReportPartner.__table__, ReportPartnerYear.__table__, ReportTotal.__table__
    if isinstance(years, tuple):
        in_years = (partner.c.year.between(*years), lumped.c.year.between(*years))
    elif years is not None:
        in_years = (partner.c.year.in_(sorted(years)), lumped.c.year.in_(sorted(years)))
    else:
        in_years = ()
    connection.execute(delete(lumped).where(*in_years[1:]) if in_years else delete(lumped))
    written = 0
    for kind in YEAR_KINDS:
        counted_by_records = (select(totals.c.year).where(
            totals.c.year == partner.c.year, totals.c.category == partner.c.category, totals.c.source != TYPED,
            totals.c.year_kind == kind).exists())
        statement = (
            select(literal_column(f"'{kind}'"), partner.c.year, partner.c.partner_id, func.sum(partner.c.total))
            .where(*in_years[:1], partner.c.year_kind.in_((ANY_KIND, kind)),
                   or_(partner.c.source != TYPED, ~counted_by_records))
            .group_by(partner.c.year, partner.c.partner_id).having(func.sum(partner.c.total) != 0)
        )
        written += connection.execute(insert(lumped).from_select(("year_kind", "year", "partner_id", "total"), statement)).rowcount or 0
    return written


def _insert(connection: Connection, table, rows: list[dict]) -> int:
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert(table), rows[start:start + _CHUNK])
    return len(rows)


def record_years_to_sum() -> tuple[int, int]:
    """The years whose record figures the summary holds: from 1990 (the oldest year a report asks)
    to two years ahead (an expert's open-ended stay counts in the years to come)."""
    return 1990, date.today().year + 2


def refresh_records(connection: Connection, years: tuple[int, int] | None = None, sources: set[str] | None = None) -> int:
    """Sum the record figures of these years (first, last; None: every year the summary holds) of
    these sources (None: all) again, in both year kinds (the record sources' statements, twice);
    the rows written. Every record figure is of one year and one source, so the figures of a range
    of years and a source are those of its years."""
    from crm.reports.sources import record_figures

    _lock(connection)
    first, last = record_years_to_sum()
    if years is not None:
        first, last = max(first, years[0]), min(last, years[1])
        if first > last:
            return 0
    touched: set[int] = set()  # the years whose rows change: report_partner_year is summed again for them
    if years is None and sources is not None:
        totals = ReportTotal.__table__
        touched.update(year for year in connection.scalars(
            select(totals.c.year).where(totals.c.source.in_(sorted(sources))).distinct()))
    for table in SUMMARY_TABLES:
        if "source" in table.c:
            condition = [table.c.source != TYPED] + ([table.c.year.between(first, last)] if years is not None else [])
            if sources is not None:
                condition.append(table.c.source.in_(sorted(sources)))
            connection.execute(delete(table).where(*condition))
    written = 0
    for kind in YEAR_KINDS:
        totals: dict[tuple, int] = defaultdict(int)
        countries: dict[tuple, int] = defaultdict(int)
        partners: dict[tuple, int] = defaultdict(int)
        subjects: dict[tuple, int] = defaultdict(int)
        for figure in record_figures(first, last, kind=kind, sources=sources):
            touched.add(figure.year)
            totals[(figure.year, figure.category, figure.source)] += figure.count
            for country in figure.countries or ():
                countries[(figure.year, figure.category, country, figure.source)] += figure.count
            for partner_id in set(figure.partner_ids):
                partners[(figure.year, figure.category, partner_id, figure.source)] += figure.count
            subject = ",".join(str(pid) for pid in sorted(figure.partner_ids))
            subjects[(figure.year, figure.category, figure.source, subject, figure.agreement_id or 0)] += figure.count
        for model, cells, columns in (
            (ReportTotal, totals, ("year", "category", "source")),
            (ReportCountry, countries, ("year", "category", "country", "source")),
            (ReportPartner, partners, ("year", "category", "partner_id", "source")),
            (ReportRecordSubject, subjects, ("year", "category", "source", "partners", "agreement_id")),
        ):
            written += _insert(connection, model.__table__, [
                dict(zip(columns, key), total=total, year_kind=kind) for key, total in cells.items()])
    if years is not None:
        return written + refresh_partner_years(connection, (first, last))
    if sources is None:
        return written + refresh_partner_years(connection, None)
    return written + (refresh_partner_years(connection, (min(touched), max(touched))) if touched else 0)


@stored_rule("report summary")
def store_summary() -> int:
    """Sum the whole summary again from the outcomes and the records (the caller commits); the
    rows that changed (added, removed or another total)."""
    connection = db.session.connection()

    def rows() -> dict[tuple, int]:
        return {(table.name, *row[:-1]): row[-1] for table in SUMMARY_TABLES
                for row in connection.execute(select(*(c for c in table.c if c.name != "total"), table.c.total))}

    before = rows()
    refresh_typed(connection)
    refresh_records(connection)
    after = rows()
    return sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def summarise_if_waiting() -> bool:
    """Sum the summary when the upgrade that created it left the records' figures unsummed (the
    marker row); `flask setup`, which every start runs, calls it. Whether it summed."""
    table = ReportTotal.__table__
    waiting = db.session.scalar(select(table.c.year).where(
        table.c.year == UNSUMMED["year"], table.c.source == UNSUMMED["source"]).limit(1))
    if waiting is None:
        return False
    store_summary()
    db.session.commit()
    return True


# --- the session hooks ------------------------------------------------------------------------


def _category_value(value) -> str:
    return value.value if isinstance(value, OutcomeCategory) else value


def _outcome_keys(outcome: Outcome, history: bool) -> set[tuple[int, str]]:
    """The (year, category) of an outcome, and with `history` those it had before this flush."""
    if not history:
        return {(outcome.year, _category_value(outcome.category))}
    attrs = inspect(outcome).attrs
    years = set(attrs.year.history.sum())
    categories = {_category_value(c) for c in attrs.category.history.sum()}
    return {(year, category) for year in years for category in categories if year is not None and category is not None}


_EVERY_YEAR = "every year"


def _years_touched(obj) -> set[int] | str | tuple[str, int]:
    """The report years a record's change can move figures in, before and after it (in either
    year kind: a date's calendar year and academic year, a plan or intake year's neighbours); a
    member's is its trip's or visit's (("trip", id), looked up before the commit); a change of an
    expert, a programme or a partner's country moves figures of any year."""
    from crm.experts.models import Stay
    from crm.programmes.models import Enrolment
    from crm.trips.models import Trip, TripMember
    from crm.visits.models import Visit, VisitMember

    if type(obj).__name__ in _PLACED_BY:  # an expert's or a programme's: its partners, nationality…
        return _EVERY_YEAR
    if isinstance(obj, TripMember):
        return ("trip", obj.trip_id) if obj.trip_id is not None else _EVERY_YEAR
    if isinstance(obj, VisitMember):
        return ("visit", obj.visit_id) if obj.visit_id is not None else _EVERY_YEAR
    fields = {Stay: ("starts_on", "ends_on"), Trip: ("depart_on", "return_on", "year"), Visit: ("arrive_on", "leave_on"),
              Enrolment: ("year",)}.get(type(obj))
    if fields is None:
        return _EVERY_YEAR
    attrs = inspect(obj).attrs
    years: set[int] = set()
    open_ended = False
    for name in fields:
        for value in attrs[name].history.sum():
            if isinstance(value, date):
                years.update((value.year - 1, value.year))
            elif isinstance(value, int):
                years.update((value - 1, value, value + 1))
            elif value is None and name == "ends_on":
                open_ended = True  # an open-ended stay counts in every year from its start
    if not years:
        return _EVERY_YEAR
    if open_ended:
        years.update(range(min(years), record_years_to_sum()[1] + 1))
    return years


# An expert or a programme places the figures of its stays or enrolments (by partner, country,
# agreement): a change of these moves them in every year; its other fields (a name, a passport)
# are no figure's, and a new or removed one brings or takes its stays and enrolments, which count.
_PLACED_BY = {"Expert": ("partner_id", "partner", "nationality"), "Programme": ("partners", "agreement_id", "agreement")}


def _places_figures(obj) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in _PLACED_BY[type(obj).__name__])


def _source_of(obj) -> str | None:
    """The record source whose figures a record makes (None: a partner, which places all of them)."""
    from crm.experts.models import Expert, Stay
    from crm.programmes.models import Enrolment, Programme
    from crm.trips.models import Trip, TripMember
    from crm.visits.models import Visit, VisitMember

    for models, source in (((Expert, Stay), "experts"), ((Trip, TripMember), "trips"), ((Visit, VisitMember), "visits"),
                           ((Programme, Enrolment), "programmes")):
        if isinstance(obj, models):
            return source
    return None


def _note_records(session: Session, source: str | None, touched) -> None:
    """Remember the years (or members' trips and visits) whose figures of a source (None: every
    source) to sum again."""
    noted = session.info.setdefault(_RECORDS_CHANGED, {"every": set(), "years": defaultdict(set), "trip": set(), "visit": set()})
    if touched == _EVERY_YEAR:
        noted["every"].add(source)
    elif isinstance(touched, tuple):
        noted[touched[0]].add(touched[1])
    else:
        noted["years"][source].update(touched)


def _outcome_state(outcome: Outcome, before: bool) -> tuple:
    """(year, category, count, approved, agreement, partner) of an outcome before or after this flush."""
    attrs = inspect(outcome).attrs

    def value(name):
        history = attrs[name].history
        return history.deleted[0] if before and history.deleted else getattr(outcome, name)

    return (value("year"), _category_value(value("category")), value("count"), value("status") == OutcomeStatus.APPROVED,
            value("agreement_id"), value("partner_id"))


def _add_subjects(subjects: tuple, outcome: Outcome) -> None:
    """Note an outcome's agreements and partners, before and after this flush (and, as a third
    item, True where it counts toward an indicator before or after)."""
    attrs = inspect(outcome).attrs
    if any(value is not None for value in attrs.indicator_id.history.sum()) and len(subjects) == 2:
        subjects.append(True)
    subjects[0].update(value for value in attrs.agreement_id.history.sum() if value is not None)
    subjects[1].update(value for value in attrs.partner_id.history.sum() if value is not None)
    for name, into in (("agreement", subjects[0]), ("partner", subjects[1])):
        into.update(related.id for related in attrs[name].history.sum() if related is not None and related.id is not None)


def _remember_deleted(session: Session, flush_context, instances) -> None:
    """Before a flush deletes outcomes or records, note what they counted for."""
    records = _record_models()
    for obj in session.deleted:
        if isinstance(obj, Outcome):
            session.info.setdefault(_DELETED_KEYS, set()).update(_outcome_keys(obj, history=True))
            _add_subjects(session.info.setdefault(_DELETED_SUBJECTS, [set(), set()]), obj)
            session.info.setdefault(_DELETED_STATES, []).append((*_outcome_state(obj, before=True), -1))
        elif isinstance(obj, records) and type(obj).__name__ not in _PLACED_BY:
            _note_records(session, _source_of(obj), _years_touched(obj))


def _keys_of_subjects(connection: Connection, agreement_ids: set[int], partner_ids: set[int]) -> set[tuple[int, str]]:
    """The (year, category) of the outcomes that count for these agreements or partners."""
    conditions = []
    if agreement_ids:
        conditions.append(Outcome.agreement_id.in_(sorted(agreement_ids)))
    if partner_ids:
        conditions.append(Outcome.agreement_id.in_(
            select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id.in_(sorted(partner_ids)))))
        conditions.append(and_(Outcome.agreement_id.is_(None), Outcome.partner_id.in_(sorted(partner_ids))))
    if not conditions:
        return set()
    return {tuple(row) for row in connection.execute(select(Outcome.year, _category).where(or_(*conditions)).distinct())}


def _keep_summary(session: Session, flush_context) -> None:
    keys: set[tuple[int, str]] = set(session.info.pop(_DELETED_KEYS, ()))
    subjects = session.info.pop(_DELETED_SUBJECTS, [set(), set()])
    states: list = list(session.info.pop(_DELETED_STATES, ()))
    agreement_ids: set[int] = set()
    partner_ids: set[int] = set()
    records = _record_models()
    for obj in session.new:
        if isinstance(obj, Outcome):
            keys |= _outcome_keys(obj, history=False)
            _add_subjects(subjects, obj)
            states.append((*_outcome_state(obj, before=False), 1))
        elif isinstance(obj, records) and type(obj).__name__ not in _PLACED_BY:
            _note_records(session, _source_of(obj), _years_touched(obj))
    for obj in session.dirty:
        if obj in session.deleted:
            continue
        if isinstance(obj, Outcome):
            attrs = inspect(obj).attrs
            if any(attrs[key].history.has_changes() for key in _OUTCOME_FIELDS):
                keys |= _outcome_keys(obj, history=True)
                _add_subjects(subjects, obj)
                states.extend(((*_outcome_state(obj, before=True), -1), (*_outcome_state(obj, before=False), 1)))
        elif isinstance(obj, Agreement):
            if inspect(obj).attrs.partners.history.has_changes():
                agreement_ids.add(obj.id)
        elif isinstance(obj, Partner):
            if inspect(obj).attrs.country.history.has_changes():
                partner_ids.add(obj.id)
                _note_records(session, None, _EVERY_YEAR)  # it places every source's records by country
        elif isinstance(obj, records) and session.is_modified(obj):
            if type(obj).__name__ not in _PLACED_BY or _places_figures(obj):
                _note_records(session, _source_of(obj), _years_touched(obj))
    connection = session.connection()
    if agreement_ids or partner_ids:  # who counts for whom changed: the keys' rows, all of them
        refresh_typed(connection, keys | _keys_of_subjects(connection, agreement_ids, partner_ids))
    elif keys:
        refresh_typed(connection, keys, subjects, states)


def _sum_records_before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the commit would flush: its records are summed too
    noted = session.info.pop(_RECORDS_CHANGED, None)
    if not noted:
        return
    connection = session.connection()
    if None in noted["every"]:
        refresh_records(connection)
        return
    years_of = noted["years"]
    trips, visits = _years_of_parents(connection, noted["trip"], noted["visit"])
    years_of["trips"].update(trips)
    years_of["visits"].update(visits)
    for source in sorted(noted["every"] | {source for source, years in years_of.items() if years}):
        years = years_of.get(source)
        refresh_records(connection, None if source in noted["every"] else (min(years), max(years)), {source})


def _years_of_parents(connection: Connection, trip_ids: set[int], visit_ids: set[int]) -> tuple[set[int], set[int]]:
    """The years of the trips and of the visits whose members changed (as `_years_touched` counts them)."""
    from crm.trips.models import Trip
    from crm.visits.models import Visit

    trip_years: set[int] = set()
    if trip_ids:
        for plan_year, depart_on, return_on in connection.execute(
                select(Trip.year, Trip.depart_on, Trip.return_on).where(Trip.id.in_(sorted(trip_ids)))):
            trip_years.update((plan_year - 1, plan_year, plan_year + 1))
            trip_years.update(y for day in (depart_on, return_on) if day for y in (day.year - 1, day.year))
    visit_years: set[int] = set()
    if visit_ids:
        for arrive_on, leave_on in connection.execute(
                select(Visit.arrive_on, Visit.leave_on).where(Visit.id.in_(sorted(visit_ids)))):
            visit_years.update(y for day in (arrive_on, leave_on) if day for y in (day.year - 1, day.year))
    return trip_years, visit_years


def _forget(session: Session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_RECORDS_CHANGED, None)
        session.info.pop(_DELETED_KEYS, None)
        session.info.pop(_DELETED_SUBJECTS, None)
        session.info.pop(_DELETED_STATES, None)


def register_summary_hook() -> None:
    if not event.contains(Session, "after_flush", _keep_summary):
        event.listen(Session, "before_flush", _remember_deleted)
        event.listen(Session, "after_flush", _keep_summary)
        event.listen(Session, "before_commit", _sum_records_before_commit)
        event.listen(Session, "after_soft_rollback", _forget)

