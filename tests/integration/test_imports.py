"""Importing partners from spreadsheets: upload → mapping → preview → commit → undo, through
the web, with the office's real file shapes and each kind of bad input."""
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction
from crm.partners.models import Partner, PartnerKind


def xlsx_bytes(rows, *, merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    return "\r\n".join(",".join(cells) for cells in rows).encode(encoding)


def counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Partner)),
                db.session.scalar(select(func.count()).select_from(Contact)))


class Importer:
    def __init__(self, app, client, auth):
        self.app, self.client, self.auth = app, client, auth

    def upload(self, data: bytes, name: str, kind="partners"):
        token = self.auth.csrf("/import")
        return self.client.post("/import", data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(data), name)},
                                content_type="multipart/form-data")

    def batch_id(self, response) -> int:
        assert response.status_code == 303, response.text
        return int(re.search(r"/import/(\d+)/mapping", response.headers["Location"]).group(1))

    def map(self, batch_id: int, overrides: dict | None = None):
        page = self.client.get(f"/import/{batch_id}/mapping")
        assert page.status_code == 200
        data = {"csrf_token": self.auth.csrf(f"/import/{batch_id}/mapping")}
        for name, value in re.findall(r'<select[^>]*name="(column_\d+)"[^>]*>.*?<option selected value="([^"]*)"', page.text, re.S):
            data[name] = value
        for name in re.findall(r'name="(column_\d+)"', page.text):
            data.setdefault(name, "")
        data.update(overrides or {})
        return self.client.post(f"/import/{batch_id}/mapping", data=data)

    def preview(self, data: bytes, name: str, **kwargs) -> int:
        batch_id = self.batch_id(self.upload(data, name, **kwargs))
        response = self.map(batch_id)
        assert response.status_code == 303, response.text
        return batch_id

    def commit(self, batch_id: int):
        return self.client.post(f"/import/{batch_id}/commit", data={"csrf_token": self.auth.csrf(f"/import/{batch_id}")})

    def batch(self, batch_id: int) -> ImportBatch:
        with self.app.app_context():
            batch = db.session.get(ImportBatch, batch_id)
            db.session.expunge(batch)
            return batch

    def rows(self, batch_id: int) -> list[ImportRow]:
        with self.app.app_context():
            rows = db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch_id).order_by(ImportRow.number)).all()
            db.session.expunge_all()
            return rows


@pytest.fixture
def importer(app, client, auth):
    return Importer(app, client, auth)


def test_import_page_is_for_staff_and_admins_not_viewers(client, auth):
    auth.login(Role.VIEWER)
    assert client.get("/import").status_code == 403
    assert client.get("/import/template.xlsx?kind=partners&language=zh").status_code == 403


