"""Trips abroad and foreign visits as the office uses them, in Chinese."""
import re
from datetime import date

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.workdays import WorkdayCalendar
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind

PDF = b"%PDF-1.4\n%report\n"


def _partner(app, name, country) -> int:
    with app.app_context():
        partner = Partner(name=name, kind=PartnerKind.VOCATIONAL, country=country)
        db.session.add(partner)
        db.session.commit()
        return partner.id


def _pick_partner(page, term, name):
    page.get_by_label("查找合作伙伴").fill(term)
    page.locator("#partner-options").get_by_label(name).check()


def test_a_trip_is_planned_applied_approved_returned_reported_and_closed_in_chinese(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF, locale="zh_CN")
    _partner(live_db, "Berufliche Schule Kiel", "DE")
    login(user)
    today = office_today()
    page.goto(f"{live_server}/trips/plan?year={today.year}")
    expect(page.get_by_role("heading", name=f"{today.year}年度出访计划")).to_be_visible()
    page.get_by_role("link", name="列入出访计划").click()
    page.get_by_label("团组").fill("赴德国BSK考察交流团组")
    page.get_by_label("主要出访国家（地区）").select_option("DE")
    _pick_partner(page, "Kiel", "Berufliche Schule Kiel")
    page.get_by_label("出发日期").fill(date(today.year, 1, 5).isoformat())
    page.get_by_label("回国日期").fill(date(today.year, 1, 14).isoformat())
    page.get_by_label("经费来源").fill("学校国际交流经费")
    page.get_by_label("登记为").select_option(label="已列入计划：逐一办理各环节")  # its dates may be past: walked through here
    page.get_by_role("button", name="保存出访团组").click()
    expect(page.get_by_role("heading", name="赴德国BSK考察交流团组")).to_be_visible()
    expect(page.get_by_text("请先指定团长。")).to_be_visible()

    page.get_by_text("添加团组成员").click()
    page.get_by_label("工作人员").select_option(label="Li Wei")
    page.get_by_label("团长").check()
    page.get_by_role("button", name="保存成员").click()
    page.get_by_text("添加行程", exact=True).click()
    page.get_by_label("城市").fill("Kiel")
    page.get_by_label("访问或邀请的合作伙伴").select_option(label="Berufliche Schule Kiel")
    page.get_by_role("button", name="保存行程").click()
    expect(page.get_by_role("cell", name="Kiel，德国")).to_be_visible()

    page.get_by_role("button", name="提交申报").click()
    page.get_by_label("审批单位").fill("重庆市人民政府外事办公室")
    page.get_by_label("批件号", exact=True).fill("渝外办〔2026〕12号")
    page.get_by_role("button", name="登记批件").click()
    expect(page.locator(".app-facts")).to_contain_text("渝外办〔2026〕12号，重庆市人民政府外事办公室")
    page.get_by_role("button", name="团组已出发").click()
    returned = today
    page.get_by_label("回国日期").fill(returned.isoformat())
    page.get_by_role("button", name="登记回国").click()

    due = WorkdayCalendar().add_workdays(returned, 5)
    deadlines = page.locator("#deadlines")
    expect(deadlines.get_by_role("listitem").filter(has_text="护照交回国际处")).to_contain_text(f"截止{due.year}年{due.month}月{due.day}日")
    expect(deadlines.get_by_role("listitem").filter(has_text="提交出访报告")).to_contain_text(f"截止{due.year}年{due.month}月{due.day}日")

    page.get_by_label("文件类型").select_option(label="出访报告")
    page.get_by_label("文件", exact=True).set_input_files({"name": "出访报告.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="上传").click()
    expect(page.locator(".app-record-head .app-badge")).to_have_text("已提交报告")
    expect(page.get_by_role("link", name="出访报告.pdf")).to_be_visible()
    page.get_by_label("护照交回日期").fill(returned.isoformat())
    page.get_by_role("button", name="保存护照交回日期").click()
    page.get_by_role("button", name="结束此出访").click()
    expect(page.locator(".app-record-head .app-badge")).to_have_text("已结束")


def test_a_visit_with_visitors_and_a_reception_plan_reaches_the_partners_history_in_chinese(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF, locale="zh_CN")
    partner_id = _partner(live_db, "Hiroshima University", "JP")
    login(user)
    page.goto(f"{live_server}/visits")
    page.get_by_role("link", name="新建来访").click()
    page.get_by_label("团组").fill("广岛大学代表团来访")
    _pick_partner(page, "Hiroshima", "Hiroshima University")
    page.get_by_label("抵达日期").fill("2026-10-12")
    page.get_by_label("离开日期").fill("2026-10-14")
    page.get_by_label("接待规格").select_option(label="校领导")
    page.get_by_role("button", name="保存来访团组").click()
    expect(page.get_by_role("heading", name="广岛大学代表团来访")).to_be_visible()

    page.get_by_text("添加来访人员").click()
    page.get_by_label("姓名").fill("Tanaka Hiroshi")
    page.get_by_label("职务").fill("Executive Vice President")
    page.get_by_label("国籍").select_option("JP")
    page.get_by_label("团长").check()
    page.get_by_role("button", name="保存来访人员").click()
    expect(page.locator("#visitors")).to_contain_text("Tanaka Hiroshi")

    page.get_by_text("添加接待日程").click()
    page.get_by_label("日期", exact=True).fill("2026-10-13")
    page.get_by_label("时间").fill("09:30")
    page.get_by_label("内容").fill("与校领导会谈")
    page.get_by_label("接待人员").fill("校长")
    page.get_by_role("button", name="保存日程").click()
    expect(page.locator("#reception-plan").get_by_role("cell", name="与校领导会谈", exact=True)).to_be_visible()
    # Record due five working days after 14 Oct 2026: 15, 16, 19, 20, 21 October.
    expect(page.locator("#visit-record")).to_contain_text("2026年10月21日")

    page.get_by_role("button", name="记入各合作伙伴的联络记录").click()
    page.get_by_role("link", name="Hiroshima University").first.click()
    expect(page).to_have_url(re.compile(f"/partners/{partner_id}$"))
    expect(page.locator("#contact-history")).to_contain_text("广岛大学代表团来访")
    page.locator("#partner-work").scroll_into_view_if_needed()  # the lower sections come once in view
    expect(page.locator("#visits")).to_contain_text("广岛大学代表团来访")
