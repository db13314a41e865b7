"""Who may be picked as the owner of a record or the assignee of a follow-up: one rule for
every form and filter (partners, agreements, proposals, follow-ups, the log form)."""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from crm.auth.models import Role, User
from crm.extensions import db


def assignable_users(keep=()) -> list[tuple[int, str]]:
    """(id, name) of the active staff and admins (a viewer cannot act on what it would own),
    by name; plus the users in `keep` whoever they are (ids, or a select of ids: the current
    owner of a record being edited, or every current owner for a filter), so that a form
    never silently drops someone already chosen. One statement.

        form.owner_id.choices = [("", _("Nobody yet"))] + assignable_users(keep=[partner.owner_id])
    """
    if not hasattr(keep, "subquery"):  # a list of ids, not a select
        keep = [user_id for user_id in keep if isinstance(user_id, int)]
    may_act = and_(User.active.is_(True), User.role != Role.VIEWER)
    statement = (
        select(User.id, User.name)
        .where(or_(may_act, User.id.in_(keep)) if keep is not None else may_act)
        .order_by(func.lower(User.name), User.id)
    )
    return [(user_id, name) for user_id, name in db.session.execute(statement)]
