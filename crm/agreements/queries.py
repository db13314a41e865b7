from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.agreements.models import Agreement, AgreementDecision, agreement_partner
from crm.core.search import contains
from crm.extensions import db
from crm.partners.models import Partner


def agreement_list(term: str = "", status: str = "", today: date | None = None):
    """The statement behind /agreements; `status=current` keeps those signed and in force."""
    today = today or date.today()
    statement = (
        select(Agreement)
        .options(selectinload(Agreement.partners), joinedload(Agreement.owner))
        .where(Agreement.archived_at.is_(None))
        .order_by(Agreement.valid_until.asc().nulls_last(), Agreement.title)
    )
    if term:
        statement = statement.where(
            or_(contains(Agreement.title, term), Agreement.partners.any(contains(Partner.name, term)))
        )
    if status == "current":
        statement = statement.where(
            Agreement.signed_on.is_not(None),
            or_(Agreement.valid_until.is_(None), Agreement.valid_until >= today),
            or_(Agreement.decision.is_(None), Agreement.decision == AgreementDecision.LAPSE),
        )
    return statement


def agreements_of_partner(partner_id: int) -> list[Agreement]:
    """The partner page's agreements section (two statements)."""
    return db.session.scalars(
        select(Agreement)
        .join(agreement_partner)
        .where(agreement_partner.c.partner_id == partner_id, Agreement.archived_at.is_(None))
        .options(joinedload(Agreement.owner), selectinload(Agreement.partners))
        .order_by(Agreement.valid_until.desc().nulls_first())
    ).all()
