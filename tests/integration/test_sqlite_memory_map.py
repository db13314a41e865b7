"""SQLite reads the database file through a memory map (crm/core/database.py): the partner
search reads more pages than each connection's own page cache holds, and read them again on
every request without it."""
import pytest

from crm.config import Config
from crm.extensions import db


def test_every_sqlite_connection_maps_the_database_file(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        db.engine.dispose()  # a new connection: the setting is made on connect
        assert db.session.connection().exec_driver_sql("PRAGMA mmap_size").scalar() == Config.SQLITE_MMAP_SIZE_MB * 2**20


def test_the_memory_map_can_be_turned_off(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        app.config["SQLITE_MMAP_SIZE_MB"] = 0
        db.engine.dispose()
        assert db.session.connection().exec_driver_sql("PRAGMA mmap_size").scalar() == 0
