"""The yearly report of the demo office shows the seed's figures; the narrative only states
figures that the records back; the report's charts, Excel and print layout."""
import io
import re

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.demo.loader import load_demo
from crm.extensions import db
from crm.outcomes.models import report_year_of
from crm.reports.narrative import round_down, write_narrative
from crm.reports.queries import build_report, category_label

THIS_YEAR = report_year_of(office_today())
DEMO_YEARS = f"year_from={THIS_YEAR - 3}&year_to={THIS_YEAR - 1}"


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()


def _exact_figures(html: str, locale: str) -> list[int]:
    block = html.split(f'id="narrative-{locale}"')[1].split("</div>")[0]
    return [int(n) for n in re.findall(r'data-exact="(\d+)"', block)]


def test_the_demo_report_shows_the_seeds_figures(app, client, auth, demo):
    auth.login(Role.VIEWER)
    page = client.get(f"/reports?{DEMO_YEARS}")
    assert page.status_code == 200
    totals = dict(re.findall(r'<tr data-category="(\w+)">.*?app-total"><strong><a [^>]+>(\d+)</a>', page.text, re.S))
    assert totals["teachers_trained"] == "412" and totals["training_programmes"] == "31"
    assert totals["qualifications"] == "9"
    assert int(totals["experts_hosted"]) > 60 and int(totals["staff_sent"]) > 40
    english = page.text.split('id="narrative-en"')[1].split("</div>")[0]
    assert re.search(r'data-exact="173"[^>]*>.*?</span></span> with EBG Germany', english, re.S)
    assert re.search(r'data-exact="92"[^>]*>.*?</span></span> with Holmesglen Institute', english, re.S)
    assert re.search(r'data-exact="10">10</span> with BSK', english)
    assert re.search(r'data-exact="15">15</span> with BSK', english)
    assert re.search(r'data-exact="30">30</span> with BMW AG', english)
    assert "over 400" in english and "over 30" in english
    chinese = page.text.split('id="narrative-zh_CN"')[1].split("</div>")[0]
    assert "400余" in chinese


def test_the_narrative_states_no_figure_that_the_records_do_not_back(app, client, auth, demo):
    auth.login()
    page = client.get(f"/reports?{DEMO_YEARS}")
    with app.test_request_context():
        report = build_report(THIS_YEAR - 3, THIS_YEAR - 1)
        backed = set(report.by_category.values()) | set(report.by_category_subject.values())
    for locale in ("en", "zh_CN"):
        figures = _exact_figures(page.text, locale)
        assert figures and set(figures) <= backed, locale
    shown = [int(n) for n in re.findall(r"over (\d+)", page.text)]
    assert shown and all(n in {round_down(b) for b in backed} for n in shown)


def test_an_empty_report_writes_no_narrative(app):
    with app.test_request_context():
        assert write_narrative(build_report(2001, 2003), "en").paragraphs == []


def test_the_excel_file_has_a_sheet_per_view_a_cover_and_a_native_chart(app, client, auth, demo):
    auth.login(Role.VIEWER)
    response = client.get(f"/reports/export.xlsx?{DEMO_YEARS}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Report", "By category", "By year", "By country", "By partner",
                                   "Promised vs delivered", "Records"]
    cover = workbook["Report"]
    assert f"{THIS_YEAR - 3}-{THIS_YEAR - 2}" in cover["B3"].value
    summary = workbook["By category"]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref.startswith("A1:B")
    assert summary.column_dimensions["A"].width == 48
    assert len(summary._charts) == 1
    values = {row[0].value: row[1].value for row in summary.iter_rows(min_row=2)}
    assert values["Teachers trained"] == 412 and isinstance(values["Teachers trained"], int)
    records = workbook["Records"]
    assert records.max_row > 50 and records["A1"].value == "Year"


def test_the_report_page_has_print_css_and_svg_charts(app, client, auth, demo):
    auth.login()
    page = client.get(f"/reports?{DEMO_YEARS}")
    assert page.text.count("<svg") >= 4 and "app-chart-lines" in page.text
    css = client.get("/static/css/app.css").text
    assert "size: A4" in css


def test_promised_vs_delivered_highlights_agreements_under_half(app, client, auth, demo):
    auth.login()
    page = client.get(f"/reports?{DEMO_YEARS}")
    rows = re.findall(r'<tr class="(app-shortfall)?">\s*<td><a [^>]+>([^<]+)</a></td>', page.text)
    under_half = {title for css, title in rows if css}
    assert "Student exchange in international business" in under_half  # Ivy Tech: 16 of 36
    assert not any("AHK" in title for title in under_half)


def test_the_demo_influence_table_sums_its_tagged_outcomes(app, client, auth, demo):
    auth.login(Role.VIEWER)
    page = client.get(f"/reports/international-influence?year={THIS_YEAR - 1}")
    assert "非全日制国（境）外人员培训量" in page.text and ">168</a>" in page.text
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/international-influence.xlsx?year={THIS_YEAR - 1}").data)).active
    values = {row[1].value: row[3].value for row in sheet.iter_rows(min_row=4)}
    assert values["专任教师赴国（境）外指导和开展培训时间"] == 120 and values["国（境）外技能大赛获奖数量"] == 4
    assert sheet.freeze_panes == "A4"


