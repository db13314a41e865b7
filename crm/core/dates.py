"""The office's day: "today" is the date where the office works (CRM_TIMEZONE, the app's
`BABEL_DEFAULT_TIMEZONE`), not the server's local date.

Times are stored as naive UTC (crm/core/models.py `utcnow`) and shown in the office's zone; a
server running in UTC (a container) would otherwise be a day behind Beijing from 00:00 to 08:00
(overdue flags, "due today" in the early-morning digest, the report's year on 1 January). Every
"today" of the app and of its tests comes from `office_today()`; tests freeze the clock by
replacing `_now`.
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from crm.config import Config


def _now() -> datetime:
    """The moment (aware, UTC): the one clock `office_today` reads."""
    return datetime.now(UTC)


def office_zone_name() -> str:
    """The app's configured zone; outside an app context (a unit test calling a parser, the
    tests' module-level dates) the configuration's default, as `year_kind` does for its year."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else Config.BABEL_DEFAULT_TIMEZONE


def office_today() -> date:
    """Today's date in the office's time zone."""
    return _now().astimezone(ZoneInfo(office_zone_name())).date()


def after_the_fact(last_day: date | None, today: date) -> bool:
    """A record whose last day is before today is entered after the fact: it took place. A
    visit is then saved held and a trip made, without walking it through each step (the
    history says so, crm.audit.recorder.note_after_the_fact)."""
    return last_day is not None and last_day < today
