from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.agreements.models import Agreement, agreement_partner
from crm.core.i18n import country_code_for
from crm.core.search import contains
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.outcomes.models import Outcome
from crm.partners.models import Partner
from crm.proposals.models import Proposal


def partner_list(term: str = "", country: str = ""):
    """The statement behind /partners: not archived, optionally matching a term or a country."""
    statement = (
        select(Partner)
        .options(joinedload(Partner.owner))
        .where(Partner.archived_at.is_(None))
        .order_by(Partner.name)
    )
    if term:
        conditions = [
            contains(Partner.name, term),
            contains(Partner.local_name, term),
            contains(Partner.short_name, term),
            contains(Partner.city, term),
        ]
        if code := country_code_for(term):
            conditions.append(Partner.country == code)
        statement = statement.where(or_(*conditions))
    if country:
        statement = statement.where(Partner.country == (country_code_for(country) or country.upper()[:2]))
    return statement


def partner_sections(partner: Partner, limit: int = 20) -> dict:
    """What the partner page shows beside the header, a fixed number of statements."""
    agreements = db.session.scalars(
        select(Agreement)
        .join(agreement_partner)
        .where(agreement_partner.c.partner_id == partner.id, Agreement.archived_at.is_(None))
        .options(joinedload(Agreement.owner))
        .order_by(Agreement.valid_until.desc().nulls_first())
    ).all()
    interactions = db.session.scalars(
        select(Interaction)
        .where(Interaction.partner_id == partner.id)
        .options(joinedload(Interaction.author), selectinload(Interaction.follow_ups))
        .order_by(Interaction.occurred_at.desc())
        .limit(limit)
    ).all()
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.partner_id == partner.id, Proposal.archived_at.is_(None))
        .options(joinedload(Proposal.owner))
        .order_by(Proposal.stage_changed_at.desc())
    ).all()
    outcomes = db.session.scalars(
        select(Outcome)
        .where(
            or_(
                Outcome.partner_id == partner.id,
                Outcome.agreement_id.in_(
                    select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id == partner.id)
                ),
            )
        )
        .options(joinedload(Outcome.agreement))
        .order_by(Outcome.academic_year.desc())
    ).all()
    return {"agreements": agreements, "interactions": interactions, "proposals": proposals, "outcomes": outcomes}
