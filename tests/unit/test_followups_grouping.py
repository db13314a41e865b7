"""Follow-up grouping and the timeline's paging, without HTTP."""
from datetime import date, datetime

from crm.extensions import db
from crm.followups.queries import GROUP_KEYS, end_of_week, group_counts, group_rows, groups_rows
from crm.interactions.queries import timeline_of_partner

WEDNESDAY = date(2026, 11, 25)


def test_the_week_ends_on_sunday():
    assert end_of_week(WEDNESDAY) == date(2026, 11, 29)
    assert end_of_week(date(2026, 11, 29)) == date(2026, 11, 29)
    assert end_of_week(date(2026, 11, 30)) == date(2026, 12, 6)


def test_grouping_puts_overdue_first_and_the_partners_promises_apart(app, factory, make_user):
    me = make_user()
    entry = factory.interaction(factory.partner())
    rows = [
        ("late", date(2026, 11, 24), False),
        ("today", WEDNESDAY, False),
        ("sunday", date(2026, 11, 29), False),
        ("monday", date(2026, 11, 30), False),
        ("undated", None, False),
        ("theirs, late", date(2026, 11, 1), True),
    ]
    for title, due_on, theirs in rows:
        factory.follow_up(title=title, due_on=due_on, partner_commitment=theirs, assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="closed", due_on=date(2026, 11, 1), done=True, assignee_id=me.id, interaction_id=entry)
    with app.app_context():
        titles = {key: [f.title for f in group_rows(me.id, key, WEDNESDAY)] for key in GROUP_KEYS}
        assert titles == {
            "overdue": ["late"],
            "this-week": ["today", "sunday"],
            "later": ["monday", "undated"],
            "waiting": ["theirs, late"],
        }
        assert group_counts(me.id, WEDNESDAY) == {"overdue": 1, "this-week": 2, "later": 2, "waiting": 1}
        db.session.remove()


def test_a_group_shows_its_first_rows_and_counts_them_all_up_to_the_cap(app, factory, make_user):
    me = make_user()
    entry = factory.interaction(factory.partner())
    for day in range(5):
        factory.follow_up(title=f"late {day}", due_on=date(2026, 11, 1 + day), assignee_id=me.id, interaction_id=entry)
    with app.app_context():
        assert [f.title for f in group_rows(me.id, "overdue", WEDNESDAY, limit=2)] == ["late 0", "late 1"]
        assert group_counts(me.id, WEDNESDAY)["overdue"] == 5
        assert group_counts(me.id, WEDNESDAY, cap=3)["overdue"] == 4  # cap + 1: "more than 3"
        db.session.remove()


def test_several_groups_first_rows_come_each_in_their_group_soonest_first(app, factory, make_user):
    me, other = make_user(), make_user()
    entry = factory.interaction(factory.partner())
    for day in range(4):
        factory.follow_up(title=f"late {day}", due_on=date(2026, 11, 20 - day), assignee_id=me.id, interaction_id=entry)
    for day in (29, 26):
        factory.follow_up(title=f"this week {day}", due_on=date(2026, 11, day), assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="someone else's", due_on=date(2026, 11, 2), assignee_id=other.id, interaction_id=entry)
    with app.app_context():
        found = groups_rows(me.id, ("overdue", "this-week", "waiting"), WEDNESDAY, limit=3)
        assert {key: [f.title for f in rows] for key, rows in found.items()} == {
            "overdue": ["late 3", "late 2", "late 1"],
            "this-week": ["this week 26", "this week 29"],
            "waiting": [],
        }
        db.session.remove()


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
