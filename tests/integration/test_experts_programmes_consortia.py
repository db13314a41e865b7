"""Consortia, foreign experts and joint programmes through the web: created, shown, exported;
permits and approvals in their lead time appear on /renewals, in the digest and the calendar
feed, and leave only by a recorded decision."""
import io
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.auth.models import Role, User
from crm.consortia.models import Consortium, ConsortiumActivity, ConsortiumMember, MemberRole
from crm.core.dates import office_today
from crm.experts.models import ERASED_NAME, Expert, ExpertDocument, Permit, PermitDecision, PermitKind, Stay, StayTerm
from crm.extensions import db
from crm.programmes.models import Approval, ApprovalDecision, ApprovingAuthority, Enrolment, Programme, ProgrammeKind

TODAY = office_today()
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def post(client, auth, path, **data):
    return client.post(path, data={"csrf_token": auth.csrf("/account"), **data})


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def partners(factory):
    return {
        "stclair": factory.partner(name="St. Clair College", country="CA"),
        "ivy": factory.partner(name="Ivy Tech Community College", country="US"),
        "cqvc": factory.partner(name="Chongqing Vocational College", local_name="重庆职业学院", country="CN"),
    }


def make_expert(app, owner_id, expires_in_days, name="Anna Schmidt", kind=PermitKind.WORK, **fields):
    with app.app_context():
        expert = Expert(name=name, nationality="DE", owner_id=owner_id, **fields)
        stay = Stay(expert=expert, starts_on=date(2025, 9, 1), ends_on=date(2027, 7, 15), term=StayTerm.LONG)
        permit = Permit(expert=expert, kind=kind, number="W-1", expires_on=TODAY + timedelta(days=expires_in_days))
        db.session.add_all([expert, stay, permit])
        db.session.commit()
        return expert.id, permit.id


def make_programme(app, owner_id, partner_id, expires_in_days):
    with app.app_context():
        programme = Programme(name="Dual associate degree", kind=ProgrammeKind.SINO_FOREIGN, owner_id=owner_id,
                              majors="Mechanical Engineering\nFinance")
        from crm.partners.models import Partner
        programme.partners = [db.session.get(Partner, partner_id)]
        approval = Approval(programme=programme, authority=ApprovingAuthority.MUNICIPAL, number_issuer="PDE",
                            number_region="50", number_country="CA", number_level="2A", number_year=2015,
                            number_serial="1739", number_suffix="N", approved_on=date(2015, 6, 1),
                            expires_on=TODAY + timedelta(days=expires_in_days))
        db.session.add_all([programme, approval])
        db.session.commit()
        return programme.id, approval.id


# --- Consortia ---------------------------------------------------------------------------------


