"""Programme approvals as deadlines (crm/core/deadlines.py): the home page, the owner's e-mail
digest and calendar feed get "apply for the renewal" on the act-by date and a second warning,
until a decision is recorded on the approval."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from crm.core.deadlines import Deadline, deadline_source
from crm.core.templating import lazy_local_date
from crm.programmes.queries import approval_act_by, approval_second_warning_days, open_approvals_due


@deadline_source("programme-approvals")
def approval_deadlines(owner_ids, today: date, horizon: date) -> list[Deadline]:
    found = []
    for approval in open_approvals_due(horizon, owner_ids):
        programme = approval.programme
        values = {"name": programme.name, "expires": lazy_local_date(approval.expires_on)}
        common = {"endpoint": "programmes.show", "values": {"programme_id": programme.id, "_anchor": "approvals"},
                  "owner_id": programme.owner_id, "about": approval.number}
        found.append(Deadline(
            f"approval-{approval.id}-act-by", approval_act_by(approval),
            _l("Approval of %(name)s: apply for the renewal (expires on %(expires)s)", **values), **common))
        second = approval.expires_on - timedelta(days=approval_second_warning_days())
        if second <= horizon:
            found.append(Deadline(
                f"approval-{approval.id}-second", second,
                _l("Second warning: the approval of %(name)s expires on %(expires)s", **values), **common))
    return found
