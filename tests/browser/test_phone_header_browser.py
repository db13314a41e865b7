"""On a phone (390 px) the header is the brand, the search and one "Menu" fold: the page's heading
is in the first screen; the menus, languages and log out are one tap away, by touch or keyboard."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def test_on_a_phone_the_menus_fold_behind_one_menu_button(page, live_server, live_user, login):
    login(live_user())
    page.goto(f"{live_server}/agreements")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_in_viewport()
    box = heading.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] / 3  # not pushed down by the header
    header = page.get_by_role("banner")
    expect(header.get_by_role("combobox", name="Quick search")).to_be_visible()
    expect(header.get_by_role("button", name="Log out")).to_be_hidden()
    expect(header.get_by_text("Cooperation")).to_be_hidden()

    menu = header.get_by_text("Menu", exact=True)
    assert menu.bounding_box()["height"] >= 44
    menu.click()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    expect(header.get_by_role("button", name="中文")).to_be_visible()
    header.locator("summary", has_text="Partners").click()
    link = header.get_by_role("link", name="Countries")
    expect(link).to_be_visible()
    assert link.bounding_box()["height"] >= 44
    link.click()
    page.wait_for_url(f"{live_server}/partners/countries")
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()


def test_the_menu_fold_works_by_keyboard_and_axe_finds_nothing_serious(page, live_server, live_user, login):
    login(live_user(locale="zh_CN"))
    page.goto(f"{live_server}/agreements")
    summary = page.get_by_role("banner").get_by_text("菜单", exact=True)
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("banner").get_by_role("button", name="退出")).to_be_visible()
    page.evaluate(AXE.read_text())
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(" | "))""")
    assert violations == []


def test_on_a_wide_screen_the_header_has_no_menu_button(page, live_server, live_user, login):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(live_user())
    header = page.get_by_role("banner")
    expect(header.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(header.get_by_text("Cooperation")).to_be_visible()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
