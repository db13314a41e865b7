"""Connection settings that keep the promise "a blocked write answers 503 quickly, whole or not at all".

SQLite: WAL, a busy timeout, enforced foreign keys and memory-mapped reads. PostgreSQL: a `lock_timeout` (a write
that cannot get its lock within a few seconds gives up) and a `statement_timeout` below the
server's worker timeout (gunicorn's 30 s), so the 503 handler answers before the worker is
killed. Both are read from the configuration each time a connection is made.

PostgreSQL, round trips: the pool tests each connection it hands out (`pool_pre_ping`), so that
a request after a restart of the database gets a new connection instead of an error. psycopg
then opens the request's transaction with a BEGIN of its own, a second round trip before the
first statement. The ping here is that BEGIN (`_begin_as_ping`): one round trip tests the
connection and opens the transaction, and psycopg, seeing it open, sends no BEGIN of its own.
On a busy server every round trip waits for the database's process to be scheduled (1-3 ms
on this machine under load), so a request's round trips cost more than its statements.

PostgreSQL, prepared statements: psycopg prepares a statement that a connection has run a few
times (`prepare_threshold`), so that the server no longer parses and plans it on each run
(0.1-0.5 ms a statement here, more than most of them take to run). But a ROLLBACK makes psycopg
forget every statement it prepared (and send DEALLOCATE ALL), and every request that only read
ended in one: the request's session closes with a rollback. So a transaction that ran nothing
but SELECTs ends with a COMMIT instead (`_end_reads_with_commit`), which for a reading
transaction does just what a ROLLBACK does (ends it, releases its locks) and keeps the prepared
statements; a transaction that wrote, failed or ran anything else (DDL, a savepoint) still
rolls back.
"""
import re
import weakref
from functools import lru_cache, partial

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from crm.extensions import db

# SQLSTATEs of PostgreSQL errors that mean "busy, try again": lock_not_available (lock_timeout),
# query_canceled (statement_timeout), deadlock_detected, serialization_failure.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})


# The PostgreSQL advisory lock (transaction-scoped) of the report summary's writers (crm/reports/summary.py).
KEPT_FIGURES_LOCK = 7_414_021
# The first key of the PostgreSQL advisory locks (transaction-scoped, two int4 keys) of the tallied
# tables' writers: the second key is the table's (crm/core/tallies.py: table_lock).
TALLY_LOCKS = 7_414_022


def is_busy_error(orig: BaseException | None) -> bool:
    """The DB-API error behind an OperationalError says the database was busy (not broken)."""
    if getattr(orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _init_sqlite(app, engine)
    elif engine.dialect.name == "postgresql":
        _init_postgresql(app, engine)


def _init_sqlite(app: Flask, engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(app.config['SQLITE_BUSY_TIMEOUT_MS'])}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not _is_memory(engine):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # Reads through a memory map (crm/config.py SQLITE_MMAP_SIZE_MB says why).
            cursor.execute(f"PRAGMA mmap_size = {int(app.config['SQLITE_MMAP_SIZE_MB']) * 2**20}")
        cursor.close()


def _init_postgresql(app: Flask, engine: Engine) -> None:
    # The pool's ping (crm/config.py: pool_pre_ping) opens the transaction too.
    engine.dialect.do_ping = partial(_begin_as_ping, engine.dialect.do_ping)
    # A reading transaction ends with a COMMIT, which keeps psycopg's prepared statements.
    engine.dialect.do_rollback = partial(_end_reads_with_commit, engine.dialect.do_rollback)
    engine.dialect.do_commit = partial(_commit_clearing_the_mark, engine.dialect.do_commit)

    @event.listens_for(engine, "before_cursor_execute")
    def _note_what_is_not_a_read(connection, cursor, statement, parameters, context, executemany):
        if not _is_read(statement):
            WROTE.add(connection.connection.dbapi_connection)

    @event.listens_for(engine, "connect")
    def _postgresql_timeouts(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        # set_config(…, false) lasts for the session; committed so that no rollback undoes it.
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", (f"{int(app.config['PG_LOCK_TIMEOUT_MS'])}ms",))
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false)", (f"{int(app.config['PG_STATEMENT_TIMEOUT_MS'])}ms",)
        )
        cursor.close()
        dbapi_connection.commit()
        # Statements run this often on a connection are prepared; up to this many kept.
        dbapi_connection.prepare_threshold = int(app.config["PG_PREPARE_THRESHOLD"])
        dbapi_connection.prepared_max = int(app.config["PG_PREPARED_MAX"])


