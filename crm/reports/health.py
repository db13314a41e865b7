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


def agreement_health(agreement, sums: CategoryYears, promises: list, today: date | None = None) -> Health:
    from flask_babel import gettext as _

    today = today or date.today()
    years = max(len(sums.years), 1)
    out_total, in_total = sums.total("outbound_students"), sums.total("inbound_students")
    out_year, in_year = out_total / years, in_total / years
    health = Health()
    if out_total and in_total:
        balance = min(out_total, in_total) / max(out_total, in_total)
        points = 2 if balance >= 0.5 else 1
    else:
        balance, points = 0, 1 if (out_total or in_total) else 0
    health.parts.append(Part(_l("Students each way"), points, _(
        "%(out).1f a year sent, %(in).1f a year received (balance %(balance)d%%)",
        out=out_year, **{"in": in_year}, balance=round(100 * balance))))
    staff = sums.total("experts_hosted") + sums.total("staff_sent") + sums.total("teachers_trained")
    health.parts.append(Part(_l("Staff exchanges"), 2 if staff >= 5 * years else 1 if staff else 0,
                             _("%(count)d teachers and experts over %(years)d years with records", count=staff, years=len(sums.years))))
    certificates = sums.total("certificates_earned")
    health.parts.append(Part(_l("Certificates"), 2 if certificates >= 10 else 1 if certificates else 0,
                             _("%(count)d certificates earned", count=certificates)))
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
                                 _("%(days)d days ago", days=days)))
    return health


def quota_years(agreement, today: date | None = None) -> tuple[int, int] | None:
    """The completed report years of the agreement's validity (the years its quotas apply to),
    within the years the agreement page sums (crm/reports/sources.py: office_span)."""
    if agreement.valid_from is None:
        return None
    last = report_year_of(today or date.today()) - 1
    if agreement.valid_until is not None:
        last = min(last, report_year_of(agreement.valid_until))
    first = max(report_year_of(agreement.valid_from), office_span()[0])  # the years the figures cover
    return (first, last) if first <= last else None
