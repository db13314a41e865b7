"""A form is sent once (static/js/app.js): a double click (or Enter again) on a slow save sends
one request and saves one record, the button says it is busy meanwhile and is usable again once
the answer came, and a form whose buttons carry a value (the language switch) still sends it.
The slow answer: the test holds the request until it releases it, as a slow network would."""
from playwright.sync_api import expect
from sqlalchemy import func, select

from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind
from tests.browser.conftest import log_in


def _partner(app) -> int:
    with app.app_context():
        partner = Partner(name="Holmesglen Institute", country="AU", kind=PartnerKind.COLLEGE)
        db.session.add(partner)
        db.session.commit()
        return partner.id


def _contacts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contact))


def _hold_posts(page, pattern) -> list:
    """POSTs to `pattern` wait in the returned list until `_release` lets them through."""
    held = []
    page.route(pattern, lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    return held


def _wait_for(page, held) -> None:
    """Until a request is held (Playwright hands it over while the test waits on the page)."""
    for _ in range(250):
        if held:
            return
        page.wait_for_timeout(20)


def _release(page, held) -> None:
    """Let the first held request through, once it has come."""
    _wait_for(page, held)
    held.pop(0).continue_()


def test_a_double_click_on_a_slow_plain_save_sends_it_once(page, live_server, live_db, live_user, login):
    partner_id = _partner(live_db)
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners/{partner_id}/contacts/new")
    held = _hold_posts(page, f"**/partners/{partner_id}/contacts/new")
    page.get_by_label("Name").fill("Sarah Mitchell")

    save = page.get_by_role("button", name="Save contact").bounding_box()
    at = (save["x"] + save["width"] / 2, save["y"] + save["height"] / 2)

    page.mouse.dblclick(*at)
    _wait_for(page, held)
    page.mouse.click(*at)  # and once more while the answer is awaited

    _release(page, held)
    expect(page.get_by_role("list", name="Contacts").get_by_role("listitem").filter(has_text="Sarah Mitchell")).to_be_visible()
    assert not held and _contacts(live_db) == 1


def test_a_slow_inline_save_is_sent_once_says_it_is_busy_and_is_usable_again(page, live_server, live_db, live_user, login):
    partner_id = _partner(live_db)
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners/{partner_id}")
    held = _hold_posts(page, f"**/partners/{partner_id}/contacts/new")
    page.get_by_role("link", name="Add contact").click()
    page.get_by_label("Name").fill("Sarah Mitchell")
    page.get_by_label("E-mail").fill("not an address")
    save = page.get_by_role("button", name="Save contact")

    save.dblclick()
    expect(save).to_be_disabled()
    expect(save).to_have_attribute("aria-disabled", "true")
    expect(page.locator("#contact-new form")).to_have_attribute("aria-busy", "true")
    page.get_by_label("Name").press("Enter")  # Enter again: dropped too
    _release(page, held)  # refused (422): the form comes back, usable

    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    expect(save).to_be_enabled()
    expect(save).not_to_have_attribute("aria-disabled", "true")
    assert not held and _contacts(live_db) == 0

    page.get_by_label("E-mail").fill("s.mitchell@holmesglen.edu.au")
    save.dblclick()
    expect(save).to_be_disabled()
    _release(page, held)
    expect(page.get_by_role("list", name="Contacts").get_by_role("listitem").filter(has_text="Sarah Mitchell")).to_be_visible()
    expect(page.get_by_role("link", name="Add contact")).to_be_visible()
    assert not held and _contacts(live_db) == 1


def test_the_language_buttons_still_send_their_language_and_back_leaves_them_usable(page, live_server, live_db, live_user, login):
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="合作伙伴", exact=True)).to_be_visible()
    page.go_back()  # the page again (refetched: no-store), in the language now chosen
    expect(page.get_by_role("button", name="English")).to_be_attached()
    expect(page.locator("form[aria-busy], button[disabled]")).to_have_count(0)


def test_without_javascript_a_form_sent_twice_saves_once_and_shows_what_it_saved(browser, live_server, live_db, live_user):
    """No JavaScript holds the button: a double click on a slow save sends the form twice. The
    server (crm/core/submissions.py) saves it once; the second answer leads to what was saved."""
    partner_id = _partner(live_db)
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, live_user(Role.STAFF))
    page.goto(f"{live_server}/partners/{partner_id}/contacts/new")
    page.get_by_label("Name").fill("Sarah Mitchell")

    def twice(route):
        if route.request.method != "POST":
            return route.continue_()
        first = route.fetch(max_redirects=0)
        second = route.fetch(max_redirects=0)  # the same body, the same cookies: the double click
        assert first.status == second.status == 303
        assert first.headers["location"] == second.headers["location"]
        route.fulfill(response=second)

    page.route(f"**/partners/{partner_id}/contacts/new", twice)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("This form had already been sent")).to_be_visible()
    expect(page.get_by_role("list", name="Contacts").get_by_role("listitem").filter(has_text="Sarah Mitchell")).to_have_count(1)
    assert _contacts(live_db) == 1
    context.close()


def test_the_same_inline_form_saves_two_records_in_a_row_and_still_catches_a_form_sent_twice(page, live_server, live_db, live_user, login):
    """Entering two contacts one after the other with the partner page's inline form (htmx)
    saves both: each is a record of its own, not "already saved". The same form sent twice
    (its token and what it says: a double submission past the button) saves once, and the
    answer to the second says so in place."""
    partner_id = _partner(live_db)
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners/{partner_id}")
    contacts = page.get_by_role("list", name="Contacts").get_by_role("listitem")
    for name in ("Sarah Mitchell", "Tom Nguyen"):
        page.get_by_role("link", name="Add contact").click()
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Save contact").click()
        expect(contacts.filter(has_text=name)).to_be_visible()
    expect(page.get_by_text("already been sent")).to_have_count(0)
    assert _contacts(live_db) == 2

    def twice(route):
        if route.request.method != "POST":
            return route.continue_()
        first = route.fetch()
        second = route.fetch()  # the same body again: a double submission
        assert first.status == 204 and second.status == 409
        route.fulfill(response=second)

    page.route(f"**/partners/{partner_id}/contacts/new", twice)
    page.get_by_role("link", name="Add contact").click()
    page.get_by_label("Name").fill("Amy Lee")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("This form had already been sent")).to_be_visible()
    page.reload()
    expect(contacts.filter(has_text="Amy Lee")).to_have_count(1)
    assert _contacts(live_db) == 3


def test_two_interactions_logged_in_a_row_on_the_partner_page_are_both_kept(page, live_server, live_db, live_user, login):
    partner_id = _partner(live_db)
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/partners/{partner_id}")
    history = page.locator("#contact-history")
    for subject in ("Visit planning", "Visa letters"):
        history.get_by_role("link", name="Log an interaction").click()
        history.get_by_label("Subject").fill(subject)
        history.get_by_label("Summary").fill(f"Talked about {subject.lower()}.")
        history.get_by_role("button", name="Save").click()
        expect(history.get_by_text(subject, exact=True)).to_be_visible()
    expect(page.get_by_text("already been sent")).to_have_count(0)
    with live_db.app_context():
        from crm.interactions.models import Interaction
        assert db.session.scalar(select(func.count()).select_from(Interaction)) == 2
