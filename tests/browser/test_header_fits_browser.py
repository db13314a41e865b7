"""The header fits the window: at 1280 px every menu, the search, "Log contact", the language,
the account and "Log out" are in one bar with nothing past the right edge; at 1024 px the
account's tools fold behind the user's name; on a phone the menus fold behind "Menu", and all of
it works without JavaScript (the folds are <details>)."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def within_viewport(locator, width: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_at_1280_px_in_english_the_header_fits_and_log_out_is_in_view(page, live_server, live_user, login):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(live_user(name="Alexandra Montgomery-Smith"))  # a long name, too
    page.goto(f"{live_server}/trips")
    header = page.get_by_role("banner")
    assert page.evaluate(NO_OVERFLOW)
    log_out = header.get_by_role("button", name="Log out")
    expect(log_out).to_be_visible()
    assert within_viewport(log_out, 1280)
    log_contact = header.get_by_role("link", name="Log contact")
    expect(log_contact).to_be_visible()
    assert within_viewport(log_contact, 1280)
    for menu in ("Partners", "Cooperation", "Contact", "Reports"):
        expect(header.locator("summary", has_text=menu)).to_be_visible()
    expect(header.get_by_role("button", name="中文")).to_be_visible()


@pytest.mark.parametrize("locale, log_out_name", [("en", "Log out"), ("zh_CN", "退出")])
def test_at_1024_px_the_account_tools_fold_behind_the_name(page, live_server, live_user, login, locale, log_out_name):
    page.set_viewport_size({"width": 1024, "height": 800})
    login(live_user(name="Alexandra Montgomery-Smith", locale=locale))
    page.goto(f"{live_server}/visits")
    assert page.evaluate(NO_OVERFLOW)
    header = page.get_by_role("banner")
    log_out = header.get_by_role("button", name=log_out_name)
    expect(log_out).to_be_hidden()
    header.locator("summary", has_text="Alexandra").click()
    expect(log_out).to_be_visible()
    assert within_viewport(log_out, 1024)
    assert page.evaluate(NO_OVERFLOW)


def test_on_a_phone_without_javascript_the_menus_open_and_lead_to_their_pages(browser, live_server, live_db, live_user):
    user = live_user(locale="zh_CN")
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, live_server, user)
        assert page.evaluate(NO_OVERFLOW)
        header = page.get_by_role("banner")
        expect(header.get_by_role("link", name="记录联络")).to_be_visible()
        header.get_by_text("菜单", exact=True).click()
        expect(header.get_by_role("button", name="退出")).to_be_visible()
        expect(header.get_by_role("button", name="English")).to_be_visible()
        expect(header.locator("summary", has_text=user["name"])).to_be_hidden()  # the account is flat in the fold
        header.locator("summary", has_text="联络").click()
        header.get_by_role("link", name="外籍教师和专家").click()
        page.wait_for_url(f"{live_server}/experts")
        assert page.evaluate(NO_OVERFLOW)
    finally:
        context.close()
