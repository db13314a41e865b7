from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.core.pagination import paginate
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction

bp = Blueprint("followups", __name__)


@bp.get("/follow-ups")
def index():
    """Open follow-ups, mine first by default; `?who=all` for everyone's, `?due=overdue`."""
    who = request.args.get("who", "mine")
    due = request.args.get("due", "")
    statement = (
        select(FollowUp)
        .where(FollowUp.done.is_(False))
        .options(
            joinedload(FollowUp.assignee),
            joinedload(FollowUp.interaction).joinedload(Interaction.partner),
            joinedload(FollowUp.agreement),
            joinedload(FollowUp.proposal),
        )
        .order_by(FollowUp.due_on.asc().nulls_last(), FollowUp.id)
    )
    if who == "mine":
        statement = statement.where(FollowUp.assignee_id == current_user.id)
    if due == "overdue":
        statement = statement.where(FollowUp.due_on < date.today())
    return render_template("followups/index.html", page=paginate(statement), who=who, due=due)