def test_staff_see_import_in_the_partners_menu(client, auth):
    auth.login(Role.STAFF)
    page = client.get("/partners")
    assert 'href="/import"' in page.text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_filled_template_imports_partners_with_contacts(app, client, auth, importer, language):
    auth.login(Role.STAFF)
    template = client.get(f"/import/template.xlsx?kind=partners&language={language}")
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.data))
    sheet = workbook.active
    titles = [cell.value for cell in sheet[1]]
    column = {title: index for index, title in enumerate(titles)}
    name_title, country_title, email_title = (("Name (English)", "Country", "E-mail") if language == "en" else (titles[0], titles[4], titles[14]))
    sheet.delete_rows(2)
    row = [None] * len(titles)
    row[column[name_title]], row[column[country_title]] = "Hiroshima University", "日本" if language == "zh" else "Japan"
    row[column[email_title]] = "kenji@hiroshima-u.ac.jp"
    row[titles.index(titles[11])] = "Kenji Sato"  # contact name
    sheet.append(row)
    sheet.append(["Universiti Utara Malaysia", None, "UUM", None, "MY"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch_id = importer.preview(buffer.getvalue(), f"template-{language}.xlsx")
    batch = importer.batch(batch_id)
    assert batch.status == BatchStatus.PREVIEW and batch.new_count == 2 and batch.error_count == 0
    assert importer.commit(batch_id).status_code == 303
    with app.app_context():
        hiroshima = db.session.scalars(select(Partner).where(Partner.name == "Hiroshima University")).one()
        assert hiroshima.country == "JP"
        assert [(c.name, c.email, c.is_primary) for c in hiroshima.contacts] == [("Kenji Sato", "kenji@hiroshima-u.ac.jp", True)]
        assert db.session.scalars(select(Partner).where(Partner.short_name == "UUM")).one().country == "MY"
    assert importer.batch(batch_id).created_count == 2


def test_gb18030_csv_with_chinese_titles_countries_and_kinds(app, auth, importer):
    auth.login(Role.STAFF)
    data = csv_bytes([
        ["名称", "国家", "城市", "类型", "联系人", "邮箱"],
        ["Berufsschule Kassel", "德国", "卡塞尔", "职业院校 / TAFE 学院", "安娜", "anna@bsk.de"],
        ["Holmesglen Institute", "Australia", "Melbourne", "vocational", "", ""],
        ["Ivy Tech Community College", "US", "", "", "", ""],
        ["Hochschule Bremen", "Deutschland", "", "", "", ""],
    ], encoding="gb18030")
    batch_id = importer.preview(data, "伙伴.csv")
    assert importer.batch(batch_id).new_count == 4
    importer.commit(batch_id)
    with app.app_context():
        rows = {p.name: p for p in db.session.scalars(select(Partner))}
        assert rows["Berufsschule Kassel"].country == "DE" and rows["Berufsschule Kassel"].city == "卡塞尔"
        assert rows["Berufsschule Kassel"].contacts[0].name == "安娜"
        assert rows["Holmesglen Institute"].kind == PartnerKind.VOCATIONAL
        assert rows["Ivy Tech Community College"].kind == PartnerKind.OTHER
        assert rows["Hochschule Bremen"].country == "DE"


def test_full_width_letters_digits_and_spaces_are_read_as_plain_ones(app, auth, factory, importer):
    """A Chinese input method left in full-width mode types ＵＫ, ｈｕｗ＠ｃｍ．ａｃ．ｕｋ and
    ideographic spaces: the codes are read, and the name is the partner we already have. A
    country with a remark in brackets (ＵＫ（Wales）) is the country."""
    auth.login(Role.STAFF)
    toronto = factory.partner(name="University of Toronto", country="CA")
    data = xlsx_bytes([
        ["合作院校", "国家", "联系人", "邮箱", "网址", "备注"],
        ["ＵＮＩＶＥＲＳＩＴＹ　ＯＦ　ＴＯＲＯＮＴＯ", "ＣＡ", "Li Lei", "ｌｉ＠ｕｔｏｒｏｎｔｏ．ｃａ", None, "签约（续签），２０２３年"],
        ["Cardiff Met　", "ＵＫ（Wales）", "Huw Jones", "ＨＵＷ＠cardiffmet.ac.uk ", "ｗｗｗ．ｃａｒｄｉｆｆｍｅｔ．ａｃ．ｕｋ", None],
    ])
    rows = importer.rows(importer.preview(data, "全角.xlsx"))
    assert [row.errors for row in rows] == [{}, {}]
    assert rows[0].match_id == toronto and rows[0].values["contact_email"] == "li@utoronto.ca"
    assert rows[0].values["notes"] == "签约（续签），2023年"  # Chinese punctuation stays
    assert rows[1].values["name"] == "Cardiff Met" and rows[1].values["country"] == "GB"
    assert rows[1].values["contact_email"] == "HUW@cardiffmet.ac.uk" and "cardiffmet.ac.uk" in rows[1].values["website"]


def test_utf8_bom_csv_with_semicolons_and_dates_of_many_forms_is_read(app, auth, importer):
    auth.login(Role.STAFF)
    data = "\ufeffName;Country;Notes\nCardiff Met;GB;signed 2025年9月1日\n".encode()
    batch_id = importer.preview(data, "partners.csv")
    assert importer.batch(batch_id).new_count == 1


def test_duplicates_in_the_file_and_in_the_database_are_shown_with_sensible_defaults(app, auth, factory, importer, client):
    auth.login(Role.STAFF)
    existing = factory.partner(name="Universität Kassel, Hochschule", country="DE")
    same = factory.partner(name="Holmesglen Institute", country="AU", website="https://holmesglen.edu.au")
    data = xlsx_bytes([
        ["Name", "Country", "Website", "Contact", "E-mail"],
        ["Hochschule Kassel", "DE", None, None, None],  # fuzzy: the database
        ["Holmesglen Institute of TAFE", "AU", "https://www.holmesglen.edu.au/", "Jane Doe", "jane@holmesglen.edu.au"],  # same website
        ["Coleg y Cymoedd", "GB", None, "Huw Jones", "huw@cymoedd.ac.uk"],
        ["Coleg y Cymoedd", "GB", None, "Sian Evans", "sian@cymoedd.ac.uk"],  # the same partner again: a second contact
        ["Cymoedd Coleg", "GB", None, None, None],  # fuzzy: the file
    ])
    batch_id = importer.preview(data, "dups.xlsx")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["possible", "match", "new", "match", "possible"]
    assert rows[0].candidates[0]["id"] == existing and rows[0].action == RowAction.SKIP
    assert rows[1].match_id == same and rows[1].action == RowAction.UPDATE
    assert rows[3].match_row == rows[2].number and rows[3].action == RowAction.UPDATE
    assert rows[4].candidates[0]["row"] == rows[2].number and rows[4].action == RowAction.SKIP
    page = client.get(f"/import/{batch_id}")
    assert "Universität Kassel, Hochschule" in page.text and "Possible duplicate" in page.text
    assert importer.commit(batch_id).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 3
        coleg = db.session.scalars(select(Partner).where(Partner.name == "Coleg y Cymoedd")).one()
        assert sorted(c.name for c in coleg.contacts) == ["Huw Jones", "Sian Evans"]
        holmesglen = db.session.get(Partner, same)
        assert holmesglen.name == "Holmesglen Institute of TAFE" and [c.name for c in holmesglen.contacts] == ["Jane Doe"]


def test_a_name_in_japanese_or_traditional_characters_may_be_the_partner_we_have_in_simplified_ones(app, auth, factory, importer):
    auth.login(Role.STAFF)
    hiroshima = factory.partner(name="Hiroshima University", local_name="广岛大学", country="JP")
    data = xlsx_bytes([
        ["合作单位", "国家"],
        ["広島大学", "日本"],  # Japanese kanji: the partner we have, possibly
        ["早稲田大学", "日本"],
        ["早稻田大学", "日本"],  # the row above, in simplified characters
        ["广岛大学", "韩国"],  # another country: not the same
    ])
    rows = importer.rows(importer.preview(data, "日本.xlsx"))
    assert [r.outcome.value for r in rows] == ["possible", "new", "possible", "new"]
    assert rows[0].candidates == [{"id": hiroshima, "name": "Hiroshima University", "why": "similar"}]
    assert rows[2].candidates == [{"row": rows[1].number, "name": "早稲田大学", "why": "similar"}]


def test_a_possible_duplicate_can_be_added_to_the_partner_it_may_be_without_renaming_it(app, client, auth, factory, importer):
    """"Hiroshima Univ." and its contact belong to our Hiroshima University: the choice adds
    the contact and fills what the partner lacks; the partner keeps its name; undo takes it back."""
    auth.login(Role.ADMIN)
    hiroshima = factory.partner(name="Hiroshima University", local_name="广岛大学", country="JP")
    data = xlsx_bytes([
        ["合作单位", "国家", "城市", "联系人", "邮箱"],
        ["Hiroshima Univ.", "日本", "广岛", "Kenji Sato", "sato@hiroshima-u.ac.jp"],
        ["Kyoto College of Arts", "日本", None, "Aiko Ito", None],
        ["Kyoto College of Arts and Design", "日本", None, "Ren Kato", None],
    ])
    batch_id = importer.preview(data, "日本.xlsx")
    rows = importer.rows(batch_id)
    assert [r.action.value for r in rows] == ["skip", "create", "skip"]
    page = client.get(f"/import/{batch_id}")
    assert f'<option value="add:{hiroshima}">Add to Hiroshima University</option>' in page.text
    token = auth.csrf(f"/import/{batch_id}")
    response = client.post(f"/import/{batch_id}/rows", data={
        "csrf_token": token, f"row_{rows[0].id}": f"add:{hiroshima}", f"row_{rows[2].id}": f"add-row:{rows[1].number}"})
    assert response.status_code == 303
    assert f'<option selected value="add:{hiroshima}">' in client.get(f"/import/{batch_id}").text
    bad = client.post(f"/import/{batch_id}/rows", data={"csrf_token": token, f"row_{rows[1].id}": f"add:{hiroshima}"})
    assert bad.status_code == 422  # not a candidate of that row
    assert importer.commit(batch_id).status_code == 303
    with app.app_context():
        partner = db.session.get(Partner, hiroshima)
        assert (partner.name, partner.local_name, partner.city) == ("Hiroshima University", "广岛大学", "广岛")
        assert [(c.name, c.email) for c in partner.contacts] == [("Kenji Sato", "sato@hiroshima-u.ac.jp")]
        kyoto = db.session.scalars(select(Partner).where(Partner.name.like("Kyoto%"))).one()
        assert sorted(c.name for c in kyoto.contacts) == ["Aiko Ito", "Ren Kato"]
    response = client.post(f"/import/{batch_id}/undo", data={"csrf_token": token, "confirmed": "1"})
    assert response.status_code == 303
    with app.app_context():
        partner = db.session.get(Partner, hiroshima)
        assert (partner.name, partner.city, [c.name for c in partner.contacts if c.active]) == ("Hiroshima University", None, [])


def test_a_partners_contact_and_tags_follow_the_contact_and_partner_forms_rules(app, auth, importer):
    """The contact form refuses a phone that is no number, the erased contacts' name and an address
    with two dots in a row; the import took them (crm.contacts.forms.check_phone,
    check_contact_name, check_email; the tags' limits are the partner form's check_tags)."""
    from crm.contacts.models import ERASED_NAME

    auth.login(Role.STAFF)
    batch_id = importer.preview(csv_bytes([
        ["Name", "Country", "Tags", "Contact", "Phone", "E-mail"],
        ["Call Me University", "DE", "", "Anna Berg", "ask the front desk", ""],
        ["Short Number College", "DE", "", "Anna Berg", "110", ""],
        ["Erased Name Institute", "DE", "", ERASED_NAME, "+49 711 123456", ""],
        ["Many Tags School", "DE", "，".join(f"tag{n}" for n in range(21)), "", "", ""],
        ["Two Dots Hochschule", "DE", "", "Anna Berg", "", "anna@bsk..de"],
        ["Good Phone Academy", "DE", "dual，VET", "Anna Berg", "+49 (711) 123-456", "anna@bsk.de"],
    ]), "partners.csv")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["error", "error", "error", "error", "error", "new"], [r.errors for r in rows]
    assert rows[0].errors["contact_phone"] == "Only digits, spaces and + ( ) . - / in a phone number."
    assert rows[1].errors["contact_phone"] == "A phone number has at least 5 digits."
    assert rows[2].errors["contact_name"] == "Choose another name."
    assert rows[3].errors["tags"] == "At most 20 tags."
    assert rows[4].errors["contact_email"] == "Not a valid e-mail address."
    importer.commit(batch_id)
    assert counts(app) == (1, 1)


def test_user_choice_per_row_is_kept_and_a_possible_duplicate_can_be_created(app, auth, factory, importer, client):
    auth.login(Role.STAFF)
    factory.partner(name="Universität Kassel, Hochschule", country="DE")
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], ["Hochschule Kassel", "DE"], ["Hochschule Fulda", "DE"]]), "a.xlsx")
    rows = importer.rows(batch_id)
    token = auth.csrf(f"/import/{batch_id}")
    response = client.post(f"/import/{batch_id}/rows", data={"csrf_token": token, f"row_{rows[0].id}": "create", f"row_{rows[1].id}": "skip"})
    assert response.status_code == 303
    # an action the row does not allow is refused
    bad = client.post(f"/import/{batch_id}/rows", data={"csrf_token": token, f"row_{rows[0].id}": "update", f"row_{rows[1].id}": "skip"})
    assert bad.status_code == 422
    importer.commit(batch_id)
    with app.app_context():
        names = set(db.session.scalars(select(Partner.name)))
    assert names == {"Universität Kassel, Hochschule", "Hochschule Kassel"}


