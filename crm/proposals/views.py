from flask import Blueprint, abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.audit.queries import record_history
from crm.core.pagination import paginate
from crm.extensions import db
from crm.proposals.models import CLOSED_STAGES, Proposal, ProposalStageChange

bp = Blueprint("proposals", __name__, url_prefix="/proposals")


@bp.get("")
def index():
    show_closed = request.args.get("closed") == "1"
    statement = (
        select(Proposal)
        .options(joinedload(Proposal.partner), joinedload(Proposal.owner))
        .where(Proposal.archived_at.is_(None))
        .order_by(Proposal.next_step_on.asc().nulls_last(), Proposal.title)
    )
    if not show_closed:
        statement = statement.where(Proposal.stage.not_in(list(CLOSED_STAGES)))
    return render_template("proposals/index.html", page=paginate(statement), show_closed=show_closed)


@bp.get("/<int:proposal_id>")
def show(proposal_id: int):
    proposal = db.session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(
            joinedload(Proposal.partner),
            joinedload(Proposal.owner),
            selectinload(Proposal.stage_changes).joinedload(ProposalStageChange.changed_by),
        )
    )
    if proposal is None or proposal.is_archived:
        abort(404)
    return render_template("proposals/show.html", proposal=proposal, history=record_history(proposal))
