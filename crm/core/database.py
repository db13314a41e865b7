"""Connection settings that keep the promise "a blocked write answers 503 quickly, whole or not at all".

SQLite: WAL, a busy timeout, enforced foreign keys and memory-mapped reads. PostgreSQL: a `lock_timeout` (a write
that cannot get its lock within a few seconds gives up) and a `statement_timeout` below the
server's worker timeout (gunicorn's 30 s), so the 503 handler answers before the worker is
killed. Both are read from the configuration each time a connection is made.
"""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

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


def _is_memory(engine: Engine) -> bool:
    return engine.url.database in (None, "", ":memory:")