def test_undo_removes_created_partners_and_restores_updated_ones(app, client, auth, factory, importer):
    admin = auth.login(Role.ADMIN)
    existing = factory.partner(name="Holmesglen Institute", country="AU", city=None)
    batch_id = importer.preview(xlsx_bytes([
        ["Name", "Country", "City", "Contact"],
        ["Holmesglen Institute", "AU", "Melbourne", "Jane Doe"],
        ["Hiroshima University", "JP", "Hiroshima", "Kenji Sato"],
    ]), "u.xlsx")
    importer.commit(batch_id)
    assert counts(app) == (2, 2)
    response = client.post(f"/import/{batch_id}/undo", data={"csrf_token": auth.csrf(f"/import/{batch_id}"), "confirmed": "1"})
    assert response.status_code == 303
    assert counts(app) == (1, 0)
    with app.app_context():
        partner = db.session.get(Partner, existing)
        assert partner.city is None
        assert importer.batch(batch_id).status == BatchStatus.UNDONE
        assert importer.batch(batch_id).undone_by_id == admin.id


def test_undo_without_javascript_asks_first_and_undoes_nothing_yet(app, client, auth, importer):
    auth.login(Role.ADMIN)
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], ["Hiroshima University", "JP"]]), "u.xlsx")
    importer.commit(batch_id)
    asked = client.post(f"/import/{batch_id}/undo", data={"csrf_token": auth.csrf(f"/import/{batch_id}")})
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in asked.text and f'href="/import/{batch_id}"' in asked.text
    assert counts(app)[0] == 1
    with app.app_context():
        assert importer.batch(batch_id).status == BatchStatus.COMMITTED


def test_undo_is_refused_and_names_the_records_edited_since(app, client, auth, importer):
    auth.login(Role.ADMIN)
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], ["Hiroshima University", "JP"], ["Ivy Tech", "US"]]), "u.xlsx")
    importer.commit(batch_id)
    with app.app_context():
        partner = db.session.scalars(select(Partner).where(Partner.name == "Ivy Tech")).one()
        partner.city = "Indianapolis"
        db.session.commit()
    response = client.post(f"/import/{batch_id}/undo", data={"csrf_token": auth.csrf(f"/import/{batch_id}"), "confirmed": "1"})
    assert response.status_code == 409
    assert "Ivy Tech" in response.text and "edited since the import" in response.text
    assert "Hiroshima University" not in response.text
    assert counts(app) == (2, 0)


def test_staff_cannot_undo_an_import(app, client, auth, importer):
    auth.login(Role.STAFF)
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], ["Ivy Tech", "US"]]), "u.xlsx")
    importer.commit(batch_id)
    response = client.post(f"/import/{batch_id}/undo", data={"csrf_token": auth.csrf(f"/import/{batch_id}"), "confirmed": "1"})
    assert response.status_code == 403
    assert counts(app) == (1, 0)


