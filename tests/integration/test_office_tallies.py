"""The home page's office-wide figures read kept tallies (crm/core/tallies.py): after every kind
of write (add, edit, archive, restore, delete, an import and its undo, bulk inserts around the
ORM, the demo generator) each tally holds what a recount from its rule gives, and each figure
equals the count of its list's own statement, on every day around today. Runs on SQLite and,
with TEST_DATABASE_URL, PostgreSQL."""
import dataclasses
import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import and_, create_engine, func, insert, select

from crm.agreements.models import Agreement, AgreementDecision, AgreementKind
from crm.agreements.queries import (
    AgreementFilter,
    agreement_list_count_query,
    RENEWAL_GROUP_KEYS,
    in_force_count,
    renewal_groups,
    renewals_by_month,
    renewals_due_count,
    renewals_due_statement,
)
from crm.auth.models import Role
from crm.core import tallies
from crm.core.dates import office_today
from crm.core.tallies import Tally
from crm.demo.generate import Sizes, generate
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.interactions.queries import (
    HistoryFilters,
    _utc_start_of,
    history_count_query,
    history_statement,
    interactions_per_month,
    month_start,
)
from crm.partners.models import Partner
from crm.partners.queries import PartnerFilters, filter_conditions, partner_count_query
from crm.proposals.models import Proposal, ProposalStage
from crm.proposals.queries import (
    Filters,
    board,
    needing_action_count,
    of_live_partner,
    proposals_by_stage,
    proposals_needing_action_count_query,
)
from tests.conftest import import_contact_history

TODAY = office_today()
# 10, -20, -80: the act-by date of "Ends soon" (TODAY + 10) falls on a renewal group's boundary
DAYS = [TODAY + timedelta(days=offset) for offset in (-800, -401, -400, -399, -80, -31, -20, -1, 0, 1, 10, 30, 69, 70, 71, 699, 700, 701, 2000)]


def _kept() -> dict[tuple[str, str], int]:
    return {(name, key): n for name, key, n in db.session.execute(select(Tally.name, Tally.key, Tally.n)) if n}


def _direct_per_month(today: date) -> list[int]:
    starts = [month_start(today, back) for back in range(11, -1, -1)] + [month_start(today, -1)]
    archived = select(Partner.id).where(Partner.archived_at.is_not(None))
    return [db.session.scalar(select(func.count()).select_from(Interaction).where(
        Interaction.occurred_at >= _utc_start_of(starts[index]), Interaction.occurred_at < _utc_start_of(starts[index + 1]),
        Interaction.partner_id.not_in(archived))) for index in range(12)]


def assert_exact(app) -> dict[str, int]:
    """The tallies equal a recount from their rules, and every figure read from them equals its
    list's own count, on each of DAYS; the figures of today."""
    with app.app_context():
        kept = _kept()
        connection = db.session.connection()
        tallies.recount(connection)
        assert _kept() == kept, "a tally differs from its rule"
        db.session.rollback()
        for day in DAYS:
            now = datetime.combine(day, datetime.now().time())
            row = db.session.execute(select(in_force_count(day), renewals_due_count(day), needing_action_count(day, now))).one()
            assert row[0] == db.session.scalar(agreement_list_count_query(AgreementFilter(status="current"), day)), day
            due = renewals_due_statement(day).with_only_columns(Agreement.id).subquery()
            assert row[1] == db.session.scalar(select(func.count()).select_from(due)), day
            assert row[2] == db.session.scalar(proposals_needing_action_count_query(day, now)), day
            # the renewals view's groups and chart, summed from the act-by tally
            groups = {group.key: group.total for group in renewal_groups(day, per_group=0)}
            assert groups == {key: db.session.scalar(agreement_list_count_query(AgreementFilter(renewal=key), day))
                              for key in RENEWAL_GROUP_KEYS}, day
            by_month: dict = {}
            for act_by in db.session.scalars(renewals_due_statement(day).with_only_columns(Agreement.act_by)):
                start = None if act_by < day else act_by.replace(day=1)
                by_month[start] = by_month.get(start, 0) + 1
            chart = renewals_by_month(day)
            assert [(month.start, month.count) for month in chart] == [(month.start, by_month.get(month.start, 0)) for month in chart], day
            assert sum(month.count for month in chart) == row[1], day
        listed = history_statement(HistoryFilters()).with_only_columns(Interaction.id).subquery()
        interactions = db.session.scalar(history_count_query())
        assert interactions == db.session.scalar(select(func.count()).select_from(listed))
        assert [count for _start, count in interactions_per_month(TODAY)] == _direct_per_month(TODAY)
        direct_stages = dict(db.session.execute(
            select(Proposal.stage, func.count()).where(Proposal.archived_at.is_(None), of_live_partner()).group_by(Proposal.stage)).all())
        assert proposals_by_stage() == [(stage, direct_stages.get(stage, 0)) for stage, _count in proposals_by_stage()]
        assert board(Filters()).counts == {stage: direct_stages.get(stage, 0) for stage in ProposalStage}
        assert board(Filters(stage=ProposalStage.IDEA)).counts == {
            stage: direct_stages.get(stage, 0) if stage == ProposalStage.IDEA else 0 for stage in ProposalStage}
        filters = PartnerFilters(today=TODAY)
        partners = db.session.scalar(partner_count_query(filters))
        assert partners == db.session.scalar(select(func.count(Partner.id)).where(*filter_conditions(filters)))
        return {"partners": partners, "interactions": interactions, "in_force": db.session.scalar(select(in_force_count(TODAY))),
                "stages": sum(count for _stage, count in proposals_by_stage())}


