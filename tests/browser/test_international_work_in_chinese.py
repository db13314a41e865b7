"""Consortia, foreign experts and joint programmes as a Chinese-speaking officer uses them: a
consortium with members and an activity; an expert with a stay and permits; a programme with an
approval and enrolment; the permit and the approval in their lead time on the permits-and-approvals
page, leaving it only by a recorded decision."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from crm.core.dates import office_today
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind

TODAY = office_today()


def add_partners(app, *partners):
    with app.app_context():
        db.session.add_all(Partner(name=name, kind=kind, country=country) for name, kind, country in partners)
        db.session.commit()


def open_menu_item(page, menu, item):
    page.locator("summary").get_by_text(menu, exact=True).click()
    page.get_by_role("link", name=item, exact=True).click()


def test_a_consortium_with_members_and_an_activity(page, live_server, live_db, live_user, login):
    add_partners(live_db, ("Chongqing City Management College", PartnerKind.VOCATIONAL, "CN"),
                 ("Holmesglen Institute", PartnerKind.VOCATIONAL, "AU"))
    login(live_user(locale="zh_CN"))
    open_menu_item(page, "合作伙伴", "联盟")
    page.get_by_role("link", name="新建联盟").click()
    page.get_by_label("名称").fill("Chongqing Vocational Education Consortium for International Cooperation")
    page.get_by_label("中文名").fill("重庆高职教育国际合作联盟")
    expect(page.get_by_label("由我校牵头")).to_be_checked()
    page.get_by_role("button", name="保存联盟").click()
    expect(page.get_by_role("heading", name="Chongqing Vocational Education Consortium for International Cooperation")).to_be_visible()

    page.get_by_role("link", name="添加成员单位").click()
    page.get_by_label("我校本身").check()
    page.get_by_label("角色").select_option(label="理事长单位")
    page.get_by_role("button", name="保存成员单位").click()
    page.get_by_role("link", name="添加成员单位").click()
    page.get_by_placeholder("查找合作伙伴").fill("Management")
    page.get_by_label("Chongqing City Management College").check()
    page.get_by_label("角色").select_option(label="副理事长单位")
    page.get_by_label("贡献").fill("承办教师培训")
    page.get_by_role("button", name="保存成员单位").click()
    vice = page.get_by_role("table", name="副理事长单位")
    expect(vice.get_by_role("link", name="Chongqing City Management College", exact=True)).to_be_visible()
    expect(vice.get_by_text("承办教师培训")).to_be_visible()

    page.get_by_role("link", name="添加活动").click()
    page.get_by_label("活动类型").select_option(label="培训")
    page.get_by_label("标题").fill("东盟职教师资培训")
    page.get_by_label("举办日期").fill(f"{TODAY.year}-06-10")
    page.get_by_label("我校").check()
    page.get_by_label("Chongqing City Management College").check()
    page.get_by_label("合作成果").fill("培训20名教师")
    page.get_by_role("button", name="保存活动").click()
    activities = page.get_by_role("region", name=re.compile("活动"))
    expect(activities.get_by_role("strong").filter(has_text="东盟职教师资培训")).to_be_visible()
    expect(activities.get_by_text("参与单位：我校；Chongqing City Management College")).to_be_visible()
    report = page.get_by_role("region", name="联盟年度报告")
    expect(report.get_by_role("row", name=re.compile(f"^{TODAY.year} "))).to_contain_text("2")


def test_an_expert_permit_and_a_programme_approval_leave_the_due_list_only_by_a_decision(page, live_server, live_db, live_user, login):
    add_partners(live_db, ("Ivy Tech Community College", PartnerKind.COLLEGE, "US"),
                 ("St. Clair College", PartnerKind.COLLEGE, "CA"))
    user = live_user(locale="zh_CN")
    login(user)

    # An expert, a stay and a work permit that expires within the 90-day lead time.
    open_menu_item(page, "联络", "外籍教师和专家")
    page.get_by_role("link", name="新增外籍教师或专家").click()
    page.get_by_label("姓名（外文）").fill("Robert Miller")
    page.get_by_label("中文名").fill("罗伯特·米勒")
    page.get_by_label("国籍").select_option("US")
    page.get_by_placeholder("查找合作伙伴").fill("Ivy")
    page.get_by_label("Ivy Tech Community College").check()
    page.get_by_label("负责人").select_option(label=user["name"])
    page.get_by_role("button", name="保存专家").click()
    expect(page.get_by_role("heading", name=re.compile("Robert Miller"))).to_be_visible()
    page.get_by_role("link", name="添加在华工作期").click()
    page.get_by_label("来校日期").fill(f"{TODAY.year}-09-01")
    page.get_by_label("短期或长期").select_option(label="长期")
    page.get_by_label("接收二级学院").fill("经济管理学院")
    page.get_by_label("考核结果").select_option(label="建议续聘")
    page.get_by_role("button", name="保存在华工作期").click()
    page.get_by_role("link", name="添加许可").click()
    page.get_by_label("许可", exact=True).select_option(label="工作许可")
    page.get_by_label("许可证号码").fill("W50000123456")
    page.get_by_label("类别").select_option("B")
    page.get_by_label("有效期至").fill((TODAY + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="保存许可").click()
    page.get_by_role("link", name="添加许可").click()
    page.get_by_label("许可", exact=True).select_option(label="居留许可")
    page.get_by_label("有效期至").fill((TODAY + timedelta(days=400)).isoformat())
    page.get_by_role("button", name="保存许可").click()
    permits = page.get_by_role("region", name=re.compile("许可"))
    expect(permits.get_by_text("W50000123456")).to_be_visible()
    expect(page.get_by_text("建议续聘")).to_be_visible()

    # A programme with an approval that expires within its 180-day lead time, and enrolment.
    open_menu_item(page, "合作", "中外合作办学项目")
    page.get_by_role("link", name="新建中外合作办学项目").click()
    page.get_by_label("名称").fill("中加双专科学历教育项目")
    page.get_by_placeholder("查找合作伙伴").fill("Clair")
    page.get_by_label("St. Clair College").check()
    page.get_by_label("专业").fill("机械工程\n金融")
    page.get_by_label("每年批准招生人数").fill("60")
    page.get_by_label("负责人").select_option(label=user["name"])
    page.get_by_role("button", name="保存项目").click()
    page.get_by_role("link", name="添加批准").click()
    page.get_by_label("审批机关").select_option(label="市教育委员会")
    page.get_by_label("批准书编号").fill("PDE50CA2A20151739N")
    page.get_by_label("批准日期").fill("2015-06-18")
    page.get_by_label("批准有效期至").fill((TODAY + timedelta(days=120)).isoformat())
    page.get_by_role("button", name="保存批准").click()
    page.get_by_role("link", name="记录招生人数").click()
    page.get_by_label("招生年份").fill("2016")
    page.get_by_label("专业").select_option("机械工程")
    page.get_by_label("招生人数").fill("30")
    page.get_by_role("button", name="保存招生人数").click()
    page.get_by_role("link", name="记录招生人数").click()
    page.get_by_label("招生年份").fill("2016")
    page.get_by_label("专业").select_option("金融")
    page.get_by_label("招生人数").fill("30")
    page.get_by_role("button", name="保存招生人数").click()
    enrolment = page.get_by_role("region", name="每年招生人数")
    expect(enrolment.get_by_role("row", name=re.compile("^2016"))).to_contain_text("60")

    # Both are due; each leaves the list only by a recorded decision.
    open_menu_item(page, "合作", "许可与批准到期")
    overdue = page.get_by_role("region", name=re.compile("已逾期"))
    # 60 days before expiry the permit's filing window (90 to 45 days before) is still open: not overdue
    soon = page.get_by_role("region", name=re.compile("30 天内申请"))
    expect(soon.get_by_role("link", name="Robert Miller", exact=True)).to_be_visible()
    expect(overdue.get_by_role("link", name="Robert Miller", exact=True)).to_have_count(0)
    expect(overdue.get_by_role("link", name="中加双专科学历教育项目", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="居留许可")).to_have_count(0)  # 400 days away: not yet due

    soon.get_by_role("link", name=re.compile("续签 工作许可 Robert Miller")).click()
    page.get_by_label("许可证号码").fill("W50000999999")
    page.get_by_label("有效期至").fill((TODAY + timedelta(days=730)).isoformat())
    page.get_by_role("button", name="记录续办").click()
    expect(page.get_by_text("续办已记录。")).to_be_visible()
    expect(page.get_by_role("link", name="Robert Miller", exact=True)).to_have_count(0)

    page.get_by_role("link", name=re.compile("终止 中加双专科学历教育项目")).click()
    page.get_by_role("button", name="记录处理决定").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    page.get_by_label("原因").fill("项目停止招生")
    page.get_by_role("button", name="记录处理决定").click()
    expect(page.get_by_text("决定已记录。")).to_be_visible()
    expect(page.get_by_role("link", name="中加双专科学历教育项目", exact=True)).to_have_count(0)

    page.get_by_role("link", name="外籍教师和专家").first.click()
    page.get_by_role("link", name="Robert Miller", exact=True).click()
    permits = page.get_by_role("region", name=re.compile("许可"))
    expect(permits.get_by_text("已续签")).to_be_visible()
    expect(permits.get_by_text("W50000999999")).to_be_visible()
