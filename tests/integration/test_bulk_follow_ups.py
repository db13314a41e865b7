"""Bulk changes on /follow-ups: done or reassign together, confirmed by count, one transaction."""
import re
from datetime import timedelta

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp

TODAY = office_today()


def _confirm_fields(html: str) -> dict:
    form = html[html.index('class="app-section app-bulk-confirm"'):]
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form):
        data.setdefault(name, []).append(value)
    return data


def test_staff_mark_the_chosen_follow_ups_done_after_confirming_the_count(app, client, auth, factory):
    me = auth.login(Role.STAFF)
    entry = factory.interaction(factory.partner())
    ids = [factory.follow_up(title=f"Task {n}", assignee_id=me.id, interaction_id=entry, due_on=TODAY - timedelta(days=n)) for n in range(4)]
    page = client.get("/follow-ups").text
    assert 'id="follow-up-bulk"' in page and page.count('form="follow-up-bulk"') == 4
    token = auth.csrf("/follow-ups")
    confirm = client.post("/follow-ups/bulk", data={"csrf_token": token, "ids": ids[:3], "action": "done"})
    assert confirm.status_code == 200 and "Mark 3 follow-ups done?" in confirm.text
    done = client.post("/follow-ups/bulk", data=_confirm_fields(confirm.text))
    assert done.status_code == 303 and done.headers["Location"] == "/follow-ups"
    with app.app_context():
        assert [db.session.get(FollowUp, i).done for i in ids] == [True, True, True, False]


def test_an_admin_reassigns_all_of_everyones_overdue_follow_ups(app, client, auth, factory, make_user):
    admin = auth.login(Role.ADMIN)
    staff = make_user(Role.STAFF, name="Taker")
    other = make_user(Role.STAFF, name="Other")
    entry = factory.interaction(factory.partner())
    overdue = [factory.follow_up(title=f"Late {n}", assignee_id=other.id, interaction_id=entry, due_on=TODAY - timedelta(days=1 + n)) for n in range(3)]
    later = factory.follow_up(title="Later", assignee_id=other.id, interaction_id=entry, due_on=TODAY + timedelta(days=30))
    token = auth.csrf("/follow-ups")
    page = client.get("/follow-ups?assignee=all&due=overdue").text
    assert 'action="/follow-ups/bulk?assignee=all&amp;due=overdue"' in page and "All 3 listed here" in page
    confirm = client.post("/follow-ups/bulk?assignee=all&due=overdue",
                          data={"csrf_token": token, "all_matching": "y", "action": "reassign", "assignee_id": staff.id})
    assert "Give 3 follow-ups to Taker?" in confirm.text
    assert client.post("/follow-ups/bulk?assignee=all&due=overdue", data=_confirm_fields(confirm.text)).status_code == 303
    with app.app_context():
        assert all(db.session.get(FollowUp, i).assignee_id == staff.id for i in overdue)
        assert db.session.get(FollowUp, later).assignee_id == other.id


def test_a_follow_up_changed_since_the_confirmation_makes_it_409(app, client, auth, factory):
    me = auth.login(Role.STAFF)
    entry = factory.interaction(factory.partner())
    ids = [factory.follow_up(title=f"Task {n}", assignee_id=me.id, interaction_id=entry) for n in range(2)]
    token = auth.csrf("/follow-ups")
    confirm = client.post("/follow-ups/bulk", data={"csrf_token": token, "ids": ids, "action": "done"})
    with app.app_context():
        db.session.get(FollowUp, ids[0]).title = "Changed meanwhile"
        db.session.commit()
    response = client.post("/follow-ups/bulk", data=_confirm_fields(confirm.text))
    assert response.status_code == 409
    with app.app_context():
        assert not any(db.session.get(FollowUp, i).done for i in ids)


def test_viewers_get_no_checkboxes_and_a_403(app, client, auth, factory):
    me = auth.login(Role.VIEWER)
    follow_up = factory.follow_up(assignee_id=me.id, interaction_id=factory.interaction(factory.partner()))
    assert 'name="ids"' not in client.get("/follow-ups").text
    token = auth.csrf("/follow-ups")
    assert client.post("/follow-ups/bulk", data={"csrf_token": token, "ids": [follow_up], "action": "done"}).status_code == 403
    with app.app_context():
        assert not db.session.get(FollowUp, follow_up).done


def test_with_no_follow_up_listed_the_page_offers_no_bulk_change(client, auth):
    auth.login(Role.STAFF)
    page = client.get("/follow-ups").text
    assert 'id="follow-up-bulk"' not in page and "Nothing here." in page