def test_a_partner_changed_between_preview_and_commit_stops_the_whole_commit(app, client, auth, factory, importer):
    auth.login(Role.STAFF)
    existing = factory.partner(name="Holmesglen Institute", country="AU")
    batch_id = importer.preview(xlsx_bytes([["Name", "Country", "City"], ["Holmesglen Institute", "AU", "Melbourne"], ["Ivy Tech", "US", None]]), "s.xlsx")
    with app.app_context():
        db.session.get(Partner, existing).city = "Chadstone"
        db.session.commit()
    importer.commit(batch_id)
    batch = importer.batch(batch_id)
    assert batch.status == BatchStatus.PREVIEW and "Holmesglen Institute" in batch.message
    assert counts(app) == (1, 0)


def test_an_import_is_audited_row_by_row_and_as_a_batch(app, auth, importer):
    from crm.audit.models import AuditEntry

    user = auth.login(Role.STAFF)
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], ["Ivy Tech", "US"]]), "audit.xlsx")
    importer.commit(batch_id)
    batch = importer.batch(batch_id)
    assert (batch.created_by_id, batch.file_name, batch.created_count) == (user.id, "audit.xlsx", 1)
    assert batch.committed_at is not None
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "partner")).all()
        assert entries and all(entry.user_id == user.id for entry in entries)


# --- Bad input: a clear message, nothing written -------------------------------------------

def _upload_refused(importer, data, name, message):
    response = importer.upload(data, name)
    assert response.status_code == 422, response.status_code
    assert message in response.text
    with importer.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert counts(importer.app) == (0, 0)


def test_empty_file_is_refused(auth, importer):
    auth.login(Role.STAFF)
    _upload_refused(importer, b"", "empty.csv", "The file is empty.")
    _upload_refused(importer, b"\xef\xbb\xbf\r\n\r\n", "blank.csv", "The file is empty.")