def test_staff_create_a_consortium_with_members_and_an_activity_and_export_its_yearly_report(app, client, auth, partners):
    auth.login()
    response = post(client, auth, "/consortia/new", name="Chongqing Vocational Education Consortium",
                    local_name="重庆高职教育国际合作联盟", led_by_us="y", founded_on="2018-05-10")
    assert response.status_code == 303
    consortium_path = response.headers["Location"]
    consortium_id = int(consortium_path.rsplit("/", 1)[1])
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", our_college="y", role="president",
                kind="college", joined_on="2018-05-10").status_code == 303
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners["cqvc"]),
                role="member", kind="college", joined_on="2019-01-01", contribution="Hosts the CNC training").status_code == 303
    with app.app_context():
        member_ids = db.session.scalars(select(ConsortiumMember.id).order_by(ConsortiumMember.id)).all()
    assert post(client, auth, f"/consortia/{consortium_id}/activities/new", kind="training", title="CNC teacher training",
                held_on="2025-06-03", place="Chongqing", members=[str(i) for i in member_ids],
                outcomes="24 teachers certified").status_code == 303
    page = client.get(consortium_path).text
    assert "President unit" in page and "Chongqing Vocational College" in page and "CNC teacher training" in page
    assert "Hosts the CNC training" in page and "24 teachers certified" in page
    workbook = load_workbook(io.BytesIO(client.get(f"/consortia/{consortium_id}/report.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Year")
    row_2025 = next(r for r in rows if r and r[0] == 2025)
    assert row_2025[header.index("Training")] == 1 and row_2025[header.index("Member participations")] == 2
    partner_page = client.get(f"/partners/{partners['cqvc']}/work").text
    assert "Chongqing Vocational Education Consortium" in partner_page


def test_a_member_needs_a_partner_or_our_college(app, client, auth):
    auth.login()
    consortium_id = int(post(client, auth, "/consortia/new", name="C", led_by_us="y").headers["Location"].rsplit("/", 1)[1])
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", role="member", kind="college").status_code == 422
    assert count(app, ConsortiumMember) == 0


def test_a_viewer_cannot_create_a_consortium(app, client, auth):
    auth.login(Role.VIEWER)
    assert post(client, auth, "/consortia/new", name="C", led_by_us="y").status_code == 403
    assert count(app, Consortium) == 0


def test_a_stale_consortium_edit_answers_409(app, client, auth):
    auth.login()
    consortium_id = int(post(client, auth, "/consortia/new", name="C", led_by_us="y").headers["Location"].rsplit("/", 1)[1])
    assert post(client, auth, f"/consortia/{consortium_id}/edit", name="C2", led_by_us="y", version="1").status_code == 303
    assert post(client, auth, f"/consortia/{consortium_id}/edit", name="C3", led_by_us="y", version="1").status_code == 409
    with app.app_context():
        assert db.session.get(Consortium, consortium_id).name == "C2"


# --- Experts -------------------------------------------------------------------------------------


def test_staff_create_an_expert_with_a_stay_and_permits(app, client, auth, partners):
    user = auth.login()
    response = post(client, auth, "/experts/new", name="Michael Brown", local_name="布朗", nationality="US",
                    partner_id=str(partners["ivy"]), subject="Business English", owner_id=str(user.id))
    assert response.status_code == 303
    expert_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert post(client, auth, f"/experts/{expert_id}/stays/new", starts_on="2026-09-01", ends_on="2027-07-10",
                term="long", host_faculty="School of Foreign Languages", review_result="extend").status_code == 303
    assert post(client, auth, f"/experts/{expert_id}/permits/new", kind="work", number="W5000123", category="B",
                issued_on="2026-08-01", expires_on="2027-07-31").status_code == 303
    assert post(client, auth, f"/experts/{expert_id}/permits/new", kind="residence",
                expires_on="2027-07-31").status_code == 303
    page = client.get(f"/experts/{expert_id}").text
    assert "Michael Brown" in page and "School of Foreign Languages" in page and "W5000123" in page
    assert "Recommended for extension" in page
    assert "Michael Brown" in client.get(f"/partners/{partners['ivy']}/work").text
    assert "Michael Brown" in client.get("/experts?q=布朗").text
    csv = client.get("/experts/export.csv").data.decode("utf-8-sig")
    assert "Michael Brown" in csv and "2027-07-31" in csv


def test_a_stay_that_ends_before_it_starts_is_refused(app, client, auth):
    user = auth.login()
    expert_id, _permit = make_expert(app, user.id, 400)
    response = post(client, auth, f"/experts/{expert_id}/stays/new", starts_on="2026-09-01", ends_on="2026-01-01", term="short")
    assert response.status_code == 422
    assert count(app, Stay) == 1


def test_the_passport_number_is_not_stored_unless_the_office_turns_it_on(app, client, auth):
    auth.login()
    post(client, auth, "/experts/new", name="A", nationality="AU", passport_number="PA1234567")
    app.config["STORE_PASSPORT_NUMBERS"] = True
    post(client, auth, "/experts/new", name="B", nationality="AU", passport_number="PB7654321")
    with app.app_context():
        numbers = dict(db.session.execute(select(Expert.name, Expert.passport_number)).all())
        assert numbers == {"A": None, "B": "PB7654321"}
        assert "PB7654321" not in " ".join(str(e.new) for e in db.session.scalars(select(AuditEntry)))


def test_an_expert_document_is_checked_stored_and_downloaded_as_an_attachment(app, client, auth):
    user = auth.login()
    expert_id, _permit = make_expert(app, user.id, 400)
    response = client.post(f"/experts/{expert_id}/documents", data={"csrf_token": auth.csrf("/account"),
                           "file": (io.BytesIO(PDF), "contract.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303
    refused = client.post(f"/experts/{expert_id}/documents", data={"csrf_token": auth.csrf("/account"),
                          "file": (io.BytesIO(b"<html>"), "x.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 422
    with app.app_context():
        document_id = db.session.scalar(select(ExpertDocument.id))
    download = client.get(f"/experts/documents/{document_id}")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")


def test_erasing_an_expert_keeps_the_stays_and_removes_the_person(app, client, auth):
    user = auth.login()
    expert_id, _permit = make_expert(app, user.id, 60, email="anna@example.de", notes="Lives in Jiangbei")
    client.post(f"/experts/{expert_id}/documents", data={"csrf_token": auth.csrf("/account"),
                "file": (io.BytesIO(PDF), "Anna Schmidt CV.pdf")}, content_type="multipart/form-data")
    post(client, auth, f"/experts/{expert_id}/edit", name="Anna Schmidt", nationality="DE", subject="Mechatronics", version="1")
    assert post(client, auth, f"/experts/{expert_id}/erase", version="2").status_code == 303
    with app.app_context():
        expert = db.session.get(Expert, expert_id)
        assert expert.name == ERASED_NAME and expert.email is None and expert.notes is None and expert.subject is None
        assert len(expert.stays) == 1 and expert.documents == []
        assert all(p.number is None for p in expert.permits)
        audit_text = " ".join(f"{e.old} {e.new}" for e in db.session.scalars(select(AuditEntry)))
        assert "Anna" not in audit_text and "Jiangbei" not in audit_text
    assert client.get(f"/experts/{expert_id}").status_code == 404
    assert not list((app.config["UPLOAD_FOLDER"] and __import__("pathlib").Path(app.config["UPLOAD_FOLDER"])).iterdir())


# --- Programmes ------------------------------------------------------------------------------------


def test_staff_create_a_programme_with_an_approval_and_enrolment(app, client, auth, partners):
    user = auth.login()
    response = post(client, auth, "/programmes/new", name="Sino-Canadian dual associate degree", kind="sino_foreign",
                    status="enrolling", partners=str(partners["stclair"]), majors="Mechanical Engineering\nFinance",
                    approved_intake="60", owner_id=str(user.id))
    assert response.status_code == 303
    programme_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert post(client, auth, f"/programmes/{programme_id}/approvals/new", authority="municipal",
                number="PDE50CA2A20151739N", approved_on="2015-06-01", expires_on="2029-08-31").status_code == 303
    assert post(client, auth, f"/programmes/{programme_id}/approvals/new", authority="municipal",
                number="not a number", approved_on="2015-06-01", expires_on="2029-08-31").status_code == 422
    assert post(client, auth, f"/programmes/{programme_id}/enrolment", year="2016", major="Finance", enrolled="30").status_code == 303
    assert post(client, auth, f"/programmes/{programme_id}/enrolment", year="2016", major="Mechanical Engineering", enrolled="30").status_code == 303
    assert post(client, auth, f"/programmes/{programme_id}/enrolment", year="2016", major="Finance", enrolled="31").status_code == 303
    with app.app_context():
        approval = db.session.scalar(select(Approval))
        assert (approval.number_issuer, approval.number_region, approval.number_country, approval.number_year) == ("PDE", "50", "CA", 2015)
        assert approval.number == "PDE50CA2A20151739N"
        assert sorted(db.session.execute(select(Enrolment.major, Enrolment.enrolled)).all()) == [("Finance", 31), ("Mechanical Engineering", 30)]
    page = client.get(f"/programmes/{programme_id}").text
    assert "PDE50CA2A20151739N" in page and "61" in page
    assert "Sino-Canadian dual associate degree" in client.get(f"/partners/{partners['stclair']}/work").text
    workbook = load_workbook(io.BytesIO(client.get("/programmes/export.xlsx").data))
    assert any("PDE50CA2A20151739N" in [str(v) for v in row] for row in workbook.active.iter_rows(values_only=True))


# --- Renewals: the page, the digest, the calendar feed, and leaving only by a decision ------------


def test_a_permit_and_an_approval_in_their_lead_time_are_on_the_renewals_page_until_decided(app, client, auth, partners):
    user = auth.login()
    expert_id, permit_id = make_expert(app, user.id, 60)              # act-by 30 days ago: overdue
    _far_expert, _far_permit = make_expert(app, user.id, 400, name="Far Away")
    programme_id, approval_id = make_programme(app, user.id, partners["stclair"], 200)  # act-by in 20 days
    page = client.get("/renewals").text
    assert "Anna Schmidt" in page and "Dual associate degree" in page and "Far Away" not in page

    renew = client.get(f"/experts/permits/{permit_id}/renew?next=renewals")
    assert renew.status_code == 200
    response = post(client, auth, f"/experts/permits/{permit_id}/renew?next=renewals", number="W-2", category="B",
                    issued_on=TODAY.isoformat(), expires_on=(TODAY + timedelta(days=730)).isoformat(), version="1")
    assert response.status_code == 303 and response.headers["Location"].endswith("/renewals")
    response = post(client, auth, f"/programmes/approvals/{approval_id}/end", decision_note="Winds down", version="1")
    assert response.status_code == 303
    page = client.get("/renewals").text
    assert "Anna Schmidt" not in page and "Dual associate degree" not in page
    with app.app_context():
        old = db.session.get(Permit, permit_id)
        assert old.decision == PermitDecision.RENEWED and old.successor.number == "W-2"
        assert db.session.get(Approval, approval_id).decision == ApprovalDecision.ENDED
    # A decided permit cannot be decided again.
    assert post(client, auth, f"/experts/permits/{permit_id}/end", decision_note="x", version="2").status_code == 409


def test_ending_a_permit_needs_a_reason(app, client, auth):
    user = auth.login()
    _expert, permit_id = make_expert(app, user.id, 60)
    assert post(client, auth, f"/experts/permits/{permit_id}/end", decision_note="", version="1").status_code == 422
    with app.app_context():
        assert db.session.get(Permit, permit_id).decision is None


def test_a_viewer_cannot_decide_on_a_permit(app, client, auth, make_user):
    owner = make_user(Role.STAFF)
    _expert, permit_id = make_expert(app, owner.id, 60)
    auth.login(Role.VIEWER)
    assert post(client, auth, f"/experts/permits/{permit_id}/end", decision_note="x", version="1").status_code == 403
    with app.app_context():
        assert db.session.get(Permit, permit_id).decision is None


def test_permits_and_approvals_due_reach_the_owners_digest_until_decided(app, client, auth, make_user, partners, caplog):
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei")
    make_expert(app, li.id, 60, name="Anna Schmidt")
    _programme, approval_id = make_programme(app, li.id, partners["stclair"], 170)
    app.config["MAIL_SERVER"] = None
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert "Work permit of Anna Schmidt" in caplog.text and "Approval of Dual associate degree" in caplog.text


def test_permits_and_approvals_enter_the_calendar_feed_and_leave_it_when_decided(app, client, auth, partners):
    user = auth.login()
    _expert, permit_id = make_expert(app, user.id, 120)
    _programme, approval_id = make_programme(app, user.id, partners["stclair"], 300)
    client.post("/account/calendar", data={"csrf_token": auth.csrf("/account")})
    with app.app_context():
        token = db.session.get(User, user.id).calendar_token

    def events():
        feed = Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
        return {str(e.get("summary")): e.decoded("dtstart") for e in feed.walk("VEVENT")}

    found = events()
    work = [title for title in found if title.startswith("Work permit of Anna Schmidt")]
    assert work and found[work[0]] == TODAY + timedelta(days=30)
    assert any(title.startswith("Approval of Dual associate degree") for title in found)
    post(client, auth, f"/experts/permits/{permit_id}/end", decision_note="Left China", version="1")
    assert not any("Anna Schmidt" in title for title in events())


# --- Reports -----------------------------------------------------------------------------------


def test_hosted_experts_and_enrolment_by_year_come_from_the_records(app, make_user, partners):
    from crm.experts.queries import hosted_experts_by_year
    from crm.programmes.queries import programme_enrolment_by_year

    owner = make_user()
    make_expert(app, owner.id, 400)   # a long-term stay 2025-09-01 to 2027-07-15
    programme_id, _approval = make_programme(app, owner.id, partners["stclair"], 400)
    with app.app_context():
        db.session.add(Enrolment(programme_id=programme_id, year=2016, major="Finance", enrolled=30))
        db.session.commit()
        rows = hosted_experts_by_year(2024, 2026)
        assert [(r.year, r.partner_id, r.country, r.short_or_long_term, r.count) for r in rows] == [
            (2025, None, "DE", StayTerm.LONG, 1), (2026, None, "DE", StayTerm.LONG, 1)]
        assert [r.year for r in hosted_experts_by_year(2024, 2026, academic=True)] == [2025, 2026]
        enrolment = programme_enrolment_by_year(2015, 2017)
        assert [(e.year, e.programme, e.partner_ids, e.major, e.enrolled) for e in enrolment] == [
            (2016, "Dual associate degree", (partners["stclair"],), "Finance", 30)]


def test_an_open_permit_and_approval_can_be_corrected_and_a_stale_correction_answers_409(app, client, auth, partners):
    user = auth.login()
    _expert, permit_id = make_expert(app, user.id, 400)
    _programme, approval_id = make_programme(app, user.id, partners["stclair"], 400)
    assert client.get(f"/experts/permits/{permit_id}/edit").status_code == 200
    new_expiry = (TODAY + timedelta(days=500)).isoformat()
    assert post(client, auth, f"/experts/permits/{permit_id}/edit", number="W-9", expires_on=new_expiry, version="1").status_code == 303
    assert post(client, auth, f"/experts/permits/{permit_id}/edit", number="W-8", expires_on=new_expiry, version="1").status_code == 409
    assert "PDE50CA2A20151739N" in client.get(f"/programmes/approvals/{approval_id}/edit").text
    assert post(client, auth, f"/programmes/approvals/{approval_id}/edit", authority="ministry", number="MOE50CA2A20151739N",
                approved_on="2015-06-01", expires_on=new_expiry, version="1").status_code == 303
    with app.app_context():
        assert db.session.get(Permit, permit_id).number == "W-9"
        assert db.session.get(Approval, approval_id).number_issuer == "MOE"


def test_archived_records_leave_the_lists_and_the_due_list_and_an_admin_restores_them(app, client, auth, make_user, partners):
    admin = auth.login(Role.ADMIN)
    expert_id, _permit = make_expert(app, admin.id, 60)
    programme_id, _approval = make_programme(app, admin.id, partners["stclair"], 100)
    assert post(client, auth, f"/experts/{expert_id}/archive", version="1").status_code == 303
    assert post(client, auth, f"/programmes/{programme_id}/archive", version="1").status_code == 303
    assert client.get(f"/experts/{expert_id}").status_code == 404
    page = client.get("/renewals").text
    assert "Anna Schmidt" not in page and "Dual associate degree" not in page
    assert "Anna Schmidt" in client.get("/experts?archived=1").text
    assert post(client, auth, f"/experts/{expert_id}/restore", version="2").status_code == 303
    assert post(client, auth, f"/programmes/{programme_id}/restore", version="2").status_code == 303
    assert "Anna Schmidt" in client.get("/renewals").text


def test_only_an_admin_sees_the_archived_experts(client, auth):
    auth.login(Role.STAFF)
    assert client.get("/experts?archived=1").status_code == 403
