"""Contact history as a person uses it: log a meeting in place, then close its follow-up."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.core.dates import office_today
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind


def _partner_with_two_contacts(app) -> int:
    with app.app_context():
        partner = Partner(name="Holmesglen Institute", kind=PartnerKind.VOCATIONAL, country="AU")
        partner.contacts = [Contact(name="Jane Doe", position="Director"), Contact(name="John Smith")]
        db.session.add(partner)
        db.session.commit()
        return partner.id


def test_a_meeting_logged_on_the_partner_page_shows_at_once_and_its_follow_up_is_closed_on_follow_ups(
    page, live_server, live_db, live_user, login, open_menu
):
    user = live_user(Role.STAFF)
    live_user(Role.STAFF, email="wang.fang@cqipc.edu.cn", name="Wang Fang")
    partner_id = _partner_with_two_contacts(live_db)
    login(user)
    page.goto(f"{live_server}/partners/{partner_id}")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    history = page.locator("#contact-history")
    history.get_by_role("link", name="Log an interaction").click()
    history.get_by_label("Kind").select_option(label="Meeting")
    history.get_by_label("Subject").fill("Annual review of the teacher training")
    history.get_by_label("Summary").fill("We agreed on the next TAE cohort.")
    people = history.get_by_role("combobox", name="Their people")
    people.fill("jane")
    history.get_by_role("option", name="Jane Doe · Director").click()
    people.fill("Smi")
    people.press("Enter")
    expect(history.get_by_role("button", name="Remove John Smith")).to_be_visible()
    first_row = history.get_by_role("group", name="Follow-up 1")
    first_row.get_by_label("What").fill("Send the signed MoU")
    first_row.get_by_label("Due").fill((office_today() - timedelta(days=1)).isoformat())
    history.get_by_role("button", name="Save").click()

    newest = history.locator(".app-entry").first
    expect(newest).to_contain_text("Annual review of the teacher training")
    expect(newest).to_contain_text("Jane Doe, John Smith")
    expect(newest).to_contain_text("Send the signed MoU")
    counter = page.locator("#overdue-count")
    expect(counter).to_contain_text("1")  # refreshed through the followUpsChanged event
    assert page.evaluate("window.loadedOnce") is True

    open_menu("Contact").get_by_role("link", name="Follow-ups").click()
    overdue = page.get_by_role("region", name=re.compile("^Overdue"))
    expect(overdue.get_by_role("row", name=re.compile("Send the signed MoU"))).to_be_visible()
    page.wait_for_load_state("load")  # htmx ready: a click before it posts the plain form (a new page)
    page.evaluate("window.loadedOnce = true")
    overdue.get_by_role("button", name="Mark “Send the signed MoU” done").click()
    expect(overdue.get_by_role("button", name="Reopen “Send the signed MoU”")).to_be_visible()
    expect(counter).to_have_text("")
    assert page.evaluate("window.loadedOnce") is True