def _begin_as_ping(ping, dbapi_connection) -> bool:
    """The pool's test of a connection it hands out: BEGIN, which opens the transaction that
    psycopg would open with the first statement (psycopg sends its own BEGIN only when none is
    open), and fails as the dialect's own ping does on a connection that the server has closed
    (a restart): SQLAlchemy then sees a disconnect and connects anew. A connection whose
    transactions psycopg begins otherwise (autocommit, an isolation level or read-only set) or
    that is not idle (never, after the pool's reset) gets the dialect's ping."""
    from psycopg import OperationalError, pq

    pgconn = dbapi_connection.pgconn
    plain = not dbapi_connection.autocommit and dbapi_connection.isolation_level is None and (
        dbapi_connection.read_only is None and dbapi_connection.deferrable is None)
    if not plain or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return ping(dbapi_connection)
    result = pgconn.exec_(b"BEGIN")
    if result.status != pq.ExecStatus.COMMAND_OK:
        message = (result.error_message or pgconn.error_message).decode("utf-8", "replace")
        raise OperationalError(f"the pool's ping (BEGIN) failed: {message.strip()}")
    return True


# The DBAPI connections whose transaction ran something other than a SELECT (weak: a connection
# the pool drops leaves the set by itself).
WROTE: weakref.WeakSet = weakref.WeakSet()
_READ = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
# what makes a statement that starts as a read write after all (SELECT … INTO, a WITH that
# inserts); FOR UPDATE only locks, but is counted too (a rollback is never wrong)
_WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|INTO|TRUNCATE)\b", re.IGNORECASE)


@lru_cache(maxsize=2048)
def _is_read(statement: str) -> bool:
    """The statement only reads (a SELECT, or a WITH whose parts are SELECTs). Statements are
    the same few hundred texts over and over (SQLAlchemy's compiled cache): each is looked at
    once. Functions called by a SELECT write nothing in this app (its PL/pgSQL functions are
    triggers, fired by the writes, which count)."""
    return bool(_READ.match(statement)) and not _WRITE_WORD.search(statement)


def _end_reads_with_commit(rollback, connection) -> None:
    """The dialect's rollback, except for a transaction that has run only SELECTs (and is not in
    error): COMMIT, the same end for a reading transaction, after which psycopg keeps its
    prepared statements (a ROLLBACK clears them). `connection` is the pool's connection; `WROTE`
    says whether its transaction ran anything else (`_note_what_is_not_a_read`)."""
    from psycopg import pq

    dbapi_connection = connection.dbapi_connection
    if dbapi_connection is None:
        return rollback(connection)
    wrote = dbapi_connection in WROTE
    WROTE.discard(dbapi_connection)
    if not wrote and dbapi_connection.pgconn.transaction_status == pq.TransactionStatus.INTRANS:
        dbapi_connection.commit()
    else:
        rollback(connection)


def _commit_clearing_the_mark(commit, connection) -> None:
    """The dialect's commit; the next transaction starts with nothing written (`WROTE` cleared)."""
    if connection.dbapi_connection is not None:
        WROTE.discard(connection.dbapi_connection)
    commit(connection)


def run_for_dialect(connection: Connection, *, sqlite: tuple[str, ...] = (), postgresql: tuple[str, ...] = ()) -> None:
    """Run the statements written for the connection's database (triggers and functions, which
    SQLite and PostgreSQL spell each their own way); none on another database."""
    for statement in {"sqlite": sqlite, "postgresql": postgresql}.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


def _is_memory(engine: Engine) -> bool:
    return engine.url.database in (None, "", ":memory:")
