"""Reading an uploaded spreadsheet as a stream of rows: .xlsx and CSV, nothing else.

The content decides, not the name: an .xlsx is a zip holding a workbook, a CSV is text in
UTF-8 (with or without BOM) or GB18030 (which covers GBK and GB2312, as Chinese Excel and WPS
save it). An old .xls, a renamed file or any other binary is refused with a message a person
can act on.

Excel is read with openpyxl in read-only mode, one row at a time (bounded memory whatever the
file's size), because it shows formulas as formulas (python-calamine returns their cached
values, or nothing when the file was written by a program), and item 8 of the issue wants a
formula refused, not silently imported as a stale number.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import iterparse

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

MAX_COLUMNS = 100
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 20  # an export may put a title and a filter description above the column titles
CSV_DELIMITERS = ",;\t"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc: the pre-2007 Office formats
ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says why, for a person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula rather than a value."""

    text: str

    def __str__(self) -> str:
        return self.text


def file_format(data_start: bytes, file_name: str) -> str:
    """'xlsx' or 'csv' from the first bytes of the file and its name; raises ImportFileError."""
    suffix = Path(file_name or "").suffix.lower()
    if not data_start.strip():
        raise ImportFileError(_l("The file is empty."))
    if data_start.startswith(OLE_MAGIC):
        raise ImportFileError(_l("This is an old Excel file (.xls). Open it in Excel or WPS, save it as an Excel workbook (.xlsx) or CSV, and upload that."))
    if data_start.startswith(ZIP_MAGIC):
        if suffix not in (".xlsx", ".xlsm"):
            raise ImportFileError(_l("The file's content does not match its name: upload an .xlsx workbook or a .csv file."))
        return "xlsx"
    if b"\x00" in data_start or data_start.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"MZ", b"\x7fELF")):
        raise ImportFileError(_l("This is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."))
    if suffix not in (".csv", ".txt", ".tsv"):
        raise ImportFileError(_l("The file's content does not match its name: upload an .xlsx workbook or a .csv file."))
    return "csv"


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); else refuse."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_l("The CSV file is in an encoding we cannot read. Save it as “CSV UTF-8” and upload it again."))


@dataclass
class SheetRows:
    """The rows of the file's first sheet, read lazily; `merged` lists merged ranges as
    (first row, last row, first column, last column), 1-based."""

    rows: Iterator[tuple[int, list]]
    merged: list[tuple[int, int, int, int]]
    width_hint: int | None = None
    sheet_count: int = 1


def open_rows(path: str | Path, file_name: str, sheet: int = 0) -> SheetRows:
    """The rows of the file's sheet number `sheet` (a CSV has one) as (row number, cells),
    without trailing empty cells; empty rows skipped."""
    path = Path(path)
    with path.open("rb") as handle:
        start = handle.read(4096)
    fmt = file_format(start, file_name)
    if fmt == "csv":
        return SheetRows(_csv_rows(path), [])
    return _xlsx_rows(path, sheet)


def _trimmed(cells: list) -> list:
    end = len(cells)
    while end and (cells[end - 1] is None or (isinstance(cells[end - 1], str) and not cells[end - 1].strip())):
        end -= 1
    return cells[:end]


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    text = decode_csv(path.read_bytes())
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for cells in reader:
            cells = _trimmed([cell for cell in cells])
            if cells:
                yield reader.line_num, cells
    except csv.Error as error:
        raise ImportFileError(_l("The CSV file is damaged near line %(line)d.", line=reader.line_num)) from error


def _xlsx_rows(path: Path, index: int = 0) -> SheetRows:
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_l("This file is not an Excel workbook we can read. Save it again as .xlsx and upload that.")) from error
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError(_l("The file is empty."))
    sheet_count = len(workbook.worksheets)
    sheet = workbook.worksheets[min(index, sheet_count - 1)]
    merged = _merged_ranges(path, getattr(sheet, "_worksheet_path", None))
    width = sheet.max_column if isinstance(sheet.max_column, int) else None

    def rows():
        fill = _MergedFill(merged)
        try:
            for cells in sheet.iter_rows():
                values = []
                row_number = None
                for cell in cells:
                    value = getattr(cell, "value", None)
                    if row_number is None and getattr(cell, "row", None):
                        row_number = cell.row
                    if getattr(cell, "data_type", None) == "f" or isinstance(value, ArrayFormula | DataTableFormula):
                        value = Formula(value.text if isinstance(value, ArrayFormula) else str(value))
                    values.append(value)
                if row_number is not None:
                    fill(row_number, values)
                values = _trimmed(values)
                if values and row_number is not None:
                    yield row_number, values
        finally:
            workbook.close()

    return SheetRows(rows(), merged, width, sheet_count)


class _MergedFill:
    """Cells merged down a column (a country written once for the partners of several rows):
    each row of the range gets the value of the range's first cell, as a reader sees it.
    Read-only mode gives the first cell alone and None below it. Ranges are taken in order of
    their first row, so a row costs only the ranges open at it."""

    def __init__(self, merged: list[tuple[int, int, int, int]]):
        self.waiting = deque(sorted((first_row, last_row, first_column) for first_row, last_row, first_column, _last in merged
                                    if last_row > first_row))
        self.open: list[tuple[int, int, object]] = []  # (last row, column, value)

    def __call__(self, row_number: int, values: list) -> None:
        self.open = [entry for entry in self.open if entry[0] >= row_number]
        for _last_row, column, value in self.open:
            if value is not None:
                values.extend([None] * (column - len(values)))
                if values[column - 1] is None:
                    values[column - 1] = value
        while self.waiting and self.waiting[0][0] <= row_number:
            first_row, last_row, column = self.waiting.popleft()
            if first_row == row_number and column <= len(values):
                self.open.append((last_row, column, values[column - 1]))


def _merged_ranges(path: Path, sheet_path: str | None) -> list[tuple[int, int, int, int]]:
    """Merged ranges of the sheet, read from its XML as a stream (read-only mode has none)."""
    if not sheet_path:
        return []
    found = []
    with zipfile.ZipFile(path) as archive:
        try:
            source = archive.open(sheet_path.lstrip("/"))
        except KeyError:
            return []
        with source:
            for _event, element in iterparse(source, events=("end",)):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "mergeCell" and element.get("ref"):
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                    found.append((min_row, max_row, min_col, max_col))
                elif tag in ("row", "c", "v", "is", "t", "f"):
                    element.clear()
    return found
