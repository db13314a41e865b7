"""The yearly report (/reports), its Excel file, and the 国际影响表 (international-influence table)."""
from urllib.parse import quote_plus

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.auth.permissions import admin_required
from crm.core.charts import bar_chart, line_chart
from crm.core.dates import office_today
from crm.core.export import _download, XLSX_MIMETYPE
from crm.core.forms import apply_form, validate_filters
from crm.core.i18n import country_name
from crm.core.navigation import nav_item
from crm.core.punctuation import sentences
from crm.core.templating import link_pattern, once_per_request
from crm.extensions import db
from crm.outcomes.models import Indicator, report_year_of, year_kind, year_label
from crm.reports import excel
from crm.reports.forms import INDICATOR_FIELDS, IndicatorEditForm, IndicatorForm, ReportFilterForm, StandardRowsForm
from crm.reports.influence import STANDARD_INDICATORS, influence_table, indicators_of
from crm.reports.narrative import narratives
from crm.reports.queries import MAX_RANGE, PARTNER_ROWS, build_report, category_label, outcome_years, promised_vs_delivered
from crm.reports.sources import not_counted, records_unsummed
from crm.reports.units import MAIN_CATEGORY, has_unit, unit_label

bp = Blueprint("reports", __name__, url_prefix="/reports")


nav_item("reports", "reports.index", _l("Yearly report"), order=10,
         active=("reports.index", "reports.export", "reports.countries", "reports.partners"))
nav_item("reports", "reports.influence", _l("International influence table (国际影响表)"), order=20,
         active=("reports.influence", "reports.influence_xlsx"))
nav_item("admin", "reports.indicators", _l("Influence table rows"), order=60,
         visible=lambda user: user.is_admin, active=("reports.indicators", "reports.indicator_edit"))

TREND_SERIES = 6
CHART_BARS = 15  # the largest countries and partners a chart shows
# An outcome row says when it is not counted (records count its category in its year).
bp.add_app_template_global(not_counted, "outcome_not_counted")


def current_year() -> int:
    return report_year_of(office_today())


def _years_from(form: ReportFilterForm) -> tuple[int, int]:
    """The range asked for: `last` N years up to this one, or from/to; by default the three years up
    to the latest with an approved outcome (this year once it has one)."""
    this_year = current_year()
    if form.last.data:
        return this_year - form.last.data + 1, this_year
    _first, latest = outcome_years()
    default_last = min(latest, this_year) if latest is not None else this_year
    last = form.year_to.data if form.year_to.data is not None else default_last
    first = form.year_from.data if form.year_from.data is not None else last - 2
    if first > last:
        first, last = last, first
    return max(first, last - MAX_RANGE + 1), last


def _filter_form(shown: bool = False) -> ReportFilterForm:
    """The report's filter. One not valid (a year typed into the address: one not begun, before
    the records, not a year) says which years there are: a page that shows the filter (`shown`:
    the report, and its Excel download, which answers the report then) drops it and shows the
    message beside it (`validate_filters`, `form.valid` False, 422); another answers 422 with it."""
    first, _last = outcome_years()
    first_year, last_year = min(first or current_year(), current_year() - 10), current_year()
    form = ReportFilterForm(request.args, first_year=first_year, last_year=last_year)
    form.valid = validate_filters(form)
    if not form.valid:
        message = _("The report covers the years from %(first)s to %(last)s: choose the years and the category in the filter.",
                    first=year_label(first_year), last=year_label(last_year))
        if not shown:
            abort(422, message)
        for field in form:
            if field.errors:
                field.errors[:] = [message]
    return form


def _source_bases() -> dict[str, str]:
    return {"experts": url_for("experts.index"), "statistics": url_for("trips.statistics"), "programmes": url_for("programmes.index")}


def source_url(source: str, first: int, last: int, country: str | None = None, partner: int | None = None) -> str:
    """The records that count a category in the report (crm/reports/sources.py: RECORD_CATEGORIES):
    the experts (of a nationality), the delegation statistics of the years (calendar years; an
    academic year spans two), the joint programmes; a partner's figure opens the partner page.
    The pages' addresses are built once per request (what url_for writes: the arguments in order)."""
    if partner:
        return url_for("partners.show", partner_id=partner)
    bases = once_per_request("report_source_bases", _source_bases)
    if source == "experts":
        return f"{bases['experts']}?nationality={quote_plus(country)}" if country else bases["experts"]
    if source in ("trips", "visits"):
        return f"{bases['statistics']}?first={first}&last={last + (1 if year_kind() == 'academic' else 0)}"
    return bases["programmes"]


