"""Importing a spreadsheet as a person does: upload → mapping → preview → commit → undo, in
Chinese, with the rows checked and written in the background while the page shows progress."""
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind


@pytest.fixture
def background_jobs(live_app):
    live_app.config["IMPORT_RUN_INLINE"] = False
    yield
    live_app.config["IMPORT_RUN_INLINE"] = True


def _spreadsheet(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        ["伙伴名单"],
        [],
        ["名称", "国家", "城市", "联系人", "邮箱", "备用"],
        ["Hochschule Kassel", "德国", "卡塞尔", "Anna Schmidt", "anna@hs-kassel.de", "x"],
        ["Holmesglen Institute", "澳大利亚", "墨尔本", "Jane Doe", "jane@holmesglen.edu.au", ""],
        ["Hiroshima University", "Japan", "Hiroshima", "", "", ""],
    ]:
        sheet.append(row)
    path = tmp_path / "合作伙伴.xlsx"
    workbook.save(path)
    return path


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_upload_map_preview_commit_and_undo_in_chinese(page, live_server, live_db, live_user, login, tmp_path, background_jobs):
    with live_db.app_context():
        db.session.add(Partner(name="Universität Kassel, Hochschule", country="DE", kind=PartnerKind.UNIVERSITY))
        db.session.commit()
    login(live_user(Role.ADMIN, locale="zh_CN"))
    page.get_by_text("合作伙伴", exact=True).first.click()
    page.get_by_role("link", name="导入").click()
    page.get_by_label("文件内容").select_option("partners")
    page.get_by_label("电子表格（.xlsx 或 .csv）").set_input_files(str(_spreadsheet(tmp_path)))
    page.get_by_role("button", name="上传并对应各列").click()

    expect(page.get_by_role("heading", name="各列分别是什么？")).to_be_visible()
    expect(page.get_by_label("名称")).to_have_value("name")
    expect(page.get_by_label("国家")).to_have_value("country")
    expect(page.get_by_label("备用")).to_have_value("")
    page.get_by_role("button", name="检查各行").click()

    expect(page.get_by_role("button", name="导入所选各行")).to_be_visible()
    kassel = page.get_by_role("row").filter(has_text="Hochschule Kassel")
    expect(kassel.get_by_text("可能重复")).to_be_visible()
    expect(kassel.get_by_role("link", name="Universität Kassel, Hochschule")).to_be_visible()
    expect(kassel.get_by_role("combobox")).to_have_value("skip")
    kassel.get_by_role("combobox").select_option("create")
    expect(page.get_by_text("待新建：3")).to_be_visible()
    page.get_by_role("button", name="导入所选各行").click()

    expect(page.get_by_text("新建 3 个")).to_be_visible()
    assert _count(live_db, Partner) == 4 and _count(live_db, Contact) == 2
    page.once("dialog", lambda dialog: dialog.accept())  # Undo asks first
    page.get_by_role("button", name="撤销这次导入").click()
    expect(page.get_by_text("已撤销", exact=False).first).to_be_visible()
    assert _count(live_db, Partner) == 1 and _count(live_db, Contact) == 0
