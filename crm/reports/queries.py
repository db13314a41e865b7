"""The yearly report: the office's figures (crm/reports/sources.py: `figures`) for a range of years,
summed by category, year, country and partner. Pages, the Excel file and the narrative all read
one `Report`, so they cannot disagree."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import load_only

from crm.extensions import db
from crm.outcomes.models import Quota, report_year_of
from crm.partners.models import Partner
from crm.reports.units import has_unit
from crm.reports.sources import CATEGORY_LABELS, MAX_RANGE, category_label, category_order, figures, ranked_countries, table_order, typed_years

__all__ = ["CATEGORY_LABELS", "MAX_RANGE", "Promise", "Report", "build_report", "category_label", "category_order",
           "outcome_years", "promised_vs_delivered"]
PARTNER_ROWS = 15  # the partners the page ranks: its chart's bars and its table's rows


@dataclass
class Report:
    first_year: int
    last_year: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_category_year: dict[str, dict[int, int]] = field(default_factory=dict)
    # country → category → count: every country, or with build_report's `country_limit` the first
    # of them (the page's table)
    by_country: dict[str, dict[str, int]] = field(default_factory=dict)
    # "" (every category) and the focus category → country → count: how the countries rank (with
    # `country_limit`, "" holds only the countries without a figure in the focus category)
    country_sums: dict[str, dict[str, int]] = field(default_factory=dict)
    country_count: int = 0  # how many countries have a figure
    # partner → category → count: every partner (the Excel file), or with build_report's
    # `partner_limit` those that can rank among the largest (the page)
    by_partner: dict[int, dict[str, int]] = field(default_factory=dict)
    partners: dict[int, Partner] = field(default_factory=dict)  # those named (name, local name, archived_at)
    partner_names: dict[int, str] = field(default_factory=dict)
    partner_local_names: dict[int, str] = field(default_factory=dict)
    # (category, partner ids) → count: who a category's figure came from, for the narrative
    by_category_subject: dict[tuple[str, tuple[int, ...]], int] = field(default_factory=dict)
    # category → the source of records that counts it in the range ("experts", "trips", …), where
    # records rather than typed outcomes count it: its figures link to those records
    record_sources: dict[str, str] = field(default_factory=dict)
    # (category, year) that records count: typed outcomes of them are not counted
    record_years: set[tuple[str, int]] = field(default_factory=set)
    more_partners: bool = False  # built with a `partner_limit`: more partners have figures
    focus: str = ""  # the category the charts by country and by partner show
    _ranked: dict = field(default_factory=dict, repr=False, compare=False)  # the rankings, once each

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def categories(self) -> list[str]:
        return sorted(self.by_category, key=category_order)

    @property
    def comparable_categories(self) -> list[str]:
        """The categories a chart or a total may show: each counted in one unit (people,
        certificates...); other quantities are each in their indicator's unit (人日, 个, 项)."""
        return [category for category in self.categories if has_unit(category)]

    def countries_ranked(self, category: str = "") -> list[tuple[str, int]]:
        key = ("countries", category)
        if key not in self._ranked:
            sums = self.country_sums.get(category)
            if sums is None:
                sums = {code: cells.get(category, 0) for code, cells in self.by_country.items()}
            self._ranked[key] = ranked_countries(sums)
        return self._ranked[key]

    def partners_ranked(self, category: str = "") -> list[tuple[int, int]]:
        key = ("partners", category)
        if key not in self._ranked:
            rows = [(pid, (cells.get(category, 0) if category else sum(cells.values())))
                    for pid, cells in self.by_partner.items()]
            self._ranked[key] = sorted([r for r in rows if r[1]], key=lambda r: (-r[1], self.partner_names.get(r[0], "")))
        return self._ranked[key]

    def table_order(self, by: str) -> list:
        """The countries (`by` "country") or partners of the report's tables, in order: the largest
        in the focus category first, as its charts, then the others, the largest first."""
        ranked = self.countries_ranked if by == "country" else self.partners_ranked
        return table_order(ranked(self.focus) if self.focus else [], ranked())

    def total(self, category: str) -> int:
        return self.by_category.get(category, 0)

    def top_subjects(self, category: str, limit: int = 3) -> list[tuple[tuple[int, ...], int]]:
        rows = [(subject, count) for (cat, subject), count in self.by_category_subject.items() if cat == category and subject]
        return sorted(rows, key=lambda r: -r[1])[:limit]


