"""The migrations build the schema from empty, and match the models (no drift)."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from crm import create_app
from crm.config import normalise_database_url
from crm.extensions import db
from crm.partners.search_index import schema_comparison_filter
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_app(tmp_path):
    """An app over an empty database: a new SQLite file, or the emptied PostgreSQL test database."""
    uri = normalise_database_url(TEST_DATABASE_URL) if TEST_DATABASE_URL else f"sqlite:///{tmp_path / 'm.sqlite3'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": uri})
    _empty(app)
    yield app
    _empty(app)


def _empty(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_upgrade_from_empty_matches_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True,
                                  "include_object": schema_comparison_filter(connection.dialect.name)}
            )
            assert compare_metadata(context, db.metadata) == []
        assert set(inspect(db.engine).get_table_names()) >= set(db.metadata.tables)


def test_migrations_run_past_the_requests_statement_timeout(empty_app):
    """A migration over a large office's rows runs longer than a request may (PostgreSQL's
    statement_timeout, crm/core/database.py): the migrations lift it for their transaction only."""
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL's statement_timeout")
    with empty_app.app_context():
        db.engine.dispose()
        empty_app.config["PG_STATEMENT_TIMEOUT_MS"] = 1  # every statement of the migrations would be cut
        upgrade()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "1ms"
        empty_app.config["PG_STATEMENT_TIMEOUT_MS"] = 20_000
        db.engine.dispose()


def test_downgrade_to_empty_and_back(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()


def test_flask_db_check_reports_no_drift(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_agreements_marked_renewed_by_an_unsigned_draft_are_undecided_again(empty_app):
    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(revision="0f3243c57015")
        with db.engine.begin() as connection:
            for id_, predecessor, signed, decision in [
                (1, None, "2020-01-01", "renewed"),  # renewed by 2, a draft: wrongly marked
                (2, 1, None, None),
                (3, None, "2020-01-01", "renewed"),  # renewed by 4, signed: stays renewed
                (4, 3, "2023-01-01", None),
            ]:
                connection.execute(
                    text(
                        "INSERT INTO agreement (id, title, kind, signed_on, auto_renew, predecessor_id, decision,"
                        " decided_at, created_at, updated_at, version)"
                        " VALUES (:id, 'A', 'mou', :signed, false, :predecessor, :decision, :decided, :now, :now, 1)"
                    ),
                    {"id": id_, "signed": signed, "predecessor": predecessor, "decision": decision,
                     "decided": "2024-01-01 00:00:00" if decision else None, "now": "2024-01-01 00:00:00"},
                )
        upgrade()
        with db.engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT id, decision FROM agreement ORDER BY id")).all())
        assert rows == {1: None, 2: None, 3: "renewed", 4: None}


def test_the_search_index_migration_builds_documents_for_existing_partners(empty_app):
    from sqlalchemy import select, text

    from crm.partners.models import Partner
    from crm.partners.search import search_condition

    with empty_app.app_context():
        upgrade(revision="3c5e0bf93cf8")
        with db.engine.begin() as connection:
            now = "2024-01-01 00:00:00"
            connection.execute(text(
                "INSERT INTO partner (id, name, local_name, kind, country, city, status, created_at, updated_at, version)"
                " VALUES (1, 'Hiroshima University', '広島大学', 'university', 'JP', 'Higashi-Hiroshima', 'active', :now, :now, 1),"
                " (2, 'BMW AG', NULL, 'company', 'DE', NULL, 'active', :now, :now, 1)"), {"now": now})
            connection.execute(text(
                "INSERT INTO contact (partner_id, name, email, is_primary, active, created_at, updated_at, version)"
                " VALUES (2, 'Jürgen Weiß', 'jw@bmw.de', false, true, :now, :now, 1),"
                " (2, 'Left Already', NULL, false, false, :now, :now, 1)"), {"now": now})
            connection.execute(text("INSERT INTO tag (id, name) VALUES (1, 'Automotive')"))
            connection.execute(text("INSERT INTO partner_tag (partner_id, tag_id) VALUES (2, 1)"))
        upgrade()

        def found(term):
            return set(db.session.scalars(select(Partner.id).where(search_condition(term))))

        assert found("広島") == found("hiroshima") == {1}
        assert found("weiß") == found("automotive") == found("jw@") == {2}
        assert found("Left Already") == set()


def test_the_country_counts_are_filled_and_kept_after_every_migration(empty_app):
    """The counts per country come from the partners there before, and the triggers that keep
    them stand at the head (a later batch copy of `partner` on SQLite would drop them: this
    test says so)."""
    from sqlalchemy import select, text

    from crm.partners.models import PartnerCountryCount

    with empty_app.app_context():
        upgrade(revision="b8a43bb945a0")
        now = "2024-01-01 00:00:00"
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO partner (id, name, kind, country, status, archived_at, created_at, updated_at, version)"
                " VALUES (1, 'A', 'company', 'DE', 'active', NULL, :now, :now, 1),"
                " (2, 'B', 'company', 'DE', 'active', :now, :now, :now, 1),"
                " (3, 'C', 'company', 'AU', 'active', NULL, :now, :now, 1)"), {"now": now})
        upgrade()

        def counts():
            return dict(db.session.execute(
                select(PartnerCountryCount.country, PartnerCountryCount.partners).where(PartnerCountryCount.partners > 0)).all())

        assert counts() == {"DE": 1, "AU": 1}
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO partner (id, name, kind, country, status, created_at, updated_at, version)"
                " VALUES (4, 'D', 'company', 'AU', 'active', :now, :now, 1)"), {"now": now})
            connection.execute(text("UPDATE partner SET archived_at = NULL WHERE id = 2"))
        db.session.rollback()
        assert counts() == {"DE": 2, "AU": 2}


def test_every_tally_has_its_triggers_after_every_migration(empty_app):
    """The tallies' triggers (crm/core/tallies.py) stand at the head: a later migration that
    rebuilds a tallied table without `tallies_suspended` (SQLite's batch copy) would lose them."""
    from crm.core import tallies

    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            assert tallies.trigger_names(connection) == tallies.expected_trigger_names(connection.dialect.name)


def test_visits_that_arrived_before_today_become_held_the_others_planned(empty_app):
    """Migration 17c7b0a1d103: a visit's status from its arrival; where a visit is now planned (it
    stops counting as received), the report's summary is marked as waiting for the records' sums,
    which `flask setup` (summarise_if_waiting) makes without the planned visit."""
    from datetime import timedelta

    from sqlalchemy import select, text

    from crm.core.dates import office_today
    from crm.reports.models import ReportTotal
    from crm.reports.summary import summarise_if_waiting

    today = office_today()
    with empty_app.app_context():
        upgrade(revision="b36641f6fe0a")
        now = "2024-01-01 00:00:00"
        with db.engine.begin() as connection:
            for id_, arrive in ((1, today - timedelta(days=400)), (2, today), (3, today + timedelta(days=30))):
                connection.execute(text(
                    "INSERT INTO visit (id, title, purpose_kind, arrive_on, leave_on, visa_help, reception_level, created_at, updated_at, version)"
                    " VALUES (:id, 'A delegation', 'exchange', :arrive, :arrive, false, 'office', :now, :now, 1)"),
                    {"id": id_, "arrive": arrive, "now": now})
        upgrade()
        with db.engine.connect() as connection:
            assert dict(connection.execute(text("SELECT id, status FROM visit ORDER BY id")).all()) == {
                1: "held", 2: "planned", 3: "planned"}
        assert summarise_if_waiting()
        received = db.session.execute(select(ReportTotal.year, ReportTotal.total).where(
            ReportTotal.category == "delegations_received", ReportTotal.year_kind == "calendar")).all()
        assert [tuple(row) for row in received] == [((today - timedelta(days=400)).year, 1)]
