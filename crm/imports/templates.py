"""Blank spreadsheets to fill in, per kind and language: the column titles and one example row."""
from __future__ import annotations

import io

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Font

from crm.core.dates import office_today
from crm.imports.fields import ImportKind
from crm.outcomes.models import report_year_of, year_label

EXAMPLES = {
    "partners": {
        "en": {"name": "Holmesglen Institute", "local_name": "", "short_name": "Holmesglen", "kind": "Vocational institute / TAFE",
               "country": "Australia", "city": "Melbourne", "website": "https://holmesglen.edu.au", "status": "Active",
               "tags": "Teacher training", "contact_name": "Jane Doe", "contact_position": "International Manager",
               "contact_email": "jane.doe@holmesglen.edu.au"},
        "zh_CN": {"name": "Berufsschule Kassel", "local_name": "Berufsschule Kassel", "short_name": "BSK", "country": "德国",
                  "city": "卡塞尔", "website": "https://www.bsk-kassel.de", "tags": "德国, 预科",
                  "contact_name": "Anna Schmidt", "contact_email": "a.schmidt@bsk-kassel.de"},
    },
    "agreements": {
        "en": {"title": "Teacher training agreement", "partner_ids": "Holmesglen Institute", "kind": "Teacher training",
               "signed_on": "2025-09-01", "valid_from": "2025-09-01", "valid_until": "2028-08-31", "notice_days": "90",
               "auto_renew": "no"},
        "zh_CN": {"title": "联合培养协议", "partner_ids": "BSK", "kind": "合作办学 / 双学位", "signed_on": "2025年9月1日",
                  "valid_from": "2025/9/1", "valid_until": "2030/8/31", "notice_days": "180", "auto_renew": "否"},
    },
    "history": {
        "en": {"occurred_at": "2025-10-15 10:00", "partner_id": "Holmesglen Institute", "kind": "Video call",
               "subject": "Teacher training 2026", "summary": "Agreed on two cohorts.", "location": ""},
        "zh_CN": {"occurred_at": "2025年10月15日", "partner_id": "BSK", "kind": "会谈", "subject": "预科班招生",
                  "summary": "确定 2026 年招生计划。", "location": "重庆"},
    },
    "outcomes": {
        "en": {"partner_id": "Holmesglen Institute", "agreement_id": "", "year": "2024-2025",
               "category": "Teachers trained", "count": "30", "detail": "", "school_id": "", "note": ""},
        "zh_CN": {"partner_id": "BSK", "agreement_id": "", "year": "2024-2025学年", "category": "派出学生",
                  "count": "12", "detail": "交换", "school_id": "", "note": ""},
    },
}


def template_workbook(kind: ImportKind, locale: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    with force_locale(locale):
        sheet.title = str(kind.label)[:31].replace("/", "-")
        fields = [field for field in kind.fields if field.in_template]
        sheet.append([str(field.label) for field in fields])
        example = dict(EXAMPLES.get(kind.key, {}).get(locale, {}))
        if kind.key == "outcomes":  # last year, as the office counts years (academic or calendar)
            example["year"] = year_label(report_year_of(office_today()) - 1)
        sheet.append([example.get(field.key, "") for field in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, field in enumerate(fields):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
