"""The home page in Chinese on a phone: "my day" first, with nothing-due said in one line; the
office's figures come once scrolled into view."""
from playwright.sync_api import expect

from crm.auth.models import Role
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind

# A small phone (iPhone SE-like): at 844 px the office block starts within a few pixels of the
# fold, so whether it loads at once depended on font metrics (a flaky test under load).
PHONE = {"width": 390, "height": 640}


def test_on_a_phone_the_office_figures_come_when_scrolled_to(page, live_db, live_user, login):
    user = live_user(Role.STAFF, locale="zh_CN")
    with live_db.app_context():
        db.session.add_all([Partner(name=f"Partner {n}", kind=PartnerKind.UNIVERSITY, country="DE") for n in range(3)])
        db.session.commit()
    page.set_viewport_size(PHONE)
    login(user)
    counters = page.locator("#my-day-counts")
    expect(counters.get_by_text("今天没有待办")).to_be_visible()
    expect(counters.locator("a")).to_have_count(4)
    for counter in counters.locator("a").all():
        expect(counter).to_be_hidden()  # four zeros would fill the first screen
    office = page.get_by_role("region", name="全处概况")
    expect(office.get_by_role("link", name="查看全处概况的数字和图表")).to_be_attached()
    office.evaluate("section => section.scrollIntoView()")  # in one step: the block replaces it meanwhile
    partners = office.locator('[data-figure="partners"]')
    expect(partners).to_contain_text("3")
    expect(partners).to_contain_text("合作伙伴")
    expect(office.get_by_role("link", name="查看全处概况的数字和图表")).to_have_count(0)
