"""Without JavaScript a Remove button asks first too: the server answers a confirmation page
(crm/core/children.py remove_child) and removes only when that page's button is pressed."""
from playwright.sync_api import expect

from crm.auth.models import Role
from crm.extensions import db
from crm.trips.models import Trip, TripMember
from tests.browser.conftest import log_in


def test_removing_a_trip_member_without_javascript_goes_through_a_confirmation_page_in_chinese(
        browser, live_server, live_db, live_user):
    user = live_user(Role.STAFF, locale="zh_CN")
    with live_db.app_context():
        trip = Trip(title="Delegation to BSK", year=2026, country="DE")
        trip.members = [TripMember(name="Liu Qiang", position="Dean"), TripMember(name="Wang Fang")]
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, user)
        page.goto(f"{live_server}/trips/{trip_id}")
        page.get_by_role("button", name="移除 Liu Qiang").click()
        expect(page.get_by_role("heading", name="移除Liu Qiang？")).to_be_visible()
        with live_db.app_context():
            assert db.session.query(TripMember).count() == 2

        page.get_by_role("link", name="取消").click()
        expect(page).to_have_url(f"{live_server}/trips/{trip_id}#members")
        page.get_by_role("button", name="移除 Liu Qiang").click()
        page.get_by_role("button", name="移除", exact=True).click()
        expect(page).to_have_url(f"{live_server}/trips/{trip_id}#members")
        expect(page.get_by_text("Liu Qiang")).to_have_count(0)
        with live_db.app_context():
            assert [m.name for m in db.session.query(TripMember)] == ["Wang Fang"]
    finally:
        context.close()
