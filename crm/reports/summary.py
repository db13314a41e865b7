"""The report's summary (crm/reports/models.py), kept in the same transaction as the writes.

- Typed outcomes: after each flush that adds, edits (year, category, count, status, agreement,
  partner: an approval or a send-back too), or deletes outcomes, the rows of their (year,
  category), before and after the change, are summed again from the outcomes (plain SQL, one
  DELETE and one INSERT … SELECT per table). A change of an agreement's partners sums again the
  (year, category) of the outcomes they count for; a change of a partner's country moves its
  outcomes' sums from the countries they counted in to those they count in now.
- The kept ranges (report_subject_range, report_partner_range: the typed rows summed over the
  ranges that report_kept_range lists, the report's usual views) are summed again from the
  yearly typed rows in the same flush, for the ranges that hold a year of the keys and only the
  subjects written (`refresh_ranges`); a new year's ranges are listed by `store_summary` and by
  `flask setup` (`list_kept_ranges`).
- Records (experts and their stays, trips and their members, visits and their members,
  programmes and their enrolments; a partner's country or name places its visits and
  programmes): each flush adds the difference it makes, the written records' rows after it less
  their rows before it, both read by the record sources (crm/reports/sources.py) restricted to
  those records, for both year kinds.

Rows written around the ORM (crm/demo/generate.py) are summed by `store_summary`, registered as a
stored rule (crm/core/stored.py: `store_every_rule`); `flask reports summarise` does the same from a
terminal (after `flask db upgrade`, whose migration sums the typed outcomes but not the records).
On PostgreSQL the writers of the summary take one transaction lock, so two writers summing the
same rows do not lose each other's change.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import (String, and_, bindparam, delete, event, func, insert, inspect, literal_column, or_, select, type_coerce,
                        update)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from crm.agreements.models import Agreement, agreement_partner
from crm.core.database import KEPT_FIGURES_LOCK
from crm.core.stored import stored_rule
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus
from crm.partners.models import Partner
from crm.reports.sources import RANGE_PARTNER_CATEGORIES, SUBJECT_CATEGORIES, typed_sums
from crm.reports.models import (ANY_KIND, SUMMARY_TABLES, TYPED, UNSUMMED, ReportCountry, ReportIndicator, ReportKeptRange, ReportPartner,
                                ReportPartnerRange, ReportPartnerYear, ReportRecordSubject, ReportSubjectRange, ReportTotal,
                                ReportTypedSubject, kept_ranges)

YEAR_KINDS = ("academic", "calendar")
_OUTCOME_FIELDS = ("year", "category", "count", "status", "agreement_id", "partner_id", "agreement", "partner", "indicator_id",
                   "indicator")
_DELETED_KEYS = "report_summary_deleted"  # session.info: (year, category) of outcomes being deleted
_DELETED_SUBJECTS = "report_summary_deleted_subjects"  # session.info: their agreements and partners
_DELETED_STATES = "report_summary_deleted_states"  # session.info: what they were
_BEFORE = "report_summary_before"  # session.info: partners' countries, records' rows before a flush
_CHUNK = 1000

_category = type_coerce(Outcome.category, String)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(KEPT_FIGURES_LOCK)))


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
    partner_ids = None
    if keys is not None and subjects is not None:
        agreements, alone = subjects[0], subjects[1]
        partner_ids = set(alone) | set(connection.scalars(
            select(agreement_partner.c.partner_id).where(agreement_partner.c.agreement_id.in_(sorted(agreements)))))
    else:
        subjects = None
    total, by_country, by_partner, by_subject, by_indicator = typed_sums(
        _keys_condition(Outcome.year, _category, keys), subjects, partner_ids)
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
        if subjects is not None and model is ReportPartner:
            condition.append(table.c.partner_id.in_(sorted(partner_ids)))
        elif subjects is not None and model is ReportTypedSubject:
            condition.append(or_(table.c.agreement_id.in_(sorted(subjects[0])),
                                 and_(table.c.agreement_id == 0, table.c.partner_id.in_(sorted(subjects[1])))))
        connection.execute(delete(table).where(*condition) if condition else delete(table))
        if not typed_only:
            statement = statement.add_columns(literal_column(f"'{TYPED}'"), literal_column(f"'{ANY_KIND}'"))
            columns = (*columns, "source", "year_kind")
        written += connection.execute(insert(table).from_select(columns, statement)).rowcount or 0
    written += refresh_ranges(connection, keys, subjects, partner_ids)
    if keys is None:
        return written + refresh_partner_years(connection, None)
    return written + _add_to_partner_years(connection, keys, partners_before, _typed_partner_rows(connection, keys, partner_ids))


def list_kept_ranges(connection: Connection) -> bool:
    """List today's kept ranges (`kept_ranges`) in report_kept_range where it lists others (a new
    year; the upgrade's day), and sum their rows (every row of the range tables again). Whether
    the list changed."""
    wanted = kept_ranges(date.today())
    table = ReportKeptRange.__table__
    if {tuple(row) for row in connection.execute(select(table.c.first, table.c.last))} == wanted:
        return False
    _lock(connection)
    connection.execute(delete(table))
    connection.execute(insert(table), [{"first": first, "last": last} for first, last in sorted(wanted)])
    refresh_ranges(connection, None)
    return True


def refresh_ranges(connection: Connection, keys: set[tuple[int, str]] | None = None,
                   subjects: tuple[set[int], set[int]] | None = None, partner_ids: set[int] | None = None) -> int:
    """Sum the range tables (report_subject_range, report_partner_range) again from the yearly
    typed rows, for the kept ranges (report_kept_range) that hold a year of the keys, in the keys'
    categories (None: every row); with `subjects` (agreement ids, ids of partners alone) and
    `partner_ids`, only their rows (as `refresh_typed`). One DELETE and one INSERT … SELECT a
    table. The rows written."""
    kept = ReportKeptRange.__table__
    ranges = {tuple(row) for row in connection.execute(select(kept.c.first, kept.c.last))}
    categories = None
    if keys is not None:
        ranges = {(first, last) for first, last in ranges if any(first <= year <= last for year, _category in keys)}
        categories = {category for _year, category in keys}
        if not ranges:
            return 0
    written = 0
    for model, yearly, listed, subject in (
        (ReportSubjectRange, ReportTypedSubject.__table__, SUBJECT_CATEGORIES, ("agreement_id", "partner_id")),
        (ReportPartnerRange, ReportPartner.__table__, RANGE_PARTNER_CATEGORIES, ("partner_id",)),
    ):
        table = model.__table__
        chosen = sorted(set(listed) & categories) if categories is not None else sorted(listed)
        if not chosen:
            continue

        def of(on) -> list:
            """The rows of the categories and subjects asked, of a table, as conditions that lead
            its key (a seek: an OR of subjects would read every row). An agreement's id is never 0:
            its subjects and the partners alone (agreement 0) in one list of agreement ids."""
            conditions = [on.c.category.in_(chosen)]
            if subjects is not None and model is ReportSubjectRange:
                conditions += [on.c.agreement_id.in_(sorted({*subjects[0], 0})),
                               or_(on.c.agreement_id != 0, on.c.partner_id.in_(sorted(subjects[1])))]
            elif subjects is not None:
                conditions.append(on.c.partner_id.in_(sorted(partner_ids or ())))
            return conditions

        def in_ranges(on) -> list:
            """The kept ranges that hold a year of the keys, as the key's first columns: any first and
            last of theirs (a range of those listed that holds none of the keys' years is summed
            again too, to the same rows)."""
            return [] if keys is None else [on.c.first.in_(sorted({first for first, _last in ranges})),
                                            on.c.last.in_(sorted({last for _first, last in ranges}))]

        connection.execute(delete(table).where(*in_ranges(table), *of(table)))
        typed_only = [] if "source" not in yearly.c else [yearly.c.source == TYPED]
        statement = (
            select(kept.c.first, kept.c.last, yearly.c.category, *(yearly.c[name] for name in subject), func.sum(yearly.c.total))
            .select_from(yearly.join(kept, yearly.c.year.between(kept.c.first, kept.c.last)))
            .where(*of(yearly), *typed_only, *in_ranges(kept))
            .group_by(kept.c.first, kept.c.last, yearly.c.category, *(yearly.c[name] for name in subject)))
        written += connection.execute(insert(table).from_select(("first", "last", "category", *subject, "total"), statement)).rowcount or 0
    return written


def _move_countries(connection: Connection, states: list, moved: dict[int, str | None] | None = None) -> int:
    """Add to report_country what outcomes' writes changed: each state (year, category, count,
    approved, agreement, partner) before a write is taken off, each after it added, once for each
    distinct country of its partners (a row whose total comes to 0 goes, as a sum leaves it out).
    `moved`: partners whose country the write changed → the country they had, where the states
    before it count."""
    moved = moved or {}
    agreements = {state[4] for state in states if state[4] is not None}
    alone = {state[5] for state in states if state[4] is None and state[5] is not None}
    partners_of: dict[tuple, set[tuple[int, str | None]]] = defaultdict(set)  # subject → (partner, country)
    if agreements:
        for agreement_id, partner_id, country in connection.execute(
                select(agreement_partner.c.agreement_id, Partner.id, Partner.country).join(Partner, Partner.id == agreement_partner.c.partner_id)
                .where(agreement_partner.c.agreement_id.in_(sorted(agreements)))):
            partners_of[("agreement", agreement_id)].add((partner_id, country))
    if alone:
        for partner_id, country in connection.execute(select(Partner.id, Partner.country).where(Partner.id.in_(sorted(alone)))):
            partners_of[("partner", partner_id)].add((partner_id, country))
    changes: dict[tuple[int, str, str], int] = defaultdict(int)
    for sign, (year, category, count, approved, agreement_id, partner_id) in ((state[6], state[:6]) for state in states):
        if approved and count:
            subject = ("agreement", agreement_id) if agreement_id is not None else ("partner", partner_id)
            countries = {moved.get(pid, country) if sign < 0 else country for pid, country in partners_of.get(subject, ())}
            for country in countries - {None}:
                changes[(year, category, country)] += sign * count
    _add_to_rows(ReportCountry.__table__, connection, {
        (("year", year), ("category", category), ("country", country), ("source", TYPED), ("year_kind", ANY_KIND)): change
        for (year, category, country), change in changes.items()})
    return len(changes)


def _move_partners(connection: Connection, moved: dict[int, str | None]) -> int:
    """A change of partners' countries (partner → the country it had): the typed outcomes that
    count for them (their agreements' and their own, summed by subject) move from the countries
    they counted in to those they count in now; no other row of the summary changes."""
    _lock(connection)
    agreements = set(connection.scalars(select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id.in_(sorted(moved)))))
    states = [(year, category, total, True, agreement_id or None, alone or None, sign)
              for year, category, agreement_id, alone, total in connection.execute(typed_sums(subjects=(agreements, set(moved)))[3])
              for sign in (-1, 1)]
    return _move_countries(connection, states, moved)


def _add_to_rows(table, connection: Connection, changes: dict) -> set[tuple]:
    """Add each change to its row's total ((column, value) pairs of the row's key, the same columns
    for all → the change): a missing row is added, a row whose total comes to 0 goes (the sums
    leave such rows out); a statement for reading the rows and one for each kind of write. The
    keys whose row came or went."""
    changes = {key: change for key, change in changes.items() if change}
    if not changes:
        return set()
    names = [name for name, _value in next(iter(changes))]
    columns = [table.c[name] for name in names]
    keys = [tuple(value for _name, value in key) for key in changes]
    now: dict[tuple, int] = {}
    for start in range(0, len(keys), 200):  # each key sought on the primary key (SQLite scans for a tuple IN)
        now.update((tuple(row[:-1]), row[-1]) for row in connection.execute(select(*columns, table.c.total).where(
            or_(*(and_(*(column == value for column, value in zip(columns, key))) for key in keys[start:start + 200])))))
    row = [column == bindparam(f"key_{column.name}") for column in columns]
    written: dict[str, list[dict]] = defaultdict(list)
    came_or_went = set()
    for key, (pairs, change) in zip(keys, changes.items()):
        given = {f"key_{name}": value for name, value in pairs}
        if key not in now:
            written["insert"].append(dict(pairs, total=change))
            came_or_went.add(pairs)
        elif now[key] + change == 0:
            written["delete"].append(given)
            came_or_went.add(pairs)
        else:
            written["update"].append({**given, "change": change})
    for kind, statement in (("insert", insert(table)), ("delete", delete(table).where(*row)),
                            ("update", update(table).where(*row).values(total=table.c.total + bindparam("change")))):
        if written[kind]:
            connection.execute(statement, written[kind])
    return came_or_went


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
    _add_to_rows(lumped, connection, {
        (("year_kind", kind), ("year", year), ("partner_id", partner_id)): change for (kind, year, partner_id), change in changes.items()})
    return len(changes)


def refresh_partner_years(connection: Connection, years: set[int] | None) -> int:
    """Sum report_partner's rows of these years (None: all) again into report_partner_year, in each
    year kind, leaving out typed rows of a category and year that records count in that kind (one
    INSERT … SELECT a kind)."""
    partner, lumped, totals = ReportPartner.__table__, ReportPartnerYear.__table__, ReportTotal.__table__
    in_years = () if years is None else (partner.c.year.in_(sorted(years)), lumped.c.year.in_(sorted(years)))
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


def _record_cells(records: dict[str, set[int]] | None = None) -> dict[tuple, int]:
    """The summary's record rows in both year kinds, (table, the row's key as (column, value)
    pairs) → total: of every record (None), or only of these (source → ids: experts, trips,
    visits, programmes), as the record sources count them (crm/reports/sources.py, `record_figures`
    restricted to the ids). A source's figures add up over its records (an expert counts once a
    year, a trip, a visit, a programme's enrolments), so these records' rows are their share."""
    from crm.reports.sources import Scope, record_figures

    first, last = record_years_to_sum()
    asked = [(None, None)] if records is None else [
        ({source}, Scope(ids=frozenset(ids))) for source, ids in sorted(records.items()) if ids]
    cells: dict[tuple, int] = defaultdict(int)
    for kind in YEAR_KINDS:
        for sources, scope in asked:
            for figure in record_figures(first, last, scope, kind=kind, sources=sources):
                row = (("year", figure.year), ("category", figure.category), ("source", figure.source), ("year_kind", kind))
                subject = (("partners", ",".join(str(pid) for pid in sorted(figure.partner_ids))), ("agreement_id", figure.agreement_id or 0))
                cells[(ReportTotal.__table__, row)] += figure.count
                cells[(ReportRecordSubject.__table__, (*row, *subject))] += figure.count
                for country in figure.countries or ():
                    cells[(ReportCountry.__table__, (*row, ("country", country)))] += figure.count
                for partner_id in set(figure.partner_ids):
                    cells[(ReportPartner.__table__, (*row, ("partner_id", partner_id)))] += figure.count
    return cells


def refresh_records(connection: Connection) -> None:
    """Sum every record figure again, in both year kinds (rows of a total of 0 left out, as the
    writes' differences leave them)."""
    _lock(connection)
    for table in SUMMARY_TABLES:
        if "source" in table.c:
            connection.execute(delete(table).where(table.c.source != TYPED))
    rows: dict[object, list[dict]] = defaultdict(list)
    for (table, key), total in _record_cells().items():
        if total:
            rows[table].append(dict(key, total=total))
    for table, values in rows.items():
        _insert(connection, table, values)
    refresh_partner_years(connection, None)


def _add_record_changes(connection: Connection, before: dict[tuple, int], after: dict[tuple, int]) -> None:
    """Add to the summary what a flush changed in some records' rows (`_record_cells` of them,
    before and after it). report_partner_year takes report_partner's changes, and is summed again
    in the years where a category's record rows came or went (its typed outcomes stop or start
    counting there)."""
    changes: dict[object, dict[tuple, int]] = defaultdict(dict)
    for table, key in before.keys() | after.keys():
        change = after.get((table, key), 0) - before.get((table, key), 0)
        if change:
            changes[table][key] = change
    if not changes:
        return
    _lock(connection)
    came_or_went = {table: _add_to_rows(table, connection, rows) for table, rows in changes.items()}
    years = {dict(key)["year"] for key in came_or_went.get(ReportTotal.__table__, ())}
    lumped: dict[tuple, int] = defaultdict(int)
    for key, change in changes.get(ReportPartner.__table__, {}).items():
        row = dict(key)
        lumped[(("year_kind", row["year_kind"]), ("year", row["year"]), ("partner_id", row["partner_id"]))] += change
    _add_to_rows(ReportPartnerYear.__table__, connection, lumped)
    if years:
        refresh_partner_years(connection, years)


@stored_rule("report summary")
def store_summary() -> int:
    """Sum the whole summary again from the outcomes and the records (the caller commits); the
    rows that changed (added, removed or another total)."""
    connection = db.session.connection()

    def rows() -> dict[tuple, int]:  # (table, key) → total (a kept range: None)
        return {(table.name, *row[:-1]): row[-1] for table in SUMMARY_TABLES
                for row in connection.execute(select(*(c for c in table.c if c.name != "total"),
                                                     table.c.total if "total" in table.c else literal_column("NULL")))}

    before = rows()
    list_kept_ranges(connection)
    refresh_typed(connection)
    refresh_records(connection)
    after = rows()
    return sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def summarise_if_waiting() -> bool:
    """Sum the summary when the upgrade that created it left the records' figures unsummed (the
    marker row); else list the kept ranges of a new year (`list_kept_ranges`). `flask setup`,
    which every start runs, calls it. Whether it summed."""
    table = ReportTotal.__table__
    waiting = db.session.scalar(select(table.c.year).where(
        table.c.year == UNSUMMED["year"], table.c.source == UNSUMMED["source"]).limit(1))
    if waiting is None:
        if list_kept_ranges(db.session.connection()):  # a new year: the ranges of its usual views
            db.session.commit()
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


# The records whose figures a write can change, by the model written: (the source, the attributes
# naming the record: its own id, or its parent's for a stay, a member, an enrolment).
_RECORDS = {"Expert": ("experts", ("id",)), "Stay": ("experts", ("expert_id", "expert")),
            "Trip": ("trips", ("id",)), "TripMember": ("trips", ("trip_id", "trip")),
            "Visit": ("visits", ("id",)), "VisitMember": ("visits", ("visit_id", "visit")),
            "Programme": ("programmes", ("id",)), "Enrolment": ("programmes", ("programme_id", "programme"))}


def _records_written(session: Session) -> dict[str, set[int]]:
    """The records (source → ids) whose figures this flush's writes can change, before and after
    them (a stay moved to another expert: both experts); before the flush, only records that exist."""
    records: dict[str, set[int]] = defaultdict(set)
    for obj in (*session.new, *session.deleted, *(obj for obj in session.dirty if session.is_modified(obj))):
        if type(obj).__name__ not in _RECORDS:
            continue
        source, names = _RECORDS[type(obj).__name__]
        state = inspect(obj)
        for name in names:  # a column read if expired (an unread old value is not in its history)
            current = (getattr(obj, name),) if name in state.mapper.column_attrs else ()
            records[source].update(getattr(value, "id", value) for value in (*state.attrs[name].history.sum(), *current))
        records[source].discard(None)
    return records


def _partners_written(session: Session) -> tuple[dict[int, str | None], dict[str, set[int]]]:
    """Before a flush: the partners whose country it changes → the country they have (read from
    the database: the old value of an attribute set unread is unknown), and the records their
    writes place (source → ids): a change of a partner's country or name moves its visits (a
    visit's country is its first partner's by name) and its programmes (a programme counts for its
    partners' countries); experts and trips have countries of their own."""
    from crm.programmes.models import programme_partner
    from crm.visits.models import visit_partner

    changed = {name: {obj.id for obj in session.dirty if isinstance(obj, Partner) and inspect(obj).attrs[name].history.has_changes()}
               for name in ("country", "name")}
    placing = sorted(changed["country"] | changed["name"])
    if not placing:
        return {}, {}
    connection = session.connection()
    _lock(connection)
    moved = dict(connection.execute(select(Partner.id, Partner.country).where(Partner.id.in_(sorted(changed["country"]))))
                 .all()) if changed["country"] else {}
    return moved, {source: set(connection.scalars(select(record_id).where(partner_id.in_(placing))))
                   for source, record_id, partner_id in (("visits", visit_partner.c.visit_id, visit_partner.c.partner_id),
                                                         ("programmes", programme_partner.c.programme_id, programme_partner.c.partner_id))}


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


def _remember_before(session: Session, flush_context, instances) -> None:
    """Before a flush: what the outcomes it deletes counted for, and the rows of the records it
    writes (kept until after it, for the difference: read under the summary's lock, so that no
    other writer's difference falls between them)."""
    for obj in session.deleted:
        if isinstance(obj, Outcome):
            session.info.setdefault(_DELETED_KEYS, set()).update(_outcome_keys(obj, history=True))
            _add_subjects(session.info.setdefault(_DELETED_SUBJECTS, [set(), set()]), obj)
            session.info.setdefault(_DELETED_STATES, []).append((*_outcome_state(obj, before=True), -1))
    records = _records_written(session)
    if any(records.values()):
        _lock(session.connection())
    moved, placed = _partners_written(session)
    for source, ids in placed.items():
        records[source] |= ids
    session.info[_BEFORE] = (moved, records, _record_cells(records))


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
    moved, records, before = session.info.pop(_BEFORE, ({}, {}, {}))  # partners whose country changed → the one they had
    for obj in session.new:
        if isinstance(obj, Outcome):
            keys |= _outcome_keys(obj, history=False)
            _add_subjects(subjects, obj)
            states.append((*_outcome_state(obj, before=False), 1))
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
    connection = session.connection()
    if agreement_ids or (moved and keys):  # who counts for whom changed, or where, with outcomes: the keys' rows, all of them
        refresh_typed(connection, keys | _keys_of_subjects(connection, agreement_ids, set(moved)))
    elif moved:
        _move_partners(connection, moved)
    elif keys:
        refresh_typed(connection, keys, subjects, states)
    for source, ids in _records_written(session).items():  # with the ids of new records now
        records.setdefault(source, set()).update(ids)
    _add_record_changes(connection, before, _record_cells(records))


def _forget(session: Session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_BEFORE, None)
        session.info.pop(_DELETED_KEYS, None)
        session.info.pop(_DELETED_SUBJECTS, None)
        session.info.pop(_DELETED_STATES, None)


def _list_ranges_with_table(target, connection, **kw) -> None:
    """A new database (`db.create_all()`) lists today's kept ranges, as the migration does."""
    connection.execute(insert(target), [{"first": first, "last": last} for first, last in sorted(kept_ranges(date.today()))])


def register_summary_hook() -> None:
    if not event.contains(ReportKeptRange.__table__, "after_create", _list_ranges_with_table):
        event.listen(ReportKeptRange.__table__, "after_create", _list_ranges_with_table)
    if not event.contains(Session, "after_flush", _keep_summary):
        event.listen(Session, "before_flush", _remember_before)
        event.listen(Session, "after_flush", _keep_summary)
        event.listen(Session, "after_soft_rollback", _forget)

