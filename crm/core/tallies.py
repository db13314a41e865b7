"""Kept tallies: how many rows of a table meet a rule, per key (a day, an hour, a stage, or one
count for all), kept by the database itself so that a figure over a whole table costs a sum of a
few small rows instead of a count of every row.

A domain declares a tally next to the rule it counts (its queries.py), with the rule and the key
as its own SQLAlchemy expressions over its table (the triggers apply them to the row written):

    ACT_BY = tally("agreement.act_by", Agreement.__table__, rule=lambda: and_(*_renewal_candidates()),
                   key=lambda: day_key(Agreement.act_by), watched=("archived_at", "signed_on", "decision", "act_by"))

and reads it with `tally_sum(ACT_BY, Tally.key <= "2027-05-29")` (a scalar subquery: one more
column of a statement, no statement of its own). From each declaration this module writes
triggers (SQLite and PostgreSQL) that keep `tally` in the same transaction as every insert,
delete or update of a watched column, whoever writes the row: the ORM, an import, the demo
generator's bulk inserts, a plain UPDATE of a stored rule. On PostgreSQL a statement that writes a
tallied table first takes that table's lock (`table_lock`, a statement-level BEFORE trigger, so before
the statement locks any row): two transactions that each write rows of several keys of one table
take turns instead of locking the tally's rows in opposite orders; writers of other tables never
wait for them. A tally `of_live_partner` counts a row only while its partner is not archived:
archiving or restoring a partner moves its rows out of or back into the tally (a trigger on
`partner`, one grouped statement over its rows); on PostgreSQL that statement first takes the locks
of those tables, in a fixed order, before it locks the partner's row (a writer holding such a lock
may want the partner's row next: last contact's `lock_partners`).

The triggers are made for every declared tally when the schema is made (`create_all`, the
metadata's after_create) and by the migration that brings a tally (`create_triggers`, then
`recount` fills it from the rows). Since the database keeps them whoever writes, the tallies need
no stored rule (crm/core/stored.py) for bulk writes. A new or changed tally (its rule, key or
watched columns) needs a migration that makes its triggers again (`create_triggers` drops the old
ones first) and recounts it. A bulk load (the demo generator) drops the triggers first and makes
them again and recounts after the rows are in (per-row triggers would slow it several times).

A migration that rebuilds a tallied table (SQLite's batch mode copies a table into a new one: on
interaction, proposal or partner the copy fails in a trigger that names the table; on agreement it
silently loses the table's triggers) runs inside `tallies_suspended(op.get_bind())`: the triggers
dropped, then made again and every tally recounted (migrations/README says so too).
"""
from __future__ import annotations

import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.util import ClauseAdapter

from crm.core.database import TALLY_LOCKS
from crm.extensions import db

ONE_COUNT = ""  # the key of a tally of one count (declared without a key)
NULL_KEY = ""  # the key of a row whose key is NULL (sorts before every day and hour)


class Tally(db.Model):
    """One kept count: `name` the tally, `key` its part (an ISO day 'YYYY-MM-DD', an hour
    'YYYY-MM-DD HH' in UTC, a stage, or ''), `n` how many rows. Never written by the app."""

    __tablename__ = "tally"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    n: Mapped[int] = mapped_column(default=0, server_default="0")


@dataclass(frozen=True)
class TallyRule:
    """A tally's declaration (see the module's docstring)."""

    name: str
    table: sa.Table
    rule: Callable[[], ColumnElement[bool]]  # over `table`: whether a row counts
    key: Callable[[], ColumnElement] | None  # over `table`: the row's key as text; None: one count
    watched: tuple[str, ...]  # the columns an update of which may change the row's rule or key
    of_live_partner: bool = False  # counted only while the row's partner (column partner_id) is not archived

    @property
    def ident(self) -> str:
        return "tally_" + self.name.replace(".", "_")

    def rule_of(self, row: sa.FromClause) -> ColumnElement[bool]:
        """The rule over `row` (an alias of the table: "new", "old", "t")."""
        return ClauseAdapter(row).traverse(_element(self.rule()))

    def key_of(self, row: sa.FromClause) -> ColumnElement:
        return ClauseAdapter(row).traverse(_element(self.key()))


def _element(expression) -> ColumnElement:
    """An expression as SQL (a mapped attribute such as `Proposal.stage` as its column)."""
    return expression.__clause_element__() if hasattr(expression, "__clause_element__") else expression


_tallies: dict[str, TallyRule] = {}


