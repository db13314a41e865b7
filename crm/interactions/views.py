from flask import Blueprint, render_template, request
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.core.pagination import paginate
from crm.core.search import contains
from crm.interactions.models import Interaction

bp = Blueprint("interactions", __name__)


@bp.get("/history")
def history():
    term = request.args.get("q", "").strip()
    statement = (
        select(Interaction)
        .options(
            joinedload(Interaction.partner),
            joinedload(Interaction.author),
            selectinload(Interaction.follow_ups),
        )
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )
    if term:
        statement = statement.where(or_(contains(Interaction.subject, term), contains(Interaction.summary, term)))
    return render_template("interactions/history.html", page=paginate(statement), term=term)