def test_the_chinese_excel_file_has_the_pages_figures_under_chinese_titles(app, client, auth, make_user, demo):
    auth.login(user=make_user(Role.VIEWER, locale="zh_CN"))
    page = client.get(f"/reports?{DEMO_YEARS}")
    totals = {category: int(total) for category, total in
              re.findall(r'<tr data-category="(\w+)">.*?app-total"><strong><a [^>]+>(\d+)</a>', page.text, re.S)}
    response = client.get(f"/reports/export.xlsx?{DEMO_YEARS}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[:3] == ["报告", "按类别", "按年度"]
    by_category = workbook["按类别"]
    assert [cell.value for cell in by_category[1]] == ["类别", "合计"]
    with app.test_request_context(), force_locale("zh_CN"):
        labels = {category_label(category): category for category in totals}
    exported = {labels[row[0]]: row[1] for row in by_category.iter_rows(min_row=2, values_only=True) if row[0] in labels}
    assert exported == totals and totals["teachers_trained"] == 412
    cover = workbook["报告"]
    assert cover["B3"].value == f"{THIS_YEAR - 3}-{THIS_YEAR - 2} – {THIS_YEAR - 1}-{THIS_YEAR}"
    assert cover["B10"].value.startswith(f"{THIS_YEAR - 3}-{THIS_YEAR - 2}至{THIS_YEAR - 1}-{THIS_YEAR}学年，学校举办师资培训项目")


@pytest.mark.parametrize("query", [f"year_from={THIS_YEAR + 3}", "year_to=abc", "year_from=99999999999999999999", "last=7"])
@pytest.mark.parametrize("path", ["/reports", "/reports/export.xlsx", "/reports/countries", "/reports/partners"])
def test_a_year_typed_into_the_address_answers_422_naming_the_years_there_are(client, auth, demo, path, query):
    auth.login(Role.VIEWER)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422
    assert f"The report covers the years from {THIS_YEAR - 10}-{THIS_YEAR - 9} to {THIS_YEAR}-{THIS_YEAR + 1}" in response.text


def test_the_influence_table_of_a_year_not_begun_says_so(client, auth, demo):
    auth.login(Role.VIEWER)
    page = client.get(f"/reports/international-influence?year={THIS_YEAR + 2}")
    assert page.status_code == 200 and f"{THIS_YEAR + 2}-{THIS_YEAR + 3} has not started yet." in page.text
    assert client.get("/reports/international-influence?year=20x6").status_code == 404
    assert client.get(f"/reports/international-influence.xlsx?year={THIS_YEAR + 2}").status_code == 200


def test_a_year_with_nothing_counted_reads_as_empty(client, auth, app):
    auth.login(Role.VIEWER)
    page = client.get(f"/reports?year_from={THIS_YEAR - 1}&year_to={THIS_YEAR - 1}")
    assert page.status_code == 200 and "No approved outcomes in these years." in page.text
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?year_from={THIS_YEAR - 1}&year_to={THIS_YEAR - 1}").data))
    assert [row for row in workbook["By category"].iter_rows(min_row=2, values_only=True) if any(row)] == []


def _narrative_text(html: str, locale: str) -> str:
    block = html.split(f'id="narrative-{locale}"')[1].split("</div>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block))


def test_the_narrative_words_the_experts_as_the_table_counts_them(app, client, auth, demo):
    """An expert counts once in each year of a stay: over several years the figure is a sum of the
    years' (人次), not that many people ("we hosted 70 foreign teachers and experts" of fewer)."""
    auth.login(Role.VIEWER)
    page = client.get(f"/reports?{DEMO_YEARS}&exact=y").text
    totals = dict(re.findall(r'<tr data-category="(\w+)">.*?app-total"><strong><a [^>]+>(\d+)</a>', page, re.S))
    experts = totals["experts_hosted"]
    english, chinese = _narrative_text(page, "en"), _narrative_text(page, "zh_CN")
    assert f"We hosted foreign teachers and experts {experts} times, each counted once a year." in english
    assert f"接待外籍教师和专家{experts}人次" in chinese
    assert f"培训教师{totals['teachers_trained']}人次" in chinese  # the glossary's 培训教师（人次）: a sum of the years' too
    # a partner without a Chinese name reads by its English name, and "partners" is not said twice
    assert "BMW AG及其他4家单位合作" in chinese and "合作单位合作" not in chinese

    one_year = client.get(f"/reports?year_from={THIS_YEAR - 1}&year_to={THIS_YEAR - 1}&exact=y").text
    experts = dict(re.findall(r'<tr data-category="(\w+)">.*?app-total"><strong><a [^>]+>(\d+)</a>', one_year, re.S))["experts_hosted"]
    assert f"We hosted {experts} foreign teachers and experts." in _narrative_text(one_year, "en")
