"""The report's summary (crm/reports/summary.py) is kept by every kind of write: after each, it holds
what summing it again from the outcomes and the records gives (`store_summary` finds no row to
change), and the report reads its figures from it."""
from datetime import date

import pytest
from sqlalchemy import delete, event, insert, select

from crm.agreements.models import Agreement
from crm.core.dates import office_today
from crm.experts.models import Expert, Stay, StayTerm
from crm.extensions import db
from crm.outcomes.models import Indicator, Outcome, OutcomeCategory, OutcomeStatus, report_year_of
from crm.partners.models import Partner
from crm.programmes.models import Enrolment, Programme, ProgrammeKind
from crm.reports.models import TYPED, UNSUMMED, ReportCountry, ReportPartner, ReportRecordSubject, ReportTotal
from crm.reports.queries import build_report
from crm.reports.sources import figures
from crm.reports.summary import store_summary
from crm.trips.models import Trip, TripMember, TripStatus
from crm.visits.models import Visit, VisitMember, VisitStatus

THIS_YEAR = report_year_of(office_today())
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
    # an approved outcome is not sent back (only one waiting for approval is): it keeps counting
    sent_back = client.post(f"/outcomes/{outcome_id}/return", data={"csrf_token": auth.csrf(), "version": version, "reason": "Which year?"})
    assert sent_back.status_code == 409
    assert_summary_is_current(app)
    assert _typed(app, ReportTotal) == {(YEAR - 1, "teachers_trained", 12)}

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
        db.session.add(Visit(status=VisitStatus.HELD, title="EBG delegation", arrive_on=date(YEAR, 10, 3), leave_on=date(YEAR, 10, 5)))
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


# --- records: each write adds the difference it makes -------------------------------------------


def _records(app, model) -> set[tuple]:
    """The summary's record rows of the calendar year kind (without it and the source)."""
    with app.app_context():
        table = model.__table__
        return {tuple(row) for row in db.session.execute(
            select(*(c for c in table.c if c.name not in ("source", "year_kind")))
            .where(table.c.source != TYPED, table.c.year_kind == "calendar"))}


def _write(app, change) -> None:
    """Make a change (a function, in an app context) and commit it; the summary is then current."""
    with app.app_context():
        change()
        db.session.commit()
    assert_summary_is_current(app)


def _one(model):
    return db.session.scalar(select(model).order_by(model.id.desc()).limit(1))


def test_an_experts_stays_written_keep_the_summary(app, partners):
    ebg, holmesglen = partners

    def hosted():
        expert = Expert(name="Anna Schmidt", nationality="DE", partner_id=ebg)
        db.session.add_all([expert, Stay(expert=expert, starts_on=date(YEAR, 3, 1), ends_on=date(YEAR, 6, 30), term=StayTerm.SHORT)])

    _write(app, hosted)
    assert _records(app, ReportCountry) == {(YEAR, "experts_hosted", "DE", 1)}
    _write(app, lambda: setattr(_one(Stay), "ends_on", date(YEAR + 1, 2, 1)))  # into the next year too
    assert {row[0] for row in _records(app, ReportTotal)} == {YEAR, YEAR + 1}
    _write(app, lambda: setattr(_one(Expert), "nationality", "AT"))
    assert _records(app, ReportCountry) == {(YEAR, "experts_hosted", "AT", 1), (YEAR + 1, "experts_hosted", "AT", 1)}
    _write(app, lambda: setattr(_one(Expert), "partner_id", holmesglen))
    assert {row[2] for row in _records(app, ReportPartner)} == {holmesglen}
    _write(app, lambda: db.session.add(Stay(expert=_one(Expert), starts_on=date(YEAR, 9, 1), ends_on=None, term=StayTerm.SHORT)))
    assert (THIS_YEAR + 2, "experts_hosted", "AT", 1) in _records(app, ReportCountry)  # open-ended: every year to come
    _write(app, lambda: setattr(_one(Stay), "ends_on", date(YEAR, 12, 1)))
    _write(app, lambda: _one(Expert).archive())  # archived experts were hosted all the same
    assert _records(app, ReportTotal) == {(YEAR, "experts_hosted", 1), (YEAR + 1, "experts_hosted", 1)}
    for stay in (0, 1):
        _write(app, lambda: db.session.delete(_one(Stay)))
    assert _records(app, ReportTotal) == set()
    _write(app, lambda: db.session.delete(_one(Expert)))