def test_old_xls_and_renamed_and_binary_files_are_refused(auth, importer):
    auth.login(Role.STAFF)
    _upload_refused(importer, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls", "old Excel file (.xls)")
    _upload_refused(importer, b"%PDF-1.7\n" + b"x" * 100, "partners.csv", "This is not a spreadsheet")
    _upload_refused(importer, b"Name,Country\nIvy Tech,US\n", "partners.xlsx", "does not match its name")
    _upload_refused(importer, xlsx_bytes([["Name", "Country"]]), "partners.csv", "does not match its name")


def test_a_thousand_columns_are_refused(auth, importer):
    auth.login(Role.STAFF)
    _upload_refused(importer, xlsx_bytes([["Name", "Country"] + [f"c{i}" for i in range(998)], ["Ivy Tech", "US"]]), "wide.xlsx", "1000 columns")
    _upload_refused(importer, csv_bytes([["Name", "Country"] + ["x"] * 998, ["Ivy Tech", "US"]]), "wide.csv", "1000 columns")


def test_merged_header_cells_are_refused(auth, importer):
    auth.login(Role.STAFF)
    data = xlsx_bytes([["Name", "Country", None], ["Ivy Tech", "US", "x"]], merge="B1:C1")
    _upload_refused(importer, data, "merged.xlsx", "merged cells")


def test_a_country_merged_down_several_rows_is_every_rows_country_under_a_merged_title(app, auth, importer):
    """Offices write a country once for a group of partners (merged cells) under a title
    merged across the sheet: each row of the merged range has the country."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["重庆某职业技术学院国际合作伙伴一览表"])
    sheet.append(["序号", "名称", "国家", "备注"])
    sheet.append([1, "Hochschule Bremen", "德国", "两行合并"])
    sheet.append([2, "Berufsschule Kassel", None, None])
    sheet.append([3, "Ivy Tech", "美国", None])
    sheet.append([4, "Holmesglen Institute", None, None])  # not merged: still an error
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("C3:C4")
    sheet.merge_cells("D3:E3")  # across, not down: nothing to copy
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch_id = importer.preview(buffer.getvalue(), "一览表.xlsx") if auth.login(Role.STAFF) else None
    rows = importer.rows(batch_id)
    assert [(r.number, r.values.get("country"), r.values.get("notes")) for r in rows] == [
        (3, "DE", "两行合并"), (4, "DE", None), (5, "US", None), (6, None, None)]
    assert "country" in rows[3].errors and importer.batch(batch_id).header_row == 2


def test_rows_numbered_ahead_of_their_data_are_empty_rows_not_errors(app, auth, importer):
    """Office sheets number rows 1–50 (序号) before they are filled in: those rows were each
    'Name (English) is required', drowning the real errors."""
    auth.login(Role.STAFF)
    rows = [["序号", "合作单位", "国家", "备注"], [1, "Ivy Tech", "美国", None], [2, None, "德国", None]]
    rows += [[number, None, None, "　"] for number in range(3, 51)]
    batch_id = importer.preview(xlsx_bytes(rows), "伙伴.xlsx")
    batch = importer.batch(batch_id)
    assert (batch.total_rows, batch.new_count, batch.error_count) == (2, 1, 1)
    assert [row.number for row in importer.rows(batch_id)] == [2, 3]


def test_the_first_sheet_with_the_column_titles_is_read_after_a_sheet_of_instructions_or_an_empty_one(app, auth, importer):
    auth.login(Role.STAFF)
    workbook = Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["请在“合作伙伴”表中填写，每行一个合作单位。"])
    workbook.create_sheet("空白")
    partners = workbook.create_sheet("合作伙伴")
    partners.append(["合作单位", "国家"])
    partners.append(["Ivy Tech", "美国"])
    workbook.create_sheet("2022").append(["名称", "国家"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch_id = importer.preview(buffer.getvalue(), "合作伙伴.xlsx")
    assert [(r.values["name"], r.values["country"]) for r in importer.rows(batch_id)] == [("Ivy Tech", "US")]
    # No sheet has the titles: the first is read, and the mapping asks for the columns.
    workbook = Workbook()
    workbook.active.append(["甲", "乙"])
    workbook.active.append(["Ivy Tech", "US"])
    workbook.create_sheet("Sheet2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch_id = importer.batch_id(importer.upload(buffer.getvalue(), "无标题.xlsx"))
    assert importer.batch(batch_id).headers == ["甲", "乙"]


def test_file_over_the_size_limit_answers_413_and_writes_nothing(app, auth, importer):
    auth.login(Role.STAFF)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = importer.upload(b"Name,Country\n" + b"Ivy Tech,US\n" * 200, "big.csv")
    assert response.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_formula_and_over_long_cells_are_errors_of_their_row_and_are_not_written(app, auth, importer, client):
    auth.login(Role.STAFF)
    data = xlsx_bytes([
        ["Name", "Country", "City"],
        ["=HYPERLINK(\"http://evil.example\",\"Click\")", "US", None],
        ["Ivy Tech", "US", "x" * 101],
        ["Good College", "US", None],
    ])
    batch_id = importer.preview(data, "bad.xlsx")
    rows = importer.rows(batch_id)
    assert "formula" in rows[0].errors["name"]
    assert "At most 100 characters" in rows[1].errors["city"]
    assert [r.action.value for r in rows] == ["skip", "skip", "create"]
    page = client.get(f"/import/{batch_id}?outcome=error")
    assert "copy the cells and paste them as values" in page.text
    importer.commit(batch_id)
    with app.app_context():
        assert list(db.session.scalars(select(Partner.name))) == ["Good College"]


def test_script_tags_are_stored_as_text_and_shown_escaped(app, auth, importer, client):
    auth.login(Role.STAFF)
    name = "<script>alert(1)</script> College"
    batch_id = importer.preview(csv_bytes([["Name", "Country"], [name, "US"]]), "xss.csv")
    page = client.get(f"/import/{batch_id}")
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    importer.commit(batch_id)
    with app.app_context():
        assert db.session.scalars(select(Partner.name)).one() == name


def test_mapping_needs_the_required_fields_once(auth, importer):
    auth.login(Role.STAFF)
    batch_id = importer.batch_id(importer.upload(csv_bytes([["Institution", "Land"], ["Ivy Tech", "US"]]), "m.csv"))
    response = importer.map(batch_id)
    assert response.status_code == 422 and "Choose a column for" in response.text
    response = importer.map(batch_id, {"column_0": "name", "column_1": "name"})
    assert response.status_code == 422 and "Two columns fill the same field" in response.text
    assert importer.map(batch_id, {"column_0": "name", "column_1": "country"}).status_code == 303
    assert importer.batch(batch_id).new_count == 1


@pytest.mark.parametrize(("locale", "fmt"), [("en", "xlsx"), ("zh_CN", "xlsx"), ("zh_CN", "csv")])
def test_round_trip_export_wipe_import_gives_the_same_partners_and_contacts(app, client, auth, make_user, factory, importer,
                                                                             locale, fmt):
    """Issue 12's round trip: the partners export (a row per contact) read back by the import,
    whether the export was written with English or with Chinese titles and labels."""
    auth.login(user=make_user(Role.ADMIN, locale=locale))
    owner = make_user(Role.STAFF, name="Li Wei")
    first = factory.partner(name="Holmesglen Institute", local_name=None, short_name="HI", country="AU", city="Melbourne",
                            website="https://holmesglen.edu.au", owner_id=owner.id)
    factory.contact(first, name="Jane Doe", email="jane@holmesglen.edu.au", position="International Manager",
                    phone="+61 3 9564 1555", is_primary=True)
    factory.contact(first, name="Tom Brown", department="-Teacher Education-", messaging="WeChat: tombrown")
    factory.contact(first, name="Left Long Ago", active=False)
    second = factory.partner(name="Hiroshima University", local_name="広島大学", country="JP", kind=PartnerKind.UNIVERSITY)
    factory.contact(second, name="Kenji Sato", is_primary=True)
    factory.partner(name="Berufsschule Kassel", local_name="Berufsschule Kassel", short_name="BSK", country="DE")
    fields = ("name", "local_name", "short_name", "kind", "country", "city", "website", "status", "owner_id")
    contact_fields = ("name", "position", "department", "email", "phone", "messaging", "is_primary")

    def snapshot():
        with app.app_context():
            partners = db.session.scalars(select(Partner).order_by(Partner.name)).all()
            return [(tuple(getattr(p, f) for f in fields),
                     sorted(tuple(getattr(c, f) for f in contact_fields) for c in p.contacts if c.active))
                    for p in partners]

    before = snapshot()
    assert [len(contacts) for _partner, contacts in before] == [0, 1, 2]
    export = client.get(f"/partners/export.{fmt}")
    assert export.status_code == 200
    if fmt == "xlsx":
        titles = [cell.value for cell in next(load_workbook(io.BytesIO(export.data)).active.iter_rows(max_row=1))]
        assert ("联系人" if locale == "zh_CN" else "Contact") in titles
    with app.app_context():
        db.session.execute(Contact.__table__.delete())
        db.session.execute(Partner.__table__.delete())
        db.session.commit()
    batch_id = importer.preview(export.data, f"partners.{fmt}")
    batch = importer.batch(batch_id)
    assert (batch.new_count, batch.match_count, batch.error_count) == (3, 1, 0)  # Holmesglen's second contact repeats it
    assert importer.commit(batch_id).status_code == 303
    assert snapshot() == before


# --- Agreements ------------------------------------------------------------------------------

def test_agreements_are_imported_for_existing_partners_with_dates_in_every_form(app, auth, factory, importer, client):
    from crm.agreements.models import Agreement, AgreementKind

    auth.login(Role.ADMIN)
    bsk = factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    holmesglen = factory.partner(name="Holmesglen Institute", country="AU")
    factory.agreement([holmesglen], title="Teacher training agreement")
    data = xlsx_bytes([
        ["协议名称", "合作伙伴", "类型", "签署日期", "生效日期", "有效期至", "提前通知期"],
        ["联合培养协议", "BSK", "合作办学 / 双学位", "2025年9月1日", "2025/9/1", 47000, "180"],
        ["Teacher training agreement", "Holmesglen Institute", "", None, None, "2029-06-30", None],
        ["Nowhere MoU", "Atlantis College", "", "2025-13-01", None, None, None],
    ])
    batch_id = importer.preview(data, "协议.xlsx", kind="agreements")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["new", "match", "error"]
    assert "Atlantis College" in rows[2].errors["partner_ids"] and "2025-13-01" in rows[2].errors["signed_on"]
    assert "BSK International Education Institute" in client.get(f"/import/{batch_id}").text
    importer.commit(batch_id)
    with app.app_context():
        joint = db.session.scalars(select(Agreement).where(Agreement.title == "联合培养协议")).one()
        assert [p.id for p in joint.partners] == [bsk] and joint.kind == AgreementKind.JOINT_PROGRAMME
        assert (joint.signed_on.isoformat(), joint.valid_from.isoformat(), joint.valid_until.isoformat(), joint.notice_days) == (
            "2025-09-01", "2025-09-01", "2028-09-04", 180)
        assert db.session.scalars(select(Agreement).where(Agreement.title == "Teacher training agreement")).one().valid_until.isoformat() == "2029-06-30"
    response = client.post(f"/import/{batch_id}/undo", data={"csrf_token": auth.csrf(f"/import/{batch_id}"), "confirmed": "1"})
    assert response.status_code == 303
    with app.app_context():
        assert [a.title for a in db.session.scalars(select(Agreement))] == ["Teacher training agreement"]
        assert db.session.scalars(select(Agreement)).one().valid_until.isoformat() != "2029-06-30"



def test_the_column_titles_a_chinese_office_keeps_are_matched_for_partners_and_agreements(app, auth, factory, importer):
    import datetime

    auth.login(Role.STAFF)
    partners = importer.upload(xlsx_bytes([["序号", "合作单位", "国家", "签约日期"], [1, "Ivy Tech", "美国", "2023/9/1"]]), "伙伴.xlsx")
    assert importer.batch(importer.batch_id(partners)).mapping == {"1": "name", "2": "country"}
    titles = ["合作院校名称", "所在国家", "所在城市", "学校官网", "合作状态", "联系人", "职务/职称", "联系人邮箱", "手机号", "微信号"]
    partners = importer.upload(xlsx_bytes([titles, ["Ivy Tech", "美国"]]), "伙伴.xlsx")
    assert list(importer.batch(importer.batch_id(partners)).mapping.values()) == [
        "name", "country", "city", "website", "status", "contact_name", "contact_position", "contact_email",
        "contact_phone", "contact_messaging"]
    partners = importer.upload(xlsx_bytes([["Partner name", "Country", "Contact", "Email address", "Mobile"], ["Ivy Tech", "US"]]), "p.xlsx")
    assert list(importer.batch(importer.batch_id(partners)).mapping.values()) == [
        "name", "country", "contact_name", "contact_email", "contact_phone"]
    factory.partner(name="Ivy Tech", country="US")
    data = xlsx_bytes([
        ["合作单位", "协议名称", "签约日期", "协议到期时间"],
        ["Ivy Tech", "交流协议", datetime.datetime(2023, 9, 1), "2028.08.31"],
        ["Ivy Tech", "学分互认协议", "２０２３／９／１", "45170"],
    ])
    batch_id = importer.batch_id(importer.upload(data, "协议.xlsx", kind="agreements"))
    assert importer.batch(batch_id).mapping == {"0": "partner_ids", "1": "title", "2": "signed_on", "3": "valid_until"}
    importer.map(batch_id)
    assert [(r.values.get("signed_on"), r.values.get("valid_until"), r.errors) for r in importer.rows(batch_id)] == [
        ("2023-09-01", "2028-08-31", {}), ("2023-09-01", "2023-09-01", {})]


def test_an_agreement_that_ends_before_it_starts_is_an_error_of_its_row(app, auth, factory, importer):
    """The agreement form refuses it; the import created it (valid 1 Jan 2027 – 30 Jun 2026)."""
    from crm.agreements.models import Agreement

    auth.login(Role.STAFF)
    factory.partner(name="AUDI AG", country="DE")
    batch_id = importer.preview(xlsx_bytes([
        ["Title", "Partner", "Valid from", "Valid until"],
        ["Reversed dates", "AUDI AG", "2027-01-01", "2026-06-30"],
        ["One day", "AUDI AG", "2026-12-31", "2026-12-31"],
    ]), "agreements.xlsx", kind="agreements")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["error", "new"]
    assert rows[0].errors["valid_until"] == "Valid until cannot be before valid from."
    importer.commit(batch_id)
    with app.app_context():
        assert [a.title for a in db.session.scalars(select(Agreement))] == ["One day"]


def test_an_agreement_signed_in_the_future_is_an_error_of_its_row(app, auth, factory, importer):
    """The agreement form and a proposal's conversion refuse a signing date ahead; so does the import."""
    from datetime import timedelta

    from crm.agreements.models import Agreement
    from crm.core.dates import office_today

    auth.login(Role.STAFF)
    factory.partner(name="AUDI AG", country="DE")
    batch_id = importer.preview(xlsx_bytes([
        ["Title", "Partner", "Signed on"],
        ["Signed next week", "AUDI AG", (office_today() + timedelta(days=7)).isoformat()],
        ["Signed today", "AUDI AG", office_today().isoformat()],
    ]), "agreements.xlsx", kind="agreements")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["error", "new"]
    assert rows[0].errors["signed_on"] == "The signing date cannot be in the future."
    importer.commit(batch_id)
    with app.app_context():
        assert [a.title for a in db.session.scalars(select(Agreement))] == ["Signed today"]


def test_an_agreements_notice_period_and_notes_follow_the_forms_limits(app, auth, factory, importer):
    """The form refuses a notice period over 3650 days and notes over 10,000 characters; the
    import took a notice of 99,999 days (renewal decided centuries ahead) and notes of 20,000."""
    from crm.agreements.forms import MAX_TEXT
    from crm.agreements.models import Agreement

    auth.login(Role.STAFF)
    factory.partner(name="AUDI AG", country="DE")
    batch_id = importer.preview(xlsx_bytes([
        ["Title", "Partner", "Notice period (days)", "Notes", "Subjects"],
        ["Ten thousand days", "AUDI AG", 10000, "", ""],
        ["Long notes", "AUDI AG", 90, "n" * (MAX_TEXT + 1), ""],
        ["Long subjects", "AUDI AG", 90, "", "s" * MAX_TEXT],
        ["Ten years", "AUDI AG", 3650, "n" * MAX_TEXT, ""],
    ]), "agreements.xlsx", kind="agreements")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["error", "error", "new", "new"]
    assert rows[0].errors["notice_days"] == "Between 0 and 3650 days."
    assert rows[1].errors["notes"] == f"At most {MAX_TEXT} characters (this cell has {MAX_TEXT + 1})."
    importer.commit(batch_id)
    with app.app_context():
        assert sorted(a.title for a in db.session.scalars(select(Agreement))) == ["Long subjects", "Ten years"]


def test_agreement_template_in_chinese_maps_every_column(auth, client, importer):
    auth.login(Role.STAFF)
    template = client.get("/import/template.xlsx?kind=agreements&language=zh")
    batch_id = importer.batch_id(importer.upload(template.data, "template.xlsx", kind="agreements"))
    assert len(importer.batch(batch_id).mapping) == 10


# --- Contact history -------------------------------------------------------------------------

def test_contact_history_is_imported_once_and_a_second_run_adds_none(app, auth, factory, importer, client):
    from crm.interactions.models import Interaction, InteractionKind

    auth.login(Role.ADMIN)
    bsk = factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    data = csv_bytes([
        ["日期", "合作伙伴", "方式", "主题", "内容"],
        ["2025/10/15 10:00", "BSK", "会谈", "预科班招生", "确定 2026 年招生计划"],
        ["2025年11月3日", "BSK International Education Institute", "", "Visit to Kassel", ""],
        ["2025-11-03", "BSK", "", "Visit to Kassel", ""],
    ], encoding="gb18030")
    batch_id = importer.preview(data, "联络记录.csv", kind="history")
    assert [r.outcome.value for r in importer.rows(batch_id)] == ["new", "new", "possible"]
    importer.commit(batch_id)
    with app.app_context():
        entries = db.session.scalars(select(Interaction).order_by(Interaction.occurred_at)).all()
        assert [(e.partner_id, e.kind, e.subject) for e in entries] == [
            (bsk, InteractionKind.MEETING, "预科班招生"), (bsk, InteractionKind.OTHER, "Visit to Kassel")]
    assert "2025" in client.get(f"/partners/{bsk}").text
    again = importer.preview(data, "联络记录.csv", kind="history")
    assert importer.batch(again).new_count == 0 and importer.batch(again).match_count == 3
    importer.commit(again)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Interaction)) == 2
    assert client.post(f"/import/{batch_id}/undo", data={"csrf_token": auth.csrf(f"/import/{batch_id}"), "confirmed": "1"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Interaction)) == 0


