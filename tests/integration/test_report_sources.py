"""The yearly report counts foreign experts hosted, delegations sent and received (with their people)
and joint-programme enrolment from the experts, trips, visits and programmes records, in the
office's year; a record in changes the report's total, its Excel file and its narrative; records win
over typed outcomes of the same category and year."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from crm.experts.models import Expert, Stay, StayTerm
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory
from crm.partners.models import Partner
from crm.programmes.models import Enrolment, Programme, ProgrammeKind
from crm.trips.models import Trip, TripMember, TripStatus
from crm.visits.models import Visit, VisitMember, VisitStatus

YEAR = 2022  # the academic year 2022-2023 (the default year kind), or the calendar year 2022
REPORT = f"year_from={YEAR}&year_to={YEAR}&exact=y"


@pytest.fixture
def partner_id(factory):
    return factory.partner(name="EBG Germany", country="DE")


def _add(app, *records):
    """Save the records (inside the caller's app context)."""
    db.session.add_all(records)
    db.session.commit()


def _report(client, query=REPORT):
    page = client.get(f"/reports?{query}")
    assert page.status_code == 200
    totals = {category: int(total) for category, total in re.findall(
        r'<tr data-category="(\w+)">.*?app-total"><strong><a [^>]+>(\d+)</a>', page.text, re.S)}
    links = dict(re.findall(r'<tr data-category="(\w+)">.*?app-total"><strong><a href="([^"]+)"', page.text, re.S))
    english = page.text.split('id="narrative-en"')[1].split("</div>")[0] if 'id="narrative-en"' in page.text else ""
    narrative = [int(n) for n in re.findall(r'data-exact="(\d+)"', english)]
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?{query}").data))
    excel = {row[0].value: row[1].value for row in workbook["By category"].iter_rows(min_row=2)}
    return totals, links, narrative, excel, english


def _expert(app, partner_id, starts=date(YEAR, 10, 1), ends=date(YEAR + 1, 3, 1)):
    with app.app_context():
        expert = Expert(name="Klaus Weber", nationality="DE", partner=db.session.get(Partner, partner_id))
        _add(app, expert, Stay(expert=expert, starts_on=starts, ends_on=ends, term=StayTerm.LONG))


def test_an_expert_hosted_counts_in_the_report_excel_and_narrative(app, client, auth, partner_id):
    auth.login()
    assert "experts_hosted" not in _report(client)[0]
    _expert(app, partner_id)
    totals, links, narrative, excel, english = _report(client)
    assert totals["experts_hosted"] == 1 and links["experts_hosted"].startswith("/experts")
    assert excel["Foreign teachers and experts hosted"] == 1
    assert "we hosted" in english and 1 in narrative
    by_country = client.get(f"/reports?{REPORT}").text
    assert "/experts?nationality=DE" in by_country


def test_a_delegation_sent_counts_with_its_people(app, client, auth, partner_id):
    auth.login()
    with app.app_context():
        trip = Trip(title="Delegation to EBG", year=YEAR + 1, status=TripStatus.RETURNED, country="DE",
                    depart_on=date(YEAR + 1, 3, 5), return_on=date(YEAR + 1, 3, 12), partners=[db.session.get(Partner, partner_id)])
        trip.members = [TripMember(name="Zhang Min", is_leader=True), TripMember(name="Li Wei")]
        _add(app, trip)
    totals, links, narrative, excel, english = _report(client)
    assert totals["delegations_sent"] == 1 and totals["delegates_sent"] == 2
    assert links["delegations_sent"] == f"/trips/statistics?first={YEAR}&amp;last={YEAR + 1}"
    assert excel["Delegations sent"] == 1 and excel["People in the delegations sent"] == 2
    assert "we sent" in english and {1, 2} <= set(narrative)


def test_a_delegation_received_counts_with_its_people(app, client, auth, partner_id):
    auth.login()
    with app.app_context():
        visit = Visit(status=VisitStatus.HELD, title="EBG delegation", arrive_on=date(YEAR, 11, 10), leave_on=date(YEAR, 11, 12),
                      partners=[db.session.get(Partner, partner_id)])
        visit.members = [VisitMember(name=f"Visitor {n}", nationality="DE", is_head=n == 1) for n in (1, 2, 3)]
        _add(app, visit)
    totals, _links, narrative, excel, english = _report(client)
    assert totals["delegations_received"] == 1 and totals["delegates_received"] == 3
    assert excel["Delegations received"] == 1 and excel["People in the delegations received"] == 3
    assert "came with those received" in english and {1, 3} <= set(narrative)


def test_joint_programme_enrolment_counts_by_intake_year(app, client, auth, partner_id):
    auth.login()
    with app.app_context():
        programme = Programme(name="Sino-German mechatronics", kind=ProgrammeKind.SINO_FOREIGN,
                              partners=[db.session.get(Partner, partner_id)])
        _add(app, programme, Enrolment(programme=programme, year=YEAR, major="Mechatronics", enrolled=25),
             Enrolment(programme=programme, year=YEAR, major="CNC", enrolled=12),
             Enrolment(programme=programme, year=YEAR + 1, major="CNC", enrolled=99))
    totals, links, narrative, excel, english = _report(client)
    assert totals["joint_programme_students"] == 37 and links["joint_programme_students"].startswith("/programmes")
    assert excel["Joint-programme enrolment"] == 37
    assert re.search(r'data-exact="37">37</span> with EBG Germany', english)
    page = client.get(f"/reports?{REPORT}&focus=joint_programme_students").text
    assert "<svg" in page and ">Germany<" in page


def test_records_win_over_typed_outcomes_of_the_same_category_and_year(app, client, auth, partner_id):
    auth.login()
    with app.app_context():
        _add(app, Outcome(partner_id=partner_id, year=YEAR, category=OutcomeCategory.EXPERTS_HOSTED, count=7),
             Outcome(partner_id=partner_id, year=YEAR - 1, category=OutcomeCategory.EXPERTS_HOSTED, count=5))
    both = f"year_from={YEAR - 1}&year_to={YEAR}&exact=y"
    assert _report(client, both)[0]["experts_hosted"] == 12  # no records yet: the typed outcomes count
    _expert(app, partner_id)
    totals, _links, _narrative, excel, _english = _report(client, both)
    assert totals["experts_hosted"] == 1 + 5  # the record replaces the typed 7 of its year, not the 5 of the year before
    assert excel["Foreign teachers and experts hosted"] == 6


def test_the_records_count_in_the_offices_year_kind(app, client, auth, partner_id):
    auth.login()
    _expert(app, partner_id, starts=date(YEAR + 1, 3, 1), ends=date(YEAR + 1, 4, 1))  # spring: academic YEAR, calendar YEAR + 1
    with app.app_context():
        _add(app, Visit(status=VisitStatus.HELD, title="Autumn visit", arrive_on=date(YEAR + 1, 10, 1), leave_on=date(YEAR + 1, 10, 2)))
    assert _report(client)[0].get("experts_hosted") == 1 and "delegations_received" not in _report(client)[0]
    app.config["REPORT_YEAR_KIND"] = "calendar"
    assert "experts_hosted" not in _report(client)[0]
    calendar = _report(client, f"year_from={YEAR + 1}&year_to={YEAR + 1}&exact=y")[0]
    assert calendar["experts_hosted"] == 1 and calendar["delegations_received"] == 1
