"""Bulk writing for the bench generator (`flask demo generate`): Core inserts in batches.

Rows are plain dicts, streamed from iterators in batches of BATCH, so that two million
interactions never sit in memory at once, and inserted with one `executemany` per batch on
the session's connection (Core, not the ORM: no objects, no identity map, no flush); on
PostgreSQL with COPY on the same connection and transaction. The audit
session hook (crm/audit/recorder.py) listens to ORM flushes only, so it is bypassed by design:
generated rows have no history.

Ids are given by the generator (the table's largest id + 1, 2, ...) rather than read back with
RETURNING, which made a batch's cost grow with the batches before it. The generator writes
into an empty database with nobody else writing; on PostgreSQL each table's sequence is moved
past the ids given, so that the application's own inserts carry on from there.
"""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from itertools import chain, islice

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

BATCH = 5_000


def table_of(model_or_table) -> Table:
    return model_or_table if isinstance(model_or_table, Table) else model_or_table.__table__


def insert_rows(connection: Connection, model_or_table, rows: Iterable[dict]) -> int:
    """Insert `rows` (dicts with the same keys) in batches; return how many went in.
    PostgreSQL: through COPY, which is several times faster than row-by-row INSERTs."""
    table = table_of(model_or_table)
    if connection.dialect.name == "postgresql":
        return _copy_rows(connection, table, rows)
    statement = table.insert()
    rows = iter(rows)
    count = 0
    while batch := list(islice(rows, BATCH)):
        connection.execute(statement, batch)
        count += len(batch)
    return count


def _copy_rows(connection: Connection, table: Table, rows: Iterable[dict]) -> int:
    """COPY FROM STDIN in the connection's transaction. Each value goes through its column
    type's bind processor (e.g. an enum member becomes its stored value), and the columns a
    row leaves out get their Python-side defaults, as a Core INSERT would give them."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    names = list(first)
    defaults = [column for column in table.columns if column.name not in first and column.default is not None
                and (column.default.is_scalar or column.default.is_callable)]
    columns = [table.c[name] for name in names] + defaults
    processors = [column.type._cached_bind_processor(connection.dialect) for column in columns]
    preparer = connection.dialect.identifier_preparer
    copy_sql = (f"COPY {preparer.format_table(table)} ({', '.join(preparer.quote(c.name) for c in columns)}) "
                "FROM STDIN")

    def values(row: dict) -> list:
        given = [row[name] for name in names]
        given += [column.default.arg if column.default.is_scalar else column.default.arg(None) for column in defaults]
        return [process(value) if process and value is not None else value for process, value in zip(processors, given)]

    count = 0
    with connection.connection.dbapi_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in chain([first], rows):
            copy.write_row(values(row))
            count += 1
    return count


def insert_numbered(connection: Connection, model_or_table, rows: Iterable[dict]) -> range:
    """Insert `rows` with ids given in order from the table's largest id + 1; return the ids."""
    table = table_of(model_or_table)
    first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1

    def numbered():
        for number, row in enumerate(rows, start=first):
            row["id"] = number
            yield row

    count = insert_rows(connection, table, numbered())
    if connection.dialect.name == "postgresql" and count:
        name = connection.dialect.identifier_preparer.format_table(table)
        connection.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                           {"table": name, "last": first + count - 1})
    return range(first, first + count)


@contextmanager
def fast_build(connection: Connection):
    """Settings for the build only, put back afterwards (they belong to the pooled connection).

    SQLite: no fsync at commit (synchronous=OFF: a crash mid-build loses the build, never an
    office's data: the generator only fills an empty database), a 256 MB page cache and
    in-memory temporary storage; the journal stays WAL, so a failed build rolls back whole.
    SQLite refuses to change `synchronous` inside a transaction: when the caller already has
    one open, the build runs with the usual settings. PostgreSQL: no statement timeout (the
    app's keeps web requests short; ANALYZE of 2 million rows needs longer) and no wait for
    the WAL flush at commit, both for this transaction only.
    """
    dialect = connection.dialect.name
    raw = connection.connection.dbapi_connection if dialect == "sqlite" else None
    tuned = dialect == "sqlite" and not raw.in_transaction
    if tuned:
        for pragma in ("synchronous = OFF", "cache_size = -262144", "temp_store = MEMORY"):
            raw.execute(f"PRAGMA {pragma}")
    elif dialect == "postgresql":
        connection.execute(text("SET LOCAL statement_timeout = 0"))
        connection.execute(text("SET LOCAL synchronous_commit = off"))
    try:
        yield
    finally:
        if tuned and not raw.in_transaction:
            # The values crm/core/database.py sets on every connection, and SQLite's defaults.
            for pragma in ("synchronous = NORMAL", "cache_size = -2000", "temp_store = DEFAULT"):
                raw.execute(f"PRAGMA {pragma}")


def analyse(connection: Connection, tables: Iterable[Table]) -> None:
    """Fresh planner statistics for `tables` (right after a bulk load there are none). On
    PostgreSQL the search planned without them took 670-770 ms instead of 115 ms; on SQLite the
    renewals and home pages pick the archived-at index over act-by's without them. An office's
    SQLite database has them too: the migration that added the stored rules ends with ANALYZE.
    Runs in its own transaction after the rows are committed."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("ANALYZE")
        return
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    connection.execute(text("SET LOCAL statement_timeout = 0"))
    for table in tables:
        connection.execute(text(f"ANALYZE {preparer.format_table(table)}"))
