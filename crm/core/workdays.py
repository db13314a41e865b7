"""Working days by the Chinese calendar: weekends and public holidays off, make-up working days
(调休, a Saturday or Sunday that is worked) on.

The official schedule comes from the `chinese-calendar` package, which knows the years the
State Council has published (2004 to 2026 in version 1.11.0). The schedule of a year is
published each November, so the package lags: past its last year the calendar falls back to
Monday to Friday, `covers(day)` says so, and pages show a warning next to such a deadline.
The office can add a published schedule before the package does, through the settings
`WORKDAY_EXTRA_HOLIDAYS` and `WORKDAY_EXTRA_WORKDAYS` (ISO dates, comma-separated): a year
named there counts as covered.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from chinese_calendar import constants

FIRST_YEAR = min(day.year for day in constants.holidays)
LAST_YEAR = max(day.year for day in constants.holidays)
MAX_STEPS = 3660  # ten years of days: a guard, never reached by a real deadline


def parse_dates(text: str | Iterable | None) -> frozenset[date]:
    """'2027-02-06, 2027-02-07' (or an iterable of dates / ISO strings) → a set of dates."""
    if not text:
        return frozenset()
    items = text.split(",") if isinstance(text, str) else text
    return frozenset(item if isinstance(item, date) else date.fromisoformat(item.strip()) for item in items if str(item).strip())


@dataclass(frozen=True)
class WorkdayCalendar:
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    @property
    def extra_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.extra_holidays | self.extra_workdays)

    def covers(self, day: date) -> bool:
        """True when `day`'s year has an official schedule (from the package or the settings)."""
        return FIRST_YEAR <= day.year <= LAST_YEAR or day.year in self.extra_years

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            if day in constants.workdays:
                return True
            if day in constants.holidays:
                return False
        return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (before it when `count` is negative);
        `start` itself never counts. add_workdays(Friday, 1) is the next working Monday."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining, day = abs(count), start
        for _ in range(MAX_STEPS):
            if remaining == 0:
                return day
            day += step
            if self.is_workday(day):
                remaining -= 1
        raise ValueError("no working day within ten years")

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count


def office_calendar() -> WorkdayCalendar:
    """The calendar with the office's own additions from the settings."""
    from flask import current_app

    config = current_app.config
    return WorkdayCalendar(
        parse_dates(config.get("WORKDAY_EXTRA_HOLIDAYS")), parse_dates(config.get("WORKDAY_EXTRA_WORKDAYS"))
    )
