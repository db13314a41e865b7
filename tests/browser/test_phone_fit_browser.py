"""Pages the last merges changed, on a phone: the 409 page's two versions fit the width, the
visits list shows every column it keeps, and the report's table by country wraps its long category
titles (one long line pushed the figures beside each country out of view)."""
from datetime import timedelta

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, report_year_of
from crm.partners.models import Partner, PartnerKind
from crm.visits.models import Visit, VisitStatus
from tests.browser.conftest import log_in

PHONE = {"width": 390, "height": 844}
LONG_WEBSITE = "https://www.technische-hochschule-ostwestfalen-lippe.de/international"


def _phone_page(browser, live_server, user):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, user)
    return context, page


def _nothing_hidden_sideways(page, selector):
    return page.locator(selector).first.evaluate("box => box.scrollWidth <= box.clientWidth")


def test_the_stale_edit_page_fits_a_phone(browser, live_server, live_db, live_user):
    with live_db.app_context():
        partner = Partner(name="Technische Hochschule Ostwestfalen-Lippe", kind=PartnerKind.COLLEGE, country="DE", website=LONG_WEBSITE)
        db.session.add(partner)
        db.session.commit()
        partner_id = partner.id
    context, page = _phone_page(browser, live_server, live_user(Role.STAFF))
    try:
        page.goto(f"{live_server}/partners/{partner_id}/edit")
        with live_db.app_context():  # someone else saves first
            db.session.get(Partner, partner_id).city = "Lemgo"
            db.session.commit()
        page.get_by_label("City").fill("Detmold")
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            page.get_by_role("button", name="Save").click()
        assert answer.value.status == 409
        page.wait_for_load_state("load")  # measured with the stylesheet applied (a busy run measured before it: 418 px)
        assert page.locator("table.app-conflict").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_the_visits_list_and_the_report_by_country_keep_their_figures_in_view(browser, live_server, live_db, live_user):
    today = office_today()
    year = report_year_of(today) - 1
    with live_db.app_context():
        partner = Partner(name="Hiroshima University", kind=PartnerKind.UNIVERSITY, country="JP")
        for category in (OutcomeCategory.EXPERTS_HOSTED, OutcomeCategory.OUTBOUND_STUDENTS, OutcomeCategory.TEACHERS_TRAINED):
            db.session.add(Outcome(partner=partner, year=year, category=category, count=3))
        db.session.add_all([
            Visit(title="Hiroshima University delegation for the joint programme", arrive_on=today - timedelta(days=9),
                  leave_on=today - timedelta(days=7), status=VisitStatus.PLANNED, partners=[partner]),
            Visit(title="Holmesglen Institute delegation", arrive_on=today + timedelta(days=9), leave_on=today + timedelta(days=10)),
        ])
        db.session.commit()
    context, page = _phone_page(browser, live_server, live_user(Role.STAFF))
    try:
        page.goto(f"{live_server}/visits")
        assert _nothing_hidden_sideways(page, "main .table-responsive")
        page.goto(f"{live_server}/reports/countries?year_from={year}&year_to={year}")
        widths = page.locator("table.app-report-countries thead th.app-number").evaluate_all(
            "heads => heads.map(head => head.getBoundingClientRect().width)")
        assert len(widths) == 3 and max(widths) <= 144  # 9rem: a title on lines of a few words, not one long line
    finally:
        context.close()


def test_renew_and_end_fit_a_phone_under_their_row(browser, live_server, live_db, live_user):
    """The permits and approvals due, a programme's approvals and an expert's permits: on a phone
    a row's decision (Renew, End, Edit) is a line under the row (the same cell, laid out by the
    CSS), and the table needs no sideways scroll, in English and in Chinese; a wide screen keeps
    the Decision column."""
    from crm.demo.loader import load_demo
    from crm.experts.models import Permit
    from crm.programmes.models import Approval

    with live_db.app_context():
        load_demo()
        expert_id = db.session.scalars(db.select(Permit.expert_id).where(Permit.decision.is_(None))).first()
        programme_id = db.session.scalars(db.select(Approval.programme_id).where(Approval.decision.is_(None))).first()
    pages = ["/renewals", f"/experts/{expert_id}", f"/programmes/{programme_id}"]
    for locale, renew in (("en", "Renew"), ("zh_CN", "续签")):
        user = live_user(Role.STAFF, email=f"staff-{locale}@cqipc.edu.cn", locale=locale)
        for viewport, phone in ((PHONE, True), ({"width": 1280, "height": 900}, False)):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            try:
                log_in(page, live_server, user)
                for path in pages:
                    page.goto(f"{live_server}{path}")
                    table = page.locator("table:has(.app-row-decision)").first
                    assert table.evaluate("t => t.closest('.table-responsive').scrollWidth <= t.closest('.table-responsive').clientWidth"), (locale, path)
                    button = table.get_by_role("link", name=renew).first
                    assert button.is_visible(), (locale, path)
                    under_row = button.evaluate(
                        "b => b.getBoundingClientRect().top >= b.closest('tr').cells[0].getBoundingClientRect().bottom - 1")
                    assert under_row == phone, (locale, path)
                    assert table.locator("th.app-row-decision").is_visible() != phone, (locale, path)
            finally:
                context.close()
