"""A trip made last spring, recorded after the fact in one go, as the office moves in its history."""
from datetime import timedelta

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind


def test_a_past_trip_is_recorded_as_made_and_counts_as_a_delegation_sent(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF)
    with live_db.app_context():
        db.session.add(Partner(name="Holmesglen Institute", kind=PartnerKind.VOCATIONAL, country="AU"))
        db.session.commit()
    login(user)
    departed = office_today() - timedelta(days=200)
    page.goto(f"{live_server}/trips/new?outside=1")
    page.get_by_label("Delegation", exact=True).fill("Teacher training at Holmesglen")
    page.get_by_label("Main destination").select_option("AU")
    page.get_by_label("Find a partner").fill("Holmes")
    page.locator("#partner-options").get_by_label("Holmesglen Institute").check()
    page.get_by_label("Plan year").fill(str(departed.year))
    page.get_by_label("Departs on").fill(departed.isoformat())
    page.get_by_label("Returns on").fill((departed + timedelta(days=13)).isoformat())
    page.get_by_label("Record it as").select_option(label="Closed: nothing left to record")
    page.get_by_label("Approval number (批件号), if known").fill("渝外办〔2026〕7号")
    page.get_by_role("button", name="Save trip").click()

    expect(page.get_by_role("heading", name="Teacher training at Holmesglen")).to_be_visible()
    expect(page.get_by_text("was saved as made (Closed), as its dates are past")).to_be_visible()
    expect(page.locator(".app-record-head .app-badge")).to_have_text("Closed")
    expect(page.locator(".app-facts")).to_contain_text("渝外办〔2026〕7号")
    expect(page.get_by_role("button", name="Record as made")).to_have_count(0)
    page.get_by_text("Change history").click()
    expect(page.get_by_role("cell", name="Recorded after the fact")).to_be_visible()

    page.goto(f"{live_server}/trips/statistics?first={departed.year}&last={departed.year}")
    expect(page.get_by_role("cell", name="Holmesglen Institute")).to_be_visible()
