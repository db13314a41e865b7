"""axe-core (vendored for the tests only, tests/browser/vendor) on every main page, in English
and in Chinese: no serious or critical violation (colour contrast, names, headers, ARIA)."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.auth.models import Role
from crm.demo.loader import load_demo
from crm.extensions import db
from crm.partners.models import Partner
from crm.proposals.models import Proposal
from crm.agreements.models import Agreement

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""


@pytest.fixture
def demo_office(live_db):
    with live_db.app_context():
        load_demo()
        ids = (db.session.query(Partner.id).first()[0], db.session.query(Agreement.id).first()[0],
               db.session.query(Proposal.id).first()[0])
    return ids


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_axe_finds_no_serious_violation_on_the_main_pages(page, live_server, live_user, login, demo_office, language):
    partner, agreement, proposal = demo_office
    admin = live_user(Role.ADMIN, email="axe.admin@cqipc.edu.cn", name="Axe Admin", locale=language)
    login(admin)
    paths = ["/", "/partners", "/partners/countries", f"/partners/{partner}", f"/partners/{partner}/brief",
             "/agreements", "/agreements/renewals", f"/agreements/{agreement}", "/history", "/follow-ups",
             "/follow-ups?assignee=all", "/proposals", "/proposals?view=list", f"/proposals/{proposal}",
             "/account", "/admin/users", "/partners/new", "/interactions/new"]
    source = AXE.read_text()
    found = {}
    for path in paths:
        response = page.goto(f"{live_server}{path}")
        assert response.ok, path
        expect(page.locator("main")).to_be_visible()
        page.evaluate(source)
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[path] = violations
    assert found == {}