def tally(name: str, table: sa.Table, rule, key=None, watched: tuple[str, ...] = (), of_live_partner: bool = False) -> TallyRule:
    """Declare a tally (at import of its owner's module)."""
    declared = TallyRule(name, table, rule, key, tuple(watched), of_live_partner)
    _tallies[name] = declared
    return declared


def tally_sum(declared: TallyRule, *conditions: ColumnElement[bool]) -> ColumnElement[int]:
    """The sum of the tally's counts whose key meets `conditions` (on `Tally.key`): a scalar subquery."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(Tally.n), 0))
        .where(Tally.name == declared.name, *conditions)
        .scalar_subquery()
    )


# --- keys as text, the same on SQLite and PostgreSQL --------------------------------------------


class day_key(FunctionElement):
    """A date column as its ISO day 'YYYY-MM-DD' (text)."""

    inherit_cache = True
    type = sa.String()
    name = "day_key"


class hour_key(FunctionElement):
    """A (naive UTC) datetime column as its hour 'YYYY-MM-DD HH' (text)."""

    inherit_cache = True
    type = sa.String()
    name = "hour_key"


@compiles(day_key)
def _day_key_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


@compiles(day_key, "sqlite")
def _day_key_sqlite(element, compiler, **kw):  # SQLite keeps a date as 'YYYY-MM-DD'
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(hour_key)
def _hour_key_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD HH24')"


@compiles(hour_key, "sqlite")
def _hour_key_sqlite(element, compiler, **kw):  # SQLite keeps a datetime as 'YYYY-MM-DD HH:MM:SS...'
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 13)"


def day_text(day) -> str:
    return day.isoformat()


def hour_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H")


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def hour_ceil(moment: datetime) -> datetime:
    floor = hour_floor(moment)
    return floor if floor == moment else floor + timedelta(hours=1)


# --- the triggers --------------------------------------------------------------------------------


def _sql(expression: ColumnElement, dialect) -> str:
    return str(expression.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _key_sql(declared: TallyRule, row: sa.FromClause, dialect) -> str:
    if declared.key is None:
        return f"'{ONE_COUNT}'"
    return f"coalesce({_sql(declared.key_of(row), dialect)}, '{NULL_KEY}')"


_UPSERT = "ON CONFLICT (name, key) DO UPDATE SET n = tally.n + excluded.n"


def _row_change(declared: TallyRule, which: str, sign: int, dialect) -> str:
    """The statement that adds `sign` to the key of the row `which` ("new" or "old") when it counts."""
    row = declared.table.alias(which)
    condition = _sql(declared.rule_of(row), dialect)
    if declared.of_live_partner:
        condition += f" AND (SELECT partner.archived_at FROM partner WHERE partner.id = {which}.partner_id) IS NULL"
    return (f"INSERT INTO tally (name, key, n) SELECT '{declared.name}', {_key_sql(declared, row, dialect)}, {sign} "
            f"WHERE {condition} {_UPSERT}")


def _partner_change(declared: TallyRule, dialect) -> str:
    """The statement that moves a partner's rows out of the tally (archived) or back (restored)."""
    row = declared.table.alias("t")
    key = _key_sql(declared, row, dialect)
    return (f"INSERT INTO tally (name, key, n) SELECT '{declared.name}', {key}, "
            f"(CASE WHEN new.archived_at IS NULL THEN 1 ELSE -1 END) * count(*) "
            f"FROM {declared.table.name} AS t WHERE t.partner_id = new.id AND {_sql(declared.rule_of(row), dialect)} "
            f"{_group_by(declared, key)}{_UPSERT}")


def _group_by(declared: TallyRule, key: str) -> str:
    return f"GROUP BY {key} " if declared.key is not None else ""


def _watched_columns(declared: TallyRule) -> list[str]:
    return list(dict.fromkeys(list(declared.watched) + (["partner_id"] if declared.of_live_partner else [])))


def _watched(declared: TallyRule) -> str:
    return ", ".join(_watched_columns(declared))


def _sqlite_statements(declared: TallyRule, dialect) -> list[str]:
    table, ident = declared.table.name, declared.ident
    add, remove = _row_change(declared, "new", 1, dialect), _row_change(declared, "old", -1, dialect)
    statements = [
        f"CREATE TRIGGER {ident}_insert AFTER INSERT ON {table} BEGIN {add}; END",
        f"CREATE TRIGGER {ident}_delete AFTER DELETE ON {table} BEGIN {remove}; END",
    ]
    if _watched_columns(declared):
        statements.append(f"CREATE TRIGGER {ident}_update AFTER UPDATE OF {_watched(declared)} ON {table} "
                          f"BEGIN {remove}; {add}; END")
    if declared.of_live_partner:
        statements.append(
            f"CREATE TRIGGER {ident}_partner AFTER UPDATE OF archived_at ON partner "
            f"WHEN (old.archived_at IS NULL) IS NOT (new.archived_at IS NULL) BEGIN {_partner_change(declared, dialect)}; END")
    return statements


