from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.proposals.models import Proposal


def proposals_of_partner(partner_id: int) -> list[Proposal]:
    return db.session.scalars(
        select(Proposal)
        .where(Proposal.partner_id == partner_id, Proposal.archived_at.is_(None))
        .options(joinedload(Proposal.owner))
        .order_by(Proposal.stage_changed_at.desc())
    ).all()
