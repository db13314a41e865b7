"""The report's summary (crm/reports/summary.py) is kept by every kind of write: after each, it holds
what summing it again from the outcomes and the records gives (`store_summary` finds no row to
change), and the report reads its figures from it."""
from datetime import date

import pytest
from sqlalchemy import delete, insert, select

from crm.agreements.models import Agreement
from crm.experts.models import Expert, Stay, StayTerm
from crm.extensions import db
from crm.outcomes.models import Indicator, Outcome, OutcomeCategory, OutcomeStatus, report_year_of
from crm.partners.models import Partner
from crm.programmes.models import Enrolment, Programme, ProgrammeKind
from crm.reports.models import TYPED, UNSUMMED, ReportCountry, ReportPartner, ReportTotal
from crm.reports.queries import build_report
from crm.reports.sources import figures
from crm.reports.summary import store_summary
from crm.trips.models import Trip, TripMember, TripStatus
from crm.visits.models import Visit

THIS_YEAR = report_year_of(date.today())
YEAR = THIS_YEAR - 1


def _form(prefix="new-outcome", **fields) -> dict:
    values = {"year": YEAR, "category": "certificates_earned", "count": 54, "detail": "AHK, students",
              "school_id": "", "indicator_id": "", "note": "", **fields}
    return {f"{prefix}-{key}": value for key, value in values.items()}


@pytest.fixture
def partners(factory):
    return factory.partner(name="EBG Germany", country="DE"), factory.partner(name="Holmesglen Institute", country="AU")


@pytest.fixture
def agreement_id(factory, partners):
    return factory.agreement(list(partners), title="AHK certificate training", signed_on=date(YEAR - 2, 1, 1),
                             valid_from=date(YEAR - 2, 1, 1))


def assert_summary_is_current(app) -> None:
    """Summing everything again changes no row (and leaves the database as it was)."""
    with app.app_context():
        assert store_summary() == 0
        db.session.rollback()


def _typed(app, model) -> set[tuple]:
    with app.app_context():
        table = model.__table__
        return {tuple(row) for row in db.session.execute(
            select(*(c for c in table.c if c.name not in ("source", "year_kind"))).where(table.c.source == TYPED))}


def test_outcomes_entered_edited_approved_sent_back_and_deleted_keep_the_summary(app, client, auth, agreement_id, partners):
    ebg, holmesglen = partners
    auth.login()
    assert client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form()}).status_code == 303
    assert_summary_is_current(app)
    # once for the year and category, once for each partner, once for each country
    assert _typed(app, ReportTotal) == {(YEAR, "certificates_earned", 54)}
    assert _typed(app, ReportPartner) == {(YEAR, "certificates_earned", ebg, 54), (YEAR, "certificates_earned", holmesglen, 54)}
    assert _typed(app, ReportCountry) == {(YEAR, "certificates_earned", "DE", 54), (YEAR, "certificates_earned", "AU", 54)}

    with app.app_context():
        outcome_id = db.session.scalar(select(Outcome.id))
        version = db.session.get(Outcome, outcome_id).version
    prefix = f"outcome-{outcome_id}"
    edited = client.post(f"/outcomes/{outcome_id}/edit", data={
        "csrf_token": auth.csrf(), **_form(prefix, year=YEAR - 1, category="teachers_trained", count=12), f"{prefix}-version": version})
    assert edited.status_code == 303
    assert_summary_is_current(app)
    assert _typed(app, ReportTotal) == {(YEAR - 1, "teachers_trained", 12)}  # the old year and category emptied

    with app.app_context():
        outcome = db.session.get(Outcome, outcome_id)
        outcome.status = OutcomeStatus.PENDING  # waiting: counts nowhere
        db.session.commit()
    assert_summary_is_current(app)
    assert _typed(app, ReportTotal) == set()
    with app.app_context():
        version = db.session.get(Outcome, outcome_id).version
    assert client.post(f"/outcomes/{outcome_id}/approve", data={"csrf_token": auth.csrf(), "version": version}).status_code == 303
    assert_summary_is_current(app)
    assert _typed(app, ReportTotal) == {(YEAR - 1, "teachers_trained", 12)}
    with app.app_context():
        version = db.session.get(Outcome, outcome_id).version
    sent_back = client.post(f"/outcomes/{outcome_id}/return", data={"csrf_token": auth.csrf(), "version": version, "reason": "Which year?"})
    assert sent_back.status_code == 303
    assert_summary_is_current(app)
    assert _typed(app, ReportTotal) == set()

    with app.app_context():
        db.session.add(Outcome(partner_id=ebg, year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=3))
        db.session.commit()
        db.session.delete(db.session.get(Outcome, outcome_id))
        db.session.commit()
    assert_summary_is_current(app)
    assert _typed(app, ReportPartner) == {(YEAR, "outbound_students", ebg, 3)}  # an outcome of a partner alone


