"""One rule for every figure: the partner page, the agreement page, the yearly report (its tables,
Excel file and promised vs delivered) and the 国际影响表 count the same figures; where records count a
category in a year, a typed outcome of that category and year is shown as not counted, on every page
that lists it, and counts nowhere."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from crm.agreements.models import Agreement, agreement_partner
from crm.core.dates import office_today
from crm.demo.loader import load_demo
from crm.extensions import db
from crm.outcomes.models import Indicator, OutcomeCategory, Quota, report_year_of
from crm.partners.models import Partner
from crm.programmes.models import Enrolment, Programme, ProgrammeKind, programme_partner

THIS_YEAR = report_year_of(office_today())
YEAR = THIS_YEAR - 1
NOT_COUNTED = "Not counted: the records count this year"


def _sums_cell(html: str, category: str, year: int) -> int | None:
    """A cell of the outcome sums table (partner and agreement pages)."""
    row = re.search(rf'<tr data-category="{category}">(.*?)</tr>', html, re.S)
    if row is None:
        return None
    cell = re.search(rf'data-year="{year}"><a [^>]+>(\d+)</a>', row.group(1))
    return int(cell.group(1)) if cell else None


def _report_total(html: str, category: str) -> int | None:
    cell = re.search(rf'<tr data-category="{category}">.*?app-total"><strong><a [^>]+>(\d+)</a>', html, re.S)
    return int(cell.group(1)) if cell else None


def _promise(html: str, agreement_id: int, label: str) -> tuple[int, int]:
    """(promised, delivered) of an agreement's quota in the promised vs delivered table."""
    row = re.search(rf'<a href="/agreements/{agreement_id}">[^<]*</a></td>\s*<td>{label}</td>\s*'
                    r'<td class="app-number">(\d+)</td><td class="app-number">(\d+)</td>', html)
    assert row, label
    return int(row.group(1)), int(row.group(2))


def _excel_by_partner(client, query: str, partner: str, label: str) -> int:
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?{query}").data))["By partner"]
    column = [cell.value for cell in sheet[1]].index(label)
    return next(row[column].value for row in sheet.iter_rows(min_row=2) if row[0].value == partner)


def test_st_clair_enrolment_is_the_same_figure_on_every_page_of_the_demo(app, client, auth):
    with app.app_context():
        load_demo()
        stclair = db.session.scalar(select(Partner.id).where(Partner.name == "St. Clair College"))
        agreement_id = db.session.scalar(
            select(Quota.agreement_id).join(agreement_partner, agreement_partner.c.agreement_id == Quota.agreement_id)
            .where(agreement_partner.c.partner_id == stclair, Quota.category == OutcomeCategory.JOINT_PROGRAMME_STUDENTS))
        enrolled = dict(db.session.execute(
            select(Enrolment.year, func.sum(Enrolment.enrolled))
            .join(programme_partner, programme_partner.c.programme_id == Enrolment.programme_id)
            .where(programme_partner.c.partner_id == stclair).group_by(Enrolment.year)).all())
    auth.login()
    first, last = THIS_YEAR - 3, THIS_YEAR - 1
    from_records = sum(enrolled.get(year, 0) for year in range(first, last + 1))
    assert from_records  # the demo's intakes (176), not the typed 180

    partner_page = client.get(f"/partners/{stclair}/work").text
    on_partner_page = sum(_sums_cell(partner_page, "joint_programme_students", year) or 0 for year in range(first, last + 1))
    agreement_page = client.get(f"/agreements/{agreement_id}").text
    on_agreement_page = sum(_sums_cell(agreement_page, "joint_programme_students", year) or 0 for year in range(first, last + 1))
    query = f"year_from={first}&year_to={last}"
    report = client.get(f"/reports?{query}").text
    _promised, delivered = _promise(report, agreement_id, "Joint-programme enrolment")
    in_excel = _excel_by_partner(client, query, "St. Clair College", "Joint-programme enrolment")
    assert on_partner_page == on_agreement_page == delivered == in_excel == from_records
    # The typed intakes are still listed, each saying why it does not count.
    assert NOT_COUNTED in partner_page and NOT_COUNTED in agreement_page


