"""crm.core.export: formula-safe cells, CSV and XLSX documents with header rows."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from crm.core.export import content_disposition, csv_text, safe_cell, xlsx_bytes
from crm.partners.models import PartnerStatus


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://evil\")"])
def test_text_that_could_start_a_formula_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Holmesglen", "德国", "a=b", "", "'quoted"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


def test_numbers_dates_and_none_keep_their_type():
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5 and safe_cell(True) is True
    assert safe_cell(date(2026, 1, 2)) == date(2026, 1, 2)
    assert safe_cell(None) == ""


def test_quotes_commas_and_newlines_round_trip_through_csv():
    text = csv_text([["Filter", "Country: Germany"]], ["Name"], [['a "quoted", comma\nnew line']])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Filter", "Country: Germany"], [], ["Name"], ['a "quoted", comma\nnew line']]


def test_xlsx_has_no_formula_and_no_illegal_character_can_uncover_one():
    data = xlsx_bytes([["Title"]], ["Name", "Count"], [["=1+1", 3], ["\x01=2+2", 4], [PartnerStatus.ACTIVE, None]])
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Count"]
    assert ["'=1+1", 3] in values and ["'=2+2", 4] in values
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_a_download_name_is_encoded_for_every_browser():
    header = content_disposition('contacts-德国 "x".csv')
    assert header.startswith('attachment; filename="contacts-')
    assert "filename*=UTF-8''contacts-%E5%BE%B7%E5%9B%BD%20%22x%22.csv" in header
    assert '"x"' not in header


def test_xlsx_has_its_header_on_row_1_frozen_filtered_fitted_and_the_filters_on_a_second_sheet():
    data = xlsx_bytes(
        [["Partners", "exported today"], ["Country", "Germany"]],
        ["Name", "Valid until", "Notes"],
        [["Technische Hochschule Ingolstadt 英戈尔施塔特工业大学", date(2027, 3, 31), "short"], ["BMW AG", date(2026, 12, 1), None]],
        sheet_title="Partners",
    )
    workbook = load_workbook(io.BytesIO(data))
    sheet, about = workbook.worksheets
    assert sheet.title == "Partners"
    assert [cell.value for cell in sheet[1]] == ["Name", "Valid until", "Notes"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    assert sheet.column_dimensions["A"].width > 50 > sheet.column_dimensions["B"].width >= 10
    assert sheet.column_dimensions["C"].width < 15
    valid_until = sheet["B2"]
    assert valid_until.is_date and valid_until.value.date() == date(2027, 3, 31)
    assert valid_until.number_format == "yyyy-mm-dd"
    assert [[cell.value for cell in row] for row in about.iter_rows()] == [["Partners", "exported today"], ["Country", "Germany"]]


def test_xlsx_keeps_aware_datetimes_as_local_excel_dates(app):
    from datetime import UTC, datetime

    with app.test_request_context():
        data = xlsx_bytes([], ["When"], [[datetime(2026, 10, 6, 3, 0, tzinfo=UTC)]])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.is_date and cell.value == datetime(2026, 10, 6, 11, 0)


def test_unsafe_cell_undoes_safe_cell_and_nothing_else():
    from crm.core.export import safe_cell, unsafe_cell

    for text in ("=1+1", "+61 3 9564 1555", "-2+3", "@SUM(A1)", "plain", "'quoted", "it's"):
        assert unsafe_cell(safe_cell(text)) == text
    assert unsafe_cell("'plain") == "'plain"
