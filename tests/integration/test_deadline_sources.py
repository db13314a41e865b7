"""A registered deadline source (crm/core/deadlines.py) reaches the digest and the calendar feed."""
from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l
from icalendar import Calendar

from crm.auth.models import Role, User
from crm.core import deadlines
from crm.core.dates import office_today
from crm.core.deadlines import Deadline, deadline_source
from crm.extensions import db

TODAY = office_today()


@pytest.fixture
def permit_source(monkeypatch):
    monkeypatch.setattr(deadlines, "_sources", {})
    owed = []

    @deadline_source("test-permits")
    def source(owner_ids, today, horizon):
        return [d for d in owed if d.due_on <= horizon and (owner_ids is None or d.owner_id in owner_ids)]

    return owed


def test_a_deadline_due_within_two_weeks_enters_its_owners_digest(app, make_user, permit_source, caplog):
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei", locale="zh_CN")
    permit_source.append(Deadline("permit-1", TODAY + timedelta(days=3), _l("Due: %(title)s", title="Anna Schmidt"), "dashboard.home", owner_id=li.id))
    permit_source.append(Deadline("permit-2", TODAY + timedelta(days=60), _l("Due: %(title)s", title="Far away"), "dashboard.home", owner_id=li.id))
    app.config["MAIL_SERVER"] = None
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert "Anna Schmidt" in caplog.text and "Far away" not in caplog.text


def test_a_deadline_source_enters_the_owners_calendar_feed(app, client, auth, permit_source):
    user = auth.login()
    permit_source.append(Deadline("permit-7", TODAY + timedelta(days=100), _l("Due: %(title)s", title="Work permit"), "dashboard.home", owner_id=user.id))
    permit_source.append(Deadline("permit-8", TODAY + timedelta(days=100), _l("Due: %(title)s", title="Not mine"), "dashboard.home", owner_id=user.id + 1))
    client.post("/account/calendar", data={"csrf_token": auth.csrf("/account")})
    with app.app_context():
        token = db.session.get(User, user.id).calendar_token
    events = {str(e.get("summary")): e.decoded("dtstart") for e in Calendar.from_ical(client.get(f"/calendar/{token}.ics").data).walk("VEVENT")}
    assert events == {"Due: Work permit": TODAY + timedelta(days=100)}
