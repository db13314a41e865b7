from flask import Blueprint, abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.agreements.queries import agreement_list
from crm.audit.queries import record_history
from crm.core.pagination import paginate
from crm.extensions import db
from crm.followups.models import FollowUp

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.get("")
def index():
    term = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    page = paginate(agreement_list(term, status))
    return render_template("agreements/index.html", page=page, term=term, status=status)


@bp.get("/<int:agreement_id>")
def show(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if agreement.is_archived:
        abort(404)
    follow_ups = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.agreement_id == agreement.id)
        .options(joinedload(FollowUp.assignee))
        .order_by(FollowUp.done, FollowUp.due_on)
    ).all()
    return render_template(
        "agreements/show.html", agreement=agreement, follow_ups=follow_ups, history=record_history(agreement)
    )
