"""A foreign visit is marked held on its page (then it counts as a delegation received), put back
to planned, and cancelled with a reason: with JavaScript (htmx asks first in a dialog) and
without it (the server's confirmation page carries the reason on)."""
from datetime import timedelta

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.visits.models import Visit, VisitStatus
from tests.browser.conftest import log_in


def _visit(live_db) -> int:
    arrived = office_today() - timedelta(days=3)
    with live_db.app_context():
        visit = Visit(title="Hiroshima University delegation", arrive_on=arrived, leave_on=arrived + timedelta(days=1))
        db.session.add(visit)
        db.session.commit()
        return visit.id


def _status(live_db, visit_id: int) -> tuple:
    with live_db.app_context():
        visit = db.session.get(Visit, visit_id)
        return visit.status, visit.cancel_reason


def test_a_visit_is_marked_held_put_back_and_cancelled_with_a_reason(page, live_server, live_db, live_user, login):
    login(live_user(Role.STAFF))
    visit_id = _visit(live_db)
    page.goto(f"{live_server}/visits/{visit_id}")
    expect(page.get_by_text("Its dates are past: mark it as held or cancelled.")).to_be_visible()
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_text("Held: it counts as a delegation received.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hiroshima University delegation Held")).to_be_visible()
    assert _status(live_db, visit_id) == (VisitStatus.HELD, None)

    page.get_by_role("button", name="Back to planned").click()
    page.get_by_text("Cancel the visit…").click()
    page.get_by_label("Why it was cancelled").fill("The flights were cancelled")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the visit", exact=True).click()
    expect(page.get_by_text("Reason: The flights were cancelled")).to_be_visible()
    assert _status(live_db, visit_id) == (VisitStatus.CANCELLED, "The flights were cancelled")


def test_without_javascript_cancelling_asks_on_a_page_in_chinese(browser, live_server, live_db, live_user):
    user = live_user(Role.STAFF, locale="zh_CN")
    visit_id = _visit(live_db)
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, user)
        page.goto(f"{live_server}/visits/{visit_id}")
        page.get_by_text("取消来访…").click()
        page.get_by_label("取消原因").fill("航班取消")
        page.get_by_role("button", name="取消来访", exact=True).click()
        expect(page.get_by_role("heading", name="取消来访Hiroshima University delegation？取消后不再计入来访团组，相关期限也随之停止。")).to_be_visible()
        assert _status(live_db, visit_id) == (VisitStatus.PLANNED, None)
        page.get_by_role("button", name="取消来访", exact=True).click()
        expect(page).to_have_url(f"{live_server}/visits/{visit_id}")
        expect(page.get_by_text("原因：航班取消")).to_be_visible()
        assert _status(live_db, visit_id) == (VisitStatus.CANCELLED, "航班取消")
    finally:
        context.close()
