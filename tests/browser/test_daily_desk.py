"""The daily desk in Chinese, as a person uses it: the home page says what to do today, a bulk
retag of 30 partners, and the briefing sheet that prints on one or two A4 pages."""
import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from crm.agreements.models import Agreement, AgreementKind
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.demo.loader import load_demo
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind

TODAY = office_today()


def test_a_staff_members_home_shows_their_renewal_decision_and_done_updates_the_counters(page, live_db, live_user, login):
    user = live_user(Role.STAFF, locale="zh_CN")
    with live_db.app_context():
        partner = Partner(name="EBG Germany", kind=PartnerKind.VOCATIONAL, country="DE", owner_id=user["id"])
        agreement = Agreement(title="数控培训合作协议", kind=AgreementKind.TEACHER_TRAINING, owner_id=user["id"], partners=[partner],
                              signed_on=TODAY - timedelta(days=700), valid_from=TODAY - timedelta(days=700),
                              valid_until=TODAY + timedelta(days=70), notice_days=60)
        entry = Interaction(partner=partner, kind=InteractionKind.MEETING, subject="来访", occurred_at=datetime.now() - timedelta(days=5))
        db.session.add_all([partner, agreement, entry])
        db.session.flush()
        for n, title in enumerate(("寄送考试日期", "提交预算")):
            db.session.add(FollowUp(title=title, assignee_id=user["id"], interaction_id=entry.id, due_on=TODAY - timedelta(days=n + 1)))
        db.session.commit()
    login(user)
    decisions = page.get_by_role("region", name="我待做的续签决定")
    expect(decisions.get_by_role("link", name="数控培训合作协议")).to_be_visible()
    counters = page.locator("#my-day-counts")
    expect(counters).to_contain_text("2 项逾期待办跟进")
    expect(page.locator("#overdue-count")).to_contain_text("2")
    page.get_by_role("button", name="标记完成：“寄送考试日期”").click()
    expect(page.get_by_role("button", name="重新打开“寄送考试日期”")).to_be_visible()
    expect(counters).to_contain_text("1 项逾期待办跟进")
    expect(page.locator("#overdue-count")).to_contain_text("1")


def test_staff_retag_thirty_german_partners_at_once(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF, locale="zh_CN")
    with live_db.app_context():
        db.session.add_all([Partner(name=f"German Partner {n:02d}", kind=PartnerKind.COMPANY, country="DE") for n in range(30)])
        db.session.add(Partner(name="Holmesglen Institute", kind=PartnerKind.VOCATIONAL, country="AU"))
        db.session.commit()
    login(user)
    page.goto(f"{live_server}/partners?country=DE")
    bulk = page.get_by_role("group", name="批量更改合作伙伴")
    page.get_by_label("选择本页全部合作伙伴").check()  # the bulk change shows once partners are chosen
    bulk.get_by_label("全部 30 个符合条件的合作伙伴").check()
    bulk.get_by_label("更改", exact=True).select_option(label="添加标签")
    bulk.get_by_label("标签").fill("德中汽车")
    bulk.get_by_role("button", name="更改所选…").click()
    expect(page.get_by_text("为以下合作伙伴添加标签“德中汽车”： 30 个合作伙伴？")).to_be_visible()
    page.get_by_role("button", name="更改 30 个合作伙伴").click()
    expect(page.get_by_text("已更改 30 个合作伙伴。")).to_be_visible()
    page.goto(f"{live_server}/partners?tag=德中汽车")
    expect(page.get_by_text("找到 30 个合作伙伴")).to_be_visible()


def test_the_briefing_sheet_prints_on_one_or_two_a4_pages(page, live_server, live_db, live_user, login):
    with live_db.app_context():
        load_demo()
        partner_id = db.session.query(Partner.id).filter(Partner.name == "EBG Germany").scalar()
    login(live_user(Role.VIEWER, email="viewer@cqipc.edu.cn", locale="zh_CN"))
    page.goto(f"{live_server}/partners/{partner_id}")
    page.get_by_role("link", name="合作伙伴简报").click()
    expect(page.get_by_role("heading", name=re.compile("EBG Germany"))).to_be_visible()
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    expect(page.get_by_role("heading", name="我方待办")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2, f"{pages} pages"
