"""The report's Excel files: real numbers, set widths, frozen header, autofilter, a cover sheet with
the filter, and a native Excel bar chart on the summary sheet (openpyxl.chart)."""
from __future__ import annotations

import io
from datetime import date

from flask_babel import force_locale, gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from crm.core.dates import office_today
from crm.core.export import _sheet_title, _xlsx_value
from crm.core.i18n import country_name
from crm.outcomes.models import year_kind_note, year_label
from crm.outcomes.queries import OutcomeFilter, outcome_records
from crm.reports.queries import Report, category_label

# The file stays quick to make and to open at a large office's scale: the partners with the largest
# figures and the latest records (the cover says when there are more; the pages list them all).
PARTNERS_CAP = 500
RECORDS_CAP = 1_000
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _table(sheet, header: list, rows: list[list], widths: list[int], start_row: int = 1) -> None:
    """Writes a header and rows from `start_row`, with widths, the header frozen and an autofilter
    (rows appended whole: styling is for the header only). A write-only sheet (the yearly report's
    workbook: thousands of cells written as they come) gets them from its next row, `start_row`."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{start_row + 1}"
    sheet.auto_filter.ref = f"A{start_row}:{get_column_letter(len(header))}{start_row + max(len(rows), 1)}"
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([_styled(sheet, title, font=BOLD, fill=HEADER_FILL) for title in header])
    else:
        for column, title in enumerate(header, start=1):
            cell = sheet.cell(row=start_row, column=column, value=_xlsx_value(title))
            cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_workbook(report: Report, form, narratives, promises) -> bytes:
    """The report as a workbook; `report` built with build_report(…, partner_limit=PARTNERS_CAP)."""
    records, record_count = outcome_records(OutcomeFilter(year_from=report.first_year, year_to=report.last_year), RECORDS_CAP)
    partners_ranked = report.partners_ranked()
    workbook = Workbook(write_only=True)
    cover = workbook.create_sheet(_sheet_title(_("Report")))
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 110
    period = f"{year_label(report.first_year)} – {year_label(report.last_year)}"
    cover.append([_styled(cover, _("Yearly report of the Department of International Affairs"), font=Font(bold=True, size=14))])
    cover.append([])
    lines = [
        (_("Years"), period),
        (_("Year"), year_kind_note()),
        (_("Counted"), _("approved outcomes, and the experts, trips, visits and programmes records; where records count a category in a year, typed outcomes of it are not counted")),
        (_("Charts by country and partner show"), dict(form.focus.choices).get(form.focus.data or "", "")),
        (_("Exported on"), office_today()),
    ]
    alike = report.comparable_categories
    if len(alike) < len(report.categories):
        lines.append((_("Other quantities"), _("each in its indicator's unit (人日, 个, 项), so not added up in the sheets by category, year, country and partner: see the records and the 国际影响表")))
    if report.more_partners:
        lines.append((_("By partner"), _("the %(count)d partners with the largest figures", count=PARTNERS_CAP)))
    if record_count > len(records):
        lines.append((_("Records"), _("the latest %(shown)d of %(count)d outcome records; the outcome list on the site has them all",
                                      shown=len(records), count=record_count)))
    for label, value in lines:
        cover.append([_styled(cover, label, font=BOLD), _xlsx_value(str(value) if not isinstance(value, date) else value)])
    cover.append([])
    for _locale, language, narrative in narratives:
        for number, paragraph in enumerate(narrative.text.split("\n\n")):
            cover.append([_styled(cover, language, font=BOLD) if number == 0 else None,
                          _styled(cover, paragraph, alignment=Alignment(wrap_text=True, vertical="top"))])
        cover.append([])

    summary = workbook.create_sheet(_sheet_title(_("By category")))
    rows = [[category_label(c), report.total(c)] for c in alike]
    _table(summary, [_("Category"), _("Total")], rows, [48, 12])
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Outcomes by category")
        chart.legend = None
        chart.add_data(Reference(summary, min_col=2, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=len(rows) + 1))
        chart.width, chart.height = 22, 12
        summary.add_chart(chart, "D2")

    trend = workbook.create_sheet(_sheet_title(_("By year")))
    _table(trend, [_("Category")] + [year_label(y) for y in report.years] + [_("Total")],
           [[category_label(c)] + [report.by_category_year[c].get(y, 0) for y in report.years] + [report.total(c)]
            for c in alike], [48] + [12] * (len(report.years) + 1))

    countries = workbook.create_sheet(_sheet_title(_("By country")))
    _table(countries, [_("Country")] + [category_label(c) for c in alike],
           [[country_name(code)] + [report.by_country[code].get(c, 0) for c in alike]
            for code, _total in report.countries_ranked()], [24] + [16] * len(alike))

    partners = workbook.create_sheet(_sheet_title(_("By partner")))
    _table(partners, [_("Partner")] + [category_label(c) for c in alike],
           [[report.partner_names.get(pid, "")] + [report.by_partner[pid].get(c, 0) for c in alike]
            for pid, _total in partners_ranked[:PARTNERS_CAP]], [40] + [16] * len(alike))

    if promises:
        promised = workbook.create_sheet(_sheet_title(_("Promised vs delivered")))
        _table(promised, [_("Agreement"), _("Category"), _("Promised"), _("Delivered"), _("Shortfall"), _("Delivered (%)")],
               [[p.agreement_title, category_label(p.category), p.promised, p.delivered, p.shortfall,
                 round(100 * p.ratio) if p.ratio is not None else None] for p in promises], [44, 36, 12, 12, 12, 14])

    sheet = workbook.create_sheet(_sheet_title(_("Records")))
    _table(sheet, [_("Year"), _("Category"), _("Detail"), _("Count"), _("Counted"), _("Agreement"), _("Partners"), _("School"),
                   _("Note / evidence"), _("Evidence files"), _("Entered on")],
           [[year_label(r.year), r.category.label, r.detail, r.count,
             _("no: the records count this year") if (r.category.value, r.year) in report.record_years else _("yes"),
             r.agreement, r.partners, r.school, r.note, r.evidence, r.created_at.date()] for r in records],
           [12, 36, 28, 10, 16, 40, 40, 24, 60, 40, 14])
    return _bytes(workbook)


def influence_workbook(year: int, rows) -> bytes:
    """The table in its own layout: 序号, 指标, 单位, 数值 (and the English label), ready to paste."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(f"国际影响表 {year_label(year)}")
    sheet["A1"] = _xlsx_value(f"国际影响表（{year_label(year)}）")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:E1")
    with force_locale("en"):
        english = [(r.indicator.label_en) for r in rows]
    header = ["序号", "指标", "单位", "数值", "Indicator"]
    _table(sheet, header, [[n, r.indicator.label_zh, r.indicator.unit, r.value, english[n - 1]]
                           for n, r in enumerate(rows, start=1)], [6, 52, 8, 10, 56], start_row=3)
    return _bytes(workbook)
