"""Bulk changes on the partner list (crm/core/bulk.py has the steps): add or remove a tag,
set the owner or the status of the chosen partners, or of all the list's partners."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from crm.core.bulk import MAX_BULK
from crm.extensions import db
from crm.partners.models import Partner, PartnerStatus
from crm.partners.queries import PartnerFilters, filter_conditions


def chosen_partners(ids: list[int] | None, filters: PartnerFilters | None) -> list[Partner]:
    """The live partners chosen by id, or (`filters` given) every one the list shows; by name,
    at most MAX_BULK + 1 (the caller refuses more). Two statements."""
    statement = select(Partner).where(Partner.archived_at.is_(None))
    if filters is not None:
        statement = statement.where(*filter_conditions(filters))
    else:
        statement = statement.where(Partner.id.in_(ids or [-1]))
    return db.session.scalars(
        statement.options(selectinload(Partner.tags), joinedload(Partner.owner))
        .order_by(func.lower(Partner.name), Partner.id)
        .limit(MAX_BULK + 1)
    ).all()


def apply_change(partners: list[Partner], action: str, *, tag=None, owner_id: int | None = None,
                 status: str | None = None) -> int:
    """Change each partner (the caller commits once); returns how many actually changed."""
    changed = 0
    for partner in partners:
        if action == "add_tag" and tag not in partner.tags:
            partner.tags.append(tag)
        elif action == "remove_tag" and tag in partner.tags:
            partner.tags.remove(tag)
        elif action == "owner" and partner.owner_id != owner_id:
            partner.owner_id = owner_id
        elif action == "status" and partner.status != PartnerStatus(status):
            partner.status = PartnerStatus(status)
        else:
            continue
        changed += 1
    return changed
