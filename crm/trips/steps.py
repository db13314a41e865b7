"""A trip's way from the plan to closed: which step is allowed when, and what it changes.

planned → applied (dates and a leader) → approved (the 批件 number) → travelling → returned
(the real return date: the passport and report deadlines start) → reported (the report
uploaded) → closed (passports back). The 公示 date and the passports' return are recorded
on the way; neither moves the status.

A trip entered after the fact (its return before today) is recorded as made in one go, returned
or closed, without the steps between: the step dates nobody typed stay empty, and its history
says it was recorded after the fact (as a past visit is saved held)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from crm.audit.recorder import note_after_the_fact
from crm.core.dates import after_the_fact
from crm.core.templating import lazy_local_date
from crm.extensions import db
from crm.trips.models import Trip, TripDocumentKind, TripStatus

# step → (the status it starts from, the status it leads to)
STEPS = {
    "apply": (TripStatus.PLANNED, TripStatus.APPLIED),
    "approve": (TripStatus.APPLIED, TripStatus.APPROVED),
    "depart": (TripStatus.APPROVED, TripStatus.TRAVELLING),
    "return": (TripStatus.TRAVELLING, TripStatus.RETURNED),
    "close": (TripStatus.REPORTED, TripStatus.CLOSED),
}
# Recorded facts: the statuses in which each can be recorded.
RECORDS = {
    "notice": (TripStatus.APPLIED, TripStatus.APPROVED, TripStatus.TRAVELLING, TripStatus.RETURNED, TripStatus.REPORTED),
    "passports": (TripStatus.RETURNED, TripStatus.REPORTED),
}


def next_step(trip: Trip) -> str | None:
    return next((name for name, (start, _end) in STEPS.items() if start == trip.status), None)


def blockers(trip: Trip, step: str, today: date | None = None) -> list:
    """Why `step` cannot be taken now (empty: it can)."""
    start, _end = STEPS[step]
    if trip.status != start:
        return [_l("This step is not open in the trip's present status.")]
    reasons = []
    if step == "apply":
        if not (trip.depart_on and trip.return_on):
            reasons.append(_l("Enter the departure and return dates first."))
        if trip.leader is None:
            reasons.append(_l("Name the delegation's leader first."))
        if not trip.legs:
            reasons.append(_l("Add the itinerary first."))
    if step == "depart" and today is not None and trip.depart_on and trip.depart_on > today:
        # a trip marked as left counts as a delegation sent, and its 公示 reminders stop
        reasons.append(_l("The delegation departs on %(date)s: record its departure then, or correct the dates first.",
                          date=lazy_local_date(trip.depart_on)))
    if step == "close" and trip.passports_returned_on is None:
        reasons.append(_l("Record the passports' return first."))
    return reasons


def take_step(trip: Trip, step: str, data: dict, today: date) -> None:
    """Move the trip on (the caller checked `blockers`, validated `data` and commits)."""
    trip.status = STEPS[step][1]
    if step == "approve":
        trip.approver = data["approver"]
        trip.approval_number = data["approval_number"]
        trip.approved_on = data["approved_on"] or today
    elif step == "return":
        trip.return_on = data["return_on"]


def record_report(trip: Trip, kind: TripDocumentKind, today: date) -> None:
    """An uploaded trip report moves a returned trip to reported."""
    if kind == TripDocumentKind.REPORT and trip.status == TripStatus.RETURNED:
        trip.status = TripStatus.REPORTED
        trip.reported_on = today


# The statuses a trip entered after the fact may be recorded in: back, with the passports and the
# report still to record (their deadlines run), or closed (nothing left to record).
MADE_AFTER_THE_FACT = (TripStatus.RETURNED, TripStatus.CLOSED)


def may_record_as_made(trip: Trip, today: date) -> bool:
    """A trip not yet under way whose dates are both known and past (the return before today)."""
    return trip.status.rank < TripStatus.TRAVELLING.rank and trip.depart_on is not None and after_the_fact(trip.return_on, today)


def record_as_made(trip: Trip, status: TripStatus, approval_number: str | None) -> None:
    """Record the trip (new or planned, `may_record_as_made`) as made, in `status` (one of
    MADE_AFTER_THE_FACT), with its approval number if known; the trip is in the session, the
    caller commits."""
    trip.status = status
    if approval_number:
        trip.approval_number = approval_number
    note_after_the_fact(trip, db.session)