def _postgresql_statements(declared: TallyRule, dialect) -> list[str]:
    table, ident = declared.table.name, declared.ident
    add, remove = _row_change(declared, "new", 1, dialect), _row_change(declared, "old", -1, dialect)
    statements = [
        f"""CREATE OR REPLACE FUNCTION {ident}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove}; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {add}; END IF;
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER {ident}_keep AFTER {_events(_watched_columns(declared))} ON {table} FOR EACH ROW EXECUTE FUNCTION {ident}_keep()",
    ]
    if declared.of_live_partner:
        statements += [
            f"""CREATE OR REPLACE FUNCTION {ident}_partner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL) THEN {_partner_change(declared, dialect)}; END IF;
  RETURN NULL;
END $$""",
            f"CREATE TRIGGER {ident}_partner AFTER UPDATE OF archived_at ON partner FOR EACH ROW EXECUTE FUNCTION {ident}_partner()",
        ]
    return statements


def _events(watched: list[str]) -> str:
    """The writes a trigger on the table fires for: inserts, deletes and updates of `watched`."""
    return "INSERT OR DELETE" + (f" OR UPDATE OF {', '.join(watched)}" if watched else "")


# --- PostgreSQL: the tallied tables' locks ---------------------------------------------------------
# A statement that writes a tallied table first takes that table's lock (a transaction-scoped advisory
# lock, in a statement-level BEFORE trigger: before the statement locks any row), and archiving or
# restoring a partner first takes the locks of the tables whose tallies are `of_live_partner`, in
# the order of their names. So two writers of one table's tally rows take turns instead of locking
# those rows in opposite orders (a deadlock); writers of other tables do not wait for them; and an
# archive never holds a partner's row while it waits for a lock (the writer holding that lock may
# want the partner's row next: last contact's `lock_partners`).

def table_lock(table_name: str) -> tuple[int, int]:
    """The advisory lock (two int4 keys) of the writers of a tallied table's tallies."""
    return TALLY_LOCKS, zlib.crc32(table_name.encode()) & 0x7FFFFFFF


def _take_locks(table_names) -> str:
    return " ".join(f"PERFORM pg_advisory_xact_lock({space}, {key});"
                    for space, key in (table_lock(name) for name in sorted(set(table_names))))


def _tallied_tables() -> dict[str, list[TallyRule]]:
    tables: dict[str, list[TallyRule]] = {}
    for name in sorted(_tallies):
        tables.setdefault(_tallies[name].table.name, []).append(_tallies[name])
    return tables


def _lock_statements() -> list[str]:
    """The statement-level triggers that take the tables' locks, for every declared tally."""
    statements = []
    tables = _tallied_tables()
    for table, declared in tables.items():
        events = _events(list(dict.fromkeys(column for one in declared for column in _watched_columns(one))))
        statements += [
            f"CREATE OR REPLACE FUNCTION tally_lock_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN {_take_locks([table])} RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS tally_lock_{table} ON {table}",
            f"CREATE TRIGGER tally_lock_{table} BEFORE {events} ON {table} FOR EACH STATEMENT EXECUTE FUNCTION tally_lock_{table}()",
        ]
    of_partner = [table for table, declared in tables.items() if any(one.of_live_partner for one in declared)]
    if of_partner:
        statements += [
            f"CREATE OR REPLACE FUNCTION tally_lock_partner_archive() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN {_take_locks(of_partner)} RETURN NULL; END $$",
            "DROP TRIGGER IF EXISTS tally_lock_partner_archive ON partner",
            "CREATE TRIGGER tally_lock_partner_archive BEFORE UPDATE OF archived_at ON partner FOR EACH STATEMENT "
            "EXECUTE FUNCTION tally_lock_partner_archive()",
        ]
    return statements


def _drop_lock_statements() -> list[str]:
    statements = []
    for table in _tallied_tables():
        statements += [f"DROP TRIGGER IF EXISTS tally_lock_{table} ON {table}", f"DROP FUNCTION IF EXISTS tally_lock_{table}()"]
    return statements + ["DROP TRIGGER IF EXISTS tally_lock_partner_archive ON partner",
                         "DROP FUNCTION IF EXISTS tally_lock_partner_archive()"]


