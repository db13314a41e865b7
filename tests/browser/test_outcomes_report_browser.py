"""A staff member enters an outcome on the agreement page and finds it in the yearly report: in
English with JavaScript (htmx, in place), in Chinese without JavaScript (plain forms)."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from crm.agreements.models import Agreement, AgreementKind
from crm.core.dates import office_today
from crm.extensions import db
from crm.outcomes.models import report_year_of
from crm.partners.models import Partner, PartnerKind
from tests.conftest import PASSWORD

LAST_YEAR = report_year_of(office_today()) - 1


def make_agreement(app, title="AHK certificate training", partner="EBG Germany"):
    with app.app_context():
        today = office_today()
        agreement = Agreement(
            title=title, kind=AgreementKind.CERTIFICATE_TRAINING,
            partners=[Partner(name=partner, kind=PartnerKind.COMPANY, country="DE")],
            signed_on=today - timedelta(days=1000), valid_from=today - timedelta(days=1000),
            valid_until=today + timedelta(days=700), notice_days=30,
        )
        db.session.add(agreement)
        db.session.commit()
        return agreement.id


def log_in(page, live_server, user):
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(user["email"])
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/")


def test_staff_enters_an_outcome_in_place_and_sees_it_in_the_report(page, live_server, live_db, live_user, login, open_menu):
    user = live_user()
    agreement_id = make_agreement(live_db)
    login(user)
    page.goto(f"{live_server}/agreements/{agreement_id}")
    section = page.get_by_role("region", name=re.compile("Outcomes"))
    section.get_by_role("link", name="Add outcome").click()
    section.get_by_label("Year", exact=True).fill(str(LAST_YEAR))
    section.get_by_label("What was achieved").select_option(label="Certificates earned")
    section.get_by_label("Count", exact=True).fill("-4")
    section.get_by_role("button", name="Save outcome").click()
    expect(section.get_by_text("Enter a whole number from 0 to")).to_be_visible()
    section.get_by_label("Count", exact=True).fill("173")
    section.get_by_label("Detail").fill("AHK, students")
    section.get_by_role("button", name="Save outcome").click()
    row = section.get_by_role("row", name=re.compile("AHK, students"))
    expect(row.get_by_role("cell", name="173", exact=True)).to_be_visible()
    assert page.url.endswith(f"/agreements/{agreement_id}")  # in place, no page load

    row.get_by_role("link", name=re.compile("Edit")).click()
    section.get_by_label("Count", exact=True).fill("174")
    section.get_by_role("button", name="Save outcome").click()
    expect(section.get_by_role("row", name=re.compile("AHK, students")).get_by_role("cell", name="174", exact=True)).to_be_visible()

    open_menu("Reports").get_by_role("link", name="Yearly report").click()
    expect(page.get_by_role("heading", name=re.compile("Yearly report"))).to_be_visible()
    english = page.locator("#narrative-en")
    expect(english).to_contain_text("174")
    expect(english).to_contain_text("EBG Germany")
    page.get_by_role("row", name=re.compile("Certificates earned")).get_by_role("link", name="174").last.click()
    expect(page.get_by_role("heading", name="Outcome records")).to_be_visible()
    expect(page.get_by_text("AHK certificate training")).to_be_visible()


def test_in_chinese_without_javascript_the_plain_forms_do_the_same(browser, live_server, live_db, live_user):
    user = live_user(email="wang.fang@cqipc.edu.cn", name="王芳", locale="zh_CN")
    agreement_id = make_agreement(live_db, title="霍姆斯格兰教师培训", partner="Holmesglen Institute")
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, user)
        page.goto(f"{live_server}/agreements/{agreement_id}")
        page.get_by_role("link", name="添加成果").click()
        expect(page.get_by_role("heading", name=re.compile("新成果"))).to_be_visible()
        page.get_by_label("年度", exact=True).fill(str(LAST_YEAR))
        page.get_by_label("成果类别").select_option(label="培训教师")
        page.get_by_label("数量", exact=True).fill("92")
        page.get_by_role("button", name="保存成果").click()
        expect(page.get_by_text("成果已保存。")).to_be_visible()
        section = page.get_by_role("region", name=re.compile("合作成果"))
        expect(section.get_by_role("cell", name="92", exact=True).first).to_be_visible()
        page.goto(f"{live_server}/reports")
        expect(page.locator("#narrative-zh_CN")).to_contain_text("90余")
        expect(page.locator("#narrative-zh_CN")).to_contain_text("92")
        expect(page.locator("tr[data-category=teachers_trained] .app-total")).to_have_text("92")
    finally:
        context.close()