def test_a_contact_after_today_is_an_error_of_its_row_as_in_the_log_form(app, auth, factory, importer):
    """The log form refuses a meeting after today (crm.interactions.forms.check_contact_time); the
    import saved one, and it stood as the partner's last contact in the future."""
    from datetime import timedelta

    from crm.core.dates import office_today
    from crm.interactions.models import Interaction

    auth.login(Role.STAFF)
    factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    today, tomorrow = office_today(), office_today() + timedelta(days=1)
    batch_id = importer.preview(csv_bytes([
        ["Date", "Partner", "Subject"],
        [f"{tomorrow.isoformat()} 09:00", "BSK", "Next year's intake"],
        [f"{today.year + 1}-{today.month:02d}-{min(today.day, 28):02d}", "BSK", "A slip of the year"],
        [f"{today.isoformat()} 23:30", "BSK", "Late call today"],
    ]), "history.csv", kind="history")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["error", "error", "new"]
    assert rows[0].errors["occurred_at"].startswith("This is after today: the contact history records what happened.")
    importer.commit(batch_id)
    with app.app_context():
        assert [e.subject for e in db.session.scalars(select(Interaction))] == ["Late call today"]


# --- Outcomes --------------------------------------------------------------------------------

def test_outcomes_are_imported_per_partner_and_year_and_update_on_a_second_file(app, auth, factory, importer, client):
    """The office's wide sheet (a column per category): one row, an outcome per category; a
    second file in the one-count-per-row layout updates the same partner, year and category."""
    from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus

    auth.login(Role.ADMIN)
    holmesglen = factory.partner(name="Holmesglen Institute", country="AU")
    first = importer.preview(xlsx_bytes([
        ["合作伙伴", "学年", "派出学生", "培训教师（人次）", "备注"],
        ["Holmesglen Institute", "2024-2025学年", 12, 30, "师资培训"],
        ["Holmesglen Institute", "2025/26", None, "x", None],
    ]), "成果.xlsx", kind="outcomes")
    rows = importer.rows(first)
    assert [r.outcome.value for r in rows] == ["new", "error"] and "not a whole number" in rows[1].errors["count_teachers_trained"]
    importer.commit(first)

    def outcomes():
        with app.app_context():
            return {(o.partner_id, o.year, o.category): (o.count, o.status) for o in db.session.scalars(select(Outcome))}

    assert outcomes() == {(holmesglen, 2024, OutcomeCategory.OUTBOUND_STUDENTS): (12, OutcomeStatus.APPROVED),
                          (holmesglen, 2024, OutcomeCategory.TEACHERS_TRAINED): (30, OutcomeStatus.APPROVED)}
    second = importer.preview(xlsx_bytes([["Partner", "Academic year", "Category", "Count"],
                                          ["Holmesglen Institute", "2024-2025", "Students sent abroad", 14]]),
                              "outcomes.xlsx", kind="outcomes")
    assert importer.batch(second).match_count == 1
    importer.commit(second)
    assert outcomes() == {(holmesglen, 2024, OutcomeCategory.OUTBOUND_STUDENTS): (14, OutcomeStatus.APPROVED),
                          (holmesglen, 2024, OutcomeCategory.TEACHERS_TRAINED): (30, OutcomeStatus.APPROVED)}
    again = importer.preview(xlsx_bytes([["Partner", "Academic year", "Category", "Count"],
                                         ["Holmesglen Institute", 2024, "outbound_students", 14]]), "again.xlsx", kind="outcomes")
    assert importer.batch(again).match_count == 1
    assert client.post(f"/import/{second}/undo", data={"csrf_token": auth.csrf(f"/import/{second}"), "confirmed": "1"}).status_code == 303
    assert outcomes()[(holmesglen, 2024, OutcomeCategory.OUTBOUND_STUDENTS)] == (12, OutcomeStatus.APPROVED)
    blocked = client.post(f"/import/{first}/undo", data={"csrf_token": auth.csrf(f"/import/{first}"), "confirmed": "1"})
    assert blocked.status_code == 409 and "edited since the import" in blocked.text  # the second file changed it
    assert len(outcomes()) == 2


