"""CSV and XLSX exports of the filtered agreement list.

Safety rules (security.md, ASVS 1.2.10): a text cell that begins with = + - @ tab or carriage
return gets a leading apostrophe, so no spreadsheet runs it as a formula; quotes, commas and
newlines round-trip through the csv module. The filter that produced the list is written in the
first rows, so a file read later says what it contains.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet could read as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(preamble: list[list], header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in preamble:
        writer.writerow([_csv_text(safe_cell(v)) for v in line])
    writer.writerow([])
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([_csv_text(safe_cell(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(preamble: list[list], header: list[str], rows: list[list], sheet_title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    for line in preamble:
        sheet.append([safe_cell(_xlsx_value(v)) for v in line])
    sheet.append([])
    sheet.append([safe_cell(_xlsx_value(v)) for v in header])
    for row in rows:
        sheet.append([safe_cell(_xlsx_value(v)) for v in row])
    for index, column in enumerate(sheet.columns, start=1):
        width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _xlsx_value(value):
    if isinstance(value, str):
        # Control characters are not allowed in the sheet's XML; openpyxl would refuse the file.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
