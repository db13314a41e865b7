"""The blocks that come once in view (crm/core/blocks.py, static/js/app.js), as their users meet
them: printed, a page brings every block the person never scrolled to onto the paper; while a
block loads it says so (aria-busy, "Loading…"); a person who tabbed onto its link keeps their
place in the page when the block replaces it."""
from datetime import datetime, timedelta

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind
from tests.browser.conftest import log_in

SHORT_SCREEN = {"width": 1280, "height": 300}  # the lower blocks stay out of view
WORK_LINK = "Show the outcomes, consortia, experts, joint programmes, delegations and change history"


def _partner(live_db, user) -> int:
    with live_db.app_context():
        partner = Partner(name="Busy College", kind=PartnerKind.VOCATIONAL, country="AU", owner_id=user["id"])
        db.session.add(Interaction(partner=partner, kind=InteractionKind.MEETING, subject="Visit",
                                   occurred_at=datetime.now() - timedelta(days=7)))
        db.session.commit()
        return partner.id


def test_printing_a_partner_page_puts_its_lower_block_on_the_paper(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF)
    partner_id = _partner(live_db, user)
    login(user)
    page.set_viewport_size(SHORT_SCREEN)
    page.goto(f"{live_server}/partners/{partner_id}")
    expect(page.get_by_role("link", name=WORK_LINK)).to_be_attached()
    assert page.get_by_role("heading", name="Delegations received").count() == 0

    page.pdf()  # fires beforeprint, as the browser's print command does

    # In place before the page was laid out for paper: counted at once, without waiting.
    assert page.get_by_role("heading", name="Delegations received").count() == 1
    assert page.get_by_role("heading", name="Outcomes", exact=True).count() == 1
    assert page.get_by_role("link", name=WORK_LINK).count() == 0
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Delegations received")).to_be_visible()


def test_printing_home_in_chinese_puts_the_watch_list_and_the_office_on_the_paper(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF, locale="zh_CN")
    login(user)
    page.set_viewport_size({"width": 390, "height": 200})
    page.goto(f"{live_server}/")
    expect(page.get_by_role("link", name="查看我负责的久未联络合作伙伴")).to_be_attached()

    page.pdf()

    assert page.get_by_role("link", name="查看我负责的久未联络合作伙伴").count() == 0
    assert page.get_by_text("您负责的有有效协议的合作伙伴近期都有联络。").count() == 1
    assert page.get_by_text("未来 30 天内没有其他截止事项。").count() == 1
    assert page.get_by_text("每月联络记录", exact=True).count() == 1  # the office's first chart
    assert page.locator("[aria-busy]").count() == 0


def test_a_block_loading_says_so_and_keeps_the_keyboards_place(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF)
    partner_id = _partner(live_db, user)
    login(user)
    page.set_viewport_size(SHORT_SCREEN)
    held = []
    page.route(f"**/partners/{partner_id}/work", lambda route: held.append(route))  # the answer waits until released
    page.goto(f"{live_server}/partners/{partner_id}")

    page.get_by_role("link", name=WORK_LINK).focus()  # tabbed onto: scrolled into view

    block = page.locator("#partner-work")
    expect(block).to_have_attribute("aria-busy", "true")
    expect(block.get_by_text("Loading…")).to_be_visible()
    held[0].continue_()
    expect(page.get_by_role("heading", name="Delegations received")).to_be_visible()
    expect(page.get_by_role("heading", name="Outcomes", exact=True)).to_be_focused()
    expect(block).not_to_have_attribute("aria-busy", "true")


def test_printed_without_javascript_the_paper_names_the_page_that_prints_each_block(browser, live_server, live_db, live_user):
    """JavaScript off, nothing brings the blocks in before printing: the paper keeps their
    headings and says where to print them from, instead of links nobody can click."""
    user = live_user(Role.STAFF, locale="zh_CN")
    partner_id = _partner(live_db, user)
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, user)
    page.emulate_media(media="print")

    page.goto(f"{live_server}/partners/{partner_id}")
    work = page.get_by_role("region", name="合作成果、合作项目和团组")
    expect(work.get_by_text(f"本打印件未包含此部分，请打开 {live_server}/partners/{partner_id}/work 打印")).to_be_visible()
    expect(work.get_by_role("link")).to_be_hidden()

    page.goto(f"{live_server}/")
    for section, address in (("我负责的久未联络合作伙伴", "/home/watch"), ("其他截止事项", "/home/watch"), ("全处概况", "/home/office")):
        region = page.get_by_role("region", name=section)
        expect(region.get_by_text(f"请打开 {live_server}{address} 打印")).to_be_visible()
        expect(region.get_by_role("link")).to_be_hidden()

    page.emulate_media(media="screen")  # on screen: the links, and no word of paper
    expect(page.get_by_role("link", name="查看我负责的久未联络合作伙伴")).to_be_visible()
    expect(page.get_by_text("本打印件未包含此部分", exact=False).first).to_be_hidden()
    context.close()
