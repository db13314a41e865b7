from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction

TIMELINE_PAGE = 20


def timeline_of_partner(partner_id: int, limit: int = TIMELINE_PAGE) -> list[Interaction]:
    """The newest interactions with a partner, with authors and follow-ups (fixed statements)."""
    return db.session.scalars(
        select(Interaction)
        .where(Interaction.partner_id == partner_id)
        .options(
            joinedload(Interaction.author),
            selectinload(Interaction.follow_ups).joinedload(FollowUp.assignee),
        )
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(limit)
    ).all()