# The partner and agreement pages link a figure that records count to those records.
bp.add_app_template_global(source_url, "figure_source_url")


TABLE_ROWS = 10  # the countries and partners the report's tables show; their own pages show all


def period_label(first: int, last: int) -> str:
    """The report's years as its heading, title and filter name them: "2024 – 2026", or one year."""
    return year_label(first) if first == last else f"{year_label(first)} – {year_label(last)}"


def _table(report, records, by: str, rows: int | None = TABLE_ROWS) -> list[tuple]:
    """The rows of the table by country or by partner (`by`), the largest in the focus category
    first (`Report.table_order`; `rows` of them, None: all that the report holds): (name, its link,
    [(figure, its link or None) for each category], the partner or None). A figure links to the
    records behind it; a country's name to its records, a partner's to its page (none once it is
    archived: the template names it through record_link)."""
    cells_of, name_of, link_of = (
        (report.by_country, country_name, lambda key: records(country=key)) if by == "country"
        else (report.by_partner, lambda key: report.partner_names.get(key, ""), records.partner_page))
    table = []
    for key in report.table_order(by)[:rows]:
        row = cells_of[key]
        # categories of one unit only: "other quantities" in 人日 and 个 would add up to nothing
        categories = report.comparable_categories
        links = records.of_categories([category for category in categories if row.get(category)], **{by: key})
        cells = [(row[category], links[category]) if category in links else (0, None) for category in categories]
        table.append((name_of(key), link_of(key), cells, report.partners.get(key) if by == "partner" else None))
    return table


def _records_of(report, first: int, last: int):
    """`records(category=…, country=…, partner=…)` for the report's links: typed outcomes, or the
    records that count the category in place of typed outcomes. About a thousand links a page: the
    outcomes' address is built once and each link appends its query (what url_for writes: the
    arguments in order, quoted), and each records' address once per argument set."""
    base = url_for("outcomes.index")
    partner_page = link_pattern("partners.show", "partner_id")  # a partner's page: "%d" for its id
    built: dict[tuple, str] = {}
    quoted: dict[object, str] = {}

    def records(first_year: int = first, last_year: int = last, **args) -> str:
        key = (first_year, last_year, *args.items())
        url = built.get(key)
        if url is None:
            source = report.record_sources.get(args.get("category") or "")
            if source:
                # the records' address depends on fewer arguments: a partner's page, a country's experts
                partner, country = args.get("partner"), args.get("country")
                if partner:
                    url = records.partner_page(partner)
                else:
                    by = (source, first_year, last_year, country)
                    url = built.get(by)
                    if url is None:
                        url = built[by] = source_url(source, first_year, last_year, country)
            else:
                query = [f"{base}?year_from={first_year}&year_to={last_year}"]
                for name, value in args.items():
                    if value not in (None, ""):
                        text = quoted.get(value)
                        if text is None:
                            text = quoted[value] = str(value) if isinstance(value, int) else quote_plus(str(value))
                        query.append(f"{name}={text}")
                url = "&".join(query)
            built[key] = url
        return url

    def of_categories(categories, **args) -> dict[str, str]:
        """category → `records(**args, category=category)`: the typed outcomes' address without
        the category built once for them all (a row of a table)."""
        links, prefix = {}, None
        for category in categories:
            if report.record_sources.get(category):
                links[category] = records(**args, category=category)
            else:
                if prefix is None:
                    prefix = records(**args)
                links[category] = f"{prefix}&category={quote_plus(category)}"
        return links

    archived = {pid for pid, partner in report.partners.items() if partner.archived_at is not None}
    # an archived partner's page answers 404: its figures from records link nowhere
    records.partner_page = lambda partner_id: None if int(partner_id) in archived else partner_page % int(partner_id)
    records.of_categories = of_categories
    return records


def _focus_of(form: ReportFilterForm) -> str:
    """The category the charts by country and by partner show: the one chosen, else the main one."""
    return form.focus.data or MAIN_CATEGORY


