"""Deadlines that other domains owe, gathered for the home page, the e-mail digest and the
calendar feed, so that a new kind of deadline (a work permit, a trip report) reaches all three
by registering one source, without those three knowing the domain.

A source is a function `(owner_ids, today, horizon) -> iterable of Deadline`: the open
deadlines owed by those users (None: by anyone) that fall due on or before `horizon`,
overdue ones included. It states its own rules (when a deadline is open, how its date is
computed) in its own domain package, and loads its rows in a fixed number of statements.
Titles are lazy strings (`lazy_gettext("Work permit expires: %(name)s", name=...)`), translated
where they are shown: a page in its user's language, each digest in its recipient's. Register at import of the domain's views module:

    from crm.core.deadlines import Deadline, deadline_source

    @deadline_source("work-permits")
    def permit_deadlines(owner_ids, today, horizon): ...
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Deadline:
    uid: str                  # stable across runs: the calendar feed's event id ("permit-12-work")
    due_on: date
    title: object             # what is due, a lazy string ("Work permit expires: Anna Schmidt")
    endpoint: str             # where it is dealt with: url_for(endpoint, **values)
    values: dict = field(default_factory=dict, hash=False, compare=False)
    owner_id: int | None = None
    about: str | None = None  # a line of context (the partner, the trip)
    # The last day it can still be met, when a window opens on `due_on` and stays open (a permit's
    # extension is filed from 90 to 45 days before expiry): overdue only after it, as its own page says.
    late_after: date | None = field(default=None, compare=False)

    def is_overdue(self, today: date) -> bool:
        return (self.late_after or self.due_on) < today


DeadlineSource = Callable[[Collection[int] | None, date, date], Iterable[Deadline]]
_sources: dict[str, DeadlineSource] = {}


def deadline_source(name: str) -> Callable[[DeadlineSource], DeadlineSource]:
    """Register a source of deadlines under a name (idempotent)."""
    def register(function: DeadlineSource) -> DeadlineSource:
        _sources[name] = function
        return function
    return register


def deadlines_due(owner_ids: Collection[int] | None, today: date, horizon: date) -> list[Deadline]:
    """Every registered source's open deadlines due by `horizon`, soonest (and overdue) first."""
    found = [deadline for source in _sources.values() for deadline in source(owner_ids, today, horizon)]
    return sorted(found, key=lambda d: (d.due_on, d.uid))