def test_an_agreements_partners_and_a_partners_country_move_its_outcomes(app, agreement_id, partners, factory):
    ebg, holmesglen = partners
    bsk = factory.partner(name="BSK", country="DE")
    with app.app_context():
        db.session.add(Outcome(agreement_id=agreement_id, year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=10))
        db.session.commit()
        agreement = db.session.get(Agreement, agreement_id)
        agreement.partners = [db.session.get(Partner, ebg), db.session.get(Partner, bsk)]
        db.session.commit()
    assert_summary_is_current(app)
    assert _typed(app, ReportCountry) == {(YEAR, "outbound_students", "DE", 10)}  # two German partners: Germany once
    assert {row[2] for row in _typed(app, ReportPartner)} == {ebg, bsk}
    with app.app_context():
        db.session.get(Partner, bsk).country = "FR"
        db.session.commit()
    assert_summary_is_current(app)
    assert _typed(app, ReportCountry) == {(YEAR, "outbound_students", "DE", 10), (YEAR, "outbound_students", "FR", 10)}


def test_records_written_keep_the_summary_and_win_over_typed_outcomes(app, partners):
    ebg, holmesglen = partners
    with app.app_context():
        db.session.add(Outcome(partner_id=ebg, year=YEAR, category=OutcomeCategory.EXPERTS_HOSTED, count=7))
        db.session.commit()
    with app.test_request_context():
        assert build_report(YEAR, YEAR).by_category == {"experts_hosted": 7}
    with app.app_context():
        expert = Expert(name="Klaus Weber", nationality="DE", partner=db.session.get(Partner, ebg))
        db.session.add_all([expert, Stay(expert=expert, starts_on=date(YEAR, 10, 1), ends_on=date(YEAR + 1, 3, 1), term=StayTerm.LONG)])
        trip = Trip(title="Hamburg", country="DE", depart_on=date(YEAR, 11, 2), return_on=date(YEAR, 11, 9), year=YEAR,
                    status=TripStatus.RETURNED)
        trip.partners = [db.session.get(Partner, ebg)]
        db.session.add_all([trip, TripMember(trip=trip, name="Li Ming")])
        programme = Programme(name="Mechatronics with EBG", kind=ProgrammeKind.SINO_FOREIGN)
        programme.partners = [db.session.get(Partner, ebg)]
        db.session.add_all([programme, Enrolment(programme=programme, year=YEAR, major="Mechatronics", enrolled=30)])
        db.session.commit()
    assert_summary_is_current(app)
    with app.test_request_context():
        report = build_report(YEAR, YEAR)
        assert report.by_category["experts_hosted"] == 1  # the record replaces the typed 7 of its year
        assert report.by_category["joint_programme_students"] == 30
        assert report.by_partner[ebg]["experts_hosted"] == 1 and report.by_country["DE"]["joint_programme_students"] == 30
    with app.app_context():
        db.session.scalar(select(Expert)).partner = db.session.get(Partner, holmesglen)  # sent by another partner
        db.session.commit()
    assert_summary_is_current(app)
    with app.test_request_context():
        assert holmesglen in build_report(YEAR, YEAR).by_partner
    with app.app_context():
        trip = db.session.scalar(select(Trip))
        db.session.add(TripMember(trip=trip, name="Wang Fang"))  # a member: the trip's years are summed again
        db.session.add(Visit(title="EBG delegation", arrive_on=date(YEAR, 10, 3), leave_on=date(YEAR, 10, 5)))
        db.session.commit()
    assert_summary_is_current(app)
    with app.test_request_context():
        report = build_report(YEAR, YEAR)
        assert report.by_category["delegates_sent"] == 2 and report.by_category["delegations_received"] == 1
    with app.app_context():
        db.session.delete(db.session.scalar(select(Stay)))
        db.session.commit()
    assert_summary_is_current(app)
    with app.test_request_context():
        assert build_report(YEAR, YEAR).by_category["experts_hosted"] == 7  # no record left: the typed outcome counts again