def test_trips_and_their_members_written_keep_the_summary(app, partners):
    ebg, holmesglen = partners

    def made():
        trip = Trip(title="Hamburg", country="DE", depart_on=date(YEAR, 11, 2), return_on=date(YEAR, 11, 9), year=YEAR,
                    status=TripStatus.RETURNED, partners=[db.session.get(Partner, ebg)])
        db.session.add_all([trip, TripMember(trip=trip, name="Li Ming"), TripMember(trip=trip, name="Wang Fang")])
        db.session.add(Outcome(partner_id=ebg, year=YEAR - 2, category=OutcomeCategory.DELEGATIONS_SENT, count=4))

    _write(app, made)
    assert _records(app, ReportTotal) == {(YEAR, "delegations_sent", 1), (YEAR, "delegates_sent", 2)}
    _write(app, lambda: db.session.delete(_one(TripMember)))  # the headcount
    assert (YEAR, "delegates_sent", 1) in _records(app, ReportTotal)
    _write(app, lambda: setattr(_one(Trip), "partners", [db.session.get(Partner, ebg), db.session.get(Partner, holmesglen)]))
    assert {row[2] for row in _records(app, ReportPartner)} == {ebg, holmesglen}

    def moved():  # to the year of the typed outcome: the trip's records win there now
        trip = _one(Trip)
        trip.year, trip.depart_on, trip.return_on = YEAR - 2, date(YEAR - 2, 10, 1), date(YEAR - 2, 10, 8)

    _write(app, moved)
    assert {row[0] for row in _records(app, ReportTotal)} == {YEAR - 2}
    with app.test_request_context():
        assert build_report(YEAR - 2, YEAR - 2).by_category["delegations_sent"] == 1
    _write(app, lambda: setattr(_one(Trip), "status", TripStatus.APPROVED))  # not made: counts nowhere
    assert _records(app, ReportTotal) == set()
    with app.test_request_context():
        assert build_report(YEAR - 2, YEAR - 2).by_category["delegations_sent"] == 4
    _write(app, lambda: setattr(_one(Trip), "status", TripStatus.CLOSED))
    _write(app, lambda: _one(Trip).archive())
    assert _records(app, ReportTotal) == set()
    _write(app, lambda: _one(Trip).restore())
    assert _records(app, ReportTotal) == {(YEAR - 2, "delegations_sent", 1), (YEAR - 2, "delegates_sent", 1)}
    _write(app, lambda: db.session.delete(_one(Trip)))
    assert _records(app, ReportTotal) == set()


def test_visits_and_their_members_written_keep_the_summary(app, partners):
    ebg, holmesglen = partners

    def received():
        visit = Visit(status=VisitStatus.HELD, title="A delegation", arrive_on=date(YEAR, 10, 3), leave_on=date(YEAR, 10, 5))
        db.session.add_all([visit, VisitMember(visit=visit, name="Jane Doe", nationality="GB", is_head=True),
                            VisitMember(visit=visit, name="John Roe", nationality="IE")])

    _write(app, received)
    assert _records(app, ReportCountry) == {(YEAR, "delegations_received", "GB", 1), (YEAR, "delegates_received", "GB", 2)}
    _write(app, lambda: setattr(_one(VisitMember), "is_head", True))  # the head's nationality places it: now two heads, by id
    _write(app, lambda: setattr(db.session.scalar(select(VisitMember).where(VisitMember.name == "Jane Doe")), "nationality", "NZ"))
    assert {row[2] for row in _records(app, ReportCountry)} == {"NZ"}
    _write(app, lambda: setattr(_one(Visit), "partners", [db.session.get(Partner, holmesglen), db.session.get(Partner, ebg)]))
    assert {row[2] for row in _records(app, ReportCountry)} == {"DE"}  # its first partner's by name: EBG Germany
    _write(app, lambda: setattr(_one(Visit), "arrive_on", date(YEAR + 1, 1, 3)))  # another year
    assert {row[0] for row in _records(app, ReportTotal)} == {YEAR + 1}
    _write(app, lambda: db.session.delete(_one(VisitMember)))
    _write(app, lambda: _one(Visit).archive())
    assert _records(app, ReportTotal) == set()
    _write(app, lambda: _one(Visit).restore())
    _write(app, lambda: db.session.delete(_one(Visit)))  # its members with it
    assert _records(app, ReportTotal) == set()