def test_outcome_template_in_chinese_imports_one_count_per_row_with_agreement_and_school(app, auth, factory, importer, client):
    from crm.outcomes.models import Outcome, OutcomeCategory, year_label
    from crm.schools.models import School

    auth.login(Role.STAFF)
    bsk = factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    agreement = factory.agreement([bsk], title="联合培养协议")
    with app.app_context():
        school = School(name_zh="机械工程学院", name_en="School of Mechanical Engineering")
        db.session.add(school)
        db.session.commit()
        school_id = school.id
    template = client.get("/import/template.xlsx?kind=outcomes&language=zh")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.data)).active
    header, example = [[cell.value for cell in row] for row in sheet.iter_rows(max_row=2)]
    assert header == ["合作伙伴", "协议", "年份", "类别", "数量", "细分", "二级学院", "备注"]
    batch_id = importer.batch_id(importer.upload(template.data, "template.xlsx", kind="outcomes"))
    assert len(importer.batch(batch_id).mapping) == 8
    example_year = example[2]
    data = xlsx_bytes([
        header,
        example,
        ["", "联合培养协议", example_year, "来访团组", 2, "", "School of Mechanical Engineering", ""],
        ["BSK", "", example_year, "派出学生", 5, "实习", "机械工程学院", "第二批"],
        ["BSK", "", example_year, "出访团组", None, "", "", ""],
        ["BSK", "", example_year, "不存在的类别", 1, "", "火星学院", ""],
    ])
    batch_id = importer.preview(data, "成果模板.xlsx", kind="outcomes")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["new", "new", "new", "error", "error"]
    assert "count" in rows[3].errors and {"category", "school_id"} <= set(rows[4].errors)
    assert year_label(int(rows[0].values["year"])) in client.get(f"/import/{batch_id}").text
    assert importer.commit(batch_id).status_code == 303
    with app.app_context():
        found = {(o.partner_id, o.agreement_id, o.category, o.detail, o.count, o.school_id)
                 for o in db.session.scalars(select(Outcome))}
    assert found == {(bsk, None, OutcomeCategory.OUTBOUND_STUDENTS, "交换", 12, None),
                     (None, agreement, OutcomeCategory.DELEGATIONS_RECEIVED, None, 2, school_id),
                     (bsk, None, OutcomeCategory.OUTBOUND_STUDENTS, "实习", 5, school_id)}