def test_a_rolled_back_write_leaves_the_summary_as_it_was(app, partners):
    ebg, _holmesglen = partners
    with app.app_context():
        db.session.add(Outcome(partner_id=ebg, year=YEAR, category=OutcomeCategory.TEACHERS_TRAINED, count=4))
        db.session.flush()
        db.session.rollback()
    assert _typed(app, ReportTotal) == set()
    assert_summary_is_current(app)


def test_tagging_an_outcome_for_the_influence_table_keeps_the_summary(app, partners):
    ebg, _holmesglen = partners
    with app.app_context():
        first, second = (Indicator(year=YEAR, position=n, code=f"row{n}", label_zh="行", label_en="Row", unit="人") for n in (1, 2))
        outcome = Outcome(partner_id=ebg, year=YEAR, category=OutcomeCategory.OTHER, count=6, indicator=first)
        db.session.add_all([first, second, outcome])
        db.session.commit()
        first_id, second_id = first.id, second.id
    assert_summary_is_current(app)
    with app.test_request_context():
        assert figures(YEAR, YEAR).by_indicator() == {first_id: (6, 1, 0)}
    with app.app_context():
        db.session.scalar(select(Outcome)).indicator_id = second_id  # moved to another row of the table
        db.session.commit()
    assert_summary_is_current(app)
    with app.test_request_context():
        assert figures(YEAR, YEAR).by_indicator() == {second_id: (6, 1, 0)}


def _an_expert_stay_left_unsummed(app, partner_id: int) -> None:
    """An expert's stay whose figures the summary does not hold: as the migration that created the
    summary leaves an office with records (it could not sum them)."""
    with app.app_context():
        expert = Expert(name="Klaus Weber", nationality="DE", partner=db.session.get(Partner, partner_id))
        db.session.add_all([expert, Stay(expert=expert, starts_on=date(YEAR, 10, 1), ends_on=date(YEAR, 12, 1), term=StayTerm.SHORT)])
        db.session.commit()
        db.session.execute(delete(ReportTotal).where(ReportTotal.source != TYPED))
        db.session.execute(insert(ReportTotal).values(**UNSUMMED))
        db.session.commit()


def test_records_not_summed_yet_are_said_until_the_command_sums_them(app, client, auth, partners):
    _an_expert_stay_left_unsummed(app, partners[0])
    auth.login()
    notice = "are not counted yet"
    assert notice in client.get(f"/reports?year_from={YEAR}&year_to={YEAR}").text
    result = app.test_cli_runner().invoke(args=["reports", "summarise"])
    assert result.exit_code == 0, result.output
    page = client.get(f"/reports?year_from={YEAR}&year_to={YEAR}").text
    assert notice not in page and '<tr data-category="experts_hosted">' in page
    assert_summary_is_current(app)


def test_the_first_start_after_the_upgrade_sums_the_records_itself(app, client, auth, partners):
    _an_expert_stay_left_unsummed(app, partners[0])
    result = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert "summed from the records" in result.output
    auth.login()
    page = client.get(f"/reports?year_from={YEAR}&year_to={YEAR}").text
    assert "are not counted yet" not in page and '<tr data-category="experts_hosted">' in page
    again = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert "summed from the records" not in again.output
