"""The yearly report: the figures of every source (crm/reports/sources.py) for a range of years,
summed by category, year, country and partner. Pages, the Excel file and the narrative all read
one `Report`, so they cannot disagree."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crm.core.i18n import country_name
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus, Quota
from crm.partners.models import Partner
from crm.reports.sources import Figure, figures

# Labels of the categories (key → lazy label): the outcomes' own, and those that a source other
# than outcomes brings (people in the delegations, counted from trips and visits).
CATEGORY_LABELS: dict[str, object] = {c.value: c._label for c in OutcomeCategory if c != OutcomeCategory.OTHER}
CATEGORY_LABELS.update({
    "delegates_sent": _l("People in the delegations sent"),
    "delegates_received": _l("People in the delegations received"),
    OutcomeCategory.OTHER.value: OutcomeCategory.OTHER._label,
})
MAX_RANGE = 15


def category_label(key: str) -> str:
    return str(CATEGORY_LABELS.get(key, key))


def category_order(key: str) -> int:
    keys = list(CATEGORY_LABELS)
    return keys.index(key) if key in keys else len(keys)


@dataclass
class Report:
    first_year: int
    last_year: int
    figures: list[Figure]
    by_category: dict[str, int] = field(default_factory=dict)
    by_category_year: dict[str, dict[int, int]] = field(default_factory=dict)
    by_country: dict[str, dict[str, int]] = field(default_factory=dict)
    by_partner: dict[int, dict[str, int]] = field(default_factory=dict)
    partner_names: dict[int, str] = field(default_factory=dict)
    partner_local_names: dict[int, str] = field(default_factory=dict)
    # (category, partner ids) → count: who a category's figure came from, for the narrative
    by_category_subject: dict[tuple[str, tuple[int, ...]], int] = field(default_factory=dict)
    # category → the source of records that counts it in the range ("experts", "trips", …), where
    # records rather than typed outcomes count it: its figures link to those records
    record_sources: dict[str, str] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def categories(self) -> list[str]:
        return sorted(self.by_category, key=category_order)

    def countries_ranked(self, category: str = "") -> list[tuple[str, int]]:
        rows = [(code, (cells.get(category, 0) if category else sum(cells.values())))
                for code, cells in self.by_country.items()]
        return sorted([r for r in rows if r[1]], key=lambda r: (-r[1], country_name(r[0])))

    def partners_ranked(self, category: str = "") -> list[tuple[int, int]]:
        rows = [(pid, (cells.get(category, 0) if category else sum(cells.values())))
                for pid, cells in self.by_partner.items()]
        return sorted([r for r in rows if r[1]], key=lambda r: (-r[1], self.partner_names.get(r[0], "")))

    def total(self, category: str) -> int:
        return self.by_category.get(category, 0)

    def top_subjects(self, category: str, limit: int = 3) -> list[tuple[tuple[int, ...], int]]:
        rows = [(subject, count) for (cat, subject), count in self.by_category_subject.items() if cat == category and subject]
        return sorted(rows, key=lambda r: -r[1])[:limit]


def build_report(first_year: int, last_year: int) -> Report:
    report = Report(first_year, last_year, figures(first_year, last_year))
    by_category: dict[str, int] = defaultdict(int)
    by_category_year: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_country: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_partner: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_subject: dict[tuple[str, tuple[int, ...]], int] = defaultdict(int)
    partner_ids = {pid for figure in report.figures for pid in figure.partner_ids}
    partners = db.session.execute(
        select(Partner.id, Partner.name, Partner.local_name, Partner.country).where(Partner.id.in_(partner_ids))
    ).all() if partner_ids else []
    country_of = {pid: country for pid, _name, _local, country in partners if country}
    for figure in report.figures:
        countries = figure.countries if figure.countries is not None else sorted(
            {country_of[pid] for pid in figure.partner_ids if pid in country_of})
        by_category[figure.category] += figure.count
        by_category_year[figure.category][figure.year] += figure.count
        by_subject[(figure.category, figure.partner_ids)] += figure.count
        if figure.source != "outcomes":
            report.record_sources.setdefault(figure.category, figure.source)
        for country in countries:
            by_country[country][figure.category] += figure.count
        for partner_id in figure.partner_ids:
            by_partner[partner_id][figure.category] += figure.count
    report.by_category = {k: v for k, v in by_category.items()}
    report.by_category_year = {k: dict(v) for k, v in by_category_year.items()}
    report.by_country = {k: dict(v) for k, v in by_country.items()}
    report.by_partner = {k: dict(v) for k, v in by_partner.items()}
    report.by_category_subject = dict(by_subject)
    report.partner_names = {pid: name for pid, name, _local, _country in partners if pid in report.by_partner}
    report.partner_local_names = {pid: local for pid, _name, local, _country in partners if local and pid in report.by_partner}
    return report


def outcome_years() -> tuple[int | None, int | None]:
    """The first and last year with an approved outcome (asked once per request)."""
    if "report_outcome_years" not in g:
        g.report_outcome_years = tuple(db.session.execute(
            select(func.min(Outcome.year), func.max(Outcome.year)).where(Outcome.status == OutcomeStatus.APPROVED)
        ).one())
    return g.report_outcome_years


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


def promised_vs_delivered(first_year: int, last_year: int, agreement_id: int | None = None) -> list[Promise]:
    """Each quota × the years of the range, against the approved outcomes of its category (2 statements)."""
    from crm.agreements.models import Agreement

    quotas = select(Quota.agreement_id, Agreement.title, Quota.category, Quota.per_year).join(
        Agreement, Agreement.id == Quota.agreement_id).where(Agreement.archived_at.is_(None))
    if agreement_id is not None:
        quotas = quotas.where(Quota.agreement_id == agreement_id)
    quota_rows = db.session.execute(quotas.order_by(Agreement.title, Quota.category)).all()
    if not quota_rows:
        return []
    delivered = dict(
        ((aid, cat), total) for aid, cat, total in db.session.execute(
            select(Outcome.agreement_id, Outcome.category, func.sum(Outcome.count))
            .where(Outcome.status == OutcomeStatus.APPROVED, Outcome.year.between(first_year, last_year),
                   Outcome.agreement_id.in_({row[0] for row in quota_rows}))
            .group_by(Outcome.agreement_id, Outcome.category)
        ).all()
    )
    years = last_year - first_year + 1
    return [
        Promise(aid, title, category.value, per_year * years, int(delivered.get((aid, category), 0) or 0))
        for aid, title, category, per_year in quota_rows
    ]
