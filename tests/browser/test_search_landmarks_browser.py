"""Every search landmark of a page has a name of its own (axe's landmark-unique, a "moderate"
rule the serious-only axe runs do not report): the header's quick search box and a list page's
filter form are told apart by a screen reader's landmark list, in English and in Chinese."""
import pytest
from playwright.sync_api import expect

from crm.auth.models import Role
from tests.browser.test_accessibility import AXE

RUN_LANDMARK_RULES = """async () => {
  const result = await axe.run(document, {runOnly: {type: "rule", values: ["landmark-unique", "aria-allowed-role"]}});
  return result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(" | ")}`);
}"""
NAMES = {"en": "Quick search", "zh_CN": "快速搜索"}


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_quick_search_landmark_has_a_name_beside_the_list_filters(page, live_server, live_user, login, language):
    login(live_user(Role.STAFF, locale=language))
    source = AXE.read_text()
    found = {}
    for path in ("/partners", "/agreements", "/trips", "/visits", "/experts", "/programmes", "/consortia", "/history",
                 "/proposals?view=list", "/search?q=a"):
        assert page.goto(f"{live_server}{path}").ok, path
        expect(page.get_by_role("search", name=NAMES[language], exact=True)).to_have_count(1)
        page.evaluate(source)
        if violations := page.evaluate(RUN_LANDMARK_RULES):
            found[path] = violations
    assert found == {}
