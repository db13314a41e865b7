from flask import Blueprint, abort, render_template, request

from crm.audit.queries import record_history
from crm.core.pagination import paginate
from crm.extensions import db
from crm.partners.models import Partner
from crm.partners.queries import partner_list, partner_sections

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
        history=record_history(partner),
        **partner_sections(partner),
    )
