"""/renewals: the permits and programme approvals to renew, each leaving only by a recorded
decision (renewed with the new permit or approval, or ended). Agreements have their own view."""
from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from crm.core.dates import office_today
from crm.core.navigation import nav_item
from crm.renewals.queries import due_groups

bp = Blueprint("renewals", __name__, url_prefix="/renewals")
nav_item("cooperation", "renewals.index", _l("Permits and approvals due"), order=45)


@bp.get("")
def index():
    return render_template("renewals/index.html", groups=due_groups(office_today()), today=office_today())
