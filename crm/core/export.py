"""CSV and Excel downloads that are safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`,
so a spreadsheet shows it as text instead of running it as a formula (CSV injection).
Numbers, dates and booleans stay typed values. A CSV file begins with rows that describe
what it holds (`header_rows`, e.g. the filter of the list), then an empty row, then the column
titles; an Excel file has the column titles on row 1 of its first sheet (frozen, with an
autofilter) and the description on a second sheet.

    csv_response("partners.csv", [["Partners"], ["Country", "Germany"]], ["Name", "City"], rows)
    xlsx_response("partners.xlsx", header_rows, columns, rows, sheet_title="Partners")

A filtered list and its downloads take the same steps in every domain (`list_page`,
`list_export`, `add_export_routes`): the filter form from the query string (invalid: the list
with the filter's message, 422), its query, then a page of rows (or only the rows when htmx asks)
or the whole list as a file.
"""
import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from urllib.parse import quote

from flask import Blueprint, abort, current_app, make_response, render_template
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.core.dates import office_today
from crm.core.forms import validate_filters
from crm.core.markers import shown_markers
from crm.core.pagination import paginate
from crm.extensions import htmx

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
    text = shown_markers(str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def unsafe_cell(text: str) -> str:
    """The inverse of `safe_cell` for text read back from a spreadsheet (the import): a leading
    `'` before a formula trigger is the export's (or Excel's quote prefix), not the content."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
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
    # content_type, not mimetype: werkzeug appends "; charset=utf-8" to a text/* mimetype again.
    response = current_app.response_class(body, content_type=mimetype)
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


def xlsx_bytes(
    header_rows: Iterable[Sequence],
    columns: Sequence,
    rows: Iterable[Sequence],
    sheet_title: str = "Sheet",
    filters_title: str | None = None,
) -> bytes:
    """The workbook: the data sheet with its column titles on row 1 (bold, frozen, with an
    autofilter, columns as wide as their content) and, when there are `header_rows`, a second
    sheet that describes the export (what, when, which filters). Dates are Excel dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_title)
    bold = Font(bold=True)
    sheet.append([_xlsx_value(value) for value in columns])
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    _format_dates(sheet)
    _fit_widths(sheet)
    if len(columns):
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    header_rows = list(header_rows)
    if header_rows:
        about = workbook.create_sheet(_sheet_title(filters_title or _("Filters")))
        for row in header_rows:
            about.append([_xlsx_value(value) for value in row])
        for cell in about["A"]:
            cell.font = bold
        _format_dates(about)
        _fit_widths(about)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


def _format_dates(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = XLSX_DATE_FORMAT


def _display_width(value) -> int:
    """Characters a cell shows, East Asian characters counting double, the longest line."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(XLSX_DATETIME_FORMAT)
    if isinstance(value, date):
        return len(XLSX_DATE_FORMAT)
    lines = str(value).splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def _fit_widths(sheet) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), MAX_WIDTH)


def xlsx_response(filename: str, header_rows: Iterable[Sequence], columns: Sequence, rows: Iterable[Sequence], sheet_title: str = "Sheet"):
    """An Excel (.xlsx) download; every text cell passes through `safe_cell`."""
    return _download(xlsx_bytes(header_rows, columns, rows, sheet_title), filename, XLSX_MIMETYPE)


def table_response(fmt: str, filename: str, header_rows: Iterable[Sequence], columns: Sequence, rows: Iterable[Sequence],
                   sheet_title: str = "Sheet"):
    """The list as `fmt` ("csv" or "xlsx"): `filename` is given without its extension."""
    if fmt == "csv":
        return csv_response(f"{filename}.csv", header_rows, columns, rows)
    return xlsx_response(f"{filename}.xlsx", header_rows, columns, rows, sheet_title=sheet_title)


def list_page(form, folder: str, results_id: str, query: Callable, **context):
    """A filtered list: `<folder>/index.html` with the filter `form` and a page of `query(form)`
    (a select statement), or only `<folder>/_results.html` when htmx asks for the element
    `results_id`. An invalid filter is dropped and its message shown (`validate_filters`): the
    list still shows, answered 422."""
    context.setdefault("today", office_today())
    status = 200 if validate_filters(form) else 422
    page = paginate(query(form))
    template = f"{folder}/_results.html" if htmx.target == results_id else f"{folder}/index.html"
    return render_template(template, form=form, page=page, **context), status, {"Vary": "HX-Request"}


def valid_filters_or_list(form, listing: Callable) -> None:
    """An export's filters, checked as its list checks them. When one is invalid (a search term
    too long) the export answers the list page itself, `listing()` (the list's view): the filter
    dropped and its message shown (`validate_filters`), 422, instead of a bare 422 to a person who
    clicked Export."""
    if not form.validate():
        abort(make_response(listing()))


def list_export(form, fmt: str, title: str, filename: str, columns: Sequence, rows: Callable, listing: Callable):
    """The filtered list as `fmt` ("csv" or "xlsx"), titled `title` and the day, named
    `<filename>-<day>`, with the rows `rows(form)`; the list page (`listing`, 422) when the
    filters are invalid."""
    valid_filters_or_list(form, listing)
    today = office_today()
    return table_response(fmt, f"{filename}-{today.isoformat()}", [[title, today]], columns, rows(form), sheet_title=title)


def add_export_routes(bp: Blueprint, export: Callable) -> None:
    """`GET /export.csv` and `/export.xlsx` on `bp` (endpoints `export_csv` and `export_xlsx`,
    which templates/core/_export_links.html links), answered by `export(fmt)`."""
    def view(fmt: str):
        def export_as():
            return export(fmt)
        export_as.__name__ = f"export_{fmt}"
        return export_as

    for fmt in ("csv", "xlsx"):
        bp.add_url_rule(f"/export.{fmt}", f"export_{fmt}", view(fmt))


def _xlsx_value(value):
    """`safe_cell` of the value without the control characters that xlsx cannot hold.

    They are removed first, so that removing them cannot uncover a formula."""
    if isinstance(value, Enum):
        value = getattr(value, "label", value.value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: the local time the user reads on the pages.
        value = to_user_timezone(value).replace(tzinfo=None)
    return safe_cell(value)


def _sheet_title(title: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(title)).strip("'") or "Sheet"
    return cleaned[:31]