def test_outcome_rows_follow_the_outcome_forms_rules(app, auth, factory, importer):
    """What the outcome form refuses, the import took: a year outside the agreement's validity, a
    count over 1,000,000 refused as "not a whole number" from 100,000 on, a note over 10,000
    characters, an archived school, and an "other quantity" that counts toward no 国际影响表 row."""
    from datetime import date, datetime

    from crm.core.dates import office_today
    from crm.outcomes.forms import MAX_NOTE
    from crm.outcomes.models import Outcome, report_year_of
    from crm.schools.models import School

    auth.login(Role.STAFF)
    bsk = factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    this_year = report_year_of(office_today())
    factory.agreement([bsk], title="Old exchange", valid_from=date(2010, 9, 1), valid_until=date(2012, 6, 30))
    with app.app_context():
        db.session.add(School(name_zh="旧学院", name_en="Closed School", archived_at=datetime(2025, 1, 1)))
        db.session.commit()
    batch_id = importer.preview(xlsx_bytes([
        ["Partner", "Agreement", "Year", "Category", "Count", "School", "Note"],
        ["BSK", "Old exchange", this_year, "outbound_students", 3, "", ""],
        ["BSK", "Old exchange", 2011, "outbound_students", 3, "", ""],
        ["BSK", "", this_year, "teachers_trained", 1_000_001, "", ""],
        ["BSK", "", this_year, "teachers_trained", 150_000, "", ""],
        ["BSK", "", this_year, "certificates_earned", 4, "", "n" * (MAX_NOTE + 1)],
        ["BSK", "", this_year, "inbound_students", 4, "Closed School", ""],
        ["BSK", "", this_year, "other", 4, "", ""],
    ]), "outcomes.xlsx", kind="outcomes")
    rows = importer.rows(batch_id)
    assert [r.outcome.value for r in rows] == ["error", "new", "error", "new", "error", "error", "error"], [r.errors for r in rows]
    assert "lies outside it" in rows[0].errors["year"]
    assert rows[2].errors["count"] == "Enter a whole number from 0 to 1000000."
    assert rows[4].errors["note"] == f"At most {MAX_NOTE} characters (this cell has {MAX_NOTE + 1})."
    assert rows[5].errors["school_id"] == "No school is called “Closed School”."
    assert rows[6].errors["category"] == "Choose the 国际影响表 row this quantity counts toward."
    importer.commit(batch_id)
    with app.app_context():
        assert sorted((o.year, o.count) for o in db.session.scalars(select(Outcome))) == [(2011, 3), (this_year, 150_000)]


def test_a_batch_is_committed_once_and_a_second_commit_answers_409(app, auth, importer):
    auth.login(Role.STAFF)
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], ["Ivy Tech", "US"]]), "twice.xlsx")
    assert importer.commit(batch_id).status_code == 303
    assert importer.commit(batch_id).status_code == 409
    assert counts(app) == (1, 0)


def test_a_discarded_file_leaves_nothing_behind(app, auth, importer, client):
    auth.login(Role.STAFF)
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], ["Ivy Tech", "US"]]), "discard.xlsx")
    response = client.post(f"/import/{batch_id}/discard", data={"csrf_token": auth.csrf(f"/import/{batch_id}")})
    assert response.status_code == 303
    assert client.get(f"/import/{batch_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportRow)) == 0
    assert counts(app) == (0, 0)
    assert list((Path(app.config["UPLOAD_FOLDER"]) / "imports").iterdir()) == []


def test_a_chinese_preview_shows_dates_and_punctuation_in_chinese(app, auth, factory, importer, client, make_user):
    """The preview's dates were shown as stored (2024-02-29 14:30) and its separators were
    English (德国, München; 张老师, 2026年…) on a Chinese page."""
    auth.login(user=make_user(Role.STAFF, name="张老师", locale="zh_CN"))
    factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    batch_id = importer.preview(csv_bytes([
        ["日期", "合作伙伴", "方式", "主题"],
        ["2024/2/29 14:30", "BSK", "会谈", "年度会谈"],
        ["2025年12月31日", "BSK", "电话", "年末问候"],
    ]), "联络记录.csv", kind="history")
    page = client.get(f"/import/{batch_id}").text
    assert "2024年2月29日 14:30" in page and "2025年12月31日" in page
    assert "2024-02-29" not in page and "张老师，" in page

    people = importer.preview(csv_bytes([["名称", "国家", "城市"], ["Technische Universität München", "德国", "München"]]),
                              "伙伴.csv")
    assert "德国，München" in client.get(f"/import/{people}").text


@pytest.mark.parametrize(("locale", "notice", "link"), [
    ("en", "2 rows have errors and will be skipped.", "See what is wrong in each"),
    ("zh_CN", "有 2 行有错误，将被跳过。", "查看各行的错误"),
])
def test_a_preview_with_errors_says_they_are_skipped_and_how_to_bring_them_in(auth, importer, client, make_user, locale, notice, link):
    """The errors were only a count in a tab: nothing said the rows would be left out or what to do."""
    auth.login(user=make_user(Role.STAFF, locale=locale))
    batch_id = importer.preview(csv_bytes([["名称", "国家"], ["Ivy Tech", "火星"], ["Holmesglen", ""], ["Monash", "AU"]]), "伙伴.csv")
    page = client.get(f"/import/{batch_id}").text
    assert notice in page and link in page and f"/import/{batch_id}?outcome=error" in page
    assert link not in client.get(f"/import/{batch_id}?outcome=error").text
    clean = importer.preview(csv_bytes([["名称", "国家"], ["Monash", "AU"]]), "好.csv")
    assert "app-import-errors" not in client.get(f"/import/{clean}").text
