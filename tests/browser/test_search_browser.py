"""Quick search, the partner search and the country picker as a Chinese-speaking staff member
uses them (issues 10 and 13)."""
import re

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind


def _office(app):
    with app.app_context():
        hiroshima = Partner(name="Hiroshima University", local_name="広島大学", country="JP", kind=PartnerKind.UNIVERSITY)
        bmw = Partner(name="BMW AG", country="DE", kind=PartnerKind.COMPANY)
        db.session.add_all([hiroshima, bmw])
        db.session.flush()
        wang = Contact(partner_id=hiroshima.id, name="王芳", email="wang.fang@hiroshima-u.ac.jp")
        db.session.add(wang)
        db.session.commit()
        return {"hiroshima": hiroshima.id, "bmw": bmw.id, "wang": wang.id}


def test_slash_opens_the_quick_search_which_finds_a_contact_by_a_two_character_chinese_name(page, live_server, live_db, live_user, login):
    ids = _office(live_db)
    login(live_user(Role.STAFF, locale="zh_CN"))
    page.goto(f"{live_server}/partners")
    page.locator("body").press("/")
    box = page.get_by_role("combobox", name="快速搜索")
    expect(box).to_be_focused()
    box.press_sequentially("王芳")
    results = page.get_by_role("listbox", name="快速搜索结果")
    expect(results.get_by_role("heading", name="联系人")).to_be_visible()
    expect(results.get_by_role("option", name=re.compile("^王芳"))).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server}/partners/{ids['hiroshima']}#contact-{ids['wang']}")


def test_ctrl_k_opens_the_quick_search_and_a_country_finds_its_partner(page, live_server, live_db, live_user, login):
    ids = _office(live_db)
    login(live_user(Role.STAFF, locale="zh_CN"))
    page.goto(f"{live_server}/agreements")
    page.keyboard.press("Control+k")
    box = page.get_by_role("combobox", name="快速搜索")
    expect(box).to_be_focused()
    box.press_sequentially("德国")
    option = page.get_by_role("option", name=re.compile("BMW AG"))
    expect(option).to_be_visible()
    expect(page.get_by_role("option", name=re.compile("Hiroshima"))).to_have_count(0)
    option.click()
    expect(page).to_have_url(f"{live_server}/partners/{ids['bmw']}")


def test_the_country_picker_finds_germany_from_dg(page, live_server, live_db, live_user, login):
    login(live_user(Role.STAFF, locale="zh_CN"))
    page.goto(f"{live_server}/partners/new")
    country = page.get_by_role("combobox", name="国家/地区")
    country.fill("dg")
    germany = page.get_by_role("option", name=re.compile("^德国"))
    expect(germany).to_be_visible()
    germany.click()
    expect(country).to_have_value("德国")
    assert page.locator('select[name="country"]').input_value() == "DE"
    page.get_by_label("名称（英文）").fill("Hochschule Darmstadt")
    page.get_by_role("button", name=re.compile("创建")).click()
    expect(page.get_by_role("heading", name="Hochschule Darmstadt")).to_be_visible()
    expect(page.get_by_text("德国").first).to_be_visible()


def test_the_agreement_forms_partner_picker_finds_a_german_partner_by_deguo_as_you_type(page, live_server, live_db, live_user, login):
    _office(live_db)
    login(live_user(Role.STAFF, locale="zh_CN"))
    page.goto(f"{live_server}/agreements/new")
    page.get_by_role("searchbox", name="查找合作伙伴").fill("德国")
    options = page.locator("#partner-options")
    expect(options.get_by_label("BMW AG")).to_be_visible()
    expect(options.get_by_label("Hiroshima University")).to_have_count(0)
