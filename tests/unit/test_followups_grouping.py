"""Follow-up grouping and the timeline's paging, without HTTP."""
from datetime import date, datetime

from crm.extensions import db
from crm.followups.models import FollowUp
from crm.followups.queries import end_of_week, grouped
from crm.interactions.queries import timeline_of_partner

WEDNESDAY = date(2026, 11, 25)


def test_the_week_ends_on_sunday():
    assert end_of_week(WEDNESDAY) == date(2026, 11, 29)
    assert end_of_week(date(2026, 11, 29)) == date(2026, 11, 29)
    assert end_of_week(date(2026, 11, 30)) == date(2026, 12, 6)


def test_grouping_puts_overdue_first_and_the_partners_promises_apart():
    rows = [
        FollowUp(title="late", due_on=date(2026, 11, 24)),
        FollowUp(title="today", due_on=WEDNESDAY),
        FollowUp(title="sunday", due_on=date(2026, 11, 29)),
        FollowUp(title="monday", due_on=date(2026, 11, 30)),
        FollowUp(title="undated"),
        FollowUp(title="theirs, late", due_on=date(2026, 11, 1), partner_commitment=True),
    ]
    groups = grouped(rows, WEDNESDAY)
    titles = lambda items: [f.title for f in items]  # noqa: E731
    assert titles(groups.overdue) == ["late"]
    assert titles(groups.this_week) == ["today", "sunday"]
    assert titles(groups.later) == ["monday", "undated"]
    assert titles(groups.waiting) == ["theirs, late"]
    assert groups.total == 6


def test_the_timeline_pages_back_through_entries_of_the_same_moment(app, factory):
    partner = factory.partner()
    same_moment = datetime(2026, 5, 1, 9)
    ids = [factory.interaction(partner, occurred_at=same_moment) for _ in range(5)]
    with app.app_context():
        first = timeline_of_partner(partner, limit=2)
        assert [e.id for e in first] == [ids[4], ids[3]] and first.older_than == ids[3]
        second = timeline_of_partner(partner, older_than=first.older_than, limit=2)
        assert [e.id for e in second] == [ids[2], ids[1]]
        last = timeline_of_partner(partner, older_than=second.older_than, limit=2)
        assert [e.id for e in last] == [ids[0]] and last.older_than is None
        db.session.remove()
