"""Bugs found by using the app in the browser, each with the test that would have caught it."""
from playwright.sync_api import expect

from crm.auth.models import Role
from crm.extensions import db
from crm.trips.models import Trip, TripDocument, TripDocumentKind, TripMember

PDF = b"%PDF-1.4\n%approval\n"


def test_removing_a_trip_member_or_document_asks_first_and_a_no_keeps_it(page, live_server, live_db, live_user, login):
    """With JavaScript on, Remove took the member (or the 批件 scan) away at once: hx-confirm
    only asks on a request htmx makes."""
    login(live_user(Role.STAFF))
    with live_db.app_context():
        trip = Trip(title="Delegation to BSK", year=2026, country="DE")
        trip.members = [TripMember(name="Liu Qiang", position="Dean")]
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
    page.goto(f"{live_server}/trips/{trip_id}")
    page.get_by_label("Document", exact=True).select_option("approval")
    page.get_by_label("File", exact=True).set_input_files({"name": "approval.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="approval.pdf")).to_be_visible()

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Remove Liu Qiang").click()
    expect(page.get_by_text("Liu Qiang")).to_be_visible()
    assert asked == ["Remove Liu Qiang?"]
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Remove approval.pdf").click()
    expect(page.get_by_role("link", name="approval.pdf")).to_be_visible()
    assert asked[-1] == "Remove approval.pdf? The file is deleted."
    with live_db.app_context():
        assert db.session.query(TripMember).count() == 1 and db.session.query(TripDocument).count() == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove Liu Qiang").click()
    expect(page.get_by_text("No member yet.")).to_be_visible()
    with live_db.app_context():
        assert db.session.query(TripMember).count() == 0
        assert db.session.query(TripDocument).one().kind == TripDocumentKind.APPROVAL


def test_each_search_landmark_of_the_list_pages_has_a_name_of_its_own(page, live_server, live_db, live_user, login):
    """axe's landmark-unique (moderate, so not in the main accessibility test): the list's filter
    form and the quick search were two unnamed "search" landmarks, alike to a screen reader."""
    from crm.demo.loader import load_demo
    from tests.browser.test_accessibility import AXE

    with live_db.app_context():
        load_demo()
    login(live_user(Role.ADMIN, locale="zh_CN"))
    source = AXE.read_text()
    found = {}
    for path in ("/trips", "/visits", "/experts", "/programmes", "/consortia", "/partners", "/agreements", "/history",
                 "/interactions/new", "/import/merge"):
        assert page.goto(f"{live_server}{path}").ok, path
        page.evaluate(source)
        names = page.evaluate("""async () => (await axe.run(document, {runOnly: ["landmark-unique"]}))
            .violations.map(v => v.nodes.map(n => n.target.join(" ")).join(" | "))""")
        if names:
            found[path] = names
    assert found == {}


def test_an_outcomes_evidence_page_keeps_its_headings_in_order(page, live_server, live_db, live_user, login):
    """axe's heading-order (moderate): the page's h1 was followed by the list's h3."""
    from crm.demo.loader import load_demo
    from crm.outcomes.models import Outcome
    from tests.browser.test_accessibility import AXE

    with live_db.app_context():
        load_demo()
        outcome_id = db.session.query(Outcome.id).filter(Outcome.agreement_id.is_not(None)).order_by(Outcome.id).first()[0]
    login(live_user(Role.ADMIN, locale="zh_CN"))
    assert page.goto(f"{live_server}/outcomes/{outcome_id}/evidence").ok
    page.evaluate(AXE.read_text())
    found = page.evaluate("""async () => (await axe.run(document, {runOnly: ["heading-order"]}))
        .violations.map(v => v.nodes.map(n => n.target.join(" ")).join(" | "))""")
    assert found == []


def test_undoing_an_import_asks_first(page, live_server, live_db, live_user, login):
    """Undo this import removed every partner the file had created at one click."""
    from crm.imports.models import BatchStatus, ImportBatch

    admin = live_user(Role.ADMIN)
    login(admin)
    with live_db.app_context():
        batch = ImportBatch(kind="partners", file_name="partners-2026.xlsx", status=BatchStatus.COMMITTED, created_by_id=admin["id"])
        db.session.add(batch)
        db.session.commit()
        batch_id = batch.id
    page.goto(f"{live_server}/import/{batch_id}")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_role("button", name="Undo this import")).to_be_visible()
    assert asked == ["Undo the import of partners-2026.xlsx? The records it created are removed."]
    with live_db.app_context():
        assert db.session.get(ImportBatch, batch_id).status == BatchStatus.COMMITTED
