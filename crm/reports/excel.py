"""The report's Excel files: real numbers, set widths, frozen header, autofilter, a cover sheet with
the filter, and a native Excel bar chart on the summary sheet (openpyxl.chart)."""
from __future__ import annotations

import io
from datetime import date

from flask_babel import force_locale, gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.outcomes.models import Outcome

from crm.core.export import _sheet_title, _xlsx_value
from crm.core.i18n import country_name
from crm.extensions import db
from crm.outcomes.models import year_kind_note, year_label
from crm.outcomes.queries import OutcomeFilter, outcome_list
from crm.reports.queries import Report, category_label

RECORDS_CAP = 50_000
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _table(sheet, header: list, rows: list[list], widths: list[int], start_row: int = 1) -> None:
    """Writes a header and rows from `start_row`, with widths, the header frozen and an autofilter."""
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=start_row, column=column, value=_xlsx_value(title))
        cell.font, cell.fill = BOLD, HEADER_FILL
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=start_row + offset, column=column, value=_xlsx_value(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=start_row + 1, column=1)
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A{start_row}:{last}{start_row + max(len(rows), 1)}"


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_workbook(report: Report, form, narratives, promises) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = _sheet_title(_("Report"))
    period = f"{year_label(report.first_year)} – {year_label(report.last_year)}"
    cover["A1"] = _xlsx_value(_("Yearly report of the Department of International Affairs"))
    cover["A1"].font = Font(bold=True, size=14)
    lines = [
        (_("Years"), period),
        (_("Year"), year_kind_note()),
        (_("Counted"), _("approved outcomes only")),
        (_("Charts by country and partner show"), dict(form.focus.choices).get(form.focus.data or "", "")),
        (_("Exported on"), date.today()),
    ]
    for row, (label, value) in enumerate(lines, start=3):
        cover.cell(row=row, column=1, value=_xlsx_value(label)).font = BOLD
        cover.cell(row=row, column=2, value=_xlsx_value(str(value) if not isinstance(value, date) else value))
    row = len(lines) + 4
    for _locale, language, narrative in narratives:
        cover.cell(row=row, column=1, value=_xlsx_value(language)).font = BOLD
        for paragraph in narrative.text.split("\n\n"):
            cell = cover.cell(row=row, column=2, value=_xlsx_value(paragraph))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        row += 1
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 110

    summary = workbook.create_sheet(_sheet_title(_("By category")))
    rows = [[category_label(c), report.total(c)] for c in report.categories]
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
            for c in report.categories], [48] + [12] * (len(report.years) + 1))

    countries = workbook.create_sheet(_sheet_title(_("By country")))
    _table(countries, [_("Country")] + [category_label(c) for c in report.categories],
           [[country_name(code)] + [report.by_country[code].get(c, 0) for c in report.categories]
            for code, _total in report.countries_ranked()], [24] + [16] * len(report.categories))

    partners = workbook.create_sheet(_sheet_title(_("By partner")))
    _table(partners, [_("Partner")] + [category_label(c) for c in report.categories],
           [[report.partner_names.get(pid, "")] + [report.by_partner[pid].get(c, 0) for c in report.categories]
            for pid, _total in report.partners_ranked()], [40] + [16] * len(report.categories))

    if promises:
        promised = workbook.create_sheet(_sheet_title(_("Promised vs delivered")))
        _table(promised, [_("Agreement"), _("Category"), _("Promised"), _("Delivered"), _("Shortfall"), _("Delivered (%)")],
               [[p.agreement_title, category_label(p.category), p.promised, p.delivered, p.shortfall,
                 round(100 * p.ratio) if p.ratio is not None else None] for p in promises], [44, 36, 12, 12, 12, 14])

    records = workbook.create_sheet(_sheet_title(_("Records")))
    outcomes = db.session.scalars(
        outcome_list(OutcomeFilter(year_from=report.first_year, year_to=report.last_year))
        .options(joinedload(Outcome.agreement).selectinload(Agreement.partners)).limit(RECORDS_CAP)
    ).unique().all()
    _table(records, [_("Year"), _("Category"), _("Detail"), _("Count"), _("Agreement"), _("Partners"), _("School"),
                     _("Note / evidence"), _("Evidence files"), _("Entered on")],
           [[year_label(o.year), o.category.label, o.detail, o.count, o.agreement.title if o.agreement else None,
             "; ".join(p.name for p in o.agreement.partners) if o.agreement else (o.partner.name if o.partner else None),
             o.school.name if o.school else None, o.note, "; ".join(e.original_name for e in o.evidence) or None,
             o.created_at.date()] for o in outcomes],
           [12, 36, 28, 10, 40, 40, 24, 60, 40, 14])
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
