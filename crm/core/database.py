"""SQLite connection settings: WAL, a busy timeout and enforced foreign keys."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from crm.extensions import db


def init_app(app: Flask) -> None:
    busy_timeout = app.config["SQLITE_BUSY_TIMEOUT_MS"]

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not _is_memory(engine):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def _is_memory(engine: Engine) -> bool:
    return engine.url.database in (None, "", ":memory:")
