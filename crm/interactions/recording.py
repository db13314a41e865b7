"""Contact history written by another domain's action (a trip's meeting, a foreign visit):
one entry per partner, through the same model the log form fills."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from flask_babel import to_utc

from crm.auth.models import User
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind


def record_interaction(
    partner_id: int, kind: InteractionKind, on: date | datetime, subject: str, *, summary: str | None = None,
    location: str | None = None, staff: Iterable[User] = (), author_id: int | None = None,
) -> Interaction:
    """Add an interaction (the caller commits). A date alone means 10:00 in the office's time zone."""
    moment = on if isinstance(on, datetime) else datetime.combine(on, time(10, 0))
    interaction = Interaction(
        partner_id=partner_id, kind=kind, occurred_at=to_utc(moment).replace(tzinfo=None), subject=subject[:200],
        summary=summary, location=(location or None) and location[:200], staff=list(staff), author_id=author_id,
    )
    db.session.add(interaction)
    return interaction