def _office(factory):
    """Partners with agreements of every status, interactions this month and long ago, proposals
    open, closed, stale and due."""
    kiel, kassel = factory.partner(name="BSK Kiel", country="DE"), factory.partner(name="Hochschule Kassel", country="DE")
    factory.agreement([kiel], title="In force")
    factory.agreement([kiel], title="Open-ended", valid_from=None, valid_until=None)
    factory.agreement([kassel], title="Ends soon", valid_until=TODAY + timedelta(days=70))
    factory.agreement([kassel], title="Starts later", valid_from=TODAY + timedelta(days=30))
    factory.agreement([kassel], title="Expired", valid_until=TODAY - timedelta(days=31))
    factory.agreement([kassel], title="Empty period", valid_from=TODAY, valid_until=TODAY - timedelta(days=1))
    factory.agreement([kassel], title="Draft", signed_on=None)
    factory.agreement([kiel], title="Lapsing", decision=AgreementDecision.LAPSE)
    factory.agreement([kiel], title="Renewed", decision=AgreementDecision.RENEWED)
    for partner_id, moment in ((kiel, datetime.now() - timedelta(days=2)), (kiel, datetime(2024, 3, 1, 16, 30)),
                               (kassel, datetime.now() - timedelta(days=100))):
        factory.interaction(partner_id, occurred_at=moment)
    factory.proposal(kiel, title="Due", next_step_on=TODAY - timedelta(days=1), next_step="Call")
    factory.proposal(kiel, title="Stale", stage_changed_at=datetime.now() - timedelta(days=90))
    factory.proposal(kassel, title="Fresh", stage=ProposalStage.DRAFTING)
    factory.proposal(kassel, title="Closed", stage=ProposalStage.DECLINED, stage_changed_at=datetime.now() - timedelta(days=90))
    return kiel, kassel


def test_the_figures_equal_their_lists_after_adding_records(app, factory):
    _office(factory)
    figures = assert_exact(app)
    assert figures == {"partners": 2, "interactions": 3, "in_force": 4, "stages": 4}


def test_edits_and_deletes_move_the_tallies(app, factory):
    kiel, kassel = _office(factory)
    with app.app_context():
        agreement = db.session.scalar(select(Agreement).where(Agreement.title == "In force"))
        agreement.valid_until = TODAY - timedelta(days=1)
        db.session.scalar(select(Agreement).where(Agreement.title == "Draft")).signed_on = TODAY
        db.session.scalar(select(Agreement).where(Agreement.title == "Ends soon")).decision = AgreementDecision.RENEWED
        db.session.delete(db.session.scalar(select(Agreement).where(Agreement.title == "Starts later")))
        interaction = db.session.scalar(select(Interaction).where(Interaction.partner_id == kassel))
        interaction.occurred_at = datetime.now() - timedelta(days=1)
        interaction.partner_id = kiel
        db.session.delete(db.session.scalar(select(Interaction).where(Interaction.occurred_at == datetime(2024, 3, 1, 16, 30))))
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == "Stale"))
        proposal.stage, proposal.stage_changed_at = ProposalStage.SIGNED, datetime.now()
        db.session.scalar(select(Proposal).where(Proposal.title == "Due")).next_step_on = TODAY + timedelta(days=3)
        db.session.delete(db.session.scalar(select(Proposal).where(Proposal.title == "Fresh")))
        db.session.commit()
    figures = assert_exact(app)
    assert figures["interactions"] == 2 and figures["stages"] == 3


