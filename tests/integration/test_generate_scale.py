"""The bench generator at a small scale: every count as asked, the database usable afterwards
(sequences past the generated ids, the build's settings put back) and, on PostgreSQL, planner
statistics for the tables it filled. Runs on PostgreSQL too when TEST_DATABASE_URL is set."""
from datetime import date

from sqlalchemy import func, select, text

from crm.agreements.models import Agreement
from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.demo.generate import Sizes, generate
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction
from crm.partners.models import Partner, PartnerKind
from crm.proposals.models import Proposal

SIZES = Sizes.scaled(0.01)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_scale_one_hundredth_is_a_hundredth_of_the_default_office():
    assert (SIZES.partners, SIZES.contacts, SIZES.interactions, SIZES.countries) == (100, 300, 2_000, 120)


def test_a_small_scale_builds_with_the_counts_asked(app):
    with app.app_context():
        counts = generate(SIZES, seed=3, today=date(2026, 11, 25))
        assert {model: _count(model) for model in (User, Partner, Contact, Agreement, Interaction, FollowUp, Proposal)} == {
            User: SIZES.users, Partner: SIZES.partners, Contact: SIZES.contacts, Agreement: SIZES.agreements,
            Interaction: SIZES.interactions, FollowUp: SIZES.follow_ups, Proposal: SIZES.proposals}
        assert counts["partners"] == SIZES.partners and counts["follow-ups"] == SIZES.follow_ups
        assert counts["outcomes"] > 0 and counts["trips"] == SIZES.partners // 5
        assert _count(AuditEntry) == 0  # Core inserts: the audit hook (ORM flushes) is not involved
        # Every interaction has its author among its staff, and its participants work for its partner.
        assert db.session.scalar(text("SELECT count(*) FROM interaction_user")) == SIZES.interactions
        assert not db.session.scalar(text(
            "SELECT count(*) FROM interaction_contact ic JOIN interaction i ON i.id = ic.interaction_id "
            "JOIN contact c ON c.id = ic.contact_id WHERE c.partner_id <> i.partner_id"))


def test_the_application_inserts_after_the_generated_ids(app):
    with app.app_context():
        generate(SIZES, seed=3, today=date(2026, 11, 25))
        partner = Partner(name="Added by hand", kind=list(PartnerKind)[0], country="DE")
        db.session.add(partner)
        db.session.commit()
        assert partner.id == SIZES.partners + 1


def test_the_build_leaves_the_connection_settings_and_statistics_right(app):
    with app.app_context():
        generate(SIZES, seed=3, today=date(2026, 11, 25))
        if db.engine.dialect.name == "sqlite":
            # synchronous=OFF is for the build only: the pooled connection is back at NORMAL (1).
            assert db.session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1
            # ANALYZE ran: sqlite_stat1 holds the statistics of the partner table's indexes.
            assert db.session.connection().exec_driver_sql(
                "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'partner'").scalar() > 0
        else:
            # ANALYZE ran: pg_class knows the row counts (-1 for a table never analysed).
            tuples = db.session.execute(text(
                "SELECT relname, reltuples FROM pg_class WHERE relname IN ('partner', 'interaction')")).all()
            assert dict(tuples) == {"partner": SIZES.partners, "interaction": SIZES.interactions}
