"""In Chinese, an administrator erases a contact's personal data: the page lists the texts that
name the person first, the administrator unticks one, and the others are redacted."""
import re
from datetime import datetime

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind


def test_an_admin_erases_a_contact_and_redacts_the_texts_they_choose(page, live_server, live_db, live_user, login):
    admin = live_user(Role.ADMIN, locale="zh_CN")
    with live_db.app_context():
        partner = Partner(name="Holmesglen Institute", kind=PartnerKind.VOCATIONAL, country="AU")
        db.session.add(partner)
        db.session.flush()
        db.session.add(Contact(partner_id=partner.id, name="王丽"))
        db.session.add_all([
            Interaction(partner_id=partner.id, author_id=admin["id"], occurred_at=datetime(2026, 10, 5, 9),
                        kind=InteractionKind.MEETING, subject="与王丽会谈", summary="王丽介绍了护理专业。"),
            Interaction(partner_id=partner.id, author_id=admin["id"], occurred_at=datetime(2026, 10, 9, 9),
                        kind=InteractionKind.PHONE_CALL, subject="电话", summary="王丽将于六月退休。"),
        ])
        db.session.commit()
        partner_id = partner.id
    login(admin)

    page.goto(f"{live_server}/partners/{partner_id}")
    page.get_by_role("link", name=re.compile("删除个人信息")).click()
    expect(page.get_by_role("heading", name="删除 王丽 的个人信息？")).to_be_visible()
    expect(page.get_by_text("其姓名出现在以下 3 处内容中")).to_be_visible()
    keep = page.get_by_role("checkbox", name=re.compile("王丽将于六月退休"))
    expect(keep).to_be_checked()
    keep.uncheck()
    page.get_by_role("button", name="删除个人信息").click()

    expect(page.get_by_text(re.compile("已在 2 处内容中隐去其姓名"))).to_be_visible()
    with live_db.app_context():
        texts = {i.subject: i.summary for i in db.session.query(Interaction)}
    assert texts == {"与[erased contact]会谈": "[erased contact]介绍了护理专业。", "电话": "王丽将于六月退休。"}