def _charts(report, records, focus: str) -> dict:
    """The report's charts. Each adds figures of one unit only (crm/reports/units.py): the trend
    and the categories leave out "other quantities" (unlike units), the countries and partners
    show one category, named with its unit, and the total counted once beside them."""
    drawn = report.comparable_categories
    left_out = _("Other quantities (toward the 国际影响表) are left out: each is in its own unit (人日, 个, 项), so they do not add up.") \
        if len(drawn) < len(report.categories) else ""
    unit = unit_label(focus)
    what = _("%(category)s (%(unit)s)", category=category_label(focus), unit=unit) if unit else category_label(focus)
    total = report.total(focus)
    countries = report.countries_ranked(focus)
    partners = report.partners_ranked(focus)

    def once(bars: list, each: str) -> str:
        said = _("Total, each figure counted once: %(total)s %(unit)s.", total=total, unit=unit)
        return sentences(said, each) if sum(count for _key, count in bars) > total else said

    return {
        "categories": bar_chart(_("Outcomes by category"), [
            (category_label(c), report.total(c), records(category=c)) for c in drawn],
            note=sentences(_("Each bar counts in its own unit: people, certificates, programmes, delegations."), left_out)),
        "countries": bar_chart(_("By country: %(what)s", what=what), [
            (country_name(code), count, records(country=code, category=focus)) for code, count in countries[:CHART_BARS]],
            value_label=unit, note=once(countries, _("A figure with partners in several countries counts for each country."))),
        "partners": bar_chart(_("By partner: %(what)s", what=what), [
            (report.partner_names.get(pid, "?"), count, records(partner=pid, category=focus)) for pid, count in partners[:CHART_BARS]],
            value_label=unit, note=once(partners, _("An agreement with several partners counts in full for each of them, so the bars add up to more than the total."))),
        "trend": line_chart(
            _("Trend by year"), [year_label(y) for y in report.years],
            [(category_label(c), [report.by_category_year[c].get(y, 0) for y in report.years],
              [records(y, y, category=c) for y in report.years])
             for c in sorted(drawn, key=lambda c: -report.total(c))[:TREND_SERIES]],
            note=sentences(_("Each line is one category, in its own unit."), left_out)),
    }


@bp.get("")
def index():
    form = _filter_form(shown=True)
    first, last = _years_from(form)
    # the main category, unless chosen, gives way to the first with figures in these years
    report = build_report(first, last, partner_limit=PARTNER_ROWS, focus=_focus_of(form), default_focus=not form.focus.data,
                          country_limit=TABLE_ROWS, rank_overall=False)
    focus = form.focus.data = report.focus
    records = _records_of(report, first, last)
    charts = _charts(report, records, focus)
    return render_template(
        "reports/index.html", form=form, report=report, charts=charts, first=first, last=last, period=period_label(first, last), focus=focus,
        records=records, countries=_table(report, records, "country"), partners=_table(report, records, "partner"),
        country_count=report.country_count, partner_cap=excel.PARTNERS_CAP, category_label=category_label, year_label=year_label, has_unit=has_unit,
        narratives=narratives(report, rounded=not form.exact.data),
        promises=promised_vs_delivered(first, last), this_year=current_year(), records_unsummed=records_unsummed(),
    ), 200 if form.valid else 422


@bp.get("/countries")
def countries():
    """The report's table by country in full (the report shows the largest TABLE_ROWS)."""
    form = _filter_form()
    first, last = _years_from(form)
    report = build_report(first, last, partner_limit=0, focus=_focus_of(form), default_focus=not form.focus.data, subjects=False)
    records = _records_of(report, first, last)
    return render_template("reports/table.html", by="country", report=report, rows=_table(report, records, "country", None),
                           period=period_label(first, last), category_label=category_label, year_label=year_label)


@bp.get("/partners")
def partners():
    """The report's table by partner: the PARTNERS_CAP largest in the focus category, then the
    PARTNERS_CAP largest over every category (a partner with figures in other categories only
    is in the table too, as on the page by country)."""
    form = _filter_form()
    first, last = _years_from(form)
    report = build_report(first, last, partner_limit=excel.PARTNERS_CAP, focus=_focus_of(form), default_focus=not form.focus.data,
                          subjects=False)
    records = _records_of(report, first, last)
    return render_template("reports/table.html", by="partner", report=report,
                           rows=_table(report, records, "partner", excel.PARTNERS_CAP), cap=excel.PARTNERS_CAP,
                           period=period_label(first, last), category_label=category_label, year_label=year_label)