def test_archiving_and_restoring_a_partner_and_a_proposal(app, client, auth, factory):
    kiel, _kassel = _office(factory)
    auth.login(Role.ADMIN)
    token = auth.csrf(f"/partners/{kiel}/archive")
    with app.app_context():
        version = db.session.get(Partner, kiel).version
    assert client.post(f"/partners/{kiel}/archive", data={"csrf_token": token, "version": str(version)}).status_code == 303
    figures = assert_exact(app)
    assert figures == {"partners": 1, "interactions": 1, "in_force": 4, "stages": 2}  # agreements do not follow their partner
    with app.app_context():
        version = db.session.get(Partner, kiel).version
    assert client.post(f"/partners/{kiel}/restore", data={"csrf_token": token, "version": str(version)}).status_code == 303
    assert assert_exact(app)["interactions"] == 3
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == "Due"))
        proposal_id, version = proposal.id, proposal.version
        agreement = db.session.scalar(select(Agreement).where(Agreement.title == "In force"))
        agreement.archived_at = datetime.now()
        db.session.commit()
    assert client.post(f"/proposals/{proposal_id}/archive", data={"csrf_token": token, "version": str(version)}).status_code == 303
    figures = assert_exact(app)
    assert figures["stages"] == 3 and figures["in_force"] == 3
    with app.app_context():
        version = db.session.get(Proposal, proposal_id).version
    assert client.post(f"/proposals/{proposal_id}/restore", data={"csrf_token": token, "version": str(version)}).status_code == 303
    assert assert_exact(app)["stages"] == 4


def test_importing_contact_history_and_undoing_it(app, client, auth, factory):
    auth.login(Role.ADMIN)
    factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    rows = [["日期", "合作伙伴", "方式", "主题"], ["2025/10/15 10:00", "BSK", "会谈", "预科班招生"],
            ["2025-11-03 09:00", "BSK", "", "Visit"]]
    batch_id, token = import_contact_history(client, auth, rows)
    assert assert_exact(app)["interactions"] > 0
    assert client.post(f"/import/{batch_id}/undo", data={"csrf_token": token, "confirmed": "1"}).status_code == 303
    assert assert_exact(app)["interactions"] == 0


