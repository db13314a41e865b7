"""axe-core on the yearly report and the 国际影响表 of the demo office (their charts, their
notes, their filter), in English and in Chinese: no serious or critical violation."""
import pytest


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_axe_finds_no_serious_violation_on_the_report_pages(page, live_server, live_db, live_user, login, language):
    from crm.auth.models import Role
    from crm.demo.loader import load_demo
    from tests.browser.test_accessibility import AXE, RUN_AXE

    with live_db.app_context():
        load_demo()
    login(live_user(Role.VIEWER, locale=language))
    source = AXE.read_text()
    found = {}
    for path in ("/reports", "/reports?focus=certificates_earned", "/reports/international-influence"):
        assert page.goto(f"{live_server}{path}").ok, path
        page.evaluate(source)
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[path] = violations
    assert found == {}