@bp.get("/export.xlsx")
def export():
    form = _filter_form(shown=True)
    if not form.valid:
        return index()  # the report with the filter's message, as every list's export answers its list
    first, last = _years_from(form)
    form.focus.data = _focus_of(form)  # the cover sheet names the category the page's charts show
    report = build_report(first, last, partner_limit=excel.PARTNERS_CAP)
    body = excel.report_workbook(report, form, narratives(report, rounded=not form.exact.data),
                                 promised_vs_delivered(first, last))
    return _download(body, f"yearly-report-{year_label(first)}-{year_label(last)}.xlsx", XLSX_MIMETYPE)


# --- 国际影响表 -------------------------------------------------------------------------------------


def _year_arg() -> int:
    raw = request.args.get("year", "")
    if raw == "":
        return current_year() - 1
    if not (raw.isascii() and raw.isdigit()) or not 1990 <= int(raw) <= 2100:
        abort(404)
    return int(raw)


@bp.get("/international-influence")
def influence():
    year = _year_arg()
    return render_template("reports/influence.html", year=year, rows=influence_table(year), year_label=year_label,
                           category_label=category_label, this_year=current_year())


@bp.get("/international-influence.xlsx")
def influence_xlsx():
    year = _year_arg()
    body = excel.influence_workbook(year, influence_table(year))
    return _download(body, f"国际影响表-{year_label(year)}.xlsx", XLSX_MIMETYPE)


@bp.route("/indicators", methods=["GET", "POST"])
@admin_required
def indicators():
    """The office sets the table's rows for a year: labels in both languages and units."""
    year = _year_arg() if request.method == "GET" else None
    form = IndicatorForm(data={"year": year} if year is not None else None)
    if form.validate_on_submit():
        indicator = Indicator()
        apply_form(form, indicator, INDICATOR_FIELDS)
        db.session.add(indicator)
        db.session.commit()
        flash(_("The row was added."), "success")
        return redirect(url_for("reports.indicators", year=indicator.year), 303)
    if year is None:  # the year posted, unless it is out of range (a huge one would reach the database)
        year = form.year.data if form.year.data and not form.year.errors else current_year()
    rows = indicators_of(year)
    have = {i.code for i in rows}
    missing = [row for row in STANDARD_INDICATORS if row[0] not in have]  # the usual rows the year lacks
    return render_template("reports/indicators.html", year=year, form=form, indicators=rows,
                           year_label=year_label, missing_standard=missing), 422 if form.errors else 200


@bp.post("/indicators/standard")
@admin_required
def indicators_standard():
    """Adds the usual rows of the table for a year (the ones it does not have yet)."""
    form = StandardRowsForm()
    if not form.validate_on_submit():
        abort(422)
    year = form.year.data
    have = {i.code for i in indicators_of(year)}
    added = 0
    for position, (code, zh, en, unit) in enumerate(STANDARD_INDICATORS, start=1):
        if code not in have:
            db.session.add(Indicator(year=year, position=position, code=code, label_zh=zh, label_en=en, unit=unit))
            added += 1
    db.session.commit()
    if added:
        flash(_("The usual rows were added."), "success")
    else:
        flash(_("%(year)s already has all the usual rows: nothing was added.", year=year_label(year)), "info")
    return redirect(url_for("reports.indicators", year=year), 303)


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@admin_required
def indicator_edit(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    form = IndicatorEditForm(obj=indicator)
    form.indicator_id = indicator.id
    if form.validate_on_submit():
        form.ensure_current(indicator)
        apply_form(form, indicator, INDICATOR_FIELDS)
        db.session.commit()
        flash(_("The row was saved."), "success")
        return redirect(url_for("reports.indicators", year=indicator.year), 303)
    return render_template("reports/indicator_form.html", form=form, indicator=indicator), 422 if form.errors else 200


@bp.cli.command("summarise")
def summarise_command():
    """Sum the report's summary again from the outcomes and the records (after the upgrade that
    created it, when the report says the records are not summed yet, or after rows written around
    the app)."""
    import click

    from crm.reports.summary import store_summary

    rows = store_summary()
    db.session.commit()
    click.echo(f"report summary: {rows} rows")
