"""What the renewals page lists: open work and residence permits and programme approvals whose
act-by date (expiry minus the office's lead time) has passed or comes within 90 days, grouped by
the last day to file (a permit's window runs from its act-by date to 45 days before expiry). Each
domain states its own rule (crm/experts/queries.py, crm/programmes/queries.py); this only groups."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from crm.experts.queries import open_permits_due, permit_act_by, permit_filing_closes
from crm.programmes.queries import approval_act_by, open_approvals_due

WINDOW_DAYS = 90
GROUPS = (("overdue", None), ("within-30", 30), ("within-90", 90))


@dataclass(frozen=True)
class DueItem:
    kind: str            # "permit" or "approval"
    record: object       # the Permit or the Approval
    act_by: date         # the filing window opens (expiry minus the lead time)
    expires_on: date
    closes_on: date      # the last day to file: a permit's window closes 45 days before expiry

    def window_opens_later(self, today: date) -> bool:
        return self.act_by > today and self.act_by != self.closes_on


@dataclass
class DueGroup:
    key: str
    items: list[DueItem] = field(default_factory=list)


def due_groups(today: date) -> list[DueGroup]:
    """Overdue, within 30 days, within 90 days; soonest act-by first in each (two statements)."""
    horizon = today + timedelta(days=WINDOW_DAYS)
    items = [DueItem("permit", p, permit_act_by(p), p.expires_on, permit_filing_closes(p)) for p in open_permits_due(horizon)]
    items += [DueItem("approval", a, approval_act_by(a), a.expires_on, approval_act_by(a)) for a in open_approvals_due(horizon)]
    groups = {key: DueGroup(key) for key, _days in GROUPS}
    for item in sorted(items, key=lambda i: (i.closes_on, i.kind, i.record.id)):
        # overdue once the last day to file has passed; grouped by how soon that day comes
        days = (item.closes_on - today).days
        key = "overdue" if days < 0 else "within-30" if days <= 30 else "within-90"
        groups[key].items.append(item)
    return list(groups.values())
