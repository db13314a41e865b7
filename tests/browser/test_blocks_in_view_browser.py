"""Pages answer with what the user acts on first; what lies further down comes as its own block
once in view, in place, and as a page of its own without JavaScript: on the home page the
user's partners gone quiet and other deadlines after "my day", on a partner's page its outcomes,
delegations and change history after its contacts, agreements and contact history."""
from datetime import datetime, timedelta

from playwright.sync_api import expect

from crm.agreements.models import Agreement, AgreementKind
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind
from tests.browser.conftest import log_in

TODAY = office_today()
PHONE = {"width": 390, "height": 844}


def _my_office(live_db, user):
    """A partner of the user with an agreement in force and nothing for a year, and an overdue
    follow-up about a partner contacted last week."""
    with live_db.app_context():
        silent = Partner(name="Silent Hochschule", kind=PartnerKind.UNIVERSITY, country="DE", owner_id=user["id"])
        busy = Partner(name="Busy College", kind=PartnerKind.VOCATIONAL, country="AU", owner_id=user["id"])
        long_ago = TODAY - timedelta(days=400)
        agreement = Agreement(title="Exchange agreement", kind=AgreementKind.MOU, owner_id=user["id"], partners=[silent],
                              signed_on=long_ago, valid_from=long_ago, valid_until=TODAY + timedelta(days=700))
        entry = Interaction(partner=busy, kind=InteractionKind.MEETING, subject="Visit", occurred_at=datetime.now() - timedelta(days=7))
        db.session.add_all([silent, busy, agreement, entry])
        db.session.flush()
        db.session.add(FollowUp(title="Send the exam dates", assignee_id=user["id"], interaction_id=entry.id, due_on=TODAY - timedelta(days=2)))
        db.session.commit()


def test_the_quiet_partners_come_in_place_after_my_day(page, live_db, live_user, login):
    user = live_user(Role.STAFF)
    _my_office(live_db, user)
    login(user)
    expect(page.get_by_role("region", name="My follow-ups").get_by_text("Send the exam dates")).to_be_visible()
    quiet = page.get_by_role("region", name="My partners gone quiet")
    expect(quiet.get_by_role("link", name="Silent Hochschule")).to_be_visible()
    expect(page.get_by_role("link", name="Show my partners gone quiet")).to_have_count(0)
    expect(page.get_by_role("region", name="Other deadlines").get_by_text("No other deadline in the next 30 days.")).to_be_visible()
    # Swapped in as two items of the home page's grid, side by side on a wide screen.
    quiet_box = quiet.bounding_box()
    deadlines_box = page.get_by_role("region", name="Other deadlines").bounding_box()
    assert abs(quiet_box["y"] - deadlines_box["y"]) < 2 and deadlines_box["x"] > quiet_box["x"]


def test_on_a_phone_in_chinese_the_quiet_partners_come_when_scrolled_to(page, live_db, live_user, login):
    user = live_user(Role.STAFF, locale="zh_CN")
    _my_office(live_db, user)
    page.set_viewport_size(PHONE)
    login(user)
    quiet = page.get_by_role("region", name="我负责的久未联络合作伙伴")
    # Scrolled there in one step in the page: the block may replace the placeholder while
    # Playwright's own scrolling still waits for it to stand still (then 'not attached').
    quiet.evaluate("section => section.scrollIntoView()")
    expect(quiet.get_by_role("link", name="Silent Hochschule")).to_be_visible()
    expect(page.get_by_role("link", name="查看我负责的久未联络合作伙伴")).to_have_count(0)


def test_without_javascript_the_block_is_a_page_of_its_own(browser, live_server, live_db, live_user):
    user = live_user(Role.STAFF)
    _my_office(live_db, user)
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, user)
    expect(page.get_by_text("Send the exam dates")).to_be_visible()
    expect(page.get_by_role("link", name="Silent Hochschule")).to_have_count(0)
    page.get_by_role("link", name="Show my partners gone quiet").click()
    expect(page.get_by_role("heading", level=1, name="My partners gone quiet and other deadlines")).to_be_visible()
    expect(page.get_by_role("link", name="Silent Hochschule")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Other deadlines")).to_be_visible()
    context.close()


def test_a_partners_outcomes_and_delegations_come_in_place_when_scrolled_to(page, live_server, live_db, live_user, login):
    """The partner page: contacts, agreements and the contact history first; the lower sections
    (outcomes, delegations, change history) swap in once scrolled into view."""
    user = live_user(Role.STAFF)
    _my_office(live_db, user)
    with live_db.app_context():
        partner_id = db.session.scalar(db.select(Partner.id).where(Partner.name == "Busy College"))
    page.set_viewport_size(PHONE)
    login(user)
    page.goto(f"{live_server}/partners/{partner_id}")
    expect(page.locator("#contact-history")).to_contain_text("Visit")
    expect(page.get_by_role("heading", name="Delegations received")).to_have_count(0)
    page.get_by_role("link", name="Show the outcomes, consortia, experts, joint programmes, delegations and change history").evaluate("link => link.scrollIntoView()")
    expect(page.get_by_role("heading", name="Delegations received")).to_be_visible()
    expect(page.get_by_role("heading", name="Outcomes", exact=True)).to_be_attached()
    expect(page.get_by_role("link", name="Show the outcomes, consortia, experts, joint programmes, delegations and change history")).to_have_count(0)
