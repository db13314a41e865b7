"""The yearly report's charts never add unlike units: the trend and the categories leave out "other
quantities" (each in its own unit) and say so; the charts by country and by partner show one
category (the main one unless another is chosen), named with its unit; an agreement shared by two
partners counts in full for each, and the chart says so beside the total counted once."""
import re

import pytest

from crm.extensions import db
from crm.outcomes.models import Indicator, Outcome, OutcomeCategory

YEAR = 2022
QUERY = f"year_from={YEAR}&year_to={YEAR}&exact=y"


@pytest.fixture
def outcomes(app, factory):
    """10 students sent abroad on an agreement of two partners (Germany, Australia), 5 on an
    agreement of one, 50 certificates, and 300 person-days toward a row of the 国际影响表."""
    ebg = factory.partner(name="EBG Germany", country="DE")
    holmesglen = factory.partner(name="Holmesglen Institute", country="AU")
    shared = factory.agreement([ebg, holmesglen], title="Shared")
    alone = factory.agreement([holmesglen], title="Alone")
    with app.app_context():
        indicator = Indicator(year=YEAR, position=1, code="intl_training_part_time", label_zh="非全日制国（境）外人员培训量",
                              label_en="Part-time training", unit="人日")
        db.session.add_all([
            indicator,
            Outcome(year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=10, agreement_id=shared),
            Outcome(year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=5, agreement_id=alone),
            Outcome(year=YEAR, category=OutcomeCategory.CERTIFICATES_EARNED, count=50, agreement_id=alone),
            Outcome(year=YEAR, category=OutcomeCategory.OTHER, count=300, agreement_id=alone, indicator=indicator),
        ])
        db.session.commit()


def _chart(page: str, title: str) -> str:
    """The <figure> whose caption starts with `title`."""
    match = re.search(r'<figure class="app-chart"[^>]*>\s*<figcaption[^>]*>' + re.escape(title) + r".*?</figure>", page, re.S)
    assert match, title
    return match.group(0)


def _bars(chart: str) -> dict[str, int]:
    return {label: int(value) for label, value in re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', chart)}


def test_the_trend_and_the_categories_leave_out_other_quantities_and_say_so(client, auth, outcomes):
    auth.login()
    page = client.get(f"/reports?{QUERY}").text
    assert 'data-category="other"' in page  # the table still lists them
    trend = _chart(page, "Trend by year")
    assert "Students sent abroad" in trend and "Other quantity" not in trend
    categories = _chart(page, "Outcomes by category")
    assert _bars(categories) == {"Students sent abroad": 15, "Certificates earned": 50}
    for chart in (trend, categories):
        assert "Other quantities (toward the 国际影响表) are left out" in chart


def test_country_and_partner_charts_show_the_main_category_with_its_unit_never_a_sum_of_units(client, auth, outcomes):
    auth.login()
    page = client.get(f"/reports?{QUERY}").text
    countries = _chart(page, "By country: Students sent abroad (people)")
    partners = _chart(page, "By partner: Students sent abroad (people)")
    assert _bars(countries) == {"Germany": 10, "Australia": 15}  # no certificates, no person-days added
    assert _bars(partners) == {"Holmesglen Institute": 15, "EBG Germany": 10}
    # The shared agreement counts for each partner: the chart says so, with the total taken once.
    assert "Total, each figure counted once: 15 people." in partners
    assert "counts in full for each of them" in partners
    assert 'selected value="outbound_students"' in page or '<option selected value="outbound_students">' in page

    page = client.get(f"/reports?{QUERY}&focus=certificates_earned").text
    assert _bars(_chart(page, "By partner: Certificates earned (certificates)")) == {"Holmesglen Institute": 50}
    assert "counts in full" not in _chart(page, "By partner:")  # nothing shared: the bars add up to the total


def test_other_quantities_and_the_old_all_together_are_no_choice(client, auth, outcomes):
    auth.login()
    assert client.get(f"/reports?{QUERY}&focus=other").status_code == 422
    page = client.get(f"/reports?{QUERY}&focus=").text  # the old "all outcomes counted together"
    assert "By partner: Students sent abroad (people)" in page and "counted together" not in page


def test_the_main_category_gives_way_to_one_with_figures(app, client, auth, factory):
    partner = factory.partner(name="EBG Germany", country="DE")
    agreement = factory.agreement([partner], title="Training")
    with app.app_context():
        db.session.add(Outcome(year=YEAR, category=OutcomeCategory.TEACHERS_TRAINED, count=12, agreement_id=agreement))
        db.session.commit()
    auth.login()
    page = client.get(f"/reports?{QUERY}").text
    assert _bars(_chart(page, "By partner: Teachers trained (people)")) == {"EBG Germany": 12}


def test_the_table_lists_other_quantities_without_adding_their_units_up(client, auth, outcomes):
    auth.login()
    page = client.get(f"/reports?{QUERY}").text
    row = re.search(r'<tr data-category="other">.*?</tr>', page, re.S).group(0)
    assert "Each in its own unit, so not added up here" in row and "/reports/international-influence" in row
    assert ">300<" not in row  # the 300 person-days are on the 国际影响表 and the outcomes, not summed here
    students = re.search(r'<tr data-category="outbound_students">.*?</tr>', page, re.S).group(0)
    assert ">15<" in students


def test_the_excel_sheets_by_category_and_year_leave_other_quantities_out_and_say_so(client, auth, outcomes):
    import io

    from openpyxl import load_workbook

    auth.login()
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?{QUERY}").data))
    by_category = {row[0]: row[1] for row in workbook["By category"].iter_rows(min_row=2, values_only=True)}
    assert by_category == {"Students sent abroad": 15, "Certificates earned": 50}
    by_year = [row[0] for row in workbook["By year"].iter_rows(min_row=2, values_only=True)]
    assert "Other quantity (counts toward an indicator)" not in by_year and "Students sent abroad" in by_year
    cover = [row[0] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert "Other quantities" in cover


def test_the_tables_by_country_and_partner_add_no_other_quantities(app, client, auth, outcomes):
    """Their "Other quantity" column summed a partner's 人日 and 个 into one figure (300 + 2 = 302)."""
    import io

    from openpyxl import load_workbook

    with app.app_context():
        standards = Indicator(year=YEAR, position=2, code="teaching_standards_adopted", label_zh="专业教学标准",
                              label_en="Teaching standards adopted abroad", unit="个")
        alone = db.session.scalar(db.select(Outcome.agreement_id).where(Outcome.category == OutcomeCategory.OTHER))
        db.session.add_all([standards, Outcome(year=YEAR, category=OutcomeCategory.OTHER, count=2, agreement_id=alone,
                                               indicator=standards)])
        db.session.commit()
    auth.login()
    for path in (f"/reports?{QUERY}", f"/reports/countries?{QUERY}", f"/reports/partners?{QUERY}"):
        page = client.get(path).text
        tables = re.findall(r'<table class="table table-sm app-table app-report-(?:countries|partners)">.*?</table>', page, re.S)
        assert tables, path
        for table in tables:
            assert "Other quantity" not in table and ">302<" not in table and "Students sent abroad" in table
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?{QUERY}").data))
    for title in ("By country", "By partner"):
        sheet = workbook[title]
        assert not any("Other quantity" in str(cell.value) for cell in sheet[1])
        assert not any(302 in [cell.value for cell in row] for row in sheet.iter_rows())
