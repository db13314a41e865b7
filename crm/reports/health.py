"""A partnership's health where a renewal is decided: a few parts from the records, each with its
points and its reason, and their sum; never a bare number (after scorecards such as IPARI's).

Parts (2 points each, 10 in all): students per year each way and their balance, staff exchanges,
certificates, promised vs delivered, last contact.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crm.core.dates import office_today
from crm.extensions import db
from crm.outcomes.models import report_year_of
from crm.outcomes.queries import CategoryYears
from crm.partners.models import Partner
from crm.partners.queries import last_contact_at
from crm.reports.sources import office_span


@dataclass
class Part:
    label: object
    points: int
    reason: str
    max_points: int = 2


@dataclass
class Health:
    parts: list[Part] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def out_of(self) -> int:
        return sum(part.max_points for part in self.parts)


def last_contact_of(partner_ids: list[int]) -> datetime | None:
    if not partner_ids:
        return None
    return db.session.scalar(select(func.max(last_contact_at())).select_from(Partner).where(Partner.id.in_(partner_ids)))


def per_year(value: float) -> str:
    """A yearly average as a person writes it: 4 (not 4.0), 2.5, in the user's locale."""
    from flask_babel import format_decimal

    return format_decimal(round(value, 1), format="#,##0.#")


def _students_reason(out_total: int, in_total: int, years: int, balance: float) -> str:
    from flask_babel import gettext as _

    if not out_total and not in_total:
        return _("no students sent or received")
    if not in_total:
        return _("%(out)s a year sent, none received", out=per_year(out_total / years))
    if not out_total:
        return _("none sent, %(in)s a year received", **{"in": per_year(in_total / years)})
    return _("%(out)s a year sent, %(in)s a year received (balance %(balance)d%%)",
             out=per_year(out_total / years), **{"in": per_year(in_total / years)}, balance=round(100 * balance))


def agreement_health(agreement, sums: CategoryYears, promises: list, today: date | None = None) -> Health:
    """The parts of the summary, each with its reason in words: whole numbers as whole numbers,
    and "none" rather than a zero with a unit."""
    from flask_babel import gettext as _
    from flask_babel import ngettext

    today = today or office_today()
    years = max(len(sums.years), 1)
    out_total, in_total = sums.total("outbound_students"), sums.total("inbound_students")
    health = Health()
    if out_total and in_total:
        balance = min(out_total, in_total) / max(out_total, in_total)
        points = 2 if balance >= 0.5 else 1
    else:
        balance, points = 0, 1 if (out_total or in_total) else 0
    health.parts.append(Part(_l("Students each way"), points, _students_reason(out_total, in_total, years, balance)))
    staff = sums.total("experts_hosted") + sums.total("staff_sent") + sums.total("teachers_trained")
    health.parts.append(Part(_l("Staff exchanges"), 2 if staff >= 5 * years else 1 if staff else 0,
                             ngettext("%(count)d teachers and experts in %(num)d year with records",
                                      "%(count)d teachers and experts over %(num)d years with records", len(sums.years), count=staff)
                             if staff else _("no teachers or experts exchanged")))
    certificates = sums.total("certificates_earned")
    health.parts.append(Part(_l("Certificates"), 2 if certificates >= 10 else 1 if certificates else 0,
                             ngettext("%(num)d certificate earned", "%(num)d certificates earned", certificates)
                             if certificates else _("no certificates earned")))
    if promises:
        promised = sum(p.promised for p in promises)
        delivered = sum(p.delivered for p in promises)
        ratio = delivered / promised if promised else 1
        points = 2 if ratio >= 0.8 else 1 if ratio >= 0.5 else 0
        reason = _("%(delivered)d delivered of %(promised)d promised (%(ratio)d%%)", delivered=delivered, promised=promised,
                   ratio=round(100 * ratio))
    else:
        points, reason = 1, _("no structured quotas to compare with")
    health.parts.append(Part(_l("Promised vs delivered"), points, reason))
    last = last_contact_of([p.id for p in agreement.partners])
    if last is None:
        health.parts.append(Part(_l("Last contact"), 0, _("no contact logged")))
    else:
        days = (today - last.date()).days
        health.parts.append(Part(_l("Last contact"), 2 if days <= 180 else 1 if days <= 365 else 0,
                                 ngettext("%(num)d day ago", "%(num)d days ago", days) if days > 0 else _("today")))
    return health


def quota_years(agreement, today: date | None = None) -> tuple[int, int] | None:
    """The completed report years of the agreement's validity (the years its quotas apply to),
    within the years the agreement page sums (crm/reports/sources.py: office_span)."""
    from crm.reports.queries import validity_years

    validity = validity_years(agreement)
    if validity is None:
        return None
    last = report_year_of(today or office_today()) - 1
    if validity[1] is not None:
        last = min(last, validity[1])
    first = max(validity[0], office_span()[0])  # the years the figures cover
    return (first, last) if first <= last else None
