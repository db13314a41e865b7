from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from crm.core.i18n import country_code_for
from crm.core.search import contains
from crm.partners.models import Partner


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