def test_bulk_inserts_around_the_orm_are_counted_by_the_database(app, factory):
    partner_id = factory.partner()
    with app.app_context():
        stamp = {"version": 1, "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}
        db.session.execute(insert(Interaction), [
            {"partner_id": partner_id, "occurred_at": datetime.now() - timedelta(days=days), "kind": InteractionKind.OTHER,
             "subject": "x"} | stamp for days in (1, 40, 400)])
        db.session.execute(insert(Agreement), [{"title": "Bulk", "kind": AgreementKind.MOU, "signed_on": TODAY,
                                                "valid_until": TODAY + timedelta(days=60), "act_by": TODAY - timedelta(days=30),
                                                "notice_days": 90, "auto_renew": False} | stamp])
        db.session.execute(insert(Proposal), [{"title": "Bulk", "kind": AgreementKind.MOU, "partner_id": partner_id,
                                               "stage": ProposalStage.IDEA, "stage_changed_at": datetime(2025, 1, 1)} | stamp])
        db.session.commit()
    assert assert_exact(app) == {"partners": 1, "interactions": 3, "in_force": 1, "stages": 1}


def test_the_demo_generator_leaves_exact_tallies(app):
    with app.app_context():
        generate(Sizes.scaled(0.01), seed=5)
        assert tallies.trigger_names(db.session.connection()) == tallies.expected_trigger_names(db.engine.dialect.name)
    figures = assert_exact(app)
    assert figures["interactions"] > 0 and figures["in_force"] > 0 and figures["stages"] > 0


def test_on_postgresql_two_writers_of_several_hours_take_turns_instead_of_deadlocking(app, factory):
    """Each interaction moves two tally rows (its hour's and the total): a long write (an import)
    and a short one (a meeting logged meanwhile) would lock them in opposite orders. The
    statements take the table's tally lock first, so the second writer waits for the first."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL's row locks (SQLite has one writer at a time)")
    partner_id = factory.partner()
    stamp = {"version": 1, "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1),
             "partner_id": partner_id, "kind": InteractionKind.OTHER, "subject": "x"}
    first_hour, second_hour = datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 15)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second_writer():
        try:
            with engine.begin() as connection:
                connection.execute(insert(Interaction), [stamp | {"occurred_at": second_hour}])
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
        finally:
            second_done.set()

    with engine.connect() as first:
        first.exec_driver_sql("SET deadlock_timeout = '200ms'")
        first.commit()
        transaction = first.begin()
        first.execute(insert(Interaction), [stamp | {"occurred_at": first_hour}])
        writer = threading.Thread(target=second_writer)
        writer.start()
        assert not second_done.wait(0.5)  # it waits for the first writer
        first.execute(insert(Interaction), [stamp | {"occurred_at": second_hour + timedelta(minutes=5)}])
        transaction.commit()
    writer.join(10)
    engine.dispose()
    assert not errors, errors
    with app.app_context():
        assert assert_exact(app)["interactions"] == 3


def _postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL's row locks (SQLite has one writer at a time)")


def test_on_postgresql_archiving_a_partner_while_its_interactions_are_logged_does_not_deadlock(app, factory):
    """A flush that logs interactions of two partners holds the interactions' tally lock, then
    locks the second partner's row (its last contact); an admin archives that partner meanwhile.
    The archive takes the tally lock before the partner's row, so it waits instead of holding the
    row the writer needs (a deadlock: 503)."""
    _postgresql_only(app)
    archived, other = factory.partner(name="Archived meanwhile"), factory.partner(name="Other")
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    errors: list[BaseException] = []

    def archiver():
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("SET deadlock_timeout = '200ms'")
                connection.exec_driver_sql("UPDATE partner SET archived_at = now(), version = version + 1 WHERE id = %s",
                                           (archived,))
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    with app.app_context():
        db.session.execute(select(func.set_config("deadlock_timeout", "200ms", True)))
        db.session.add(Interaction(partner_id=other, occurred_at=datetime(2026, 3, 1, 9), kind=InteractionKind.MEETING, subject="a"))
        db.session.flush()
        thread = threading.Thread(target=archiver)
        thread.start()
        thread.join(0.7)  # the archive waits for the writer
        db.session.add(Interaction(partner_id=archived, occurred_at=datetime(2026, 3, 1, 10), kind=InteractionKind.MEETING,
                                   subject="b"))
        db.session.flush()
        db.session.commit()
    thread.join(10)
    engine.dispose()
    assert not errors, errors
    with app.app_context():
        assert db.session.get(Partner, archived).archived_at is not None
    assert assert_exact(app)["interactions"] == 1


def test_on_postgresql_an_agreement_edit_does_not_wait_for_an_interaction_import(app, factory):
    """Each tallied table has its own lock: an open transaction that wrote interactions (an
    import) does not hold back an edit of an agreement (before: one lock for every tally, and the
    edit failed after lock_timeout: 503)."""
    _postgresql_only(app)
    partner_id = factory.partner()
    agreement_id = factory.agreement([partner_id])
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as importer:
        transaction = importer.begin()
        importer.execute(insert(Interaction), [{"partner_id": partner_id, "occurred_at": datetime(2026, 3, 1, 9), "subject": "imported",
                                                "kind": InteractionKind.MEETING, "version": 1, "created_at": datetime(2026, 3, 1),
                                                "updated_at": datetime(2026, 3, 1)}])
        with app.app_context():
            db.session.execute(select(func.set_config("lock_timeout", "1000", True)))
            db.session.get(Agreement, agreement_id).valid_until = TODAY + timedelta(days=400)
            db.session.commit()
        transaction.commit()
    engine.dispose()
    assert assert_exact(app)["interactions"] == 1


def test_making_the_triggers_again_replaces_a_changed_tally(app, factory, monkeypatch):
    """A migration that changes a tally's rule calls `create_triggers`: the triggers then count by
    the new rule (SQLite kept the old trigger: CREATE TRIGGER IF NOT EXISTS)."""
    declared = tallies._tallies["proposal.in_sight_by_stage"]
    monkeypatch.setitem(tallies._tallies, declared.name, dataclasses.replace(
        declared, rule=lambda: and_(Proposal.archived_at.is_(None), Proposal.title == "Counted")))
    with app.app_context():
        tallies.create_triggers(db.session.connection(), [declared.name])
        tallies.recount(db.session.connection(), [declared.name])
        db.session.commit()
    partner_id = factory.partner()
    factory.proposal(partner_id, title="Counted")
    factory.proposal(partner_id, title="Not counted")
    with app.app_context():
        assert db.session.scalar(select(tallies.tally_sum(declared))) == 1
        monkeypatch.undo()
        tallies.create_triggers(db.session.connection(), [declared.name])
        tallies.recount(db.session.connection(), [declared.name])
        db.session.commit()
    assert assert_exact(app)["stages"] == 2


@pytest.mark.parametrize("table", ["interaction", "proposal", "agreement", "partner"])
def test_a_batch_migration_inside_tallies_suspended_keeps_the_triggers_and_the_counts(app, factory, table):
    """SQLite's batch mode copies the table into a new one: without `tallies_suspended` the copy
    fails in a tally trigger that names the table, or loses the table's triggers."""
    _office(factory)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's batch mode (a copy of the table)")
        with db.engine.connect() as connection:
            before = tallies.trigger_names(connection)
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # a copy of `partner` drops the table others point at
            connection.commit()
            with connection.begin():
                operations = Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))
                with tallies.tallies_suspended(connection), operations.batch_alter_table(table, recreate="always") as batch:
                    batch.add_column(sa.Column("extra", sa.String(20)))
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            assert tallies.trigger_names(connection) == before == tallies.expected_trigger_names("sqlite")
    assert_exact(app)
