"""A write that cannot get its lock answers 503 with Retry-After and writes nothing, on SQLite
and on PostgreSQL (lock_timeout, statement_timeout), with the lock held by a second connection.

The PostgreSQL test runs when TEST_DATABASE_URL is a PostgreSQL URL (CI's second run)."""
import psycopg.errors
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from crm.extensions import db
from crm.partners.models import Partner
from tests.conftest import TEST_DATABASE_URL


def _is_postgresql(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def _create_partner(client, auth, name):
    token = auth.csrf("/partners/new")
    return client.post(
        "/partners/new",
        data={"csrf_token": token, "name": name, "kind": "university", "country": "DE", "status": "active", "create_anyway": "y"},
    )


def _partner_names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Partner.name)))


@pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgres"), reason="PostgreSQL run only (TEST_DATABASE_URL)")
def test_on_postgresql_a_write_blocked_by_a_table_lock_answers_503_quickly_and_writes_nothing(app, client, auth):
    import time

    app.config["PG_LOCK_TIMEOUT_MS"] = 1000
    auth.login()
    token_page = client.get("/partners/new")
    assert token_page.status_code == 200
    with app.app_context():
        db.engine.dispose()  # new connections pick up the shorter timeout
        other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as holder:
        holder.exec_driver_sql("LOCK TABLE partner IN SHARE MODE")  # readers go on, writers wait
        started = time.monotonic()
        response = _create_partner(client, auth, "Technische Hochschule Ingolstadt")
        waited = time.monotonic() - started
        holder.rollback()
    other.dispose()
    assert response.status_code == 503, response.text[:500]
    assert response.headers["Retry-After"].isdigit()
    assert "Nothing was saved" in response.text
    assert waited < 10
    assert "Technische Hochschule Ingolstadt" not in _partner_names(app)
    assert _create_partner(client, auth, "Technische Hochschule Ingolstadt").status_code == 303


@pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgres"), reason="PostgreSQL run only (TEST_DATABASE_URL)")
def test_on_postgresql_every_connection_has_a_lock_and_a_statement_timeout_below_the_worker_timeout(app):
    with app.app_context():
        db.engine.dispose()
        with db.engine.connect() as connection:
            lock = connection.exec_driver_sql("SHOW lock_timeout").scalar()
            statement = connection.exec_driver_sql("SHOW statement_timeout").scalar()
    assert lock == f"{app.config['PG_LOCK_TIMEOUT_MS']}ms" or lock.endswith("s")
    assert lock != "0" and statement != "0"
    assert app.config["PG_STATEMENT_TIMEOUT_MS"] < 30_000  # gunicorn's default worker timeout


def test_on_sqlite_a_write_blocked_by_another_writer_answers_503_and_writes_nothing(app, client, auth):
    if _is_postgresql(app):
        pytest.skip("SQLite's write lock")
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 200
    auth.login()
    client.get("/partners/new")
    with app.app_context():
        db.engine.dispose()
        other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as holder:
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        response = _create_partner(client, auth, "Technische Hochschule Ingolstadt")
        holder.exec_driver_sql("ROLLBACK")
    other.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "Technische Hochschule Ingolstadt" not in _partner_names(app)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
    ],
    ids=["lock_timeout", "statement_timeout", "deadlock"],
)
def test_postgresql_timeouts_answer_503_with_retry_after(app, client, auth, error):
    def timed_out():
        raise OperationalError("INSERT INTO partner ...", {}, error)

    app.add_url_rule("/test-timed-out", "test_timed_out", timed_out)  # before the first request
    auth.login()
    response = client.get("/test-timed-out")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
