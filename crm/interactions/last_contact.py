"""A partner's last contact, stored: `Partner.last_contact_at` holds what `computed_last_contact_at`
says (the latest interaction logged with the partner, naive UTC), so that the home page, the
partner list, its quiet filter and the digest sort and filter by one indexed column instead of
asking the interactions of every partner. `Partner.interaction_count` (how many interactions are
logged with it) is kept alongside, so that the count of /history adds up partners.

One session hook keeps it, so no write can forget it: after each flush that adds, moves (a new
date, another partner: an edit, a merge of partners), or deletes an interaction (the log form,
an import and its undo, a trip's leg or a visit logged as contact history), it recomputes the
column of the partners concerned, before and after the move, in one UPDATE. The UPDATE is
plain SQL: the partner's version, updated-at and audit history stay as they are (the value is
derived; the interaction's own history says what happened). Writes that bypass the ORM (the
demo generator's bulk inserts) call `store_last_contacts` (registered in crm/core/stored.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, func, inspect, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import ColumnElement

from crm.core.stored import stored_rule
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.partners.locks import lock_partners
from crm.partners.models import Partner

_MOVED = ("occurred_at", "partner_id", "partner")  # the attributes whose change moves a last contact
_CHUNK = 500


def _over_partner(aggregate) -> ColumnElement:
    """`aggregate` over the partner's interactions, a scalar subquery correlated with `Partner`
    (one range of the index (partner_id, occurred_at))."""
    return select(aggregate).where(Interaction.partner_id == Partner.id).correlate(Partner).scalar_subquery()


def computed_last_contact_at() -> ColumnElement:
    """The rule: when the partner was last in contact (UTC), or NULL: the latest interaction
    logged with it."""
    return _over_partner(func.max(Interaction.occurred_at))


def computed_interaction_count() -> ColumnElement:
    """How many interactions are logged with the partner."""
    return _over_partner(func.count(Interaction.id))


def _stored_values() -> dict:
    """The stored columns and their rules, for an UPDATE of the partner table."""
    table = Partner.__table__
    return {"last_contact_at": computed_last_contact_at(), "interaction_count": computed_interaction_count(),
            "updated_at": table.c.updated_at}


def _partners_of_changes(session: Session) -> set[int]:
    """The partners whose last contact this flush may have changed."""
    found: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Interaction):
            found.add(obj.partner_id)
    for obj in session.dirty:
        if isinstance(obj, Interaction) and obj not in session.deleted:
            attrs = inspect(obj).attrs
            if any(attrs[key].history.has_changes() for key in _MOVED):
                partner_ids = attrs.partner_id.history
                found.update(partner_ids.added, partner_ids.deleted, partner_ids.unchanged)
                partners = attrs.partner.history
                found.update(p.id for p in (*partners.added, *partners.deleted) if p is not None)
    found.update(session.info.pop("last_contact_deleted", ()))
    found.discard(None)
    return found


def _remember_deleted(session: Session, flush_context, instances) -> None:
    """Before a flush deletes interactions, note their partners (loaded while the rows exist)."""
    deleted = {obj.partner_id for obj in session.deleted if isinstance(obj, Interaction)}
    if deleted:
        session.info.setdefault("last_contact_deleted", set()).update(deleted)


def _refresh(connection, partner_ids, session: Session | None = None) -> None:
    """Recompute the stored last contact of these partners (one UPDATE per 500), and give the
    partners loaded in `session` the new value."""
    table = Partner.__table__
    ids = sorted(partner_ids)
    for start in range(0, len(ids), _CHUNK):
        lock_partners(connection, ids[start:start + _CHUNK])  # counts what a concurrent log committed
        rows = connection.execute(
            update(table)
            .where(table.c.id.in_(ids[start:start + _CHUNK]))
            .values(**_stored_values())
            .returning(table.c.id, table.c.last_contact_at, table.c.interaction_count)
        ).all()
        if session is not None:
            for partner_id, last_contact, count in rows:
                loaded = session.identity_map.get(session.identity_key(Partner, partner_id))
                if loaded is not None:
                    set_committed_value(loaded, "last_contact_at", last_contact)
                    set_committed_value(loaded, "interaction_count", count)


def _keep_last_contacts(session: Session, flush_context) -> None:
    partner_ids = _partners_of_changes(session)
    if partner_ids:
        _refresh(session.connection(), partner_ids, session)


def register_last_contact_hook() -> None:
    if not event.contains(Session, "after_flush", _keep_last_contacts):
        event.listen(Session, "before_flush", _remember_deleted)
        event.listen(Session, "after_flush", _keep_last_contacts)


@stored_rule("partner.last_contact_at")
def store_last_contacts() -> int:
    """Recompute every partner's stored last contact and interaction count from the rules; the
    rows changed."""
    table = Partner.__table__
    return db.session.execute(
        update(table)
        .where(or_(table.c.last_contact_at.is_distinct_from(computed_last_contact_at()),
                   table.c.interaction_count != computed_interaction_count()))
        .values(**_stored_values())
    ).rowcount


def last_contact_of(partner_id: int) -> datetime | None:
    """The rule computed for one partner (what the stored column must hold)."""
    return db.session.scalar(select(computed_last_contact_at()).where(Partner.id == partner_id))
