"""`flask reminders send` against a fake SMTP server on loopback, and the private calendar feed."""
import email
import socketserver
import threading
from datetime import date, timedelta
from email import policy

import pytest
from icalendar import Calendar

from crm.agreements.models import AgreementDecision
from crm.auth.models import Role, User
from crm.core.dates import office_today
from crm.extensions import db
from crm.reminders.models import ReminderDigest

TODAY = office_today()


class SMTPSink(socketserver.ThreadingTCPServer):
    """A minimal SMTP server that keeps every message it is given."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        super().__init__(("127.0.0.1", 0), SMTPHandler)


class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.messages.append(email.message_from_bytes(b"".join(lines), policy=policy.default))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


@pytest.fixture
def smtp_sink(app):
    sink = SMTPSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.server_address[1], MAIL_USE_TLS=False, MAIL_USERNAME=None)
    yield sink
    sink.shutdown()
    sink.server_close()


def in_window(**fields):
    return {"valid_until": TODAY + timedelta(days=40), "notice_days": 30} | fields


def test_each_owner_gets_one_digest_of_renewals_and_overdue_follow_ups_once_a_day(app, make_user, factory, smtp_sink):
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei")
    chen = make_user(Role.STAFF, email="chen@cqipc.edu.cn", name="Chen Jing")
    make_user(Role.STAFF, email="idle@cqipc.edu.cn")
    partner = factory.partner(name="EBG")
    factory.agreement([partner], title="EBG CNC training", owner_id=li.id, **in_window())
    factory.agreement([partner], title="Lapsing <one>", owner_id=li.id, decision=AgreementDecision.LAPSE, **in_window())
    factory.agreement([partner], title="Far away", owner_id=li.id, valid_until=TODAY + timedelta(days=900))
    factory.follow_up(title="Send the draft renewal", assignee_id=chen.id, due_on=TODAY - timedelta(days=2), agreement_id=1)
    factory.follow_up(title="Not yet due", assignee_id=chen.id, due_on=TODAY + timedelta(days=2), agreement_id=1)
    # what the partner promised waits on the partner: not our overdue follow-up (as on home and /follow-ups)
    factory.follow_up(title="EBG sends the certificates", assignee_id=chen.id, due_on=TODAY - timedelta(days=3), agreement_id=1,
                      partner_commitment=True)

    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output
    by_recipient = {m["To"]: m for m in smtp_sink.messages}
    assert set(by_recipient) == {"Li Wei <li.wei@cqipc.edu.cn>", "Chen Jing <chen@cqipc.edu.cn>"}
    li_body = by_recipient["Li Wei <li.wei@cqipc.edu.cn>"].get_content()
    assert "EBG CNC training" in li_body and "Lapsing" not in li_body and "Far away" not in li_body
    chen_body = by_recipient["Chen Jing <chen@cqipc.edu.cn>"].get_content()
    assert "Send the draft renewal" in chen_body and "Not yet due" not in chen_body
    assert "EBG sends the certificates" not in chen_body and "1 overdue follow-up" in by_recipient["Chen Jing <chen@cqipc.edu.cn>"]["Subject"]

    again = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert again.exit_code == 0 and "0 sent, 2 already sent today" in again.output
    assert len(smtp_sink.messages) == 2
    with app.app_context():
        assert db.session.query(ReminderDigest).count() == 2


def test_without_mail_server_the_digest_goes_to_the_log(app, make_user, factory, caplog):
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei")
    factory.agreement(title="EBG CNC training", owner_id=li.id, **in_window())
    app.config["MAIL_SERVER"] = None
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert "EBG CNC training" in caplog.text and "li.wei@cqipc.edu.cn" in caplog.text


def test_a_refused_connection_is_reported_and_not_remembered_as_sent(app, make_user, factory):
    li = make_user(Role.STAFF)
    factory.agreement(owner_id=li.id, **in_window())
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 1 and "1 failed" in result.output
    with app.app_context():
        assert db.session.query(ReminderDigest).count() == 0


# --- The calendar feed ----------------------------------------------------------------------


def test_the_calendar_feed_holds_act_by_end_and_due_dates_and_needs_no_login(app, client, auth, factory):
    user = auth.login()
    partner = factory.partner(name="Hiroshima University")
    agreement_id = factory.agreement([partner], title="Exchange", owner_id=user.id, valid_until=date(2027, 8, 31), notice_days=90)
    factory.agreement([partner], title="Someone else's", valid_until=date(2027, 8, 31))
    factory.follow_up(title="Book the delegation's hotel", assignee_id=user.id, due_on=date(2026, 12, 5), agreement_id=agreement_id)
    factory.follow_up(title="Done already", assignee_id=user.id, due_on=date(2026, 12, 6), done=True, agreement_id=agreement_id)

    assert client.post("/account/calendar", data={"csrf_token": auth.csrf("/account")}).status_code == 303
    with app.app_context():
        token = db.session.get(User, user.id).calendar_token
    assert token and token in client.get("/account").text

    anonymous = app.test_client()
    response = anonymous.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e.get("summary")): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events == {
        "Decide by: Exchange": date(2027, 6, 2),
        "Agreement ends: Exchange": date(2027, 8, 31),
        "Due: Book the delegation's hotel": date(2026, 12, 5),
    }


def test_a_new_calendar_address_replaces_the_old_one_and_turning_it_off_revokes_it(app, client, auth):
    user = auth.login()
    client.post("/account/calendar", data={"csrf_token": auth.csrf("/account")})
    with app.app_context():
        first = db.session.get(User, user.id).calendar_token
    client.post("/account/calendar", data={"csrf_token": auth.csrf("/account")})
    with app.app_context():
        second = db.session.get(User, user.id).calendar_token
    anonymous = app.test_client()
    assert first != second
    assert anonymous.get(f"/calendar/{first}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{second}.ics").status_code == 200
    client.post("/account/calendar/off", data={"csrf_token": auth.csrf("/account")})
    assert anonymous.get(f"/calendar/{second}.ics").status_code == 404


@pytest.mark.parametrize("token", ["nope", "x" * 43, "'; DROP TABLE user;--" + "a" * 20, "%00" * 10])
def test_unknown_calendar_tokens_answer_404(client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_users_calendar_stops_working(app, client, auth):
    user = auth.login()
    client.post("/account/calendar", data={"csrf_token": auth.csrf("/account")})
    with app.app_context():
        record = db.session.get(User, user.id)
        token = record.calendar_token
        record.active = False
        db.session.commit()
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_changing_the_calendar_address_needs_the_csrf_token(app, client, auth):
    user = auth.login()
    assert client.post("/account/calendar").status_code == 400
    with app.app_context():
        assert db.session.get(User, user.id).calendar_token is None


def test_a_chinese_users_digest_is_entirely_in_chinese_with_links_to_each_item(app, make_user, factory, smtp_sink):
    from crm.agreements.models import Agreement

    app.config["BASE_URL"] = "https://crm.cqipc.edu.cn/"
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="李伟", locale="zh_CN")
    partner = factory.partner(name="EBG")
    agreement_id = factory.agreement([partner], title="EBG CNC training", owner_id=li.id, **in_window())
    proposal_id = factory.proposal(partner, title="Robotics summer school")
    factory.follow_up(title="Send the draft renewal", assignee_id=li.id, due_on=TODAY - timedelta(days=2), agreement_id=agreement_id)
    factory.follow_up(title="Call Dr. Braun", assignee_id=li.id, due_on=TODAY - timedelta(days=3), proposal_id=proposal_id)

    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    (message,) = smtp_sink.messages
    body = message.get_content()
    import re

    words = re.sub(r"https://\S+", "", body)  # the links are addresses, not words
    english = ["Hello", "Overdue", "follow-up", "Agreements", "Decide by", "act by", "due ", "valid until", "Open Partner CRM", "Department"]
    assert not [word for word in english if word.lower() in words.lower()], body
    assert "李伟" in body and "续签决定截止日" in body and "国际交流与合作处" in body
    # Chinese brackets follow the title directly, as on every other line (not "renewal （截止 …）")
    assert "Send the draft renewal（截止 " in body and " （" not in body
    with app.app_context():
        act_by = db.session.get(Agreement, agreement_id).act_by
    assert f"{act_by.year}年{act_by.month}月{act_by.day}日" in body
    assert f"https://crm.cqipc.edu.cn/agreements/{agreement_id}" in body
    assert f"https://crm.cqipc.edu.cn/proposals/{proposal_id}" in body
    assert "合作伙伴" in message["Subject"] or "协议" in message["Subject"]


def test_without_base_url_the_digest_has_no_links_and_the_command_says_so(app, make_user, factory, smtp_sink):
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei")
    factory.agreement(title="EBG CNC training", owner_id=li.id, **in_window())
    app.config["BASE_URL"] = None
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "BASE_URL" in result.output
    (message,) = smtp_sink.messages
    assert "http" not in message.get_content()
