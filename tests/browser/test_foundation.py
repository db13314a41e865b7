"""The foundation as a person uses it: log in, find the way, switch language, log out."""
import re

from playwright.sync_api import expect

from crm.auth.models import Role


def test_staff_logs_in_sees_the_home_page_and_logs_out(page, live_server, live_user, login, open_menu):
    user = live_user(Role.STAFF)
    login(user)
    expect(page.get_by_role("heading", name=f"Good to see you, {user['name']}")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home", exact=True)).to_be_visible()
    for menu, pages in [("Partners", ["Partners", "Countries"]), ("Cooperation", ["Agreements", "Renewals", "Proposals"]),
                        ("Contact", ["Contact history", "Follow-ups"])]:
        navigation = open_menu(menu)
        for name in pages:
            expect(navigation.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").locator("summary", has_text="Admin")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(navigation.get_by_role("link", name="Follow-ups", exact=True)).to_be_hidden()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.goto(f"{live_server}/partners")
    expect(page).to_have_url(re.compile(r"/login\?next=/partners"))


def test_a_wrong_password_is_explained_on_the_form(page, live_server, live_user):
    user = live_user()
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user["email"])
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("The e-mail or password is not right.")).to_be_visible()


def test_the_language_switch_is_remembered_for_the_user(page, live_server, live_user, login, open_menu):
    user = live_user()
    login(user)
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("navigation", name="主导航").locator("summary", has_text="合作伙伴")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    login(user)  # the login page follows the browser's language (English here)
    expect(open_menu("合作伙伴").get_by_role("link", name="合作伙伴", exact=True)).to_be_visible()


def test_an_admin_creates_a_user_from_the_users_page(page, live_server, live_user, login, open_menu):
    admin = live_user(Role.ADMIN, email="admin@cqipc.edu.cn", name="Admin")
    login(admin)
    open_menu("Admin").get_by_role("link", name="Users").click()
    page.get_by_label("Name").fill("Wang Fang")
    page.get_by_label("E-mail").fill("wang.fang@cqipc.edu.cn")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_label("Initial password").fill("lotus pond at dawn")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_text("User Wang Fang was created.")).to_be_visible()
    expect(page.get_by_role("cell", name="wang.fang@cqipc.edu.cn")).to_be_visible()


def test_pages_load_without_console_errors_or_blocked_resources(page, live_server, live_user, login):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(live_user(Role.ADMIN, email="admin@cqipc.edu.cn"))
    for path in ["/", "/partners", "/agreements", "/history", "/follow-ups", "/proposals", "/admin/users", "/account"]:
        page.goto(f"{live_server}{path}")
        expect(page.locator("main")).to_be_visible()
    assert errors == []
