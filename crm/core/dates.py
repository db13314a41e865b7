"""The office's day: "today" is the date where the office works (CRM_TIMEZONE, the app's
`BABEL_DEFAULT_TIMEZONE`), not the server's local date.

Times are stored as naive UTC (crm/core/models.py `utcnow`) and shown in the office's zone; a
server running in UTC (a container) would otherwise be a day behind Beijing from 00:00 to 08:00
(overdue flags, "due today" in the early-morning digest, the report's year on 1 January). Every
"today" of the app comes from `office_today()`; tests freeze the clock by replacing `_now`.
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def _now() -> datetime:
    """The moment (aware, UTC): the one clock `office_today` reads."""
    return datetime.now(UTC)


def today_in(zone: str) -> date:
    """Today's date in a time zone (an IANA name such as "Asia/Shanghai"), by `_now`."""
    return _now().astimezone(ZoneInfo(zone)).date()


def office_today() -> date:
    """Today's date in the office's time zone (needs the app context: the zone is its config)."""
    return today_in(current_app.config["BABEL_DEFAULT_TIMEZONE"])
