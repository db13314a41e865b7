"""CSV and Excel downloads that are safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`,
so a spreadsheet shows it as text instead of running it as a formula (CSV injection).
Numbers, dates and booleans stay typed values. The first rows of a file describe what it
holds (`header_rows`, e.g. the filter of the list), then an empty row, then the column titles.

    csv_response("partners.csv", [["Partners"], ["Country", "Germany"]], ["Name", "City"], rows)
    xlsx_response("partners.xlsx", header_rows, columns, rows, sheet_title="Partners")
"""
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from urllib.parse import quote

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A value ready for a spreadsheet cell: text that could start a formula gets a leading `'`.

    None → "", enums → their label (or value), dates and datetimes and numbers stay as they are,
    anything else becomes text.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | date | datetime):
        return value
    if isinstance(value, Enum):
        value = getattr(value, "label", value.value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _as_csv_text(value) -> str:
    value = safe_cell(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987)."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _download(body: bytes, filename: str, mimetype: str):
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def csv_text(header_rows: Iterable[Sequence], columns: Sequence, rows: Iterable[Sequence]) -> str:
    """The CSV document: header rows, an empty row, the column titles, the data rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header_rows = list(header_rows)
    for row in header_rows:
        writer.writerow([_as_csv_text(value) for value in row])
    if header_rows:
        writer.writerow([])
    writer.writerow([_as_csv_text(value) for value in columns])
    for row in rows:
        writer.writerow([_as_csv_text(value) for value in row])
    return buffer.getvalue()


def csv_response(filename: str, header_rows: Iterable[Sequence], columns: Sequence, rows: Iterable[Sequence]):
    """A CSV download in UTF-8 with a byte-order mark, so Excel reads Chinese correctly."""
    body = "\ufeff" + csv_text(header_rows, columns, rows)
    return _download(body.encode("utf-8"), filename, f"{CSV_MIMETYPE}; charset=utf-8")


def xlsx_bytes(header_rows: Iterable[Sequence], columns: Sequence, rows: Iterable[Sequence], sheet_title: str = "Sheet") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    bold = Font(bold=True)
    header_rows = list(header_rows)
    for row in header_rows:
        sheet.append([_xlsx_value(value) for value in row])
    if header_rows:
        sheet.append([])
    titles = []
    for value in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, header_rows: Iterable[Sequence], columns: Sequence, rows: Iterable[Sequence], sheet_title: str = "Sheet"):
    """An Excel (.xlsx) download; every text cell passes through `safe_cell`."""
    return _download(xlsx_bytes(header_rows, columns, rows, sheet_title), filename, XLSX_MIMETYPE)


def _xlsx_value(value):
    """`safe_cell` of the value without the control characters that xlsx cannot hold.

    They are removed first, so that removing them cannot uncover a formula."""
    if isinstance(value, Enum):
        value = getattr(value, "label", value.value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)


def _sheet_title(title: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(title)).strip("'") or "Sheet"
    return cleaned[:31]
