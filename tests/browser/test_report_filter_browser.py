"""The yearly report's filter on a phone (390 px) folds under a summary of what the report shows,
so the report itself is on the first screen; a tap opens it, without JavaScript. On a laptop the
filter stays open. The charts by country and partner name their one category and its unit."""
import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, year_label
from crm.partners.models import Partner, PartnerKind

YEAR = 2022


@pytest.fixture
def report_data(live_db):
    with live_db.app_context():
        partner = Partner(name="EBG Germany", kind=PartnerKind.COMPANY, country="DE")
        db.session.add_all([partner, Outcome(year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=10, partner=partner)])
        db.session.commit()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "java_script_enabled": False}


def test_on_a_phone_the_filter_folds_under_its_summary_and_opens_without_javascript(page, live_server, live_db, live_user, login, report_data):
    login(live_user(locale="zh_CN"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/reports?year_from={YEAR}&year_to={YEAR}")
    with live_db.app_context():
        label = year_label(YEAR)
    summary = page.locator("summary", has_text="筛选：")
    expect(summary).to_contain_text(label)
    expect(summary).to_contain_text("派出学生")
    expect(page.get_by_label("起始年份")).to_be_hidden()
    # the report starts on the first screen, under the folded filter
    assert page.get_by_role("heading", name="文字总结").bounding_box()["y"] < 844
    summary.click()
    expect(page.get_by_label("起始年份")).to_be_visible()
    expect(page.get_by_role("figure", name="按合作单位：派出学生（人）")).to_be_visible()


def test_on_a_laptop_the_filter_is_open(page, live_server, live_user, login, report_data):
    login(live_user())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/reports?year_from={YEAR}&year_to={YEAR}")
    expect(page.get_by_label("From year")).to_be_visible()
    page.get_by_label("Charts by country and partner show").select_option(label="Certificates earned")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("figure", name="By partner: Certificates earned (certificates)")).to_be_visible()

