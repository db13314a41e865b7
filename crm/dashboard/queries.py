from datetime import date

from sqlalchemy import func, select

from crm.agreements.queries import in_force_ids, renewals_due_count
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction
from crm.partners.models import Partner
from crm.proposals.models import CLOSED_STAGES, Proposal
from crm.proposals.queries import of_live_partner


def home_counts(today: date) -> dict[str, int]:
    """The counts the home page shows, in one statement."""
    partners = select(func.count()).select_from(Partner).where(Partner.archived_at.is_(None))
    agreements = select(func.count()).select_from(in_force_ids(today).subquery())
    interactions = select(func.count()).select_from(Interaction)
    open_follow_ups = select(func.count()).select_from(FollowUp).where(FollowUp.done.is_(False))
    overdue = select(func.count()).select_from(FollowUp).where(FollowUp.done.is_(False), FollowUp.due_on < today)
    open_proposals = (
        select(func.count())
        .select_from(Proposal)
        .where(Proposal.archived_at.is_(None), of_live_partner(), Proposal.stage.not_in(list(CLOSED_STAGES)))
    )
    row = db.session.execute(
        select(
            partners.scalar_subquery().label("partners"),
            agreements.scalar_subquery().label("agreements"),
            interactions.scalar_subquery().label("interactions"),
            open_follow_ups.scalar_subquery().label("open_follow_ups"),
            overdue.scalar_subquery().label("overdue_follow_ups"),
            open_proposals.scalar_subquery().label("open_proposals"),
            renewals_due_count(today).label("renewals_due"),
        )
    ).one()
    return dict(row._mapping)
