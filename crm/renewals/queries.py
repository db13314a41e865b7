"""What the renewals page lists: open work and residence permits and programme approvals whose
act-by date (expiry minus the office's lead time) has passed or comes within 90 days. Each
domain states its own rule (crm/experts/queries.py, crm/programmes/queries.py); this only groups."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from crm.experts.queries import open_permits_due, permit_act_by
from crm.programmes.queries import approval_act_by, open_approvals_due

WINDOW_DAYS = 90
GROUPS = (("overdue", None), ("within-30", 30), ("within-90", 90))


@dataclass(frozen=True)
class DueItem:
    kind: str            # "permit" or "approval"
    record: object       # the Permit or the Approval
    act_by: date
    expires_on: date


@dataclass
class DueGroup:
    key: str
    items: list[DueItem] = field(default_factory=list)


def due_groups(today: date) -> list[DueGroup]:
    """Overdue, within 30 days, within 90 days; soonest act-by first in each (two statements)."""
    horizon = today + timedelta(days=WINDOW_DAYS)
    items = [DueItem("permit", p, permit_act_by(p), p.expires_on) for p in open_permits_due(horizon)]
    items += [DueItem("approval", a, approval_act_by(a), a.expires_on) for a in open_approvals_due(horizon)]
    groups = {key: DueGroup(key) for key, _days in GROUPS}
    for item in sorted(items, key=lambda i: (i.act_by, i.kind, i.record.id)):
        days = (item.act_by - today).days
        key = "overdue" if days < 0 else "within-30" if days <= 30 else "within-90"
        groups[key].items.append(item)
    return list(groups.values())
