"""The navigation's overdue counter arrives right after the page (htmx), in both languages."""
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind


def _overdue_follow_ups(app, assignee_id: int, how_many: int) -> None:
    with app.app_context():
        partner = Partner(name="Holmesglen Institute", kind=PartnerKind.VOCATIONAL, country="AU")
        entry = Interaction(partner=partner, occurred_at=datetime(2026, 10, 1, 10), kind=InteractionKind.MEETING, subject="Visit")
        db.session.add_all([partner, entry])
        db.session.flush()
        for n in range(how_many):
            db.session.add(FollowUp(title=f"Promise {n}", due_on=office_today() - timedelta(days=n + 1),
                                    assignee_id=assignee_id, interaction_id=entry.id))
        db.session.commit()


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_counter_shows_my_overdue_follow_ups_after_any_page(page, live_server, live_db, live_user, login, locale):
    user = live_user(Role.STAFF, locale=locale)
    _overdue_follow_ups(live_db, user["id"], 2)
    login(user)
    page.goto(f"{live_server}/partners")
    counter = page.locator("#overdue-count")
    expect(counter.locator(".badge")).to_contain_text("2")  # loaded after the page, not in it


def test_a_row_done_or_reassigned_in_place_keeps_its_tick_box_column(page, live_server, live_db, live_user, login):
    """The row htmx swapped in after Done (or Reassign) had no tick-box cell: its title slid
    under the tick-box column and every cell after it one column to the left."""
    user = live_user(Role.STAFF)
    _overdue_follow_ups(live_db, user["id"], 2)
    login(user)
    page.goto(f"{live_server}/follow-ups")
    table = page.locator(".app-followup-overdue table")
    done_row = table.get_by_role("row").filter(has_text="Promise 0")
    done_row.get_by_role("button", name="Done").click()
    expect(done_row.get_by_role("button", name="Reopen")).to_be_visible()
    reassigned = table.get_by_role("row").filter(has_text="Promise 1")
    reassigned.get_by_role("link", name="Reassign").click()
    expect(reassigned.get_by_role("combobox")).to_be_visible()
    for row in (done_row, reassigned):
        expect(row.locator("td")).to_have_count(table.locator("thead th").count())
        expect(row.locator("td").nth(1)).to_have_class("app-followup-title")


def test_done_in_place_updates_the_groups_count_beside_the_row(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF)
    _overdue_follow_ups(live_db, user["id"], 3)
    login(user)
    page.goto(f"{live_server}/follow-ups")
    heading = page.get_by_role("heading", name="Overdue")
    expect(heading).to_contain_text("3")
    row = page.locator(".app-followup-overdue table").get_by_role("row").filter(has_text="Promise 0")
    row.get_by_role("button", name="Done").click()
    expect(row.get_by_role("button", name="Reopen")).to_be_visible()
    expect(heading).to_contain_text("2")
    expect(page.locator("#follow-ups-total")).to_have_text("2")
    expect(page.locator("template")).to_have_count(0)  # the counts' wrapper is not left in the page