@pytest.fixture
def subject(app, factory):
    """A partner with a joint-programme agreement (a quota of 30 a year) whose programme enrolled 25
    in YEAR, and a row of the 国际影响表 for YEAR."""
    partner_id = factory.partner(name="Fachhochschule Kassel", country="DE")
    agreement_id = factory.agreement([partner_id], title="Sino-German mechatronics", valid_from=date(YEAR - 2, 9, 1))
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        programme = Programme(name="Sino-German mechatronics", kind=ProgrammeKind.SINO_FOREIGN, agreement=agreement,
                              partners=[db.session.get(Partner, partner_id)])
        indicator = Indicator(year=YEAR, position=1, code="intl_students_full_time", label_zh="全日制国（境）外留学生人数",
                              label_en="Full-time international students", unit="人")
        db.session.add_all([programme, Enrolment(programme=programme, year=YEAR, major="Mechatronics", enrolled=25),
                            Quota(agreement=agreement, category=OutcomeCategory.JOINT_PROGRAMME_STUDENTS, per_year=30), indicator])
        db.session.commit()
        return partner_id, agreement_id, indicator.id


def test_a_typed_outcome_where_records_count_shows_everywhere_as_not_counted(app, client, auth, subject):
    partner_id, agreement_id, indicator_id = subject
    auth.login()
    response = client.post(f"/outcomes/agreement/{agreement_id}/new", data={
        "csrf_token": auth.csrf(), "new-outcome-year": YEAR, "new-outcome-category": "joint_programme_students",
        "new-outcome-count": 40, "new-outcome-detail": "", "new-outcome-school_id": "", "new-outcome-indicator_id": indicator_id,
        "new-outcome-note": "typed before the programme was recorded"})
    assert response.status_code == 303

    query = f"year_from={YEAR}&year_to={YEAR}&exact=y"
    partner_page = client.get(f"/partners/{partner_id}/work").text
    agreement_page = client.get(f"/agreements/{agreement_id}").text
    report = client.get(f"/reports?{query}").text
    assert _sums_cell(partner_page, "joint_programme_students", YEAR) == 25
    assert _sums_cell(agreement_page, "joint_programme_students", YEAR) == 25
    assert _report_total(report, "joint_programme_students") == 25
    assert _promise(report, agreement_id, "Joint-programme enrolment") == (30, 25)
    assert _excel_by_partner(client, query, "Fachhochschule Kassel", "Joint-programme enrolment") == 25
    # The typed 40 is listed where the records of the agreement and the partner are, marked.
    for page in (partner_page, agreement_page, client.get(f"/outcomes?agreement={agreement_id}").text):
        assert ">40<" in page and NOT_COUNTED in page
    # The influence table counts it nowhere either, and says why its row is short.
    influence = client.get(f"/reports/international-influence?year={YEAR}").text
    assert re.search(r'<td class="app-number"><a [^>]+>0</a><div class="app-sub">1 outcome not counted', influence)


def test_the_typed_outcome_counts_again_in_a_year_without_records(app, client, auth, subject):
    partner_id, agreement_id, _indicator_id = subject
    auth.login()
    client.post(f"/outcomes/agreement/{agreement_id}/new", data={
        "csrf_token": auth.csrf(), "new-outcome-year": YEAR - 1, "new-outcome-category": "joint_programme_students",
        "new-outcome-count": 40, "new-outcome-detail": "", "new-outcome-school_id": "", "new-outcome-indicator_id": "",
        "new-outcome-note": ""})
    partner_page = client.get(f"/partners/{partner_id}/work").text
    assert _sums_cell(partner_page, "joint_programme_students", YEAR - 1) == 40
    assert _sums_cell(partner_page, "joint_programme_students", YEAR) == 25
    assert NOT_COUNTED not in partner_page
    report = client.get(f"/reports?year_from={YEAR - 1}&year_to={YEAR}").text
    assert _report_total(report, "joint_programme_students") == 65
    assert _promise(report, agreement_id, "Joint-programme enrolment") == (60, 65)


def test_every_sum_of_outcome_counts_is_written_in_the_figures_owner():
    """No page sums Outcome.count itself: it asks crm/reports/sources.py, which applies the rule."""
    import pathlib

    crm = pathlib.Path(__file__).resolve().parents[2] / "crm"
    found = sorted(str(path.relative_to(crm.parent)) for path in crm.rglob("*.py")
                   if re.search(r"func\.sum\(Outcome\.count", path.read_text(encoding="utf-8")))
    assert found == ["crm/reports/sources.py"], found
