"""axe-core on the pages whose parts come once in view, with those parts in place (home, a
partner's page), on the blocks' pages of their own, and on the report's full tables by country
and by partner, in English and in Chinese: no serious or critical violation."""
import pytest
from playwright.sync_api import expect

from crm.auth.models import Role
from crm.demo.loader import load_demo
from crm.extensions import db
from crm.partners.models import Partner
from tests.browser.test_accessibility import AXE, RUN_AXE


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_axe_finds_no_serious_violation_on_the_blocks_and_the_full_tables(page, live_server, live_db, live_user, login, language):
    with live_db.app_context():
        load_demo()
        partner = db.session.scalar(db.select(Partner.id).order_by(Partner.id))
    login(live_user(Role.STAFF, locale=language))
    source = AXE.read_text()
    found = {}
    for path, block in (("/", "#home-office .app-chart"), (f"/partners/{partner}", "#history-heading"),
                        ("/home/watch", None), ("/home/office", None), (f"/partners/{partner}/work", None),
                        ("/reports/countries", None), ("/reports/partners", None)):
        assert page.goto(f"{live_server}{path}").ok, path
        if block:
            page.evaluate("document.querySelector('#home-office, #partner-work').scrollIntoView()")
            expect(page.locator(block).first).to_be_attached()
            expect(page.locator("[aria-busy]")).to_have_count(0)
        page.evaluate(source)
        if violations := page.evaluate(RUN_AXE):
            found[path] = violations
    assert found == {}
