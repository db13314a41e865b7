"""The charts on a phone (templates/core/_chart.html, static/css/app.css): nothing
scrolls sideways; bars become rows that name each item in full at a readable size, with its link
and value; the trend's drawing fits the width. On a wide screen the drawn bars, as before."""
from datetime import datetime, timedelta

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.outcomes.models import Outcome, OutcomeCategory, report_year_of
from crm.partners.models import Partner, PartnerKind

PHONE = {"width": 390, "height": 844}
LONG_NAME = "Technische Hochschule für Berufliche Bildung Ostwestfalen-Lippe"


def _outcomes(app):
    year = report_year_of(office_today()) - 1
    with app.app_context():
        for n, (name, country) in enumerate(((LONG_NAME, "DE"), ("Holmesglen Institute", "AU"), ("Kyoto College", "JP"))):
            partner = Partner(name=name, kind=PartnerKind.COLLEGE, country=country)
            for back in range(3):
                db.session.add(Outcome(partner=partner, year=year - back, category=OutcomeCategory.OUTBOUND_STUDENTS, count=40 - 10 * n + back))
        db.session.commit()


def _smallest_font_px(page, selector):
    return page.locator(selector).first.evaluate("""svg => Math.min(...[...svg.querySelectorAll("text")]
        .map(text => text.getBoundingClientRect().height).filter(height => height > 0))""")


def test_on_a_phone_the_report_charts_fit_and_name_every_item_readably(page, live_server, live_db, live_user, login):
    _outcomes(live_db)
    login(live_user(Role.STAFF))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/reports")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for chart in page.locator("figure.app-chart").all():
        assert chart.evaluate("figure => figure.scrollWidth <= figure.clientWidth")
    partners = page.get_by_role("figure", name="By partner: Students sent abroad (people)")
    expect(partners.get_by_role("group", name="By partner: Students sent abroad (people)")).to_be_hidden()
    row = partners.get_by_role("listitem").filter(has=page.get_by_role("link", name=LONG_NAME))
    expect(row).to_be_visible()  # in full, not cut to "Technische Hochschule…"
    expect(row).to_contain_text("123")  # 40 + 41 + 42 over the three years
    assert row.evaluate("row => parseFloat(getComputedStyle(row).fontSize)") >= 13
    expect(page.get_by_role("group", name="Trend by year")).to_be_visible()
    assert _smallest_font_px(page, "figure svg.app-chart-lines") >= 9  # the year and axis labels


def test_on_a_phone_the_months_columns_are_rows_too(page, live_server, live_db, live_user, login):
    with live_db.app_context():
        partner = Partner(name="Kyoto College", kind=PartnerKind.COLLEGE, country="JP")
        db.session.add(Interaction(partner=partner, kind=InteractionKind.MEETING, subject="Visit", occurred_at=datetime.now() - timedelta(days=3)))
        db.session.commit()
    login(live_user(Role.STAFF))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/home/office")
    months = page.get_by_role("figure", name="Contacts logged per month")
    expect(months.get_by_role("group")).to_be_hidden()
    expect(months.get_by_role("listitem")).to_have_count(12)
    expect(months.locator(".app-chart-row-value", has_text="1")).to_have_count(1)  # the month of the visit
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_wide_screen_the_bars_are_drawn(page, live_server, live_db, live_user, login):
    _outcomes(live_db)
    login(live_user(Role.STAFF))
    page.goto(f"{live_server}/reports")
    partners = page.get_by_role("figure", name="By partner: Students sent abroad (people)")
    expect(partners.get_by_role("group", name="By partner: Students sent abroad (people)")).to_be_visible()
    expect(partners.get_by_role("list")).to_be_hidden()
    expect(partners.get_by_role("link", name=f"{LONG_NAME[:21]}…")).to_have_count(0)  # named in full by its <title>
    expect(partners.get_by_role("link", name=f"{LONG_NAME}: 123")).to_be_visible()
