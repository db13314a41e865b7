from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import agreement_partner
from crm.extensions import db
from crm.outcomes.models import Outcome


def outcomes_of_partner(partner_id: int) -> list[Outcome]:
    """Outcomes recorded for the partner itself or for any of its agreements."""
    return db.session.scalars(
        select(Outcome)
        .where(
            or_(
                Outcome.partner_id == partner_id,
                Outcome.agreement_id.in_(
                    select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id == partner_id)
                ),
            )
        )
        .options(joinedload(Outcome.agreement))
        .order_by(Outcome.academic_year.desc())
    ).all()