def _drop_statements(declared: TallyRule, dialect_name: str) -> list[str]:
    ident, table = declared.ident, declared.table.name
    if dialect_name == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {ident}_{event}" for event in ("insert", "delete", "update", "partner")]
    return [f"DROP TRIGGER IF EXISTS {ident}_keep ON {table}", f"DROP TRIGGER IF EXISTS {ident}_partner ON partner",
            f"DROP FUNCTION IF EXISTS {ident}_keep()", f"DROP FUNCTION IF EXISTS {ident}_partner()"]


def trigger_statements(declared: TallyRule, dialect) -> list[str]:
    """The statements that make the tally's triggers (after `_drop_statements`: a changed tally's replace the old)."""
    if dialect.name == "sqlite":
        return _sqlite_statements(declared, dialect)
    if dialect.name == "postgresql":
        return _postgresql_statements(declared, dialect)
    return []


def trigger_names(connection: Connection) -> set[str]:
    """The names of the tallies' triggers in the database (SQLite's sqlite_master, PostgreSQL's pg_trigger)."""
    if connection.dialect.name == "sqlite":
        found = sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :prefix")
    else:
        found = sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE :prefix")
    return set(connection.execute(found, {"prefix": "tally%"}).scalars())


def expected_trigger_names(dialect_name: str) -> set[str]:
    """The names of the triggers `create_triggers` makes for every declared tally."""
    names = set()
    for declared in _tallies.values():
        if dialect_name == "sqlite":
            names |= {f"{declared.ident}_insert", f"{declared.ident}_delete"}
            if _watched_columns(declared):
                names.add(f"{declared.ident}_update")
        else:
            names.add(f"{declared.ident}_keep")
        if declared.of_live_partner:
            names.add(f"{declared.ident}_partner")
    if dialect_name == "postgresql":
        names |= {f"tally_lock_{table}" for table in _tallied_tables()}
        if any(declared.of_live_partner for declared in _tallies.values()):
            names.add("tally_lock_partner_archive")
    return names


def create_triggers(connection: Connection, names=None) -> None:
    """The triggers of every declared tally (or of those named), made anew (a changed rule replaces
    the old triggers), and on PostgreSQL the tables' locks of every declared tally."""
    for name in sorted(names or _tallies):
        declared = _tallies[name]
        for statement in _drop_statements(declared, connection.dialect.name) + trigger_statements(declared, connection.dialect):
            connection.exec_driver_sql(statement)
    if connection.dialect.name == "postgresql":
        for statement in _lock_statements():
            connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection, names=None) -> None:
    """The triggers of every declared tally (or of those named; the tables' locks only with every tally's)."""
    for name in sorted(names or _tallies):
        for statement in _drop_statements(_tallies[name], connection.dialect.name):
            connection.exec_driver_sql(statement)
    if connection.dialect.name == "postgresql" and names is None:
        for statement in _drop_lock_statements():
            connection.exec_driver_sql(statement)


@contextmanager
def tallies_suspended(connection: Connection, names=None):
    """For a migration that rebuilds a tallied table (SQLite's batch mode copies a table into a
    new one: the copy would fail in a trigger that names the table, or lose the table's
    triggers) or writes many rows of one: the tallies' triggers dropped, then made again and
    the tallies recounted from the rows.

        with tallies_suspended(op.get_bind()):
            with op.batch_alter_table("interaction") as batch_op:
                batch_op.add_column(...)
    """
    drop_triggers(connection, names)
    yield
    create_triggers(connection, names)
    recount(connection, names)


def recount(connection: Connection, names=None) -> None:
    """Every tally (or those named) counted afresh from its rule."""
    for name in sorted(names or _tallies):
        declared = _tallies[name]
        row = declared.table.alias("t")
        condition = _sql(declared.rule_of(row), connection.dialect)
        if declared.of_live_partner:
            condition += " AND t.partner_id NOT IN (SELECT partner.id FROM partner WHERE partner.archived_at IS NOT NULL)"
        key = _key_sql(declared, row, connection.dialect)
        connection.execute(sa.delete(Tally).where(Tally.name == name))
        connection.exec_driver_sql(
            f"INSERT INTO tally (name, key, n) SELECT '{name}', {key}, count(*) FROM {declared.table.name} AS t "
            f"WHERE {condition} {_group_by(declared, key)}")


def _create_after_schema(target, connection, **kw) -> None:
    create_triggers(connection)  # every table exists by now (the metadata's after_create)


def _drop_before_schema(target, connection, **kw) -> None:
    drop_triggers(connection)


sa.event.listen(db.metadata, "after_create", _create_after_schema)
sa.event.listen(db.metadata, "before_drop", _drop_before_schema)
