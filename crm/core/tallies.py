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
generator's bulk inserts, a plain UPDATE of a stored rule. On PostgreSQL a trigger first takes the
lock of the kept figures' writers (crm/core/database.py: KEPT_FIGURES_LOCK): two transactions
that each write rows of several keys would otherwise lock the tally's rows in opposite orders. A tally `of_live_partner` counts a
row only while its partner is not archived: archiving or restoring a partner moves its rows out
of or back into the tally (a trigger on `partner`, one grouped statement over its rows).

The triggers are made for every declared tally when the schema is made (`create_all`, the
metadata's after_create) and by the migration that brings a tally (`create_triggers`, then
`recount` fills it from the rows). Since the database keeps them whoever writes, the tallies need
no stored rule (crm/core/stored.py) for bulk writes. A new or changed tally (its rule, key or
watched columns) needs a migration that makes its triggers again and recounts it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.util import ClauseAdapter

from crm.core.database import KEPT_FIGURES_LOCK
from crm.extensions import db

NO_KEY = ""  # the key of a tally of one count, and of a row whose key is NULL (before every day)


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
        return f"'{NO_KEY}'"
    return f"coalesce({_sql(declared.key_of(row), dialect)}, '{NO_KEY}')"


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


def _watched(declared: TallyRule) -> str:
    columns = list(declared.watched) + (["partner_id"] if declared.of_live_partner else [])
    return ", ".join(dict.fromkeys(columns))


def _sqlite_statements(declared: TallyRule, dialect) -> list[str]:
    table, ident = declared.table.name, declared.ident
    add, remove = _row_change(declared, "new", 1, dialect), _row_change(declared, "old", -1, dialect)
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS {ident}_insert AFTER INSERT ON {table} BEGIN {add}; END",
        f"CREATE TRIGGER IF NOT EXISTS {ident}_delete AFTER DELETE ON {table} BEGIN {remove}; END",
    ]
    if declared.watched or declared.of_live_partner:
        statements.append(f"CREATE TRIGGER IF NOT EXISTS {ident}_update AFTER UPDATE OF {_watched(declared)} ON {table} "
                          f"BEGIN {remove}; {add}; END")
    if declared.of_live_partner:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {ident}_partner AFTER UPDATE OF archived_at ON partner "
            f"WHEN (old.archived_at IS NULL) IS NOT (new.archived_at IS NULL) BEGIN {_partner_change(declared, dialect)}; END")
    return statements


def _postgresql_statements(declared: TallyRule, dialect) -> list[str]:
    table, ident = declared.table.name, declared.ident
    add, remove = _row_change(declared, "new", 1, dialect), _row_change(declared, "old", -1, dialect)
    events = "INSERT OR DELETE" + (f" OR UPDATE OF {_watched(declared)}" if declared.watched or declared.of_live_partner else "")
    statements = [
        f"""CREATE OR REPLACE FUNCTION {ident}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({KEPT_FIGURES_LOCK});
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove}; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {add}; END IF;
  RETURN NULL;
END $$""",
        f"DROP TRIGGER IF EXISTS {ident}_keep ON {table}",
        f"CREATE TRIGGER {ident}_keep AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {ident}_keep()",
    ]
    if declared.of_live_partner:
        statements += [
            f"""CREATE OR REPLACE FUNCTION {ident}_partner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({KEPT_FIGURES_LOCK});
  IF (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL) THEN {_partner_change(declared, dialect)}; END IF;
  RETURN NULL;
END $$""",
            f"DROP TRIGGER IF EXISTS {ident}_partner ON partner",
            f"CREATE TRIGGER {ident}_partner AFTER UPDATE OF archived_at ON partner FOR EACH ROW EXECUTE FUNCTION {ident}_partner()",
        ]
    return statements


def _drop_statements(declared: TallyRule, dialect_name: str) -> list[str]:
    ident, table = declared.ident, declared.table.name
    if dialect_name == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {ident}_{event}" for event in ("insert", "delete", "update", "partner")]
    return [f"DROP TRIGGER IF EXISTS {ident}_keep ON {table}", f"DROP TRIGGER IF EXISTS {ident}_partner ON partner",
            f"DROP FUNCTION IF EXISTS {ident}_keep()", f"DROP FUNCTION IF EXISTS {ident}_partner()"]


def trigger_statements(declared: TallyRule, dialect) -> list[str]:
    if dialect.name == "sqlite":
        return _sqlite_statements(declared, dialect)
    if dialect.name == "postgresql":
        return _postgresql_statements(declared, dialect)
    return []


def create_triggers(connection: Connection, names=None) -> None:
    """The triggers of every declared tally (or of those named)."""
    for name in sorted(names or _tallies):
        for statement in trigger_statements(_tallies[name], connection.dialect):
            connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection, names=None) -> None:
    for name in sorted(names or _tallies):
        for statement in _drop_statements(_tallies[name], connection.dialect.name):
            connection.exec_driver_sql(statement)


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
