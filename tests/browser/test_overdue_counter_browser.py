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
