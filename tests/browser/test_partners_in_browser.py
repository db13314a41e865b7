"""The partner directory as staff use it: search as you type, add a contact inline, duplicate warning."""
import re

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind


def _partners(app, *rows):
    with app.app_context():
        partners = [Partner(name=name, country=country, kind=PartnerKind.COLLEGE) for name, country in rows]
        db.session.add_all(partners)
        db.session.commit()
        return [partner.id for partner in partners]


def test_typing_deguo_then_germany_shows_the_same_german_partners_without_a_page_load(page, live_server, live_db, live_user, login):
    _partners(live_db, ("BSK International Education Institute", "DE"), ("EBG Germany", "DE"), ("Holmesglen Institute", "AU"))
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners")
    page.evaluate("window.stillTheSamePage = true")
    table = page.locator("#partner-results table")
    search = page.get_by_label("Search partners")
    for term in ("德国", "Germany"):
        search.fill(term)
        expect(page.get_by_text("2 partners found")).to_be_visible()
        expect(table.get_by_role("link", name="Holmesglen Institute")).to_have_count(0)
        expect(table.get_by_role("link", name="BSK International Education Institute")).to_be_visible()
        expect(table.get_by_role("link", name="EBG Germany")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/partners\?q=Germany$"))
    assert page.evaluate("window.stillTheSamePage") is True


def test_adding_a_contact_inline_shows_it_in_the_list(page, live_server, live_db, live_user, login):
    [partner_id] = _partners(live_db, ("Holmesglen Institute", "AU"))
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners/{partner_id}")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("link", name="Add contact").click()
    page.get_by_label("Name").fill("Sarah Mitchell")
    page.get_by_label("E-mail").fill("s.mitchell@holmesglen.edu.au")
    page.get_by_label("Primary contact").check()
    page.get_by_role("button", name="Save contact").click()
    contacts = page.get_by_role("list", name="Contacts")
    sarah = contacts.get_by_role("listitem").filter(has_text="Sarah Mitchell")
    expect(sarah).to_be_visible()
    expect(sarah.get_by_text("Primary", exact=True)).to_be_visible()
    expect(sarah.get_by_role("link", name="s.mitchell@holmesglen.edu.au")).to_be_visible()
    expect(page.get_by_role("link", name="Add contact")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True


def test_the_duplicate_warning_appears_for_holmesglen_institute_of_tafe(page, live_server, live_db, live_user, login):
    _partners(live_db, ("Holmesglen Institute", "AU"))
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners")
    page.get_by_role("link", name="New partner").click()
    page.get_by_label("Name (English)").fill("Holmesglen Institute of TAFE")
    page.get_by_label("Kind").select_option(label="Vocational institute / TAFE")
    country = page.get_by_role("combobox", name="Country")  # the picker, once its script has run
    country.fill("Australia")
    country.press("Enter")  # the country picker: the first match
    page.get_by_role("button", name="Create partner").click()
    warning = page.get_by_role("alert")
    expect(warning.get_by_text("This partner may exist already")).to_be_visible()
    expect(warning.get_by_role("link", name="Holmesglen Institute")).to_be_visible()
    page.get_by_role("button", name="It is a different partner: create it").click()
    expect(page.get_by_role("heading", name="Holmesglen Institute of TAFE")).to_be_visible()


def test_the_bulk_change_appears_once_a_partner_is_chosen_and_goes_with_the_last_one(page, live_server, live_db, live_user, login):
    _partners(live_db, ("BSK International Education Institute", "DE"), ("EBG Germany", "DE"))
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners")
    change = page.get_by_role("group", name="Change several partners")  # the bar (folded on a phone)
    expect(page.get_by_role("link", name="EBG Germany")).to_be_visible()
    expect(change).to_be_hidden()
    page.get_by_label("Choose EBG Germany").check()
    expect(change).to_be_visible()
    page.get_by_label("Choose EBG Germany").uncheck()
    expect(change).to_be_hidden()
    page.get_by_label("Choose every partner on this page").check()
    expect(change).to_be_visible()
    # A new search brings new rows, none chosen: the bar waits again.
    page.get_by_label("Search partners").fill("BSK")
    expect(page.get_by_text("1 partner found")).to_be_visible()
    expect(change).to_be_hidden()


def test_the_search_rules_are_one_click_away(page, live_server, live_db, live_user, login):
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners")
    rules = page.get_by_text("A two-letter country code such as DE")
    expect(rules).to_be_hidden()
    page.get_by_text("More about searching").click()
    expect(rules).to_be_visible()
