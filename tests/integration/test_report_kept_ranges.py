"""The kept ranges (crm/reports/models.py: report_kept_range, report_subject_range,
report_partner_range): the report of a kept range ranks its largest subjects and partners from
them, and finds what summing the yearly rows finds; the writes of outcomes keep them in the same
flush; a new day's ranges are listed and summed."""
import pytest
from sqlalchemy import delete, insert, select

from crm import create_app
from crm.core.dates import office_today
from crm.demo.generate import Sizes, generate
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus
from crm.reports.models import ReportKeptRange, ReportPartnerRange, ReportSubjectRange, kept_ranges
from crm.reports.queries import build_report
from crm.reports.summary import list_kept_ranges, store_summary, summarise_if_waiting
from tests.conftest import TEST_DATABASE_URL

SIZES = Sizes(partners=60, countries=10, contacts=60, agreements=120, interactions=100, follow_ups=20, proposals=10, users=3)


@pytest.fixture
def office(tmp_path):
    if TEST_DATABASE_URL:
        pytest.skip("generates into its own SQLite file")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ranges.sqlite3'}"})
    with app.app_context():
        db.create_all()
        generate(SIZES, seed=7, today=office_today())
        db.session.commit()
    return app


def _ranked(app, first: int, last: int, focus: str):
    with app.test_request_context():
        report = build_report(first, last, partner_limit=5, focus=focus, rank_overall=False)
        return report.by_category_subject, report.by_partner, report.more_partners, report.partners_ranked(focus)


def _rows(app, table) -> set[tuple]:
    with app.app_context():
        return {tuple(row) for row in db.session.execute(select(table))}


@pytest.mark.parametrize("focus", ["outbound_students", "certificates_earned", "experts_hosted"])
def test_a_kept_range_ranks_as_the_yearly_rows_do(office, focus):
    ranges = sorted(kept_ranges(office_today()))
    assert _rows(office, ReportKeptRange.__table__) == set(ranges)
    assert _rows(office, ReportSubjectRange.__table__) and _rows(office, ReportPartnerRange.__table__)
    kept = {(first, last): _ranked(office, first, last, focus) for first, last in ranges}
    assert any(subjects and partners for subjects, partners, _more, _ranked_ in kept.values())
    with office.app_context():
        db.session.execute(delete(ReportKeptRange.__table__))  # no range listed: every one summed from the yearly rows
        db.session.commit()
    for (first, last), found in kept.items():
        assert _ranked(office, first, last, focus) == found, (first, last)


def _outcome_form(app) -> dict:
    with app.app_context():
        agreement_id = db.session.scalar(select(Outcome.agreement_id).where(Outcome.agreement_id.is_not(None)).limit(1))
    return {"agreement_id": agreement_id}


def test_writes_of_outcomes_keep_the_kept_ranges(office):
    year = max(last for _first, last in kept_ranges(office_today()))
    agreement_id = _outcome_form(office)["agreement_id"]

    def assert_current():
        with office.app_context():
            assert store_summary() == 0
            db.session.rollback()

    with office.app_context():
        outcome = Outcome(agreement_id=agreement_id, year=year, category=OutcomeCategory.CERTIFICATES_EARNED, count=977,
                          status=OutcomeStatus.PENDING)
        db.session.add(outcome)
        db.session.commit()
        outcome_id = outcome.id
    assert_current()
    ranged = ReportSubjectRange.__table__
    with office.app_context():
        outcome = db.session.get(Outcome, outcome_id)
        outcome.status = OutcomeStatus.APPROVED  # approved: the largest subject of every kept range that holds its year
        db.session.commit()
        largest = db.session.execute(select(ranged.c.first, ranged.c.last, ranged.c.agreement_id).where(
            ranged.c.category == "certificates_earned", ranged.c.first <= year, ranged.c.last >= year)
            .order_by(ranged.c.first, ranged.c.last, ranged.c.total.desc()).distinct()).all()
    assert_current()
    with office.app_context():
        holding = {(first, last) for first, last in kept_ranges(office_today()) if first <= year <= last}
        firsts = {}
        for first, last, agreement in largest:
            firsts.setdefault((first, last), agreement)
        assert set(firsts) == holding and set(firsts.values()) == {agreement_id}
    with office.app_context():
        outcome = db.session.get(Outcome, outcome_id)
        outcome.year, outcome.category, outcome.count = year - 1, OutcomeCategory.OUTBOUND_STUDENTS, 5  # moved and edited
        db.session.commit()
    assert_current()
    with office.app_context():
        db.session.delete(db.session.get(Outcome, outcome_id))
        db.session.commit()
    assert_current()


def test_a_new_day_lists_its_ranges_and_sums_them(office):
    with office.app_context():
        table = ReportKeptRange.__table__
        db.session.execute(delete(table))
        db.session.execute(insert(table), [{"first": 1999, "last": 2001}])  # an old year's list
        db.session.commit()
        assert list_kept_ranges(db.session.connection())
        db.session.commit()
        assert not list_kept_ranges(db.session.connection())  # listed already
    assert _rows(office, table) == kept_ranges(office_today())
    with office.app_context():
        assert store_summary() == 0
        db.session.rollback()


def test_flask_setup_lists_a_new_years_ranges(app):
    """`flask setup` (every start) calls summarise_if_waiting: with nothing waiting, it lists the
    day's ranges where an older list stands, and commits them."""
    table = ReportKeptRange.__table__
    with app.app_context():
        db.session.execute(delete(table))
        db.session.execute(insert(table), [{"first": 1999, "last": 2001}])
        db.session.commit()
        assert summarise_if_waiting() is False
        db.session.rollback()  # committed already
    assert _rows(app, table) == kept_ranges(office_today())


def test_ties_and_both_kinds_of_subject_rank_alike_kept_or_summed(app, factory):
    """On either database: agreements and partners alone, tied totals across the 10th place, a
    kept range against the same range summed from the yearly rows."""
    this_year = max(last for _first, last in kept_ranges(office_today()))
    partners = [factory.partner(name=f"Partner {n}", country="DE" if n % 2 else "AU") for n in range(14)]
    agreements = [factory.agreement([partners[n], partners[n + 1]], title=f"Agreement {n}") for n in range(0, 12, 2)]
    with app.app_context():
        for n, agreement_id in enumerate(agreements):  # 30 each, in one year or spread over two
            for year, count in ((this_year, 30),) if n % 2 else ((this_year, 10), (this_year - 1, 20)):
                db.session.add(Outcome(agreement_id=agreement_id, year=year, category=OutcomeCategory.OUTBOUND_STUDENTS, count=count))
        for n, partner_id in enumerate(partners):  # partners alone: ties with the agreements, and smaller
            db.session.add(Outcome(partner_id=partner_id, year=this_year - (n % 3), category=OutcomeCategory.OUTBOUND_STUDENTS,
                                   count=30 if n < 6 else n))
        db.session.commit()
    kept = {(first, last): _ranked(app, first, last, "outbound_students")
            for first, last in kept_ranges(office_today()) if first <= this_year - 1}
    assert any(len(subjects) == 10 for subjects, *_rest in kept.values())
    with app.app_context():
        db.session.execute(delete(ReportKeptRange.__table__))
        db.session.commit()
    for (first, last), found in kept.items():
        assert _ranked(app, first, last, "outbound_students") == found, (first, last)
