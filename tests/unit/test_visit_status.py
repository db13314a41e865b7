"""A visit's status rules (crm/visits/queries.py): marked held once it has begun, and asked about
once its last day has come while it is still planned."""
from datetime import date

import pytest

from crm.visits.models import Visit, VisitStatus
from crm.visits.queries import may_mark_held, status_overdue

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("status, arrive, leave, held, overdue", [
    (VisitStatus.PLANNED, date(2026, 12, 10), date(2026, 12, 12), False, False),  # still to come
    (VisitStatus.PLANNED, TODAY, date(2026, 12, 2), True, False),  # under way
    (VisitStatus.PLANNED, date(2026, 11, 27), date(2026, 11, 29), True, True),  # over: held or cancelled?
    (VisitStatus.HELD, date(2026, 11, 27), date(2026, 11, 29), False, False),
    (VisitStatus.CANCELLED, date(2026, 11, 27), date(2026, 11, 29), False, False),
])
def test_a_planned_visit_is_marked_held_once_begun_and_asked_about_once_over(status, arrive, leave, held, overdue):
    visit = Visit(status=status, arrive_on=arrive, leave_on=leave)
    assert may_mark_held(visit, TODAY) is held
    assert status_overdue(visit, TODAY) is overdue


def test_a_new_visit_is_planned(app):
    from crm.extensions import db

    with app.app_context():
        visit = Visit(title="A delegation", arrive_on=TODAY, leave_on=TODAY)
        db.session.add(visit)
        db.session.flush()
        assert visit.status == VisitStatus.PLANNED and visit.status.label == "Planned"
