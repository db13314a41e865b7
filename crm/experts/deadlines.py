"""Work and residence permits as deadlines (crm/core/deadlines.py): the home page, each owner's
e-mail digest and calendar feed get "file the extension" on the act-by date and a second warning,
until a decision is recorded on the permit."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from crm.core.deadlines import Deadline, deadline_source
from crm.core.templating import lazy_local_date
from crm.experts.models import PermitKind
from crm.experts.queries import open_permits_due, permit_act_by, permit_filing_closes, permit_second_warning_days


def _title(kind: PermitKind, second: bool, **values):
    """Lazy titles: translated where shown (each digest in its recipient's language)."""
    if kind == PermitKind.WORK:
        if second:
            return _l("Second warning: the work permit of %(name)s expires on %(expires)s", **values)
        return _l("Work permit of %(name)s: file the extension (expires on %(expires)s)", **values)
    if second:
        return _l("Second warning: the residence permit of %(name)s expires on %(expires)s", **values)
    return _l("Residence permit of %(name)s: file the extension (expires on %(expires)s)", **values)


@deadline_source("work-permits")
def permit_deadlines(owner_ids, today: date, horizon: date) -> list[Deadline]:
    found = []
    for permit in open_permits_due(horizon, owner_ids):
        expert = permit.expert
        values = {"name": expert.name, "expires": lazy_local_date(permit.expires_on)}
        common = {"endpoint": "experts.show", "values": {"expert_id": expert.id, "_anchor": "permits"},
                  "owner_id": expert.owner_id, "about": expert.local_name}
        found.append(Deadline(f"permit-{permit.id}-act-by", permit_act_by(permit), _title(permit.kind, False, **values),
                              late_after=permit_filing_closes(permit), **common))
        second = permit.expires_on - timedelta(days=permit_second_warning_days())
        if second <= horizon:
            found.append(Deadline(f"permit-{permit.id}-second", second, _title(permit.kind, True, **values), **common))
    return found
