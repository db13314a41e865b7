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


def test_rows_checked_in_the_background_are_explained_in_the_uploaders_language(page, live_server, live_db, live_user, login,
                                                                                 tmp_path, background_jobs):
    """The rows are checked in a thread without the request: its messages were in English
    (“Not a valid e-mail address.”) on a Chinese page."""
    workbook = Workbook()
    workbook.active.append(["名称", "国家", "邮箱"])
    workbook.active.append(["Hochschule Kassel", "纳尼亚", "not-an-email"])
    path = tmp_path / "伙伴.xlsx"
    workbook.save(path)
    login(live_user(Role.STAFF, locale="zh_CN"))
    _upload_and_check_in_chinese(page, live_server, path)

    row = page.get_by_role("row").filter(has_text="Hochschule Kassel")
    expect(row.get_by_text("电子邮件地址无效。")).to_be_visible()
    expect(row.get_by_text("没有名为“纳尼亚”的国家/地区。")).to_be_visible()


def test_a_possible_duplicate_is_added_to_the_partner_it_may_be(page, live_server, live_db, live_user, login, tmp_path):
    """Hiroshima Univ.'s contact goes to our Hiroshima University, chosen in the row's select."""
    with live_db.app_context():
        db.session.add(Partner(name="Hiroshima University", local_name="广岛大学", country="JP", kind=PartnerKind.UNIVERSITY))
        db.session.commit()
    workbook = Workbook()
    workbook.active.append(["合作单位", "国家", "联系人", "邮箱"])
    workbook.active.append(["Hiroshima Univ.", "日本", "Kenji Sato", "sato@hiroshima-u.ac.jp"])
    path = tmp_path / "日本.xlsx"
    workbook.save(path)
    login(live_user(Role.STAFF, locale="zh_CN"))
    _upload_and_check_in_chinese(page, live_server, path)

    row = page.get_by_role("row").filter(has_text="Hiroshima Univ.")
    row.get_by_role("combobox").select_option(label="并入 Hiroshima University")
    expect(page.get_by_text("待更新：1")).to_be_visible()
    page.get_by_role("button", name="导入所选各行").click()
    expect(page.get_by_text("更新 1 个", exact=False)).to_be_visible()
    with live_db.app_context():
        partner = db.session.scalars(select(Partner)).one()
        assert partner.name == "Hiroshima University" and [c.name for c in partner.contacts] == ["Kenji Sato"]


def _upload_and_check_in_chinese(page, live_server, path):
    page.goto(f"{live_server}/import")
    page.get_by_label("电子表格（.xlsx 或 .csv）").set_input_files(str(path))
    page.get_by_role("button", name="上传并对应各列").click()
    page.get_by_role("button", name="检查各行").click()
