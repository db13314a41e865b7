""""Today" is the office's date (CRM_TIMEZONE), not the server's: at 18:00 UTC on 30 November
it is already 1 December, 02:00, in Chongqing, and the home page, /follow-ups, the reminder
digest and the renewals count that day (crm/core/dates.py, whose clock `_now` is frozen here)."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from crm.auth.models import Role
from crm.core import dates
from crm.core.dates import office_today
from crm.extensions import db
from crm.reminders.models import ReminderDigest

LATE_EVENING_UTC = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # 2026-12-01 02:00 in Asia/Shanghai
OFFICE_DAY = date(2026, 12, 1)
SERVER_DAY = date(2026, 11, 30)


@pytest.fixture
def late_evening(app, monkeypatch):
    """The process clock at 2026-11-30 18:00 UTC, the office in Asia/Shanghai."""
    monkeypatch.setattr(dates, "_now", lambda: LATE_EVENING_UTC)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"
    return app


@pytest.fixture
def desk(late_evening, factory, make_user):
    """Li Wei's desk that night: a follow-up due yesterday (office), one due today, a proposal's
    next step due today, an agreement whose decide-by date was yesterday."""
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei")
    partner = factory.partner(name="EBG Germany", country="DE", owner_id=li.id)
    entry = factory.interaction(partner, subject="Exam planning")
    factory.follow_up(title="Send the slides", assignee_id=li.id, interaction_id=entry, due_on=SERVER_DAY)
    factory.follow_up(title="Call the dean", assignee_id=li.id, interaction_id=entry, due_on=OFFICE_DAY)
    factory.proposal(partner, title="Dual degree", owner_id=li.id, next_step="Send the draft", next_step_on=OFFICE_DAY)
    factory.agreement([partner], title="EBG CNC training", owner_id=li.id,
                      valid_until=SERVER_DAY + timedelta(days=30), notice_days=30)  # decide by 30 November
    return li


def test_the_office_day_is_the_date_in_the_offices_zone_not_the_servers(late_evening, monkeypatch):
    with late_evening.app_context():
        assert dates.office_today() == OFFICE_DAY
        late_evening.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
        assert dates.office_today() == SERVER_DAY
        late_evening.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"
        monkeypatch.setattr(dates, "_now", lambda: datetime(2026, 11, 30, 15, 59, tzinfo=UTC))
        assert dates.office_today() == SERVER_DAY  # 23:59 in the office
    assert office_today() == SERVER_DAY  # outside an app context (the tests' dates): the configured default zone


def test_after_the_offices_midnight_the_home_page_counts_the_new_day(client, auth, desk):
    auth.login(user=desk)
    home = client.get("/").text
    overdue = home[home.index('id="my-overdue-heading"'):home.index('id="my-this-week-heading"')]
    this_week = home[home.index('id="my-this-week-heading"'):home.index('id="my-proposals"')]
    assert "Send the slides" in overdue and "Call the dean" not in overdue
    assert "Call the dean" in this_week
    assert "Next step due today: Send the draft" in home
    decisions = home[home.index('id="my-decisions"'):home.index('id="my-follow-ups"')]
    assert "EBG CNC training" in decisions and "<strong>overdue</strong>" in decisions


def test_after_the_offices_midnight_follow_ups_are_overdue_by_the_offices_date(client, auth, desk):
    auth.login(user=desk)
    page = client.get("/follow-ups").text
    overdue, this_week = re.split(r'<section class="app-section app-followup-group', page)[1:3]
    assert "Send the slides" in overdue and "Call the dean" in this_week
    counter = client.get("/follow-ups/overdue-count", headers={"HX-Request": "true", "HX-Target": "overdue-count"}).text
    assert re.search(r">\s*1\s*<", counter), counter


def test_the_early_morning_digest_is_for_the_offices_day(late_evening, desk, caplog):
    late_evening.config["MAIL_SERVER"] = None  # the digest goes to the log
    result = late_evening.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "Reminder digests for 2026-12-01: 1 sent" in result.output
    body = caplog.text
    assert "Send the slides" in body and "Call the dean" not in body  # overdue since 30 November, not due today
    decide = next(line for line in body.splitlines() if "Decide by" in line)
    assert "(overdue)" in decide
    with late_evening.app_context():
        assert db.session.query(ReminderDigest.sent_on).scalar() == OFFICE_DAY


def test_the_months_chart_counts_a_contact_after_the_offices_midnight_in_the_new_month(client, auth, factory, desk):
    factory.interaction(factory.partner(name="Holmesglen Institute", country="AU"), subject="Late call",
                        occurred_at=datetime(2026, 11, 30, 17, 0))  # 1 December, 01:00 in the office
    auth.login(user=desk)
    html = client.get("/home/office", headers={"HX-Request": "true", "HX-Target": "home-office"}).text
    assert "/history?date_from=2026-12-01&amp;date_to=2026-12-31" in html
    chart = html[html.index("Contacts logged per month"):]
    chart = chart[:chart.index("</table>")]
    last_row = re.findall(r'<tr><th scope="row">[^<]*</th><td>(\d+)</td></tr>', chart)[-1]
    assert last_row == "1"