def test_programmes_and_their_enrolments_written_keep_the_summary(app, partners, agreement_id):
    ebg, holmesglen = partners

    def enrolled():
        programme = Programme(name="Mechatronics", kind=ProgrammeKind.SINO_FOREIGN, partners=[db.session.get(Partner, ebg)])
        db.session.add_all([programme, Enrolment(programme=programme, year=YEAR, major="Mechatronics", enrolled=30),
                            Enrolment(programme=programme, year=YEAR, major="Robotics", enrolled=12)])

    _write(app, enrolled)
    assert _records(app, ReportTotal) == {(YEAR, "joint_programme_students", 42)}
    _write(app, lambda: setattr(_one(Enrolment), "enrolled", 0))  # no row of 0
    assert _records(app, ReportTotal) == {(YEAR, "joint_programme_students", 30)}
    _write(app, lambda: setattr(_one(Enrolment), "year", YEAR - 1))
    _write(app, lambda: setattr(_one(Enrolment), "enrolled", 15))
    assert _records(app, ReportTotal) == {(YEAR, "joint_programme_students", 30), (YEAR - 1, "joint_programme_students", 15)}
    _write(app, lambda: setattr(_one(Programme), "partners", [db.session.get(Partner, ebg), db.session.get(Partner, holmesglen)]))
    assert {row[2] for row in _records(app, ReportCountry)} == {"DE", "AU"}
    _write(app, lambda: setattr(_one(Programme), "agreement_id", agreement_id))
    assert {row[2] for row in _records(app, ReportRecordSubject)} == {agreement_id}  # delivered on it
    _write(app, lambda: _one(Programme).archive())  # its students were enrolled all the same
    _write(app, lambda: db.session.delete(_one(Enrolment)))
    assert _records(app, ReportTotal) == {(YEAR, "joint_programme_students", 30)}
    with app.app_context():
        programme = _one(Programme)
        for enrolment in programme.enrolments:
            db.session.delete(enrolment)
        db.session.delete(programme)
        db.session.commit()
    assert_summary_is_current(app)
    assert _records(app, ReportTotal) == set()