def build_report(first_year: int, last_year: int, partner_limit: int | None = None, focus: str = "",
                 default_focus: bool = False, subjects: bool = True, country_limit: int | None = None,
                 rank_overall: bool = True) -> Report:
    """The report of the years from the office's figures, in a fixed number of statements (each
    grouped in SQL). With `partner_limit`, `by_partner` holds at least the `partner_limit` largest
    partners overall (not without `rank_overall`: a read of every partner's years) and in the
    `focus` category, exactly (0: no partner); without, every partner.
    With `country_limit`, `by_country` holds the figures of the `country_limit` first countries of
    the tables (`table_order`); without, every country's.
    With `default_focus`, a `focus` without figures in the years gives way to the first category
    that may be added up and has some (`Report.focus`). `subjects`: who the narrative names."""
    found = figures(first_year, last_year)
    report = Report(first_year, last_year, record_sources=found.record_sources, record_years=found.record_years)
    by_category_year: dict[str, dict[int, int]] = {}
    for (year, category), count in found.by_year_and_category().items():
        if count:
            by_category_year.setdefault(category, {})[year] = count
    report.by_category_year = by_category_year
    report.by_category = {category: sum(cells.values()) for category, cells in by_category_year.items()}
    if default_focus and not report.total(focus) and report.comparable_categories:
        focus = report.comparable_categories[0]
    report.focus = focus
    report.by_country, report.country_sums = found.by_country(country_limit, focus, report.by_category)
    # with a limit, the countries with a figure in the focus category (so with one at all: counts
    # are never negative) and the others; without, every country's sums
    report.country_count = len(report.countries_ranked()) + (len(report.countries_ranked(focus)) if focus and country_limit is not None else 0)
    if partner_limit != 0:
        report.by_partner, report.more_partners = found.by_partner(partner_limit, focus, rank_overall)
    if subjects:
        report.by_category_subject = found.by_subject()
    named = set(report.by_partner) | {pid for (_c, subject) in report.by_category_subject for pid in subject}
    for partner in db.session.scalars(
        select(Partner).options(load_only(Partner.name, Partner.local_name, Partner.archived_at)).where(Partner.id.in_(named))
    ):
        report.partners[partner.id] = partner
        report.partner_names[partner.id] = partner.name
        if partner.local_name:
            report.partner_local_names[partner.id] = partner.local_name
    return report


def outcome_years() -> tuple[int | None, int | None]:
    """The first and last year with an approved outcome (asked once per request)."""
    return typed_years()


# --- promised vs delivered ---------------------------------------------------------------------


@dataclass
class Promise:
    agreement_id: int
    agreement_title: str
    category: str
    promised: int
    delivered: int

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def ratio(self) -> float | None:
        return None if not self.promised else self.delivered / self.promised

    @property
    def shortfall(self) -> int:
        return max(self.promised - self.delivered, 0)

    @property
    def under_half(self) -> bool:
        return self.ratio is not None and self.ratio < 0.5


def validity_years(agreement) -> tuple[int, int | None] | None:
    """The report years of an agreement's validity, which its quotas apply to (`agreement`:
    anything with valid_from and valid_until): from the year of valid-from to that of valid-until
    (None: open-ended); none without valid-from."""
    if agreement.valid_from is None:
        return None
    return report_year_of(agreement.valid_from), report_year_of(agreement.valid_until) if agreement.valid_until else None


def promised_vs_delivered(first_year: int, last_year: int, agreement_id: int | None = None) -> list[Promise]:
    """Each quota × the years of the range in which it applies (`validity_years`: a draft, or an
    agreement not yet or no longer valid, promised nothing in a year), against what the office's
    figures count as delivered on the agreement in its category (typed outcomes that count, and
    records that deliver on it)."""
    from crm.agreements.queries import titles_and_validity

    # The quotas first (few), then their live agreements: an office has far more agreements than
    # quotas, and a join lets the planner walk every agreement in title order.
    quotas = select(Quota.agreement_id, Quota.category, Quota.per_year)
    if agreement_id is not None:
        quotas = quotas.where(Quota.agreement_id == agreement_id)
    quotas_of: dict[int, list] = {}
    for row in db.session.execute(quotas):
        quotas_of.setdefault(row.agreement_id, []).append(row)
    if not quotas_of:
        return []
    quota_rows = []  # (agreement, title, category, per year, the years of the range it applies in)
    for agreement in titles_and_validity(sorted(quotas_of)):
        applies = validity_years(agreement) if agreement.signed_on is not None else None  # a draft promised nothing yet
        years = 0
        if applies is not None:
            first, last = max(first_year, applies[0]), last_year if applies[1] is None else min(last_year, applies[1])
            years = max(last - first + 1, 0)
        quota_rows += [(agreement.id, agreement.title, quota.category, quota.per_year, years)
                       for quota in sorted(quotas_of[agreement.id], key=lambda quota: quota.category.value)]
    if not quota_rows:
        return []
    found = figures(first_year, last_year, agreement_id=agreement_id) if agreement_id is not None else figures(first_year, last_year)
    delivered = found.by_agreement({row[0] for row in quota_rows})
    return [
        Promise(aid, title, category.value, per_year * years, delivered.get((aid, category.value), 0))
        for aid, title, category, per_year, years in quota_rows if years
    ]
