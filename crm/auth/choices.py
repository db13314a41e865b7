"""Who may be picked as the owner of a record or the assignee of a follow-up: one rule for
every form and filter (partners, agreements, proposals, follow-ups, the log form)."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, func, or_, select

from crm.auth.models import Role, User
from crm.core.statements import prepared
from crm.extensions import db


def assignable_users(keep=()) -> list[tuple[int, str]]:
    """(id, name) of the active staff and admins (a viewer cannot act on what it would own),
    by name; plus the users in `keep` whoever they are (ids, or a select of ids: the current
    owner of a record being edited, or every current owner for a filter), so that a form
    never silently drops someone already chosen. One statement.

        form.owner_id.choices = [("", _("Nobody yet"))] + assignable_users(keep=[partner.owner_id])
    """
    if hasattr(keep, "subquery"):  # a select of ids, built by the caller
        return [(user_id, name) for user_id, name in db.session.execute(assignable_statement(keep))]
    keep = [user_id for user_id in keep if isinstance(user_id, int)]
    statement = _with_kept_ids() if keep else _without_kept()
    return [(user_id, name) for user_id, name in db.session.execute(statement, {"keep": keep} if keep else {})]


def assignable_statement(keep=None):
    """The statement of assignable_users: `keep` a select of ids (or an expanding parameter);
    a caller whose select never changes builds it once (crm/partners/queries.py owner_choices)."""
    may_act = and_(User.active.is_(True), User.role != Role.VIEWER)
    return (select(User.id, User.name).where(may_act if keep is None else or_(may_act, User.id.in_(keep)))
            .order_by(func.lower(User.name), User.id))


# The two statements of a list of ids (the parameter `keep`) or none, built once (crm/core/statements.py).
_with_kept_ids = prepared(lambda: assignable_statement(bindparam("keep", expanding=True)))
_without_kept = prepared(lambda: assignable_statement())