def test_a_partners_country_and_name_move_its_records_and_outcomes(app, partners, agreement_id, factory):
    ebg, holmesglen = partners
    bsk = factory.partner(name="BSK", country="DE")

    def recorded():
        db.session.add(Outcome(agreement_id=agreement_id, year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=10))
        db.session.add(Outcome(partner_id=bsk, year=YEAR, category=OutcomeCategory.TEACHERS_TRAINED, count=3))
        programme = Programme(name="Mechatronics", kind=ProgrammeKind.SINO_FOREIGN, partners=[db.session.get(Partner, bsk)])
        db.session.add_all([programme, Enrolment(programme=programme, year=YEAR, major="Mechatronics", enrolled=30)])
        visit = Visit(status=VisitStatus.HELD, title="Two partners", arrive_on=date(YEAR, 10, 3), leave_on=date(YEAR, 10, 5),
                      partners=[db.session.get(Partner, bsk), db.session.get(Partner, holmesglen)])
        db.session.add_all([visit, VisitMember(visit=visit, name="Jane Doe", nationality="GB", is_head=True)])
        expert = Expert(name="Anna Schmidt", nationality="AT", partner_id=bsk)
        db.session.add_all([expert, Stay(expert=expert, starts_on=date(YEAR, 3, 1), ends_on=date(YEAR, 6, 30), term=StayTerm.SHORT)])

    _write(app, recorded)
    assert (YEAR, "delegations_received", "DE", 1) in _records(app, ReportCountry)  # BSK before Holmesglen by name
    with app.app_context():
        db.session.get(Partner, bsk).country = "FR"  # set unread: the old country is read from the database
        db.session.commit()
    assert_summary_is_current(app)
    assert {(row[1], row[2]) for row in _records(app, ReportCountry)} == {
        ("delegations_received", "FR"), ("delegates_received", "FR"), ("joint_programme_students", "FR"), ("experts_hosted", "AT")}
    assert (YEAR, "teachers_trained", "FR", 3) in _typed(app, ReportCountry)
    _write(app, lambda: setattr(db.session.get(Partner, bsk), "name", "Zeppelin BSK"))  # Holmesglen is the visit's first now
    assert (YEAR, "delegations_received", "AU", 1) in _records(app, ReportCountry)
    _write(app, lambda: setattr(db.session.get(Partner, bsk), "country", "AU"))  # the visit's partners: one country
    assert (YEAR, "joint_programme_students", "AU", 30) in _records(app, ReportCountry)
    _write(app, lambda: setattr(db.session.get(Partner, ebg), "country", "AU"))  # the agreement's outcome: in Australia once
    assert _typed(app, ReportCountry) == {(YEAR, "outbound_students", "AU", 10), (YEAR, "teachers_trained", "AU", 3)}


def test_several_writes_in_one_transaction_keep_the_summary(app, partners):
    ebg, _holmesglen = partners
    with app.app_context():
        expert = Expert(name="Anna Schmidt", nationality="DE", partner_id=ebg)
        stay = Stay(expert=expert, starts_on=date(YEAR, 3, 1), ends_on=date(YEAR, 6, 30), term=StayTerm.SHORT)
        trip = Trip(title="Hamburg", country="DE", depart_on=date(YEAR, 11, 2), year=YEAR, status=TripStatus.RETURNED)
        db.session.add_all([expert, stay, trip])
        db.session.flush()
        stay.starts_on, stay.ends_on = date(YEAR - 3, 3, 1), date(YEAR - 3, 6, 30)  # its year moved before the commit
        db.session.add(TripMember(trip=trip, name="Li Ming"))
        db.session.flush()
        expert.nationality = "AT"
        db.session.add(Outcome(partner_id=ebg, year=YEAR, category=OutcomeCategory.DELEGATIONS_SENT, count=2))
        db.session.commit()
    assert_summary_is_current(app)
    assert (YEAR - 3, "experts_hosted", "AT", 1) in _records(app, ReportCountry)
    with app.app_context():
        db.session.add(TripMember(trip=_one(Trip), name="Wang Fang"))
        db.session.flush()
        db.session.rollback()  # the flushed difference goes with the rest
    assert_summary_is_current(app)
    assert (YEAR, "delegates_sent", 1) in _records(app, ReportTotal)


def test_a_records_write_reads_only_its_records(app, partners):
    """Editing one stay runs the same statements whether the office hosted one expert or many."""
    ebg, _holmesglen = partners

    def statements_of_an_edit() -> int:
        with app.app_context():
            stay = _one(Stay)
            counted = []
            listener = lambda *args: counted.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                stay.ends_on = date(YEAR, 7, 1) if stay.ends_on != date(YEAR, 7, 1) else date(YEAR, 7, 2)
                db.session.commit()
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            return len(counted)

    def hosted(count: int) -> None:
        with app.app_context():
            for n in range(count):
                expert = Expert(name=f"Expert {n}", nationality="DE", partner_id=ebg)
                db.session.add_all([expert, Stay(expert=expert, starts_on=date(YEAR, 3, 1), ends_on=date(YEAR, 6, 30), term=StayTerm.SHORT)])
            db.session.commit()

    hosted(1)
    few = statements_of_an_edit()
    hosted(30)
    assert statements_of_an_edit() == few
    assert_summary_is_current(app)
