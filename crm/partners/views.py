from flask import Blueprint, abort, render_template, request

from crm.audit.queries import record_history
from crm.core.pagination import paginate
from crm.extensions import db
from crm.partners.models import Partner
from crm.agreements.queries import agreements_of_partner
from crm.interactions.queries import timeline_of_partner
from crm.outcomes.queries import outcomes_of_partner
from crm.partners.queries import partner_list
from crm.proposals.queries import proposals_of_partner

bp = Blueprint("partners", __name__, url_prefix="/partners")


@bp.get("")
def index():
    term = request.args.get("q", "").strip()
    country = request.args.get("country", "").strip()
    page = paginate(partner_list(term, country))
    return render_template("partners/index.html", page=page, term=term, country=country)


@bp.get("/<int:partner_id>")
def show(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    if partner.is_archived:
        abort(404)
    return render_template(
        "partners/show.html",
        partner=partner,
        agreements=agreements_of_partner(partner.id),
        interactions=timeline_of_partner(partner.id),
        proposals=proposals_of_partner(partner.id),
        outcomes=outcomes_of_partner(partner.id),
        history=record_history(partner),
    )
