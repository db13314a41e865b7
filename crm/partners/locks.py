"""Row locks on partners for the writes that recompute a partner's stored values.

Two transactions that each change something of one partner and then recompute a value from
all of that partner's rows (its search document, its last contact) must not both compute from
what they saw before the other committed. On PostgreSQL each takes the partners' row locks
first (in id order, so that two never wait on each other crosswise); under READ COMMITTED the
statements after the lock see what the other committed. SQLite serialises writers already.
"""
from collections.abc import Iterable

from sqlalchemy import Connection, select

from crm.partners.models import Partner


def lock_partners(connection: Connection, partner_ids: Iterable[int]) -> None:
    ids = sorted(set(partner_ids))
    if ids and connection.dialect.name == "postgresql":
        connection.execute(select(Partner.id).where(Partner.id.in_(ids)).order_by(Partner.id).with_for_update())
