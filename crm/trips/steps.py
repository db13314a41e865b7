"""A trip's way from the plan to closed: which step is allowed when, and what it changes.

planned → applied (dates and a leader) → approved (the 批件 number) → travelling → returned
(the real return date: the passport and report deadlines start) → reported (the report
uploaded) → closed (passports back). The 公示 date and the passports' return are recorded
on the way; neither moves the status."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from crm.core.templating import lazy_local_date
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
