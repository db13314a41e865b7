"""A user's private iCalendar feed: act-by and valid-until dates of the agreements they own
and the due dates of their open follow-ups, for Outlook or a phone calendar."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.agreements.queries import dated_agreements_of_owner
from crm.auth.models import User
from crm.core.dates import office_today
from crm.core.deadlines import deadlines_due
from crm.core.models import utcnow
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.followups.queries import not_archived

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
UID_DOMAIN = "partner-crm"
FEED_DAYS_AHEAD = 730  # other domains' deadlines (crm/core/deadlines.py) this far ahead


def user_for_token(token: str) -> User | None:
    if not TOKEN_PATTERN.match(token):
        return None
    return db.session.scalar(select(User).where(User.calendar_token == token, User.active.is_(True)))


def _all_day(uid: str, day: date, summary: str, description: str | None, stamp) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def calendar_for(user: User) -> bytes:
    agreements = dated_agreements_of_owner(user.id)
    follow_ups = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.assignee_id == user.id, FollowUp.done.is_(False), FollowUp.due_on.is_not(None), not_archived())
        .options(joinedload(FollowUp.agreement), joinedload(FollowUp.proposal), joinedload(FollowUp.interaction))
        .order_by(FollowUp.due_on)
    ).all()
    today = office_today()
    deadlines = deadlines_due([user.id], today, today + timedelta(days=FEED_DAYS_AHEAD))
    stamp = utcnow()
    with force_locale(user.locale or "en"):
        calendar = Calendar()
        calendar.add("prodid", "-//Partner CRM//Agreements and follow-ups//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", _("Partner CRM: %(name)s", name=user.name))
        for agreement in agreements:
            partners = ", ".join(p.name for p in agreement.partners)
            if agreement.renewal_open and agreement.act_by != agreement.valid_until:
                calendar.add_component(
                    _all_day(f"agreement-{agreement.id}-act-by", agreement.act_by,
                             _("Decide by: %(title)s", title=agreement.title), partners, stamp)
                )
            calendar.add_component(
                _all_day(f"agreement-{agreement.id}-valid-until", agreement.valid_until,
                         _("Agreement ends: %(title)s", title=agreement.title), partners, stamp)
            )
        for follow_up in follow_ups:
            about = follow_up.agreement or follow_up.proposal or follow_up.interaction
            calendar.add_component(
                _all_day(f"follow-up-{follow_up.id}", follow_up.due_on,
                         _("Due: %(title)s", title=follow_up.title), str(about) if about else None, stamp)
            )
        for deadline in deadlines:
            calendar.add_component(_all_day(deadline.uid, deadline.due_on, str(deadline.title), deadline.about, stamp))
    return calendar.to_ical()
