"""The pool tests every connection it hands out, so that the first request after a restart of
the database is answered (on a new connection) rather than failing; on PostgreSQL that test is
the BEGIN of the request's transaction (crm/core/database.py: one round trip for both).

The PostgreSQL tests run when TEST_DATABASE_URL is a PostgreSQL URL (CI's second run): a
restart is stood in for by ending the server process of the pooled connection, as a restart
does to each of them (pg_terminate_backend: "terminating connection due to administrator
command")."""
import pytest
import sqlalchemy as sa

from crm.extensions import db
from tests.conftest import TEST_DATABASE_URL

postgresql_only = pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgres"),
                                     reason="PostgreSQL run only (TEST_DATABASE_URL)")


def _server_pid(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.text("SELECT pg_backend_pid()"))


def _end_server_process(app, pid: int) -> None:
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with other.connect() as connection:
        assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        # wait until it is gone (pg_terminate_backend only signals it)
        connection.execute(sa.text(
            "DO $$ BEGIN FOR i IN 1..500 LOOP EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity "
            f"WHERE pid = {int(pid)}); PERFORM pg_sleep(0.01); END LOOP; END $$"))
    other.dispose()


@postgresql_only
def test_on_postgresql_a_request_after_the_server_ended_the_pooled_connection_is_answered(app, client, auth):
    auth.login()
    assert client.get("/partners").status_code == 200
    pid = _server_pid(app)  # the pooled connection's server process (a pool of one in use here)
    _end_server_process(app, pid)

    response = client.get("/partners?q=Hochschule")

    assert response.status_code == 200
    assert _server_pid(app) != pid  # a new connection


@postgresql_only
def test_on_postgresql_the_pools_ping_opens_the_transaction(app):
    from psycopg import pq

    with app.app_context():
        db.session.scalar(sa.text("SELECT 1"))
        db.session.remove()  # back to the pool, rolled back: the next checkout is pinged
        connection = db.session.connection()  # checked out and pinged, no statement yet
        raw = connection.connection.dbapi_connection
        assert raw.info.transaction_status == pq.TransactionStatus.INTRANS
        # the statements run in that transaction: psycopg sends no BEGIN of its own
        started = db.session.scalar(sa.text("SELECT xact_start FROM pg_stat_activity WHERE pid = pg_backend_pid()"))
        assert started == db.session.scalar(sa.text("SELECT transaction_timestamp()"))
        db.session.rollback()
        assert raw.info.transaction_status == pq.TransactionStatus.IDLE



def _prepared_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))


@postgresql_only
def test_on_postgresql_a_reading_request_keeps_the_statements_psycopg_prepared(app, client, auth):
    """A request that only read ends its transaction with a COMMIT (crm/core/database.py): a
    ROLLBACK would make psycopg forget (and deallocate) every statement it prepared, so that
    the server parsed and planned each statement of each request anew."""
    auth.login()
    for _ in range(8):  # more than the prepare threshold (5)
        assert client.get("/partners?q=Hochschule").status_code == 200
    prepared = _prepared_count(app)
    assert prepared > 0
    assert client.get("/partners?q=Hochschule").status_code == 200
    assert _prepared_count(app) >= prepared


@postgresql_only
def test_on_postgresql_a_transaction_that_wrote_is_still_rolled_back(app):
    from crm.core.database import WROTE

    with app.app_context():
        db.session.execute(sa.text("CREATE TEMPORARY TABLE rolled_back_write (n int) ON COMMIT PRESERVE ROWS"))
        db.session.commit()
        db.session.execute(sa.text("INSERT INTO rolled_back_write VALUES (1)"))
        assert db.session.connection().connection.dbapi_connection in WROTE
        db.session.rollback()
        assert db.session.scalar(sa.text("SELECT count(*) FROM rolled_back_write")) == 0
        # a read after it: ended with a COMMIT, which nothing written rides on
        db.session.rollback()
        assert db.session.scalar(sa.text("SELECT count(*) FROM rolled_back_write")) == 0
        db.session.execute(sa.text("DROP TABLE rolled_back_write"))
        db.session.commit()


@postgresql_only
def test_on_postgresql_a_failed_transaction_is_rolled_back(app):
    from psycopg import pq

    with app.app_context():
        with pytest.raises(sa.exc.ProgrammingError):
            db.session.execute(sa.text("SELECT no_such_column FROM partner"))
        raw = db.session.connection().connection.dbapi_connection
        assert raw.info.transaction_status == pq.TransactionStatus.INERROR
        db.session.rollback()
        assert raw.info.transaction_status == pq.TransactionStatus.IDLE
        assert db.session.scalar(sa.text("SELECT 1")) == 1


def test_what_counts_as_a_read():
    from crm.core.database import _is_read

    assert _is_read('SELECT partner.id FROM partner WHERE partner.updated_at > %(x)s')
    assert _is_read("WITH matches AS MATERIALIZED (SELECT 1) SELECT * FROM matches")
    assert _is_read("  select 1")
    assert not _is_read("INSERT INTO partner (name) VALUES ('x')")
    assert not _is_read("UPDATE partner SET name = 'x'")
    assert not _is_read("WITH gone AS (DELETE FROM tag RETURNING id) SELECT count(*) FROM gone")
    assert not _is_read("SELECT * INTO copy FROM partner")
    assert not _is_read("SELECT id FROM partner FOR UPDATE")
    assert not _is_read("CREATE TABLE t (n int)")
    assert not _is_read("SAVEPOINT sa_savepoint_1")
