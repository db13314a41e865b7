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


def test_a_unit_in_two_roles_takes_part_once_in_the_yearly_report(app, client, auth, partners):
    """Our college is president unit and secretariat: an activity it took part in under both
    memberships lists it once on the page, and the report counts it once, as it counts members."""
    auth.login()
    consortium_id = int(post(client, auth, "/consortia/new", name="C", led_by_us="y").headers["Location"].rsplit("/", 1)[1])
    for role in ("president", "secretariat"):
        assert post(client, auth, f"/consortia/{consortium_id}/members/new", our_college="y", role=role,
                    kind="college", joined_on="2018-05-10").status_code == 303
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners["cqvc"]),
                role="member", kind="college", joined_on="2019-01-01").status_code == 303
    with app.app_context():
        member_ids = db.session.scalars(select(ConsortiumMember.id)).all()
    assert post(client, auth, f"/consortia/{consortium_id}/activities/new", kind="meeting", title="Annual council",
                held_on="2025-01-16", members=[str(i) for i in member_ids]).status_code == 303
    rows = list(load_workbook(io.BytesIO(client.get(f"/consortia/{consortium_id}/report.xlsx").data)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Year")
    row_2025 = next(r for r in rows if r and r[0] == 2025)
    assert row_2025[header.index("Member participations")] == 2
    assert row_2025[header.index("Members at the year's end")] == 2


def test_a_member_joining_later_is_shown_but_not_counted_until_it_joins(app, client, auth, partners):
    """The page, its counts and the yearly report read one rule: a member from the day it joins."""
    auth.login()
    consortium_id = int(post(client, auth, "/consortia/new", name="C", led_by_us="y").headers["Location"].rsplit("/", 1)[1])
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", our_college="y", role="president",
                kind="college", joined_on="2018-05-10").status_code == 303
    joins_on = TODAY.replace(year=TODAY.year + 1, month=1, day=1)
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners["ivy"]),
                role="member", kind="college", joined_on=joins_on.isoformat()).status_code == 303
    page = client.get(f"/consortia/{consortium_id}").text
    members = page[page.index('id="members-heading"'):page.index('id="activities-heading"')]
    assert 'aria-label="Member unit"' not in members  # no table of member units: Ivy Tech has not joined yet
    assert "Joining later" in members and "Ivy Tech Community College" in members
    assert 'Members <span class="badge text-bg-light">1</span>' in members
    rows = list(load_workbook(io.BytesIO(client.get(f"/consortia/{consortium_id}/report.xlsx").data)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Year")
    at_end = {r[0]: r[header.index("Members at the year's end")] for r in rows if r and isinstance(r[0], int)}
    assert at_end[TODAY.year] == 1 and at_end[joins_on.year] == 2
    # the coming membership is one: the same partner cannot be added again in that role
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners["ivy"]),
                role="member", kind="college").status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsortiumMember)) == 2


def test_an_activity_entered_after_the_fact_names_the_members_of_its_day(app, client, auth, partners):
    """A member that has left since is offered (last year's council is entered today); one that
    was not a member on the activity's day is refused with its name."""
    auth.login()
    consortium_id = int(post(client, auth, "/consortia/new", name="C", led_by_us="y").headers["Location"].rsplit("/", 1)[1])
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners["ivy"]), role="member",
                kind="college", joined_on="2018-01-01", left_on="2024-12-31").status_code == 303
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners["cqvc"]), role="member",
                kind="college", joined_on="2019-01-01").status_code == 303
    with app.app_context():
        ivy, cqvc = db.session.scalars(select(ConsortiumMember.id).order_by(ConsortiumMember.id)).all()
    form = client.get(f"/consortia/{consortium_id}/activities/new").text
    assert f'value="{ivy}"' in form and "left 31 Dec 2024" in form
    assert post(client, auth, f"/consortia/{consortium_id}/activities/new", kind="meeting", title="Council 2024",
                held_on="2024-06-01", members=[str(ivy), str(cqvc)]).status_code == 303
    refused = post(client, auth, f"/consortia/{consortium_id}/activities/new", kind="meeting", title="Council 2025",
                   held_on="2025-03-01", members=[str(ivy), str(cqvc)])
    assert refused.status_code == 422 and "Not a member on the day of the activity: Ivy Tech Community College." in refused.text
    early = post(client, auth, f"/consortia/{consortium_id}/activities/new", kind="meeting", title="Council 2018",
                 held_on="2018-06-01", members=[str(cqvc)])
    assert early.status_code == 422 and "Chongqing Vocational College" in early.text
    with app.app_context():
        assert db.session.scalars(select(ConsortiumActivity.title)).all() == ["Council 2024"]


def test_the_partner_page_says_when_a_membership_ends_or_begins_in_the_right_tense(app, client, auth, partners):
    auth.login()
    consortium_id = int(post(client, auth, "/consortia/new", name="C", led_by_us="y").headers["Location"].rsplit("/", 1)[1])
    later = TODAY.replace(year=TODAY.year + 1, month=6, day=30)
    for partner, joined_on, left_on in (("ivy", "2018-01-01", later.isoformat()), ("stclair", "2018-01-01", "2024-12-31"),
                                        ("cqvc", later.isoformat(), "")):
        assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners[partner]), role="member",
                    kind="college", joined_on=joined_on, left_on=left_on).status_code == 303
    with app.test_request_context():
        from crm.core.templating import local_date
        later_text = local_date(later)
    assert f"leaves {later_text}" in client.get(f"/partners/{partners['ivy']}/work").text
    assert "left 31 Dec 2024" in client.get(f"/partners/{partners['stclair']}/work").text
    assert f"joins {later_text}" in client.get(f"/partners/{partners['cqvc']}/work").text


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
    # the latest stay was one text "2026-09-01 – 2027-07-10" (ISO dates in a Chinese workbook): two real dates
    sheet = load_workbook(io.BytesIO(client.get("/experts/export.xlsx").data)).worksheets[0]
    titles = [cell.value for cell in sheet[1]]
    row = dict(zip(titles, [cell.value for cell in sheet[2]]))
    assert row["Arrives on"].date() == date(2026, 9, 1) and row["Leaves on"].date() == date(2027, 7, 10)


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
    reversed_period = post(client, auth, f"/programmes/{programme_id}/approvals/new", authority="municipal", number="PDE50CA2A20151740N",
                           approved_on="2015-06-01", valid_from="2030-09-01", expires_on="2029-08-31")
    assert reversed_period.status_code == 422 and "Valid until cannot be before valid from." in reversed_period.text
    assert post(client, auth, f"/programmes/{programme_id}/enrolment", year="2016", major="Finance", enrolled="30").status_code == 303
    assert post(client, auth, f"/programmes/{programme_id}/enrolment", year="2016", major="Mechanical Engineering", enrolled="30").status_code == 303
    # a correction: the page first shows the figure it replaces (409, nothing written), then replaces it
    shown = post(client, auth, f"/programmes/{programme_id}/enrolment", year="2016", major="Finance", enrolled="31")
    assert shown.status_code == 409 and "30 students are recorded already" in shown.text
    assert post(client, auth, f"/programmes/{programme_id}/enrolment", year="2016", major="Finance", enrolled="31",
                replaces="1").status_code == 303
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


def test_an_enrolment_figure_changed_meanwhile_is_not_overwritten(app, client, auth, partners):
    """Two colleagues correct the same intake: the second, who saw the first figure, gets 409 and
    the new figure, and nothing is overwritten until they save again."""
    user = auth.login()
    programme_id, _approval = make_programme(app, user.id, partners["stclair"], 400)
    path = f"/programmes/{programme_id}/enrolment"
    assert post(client, auth, path, year="2025", major="Finance", enrolled="27").status_code == 303
    assert 'name="replaces" type="hidden" value="1"' in post(client, auth, path, year="2025", major="Finance", enrolled="28").text
    assert post(client, auth, path, year="2025", major="Finance", enrolled="29", replaces="1").status_code == 303  # the first colleague
    stale = post(client, auth, path, year="2025", major="Finance", enrolled="28", replaces="1")            # the second, on the old figure
    assert stale.status_code == 409 and "29 students are recorded already" in stale.text
    with app.app_context():
        assert db.session.scalar(select(Enrolment.enrolled)) == 29
    assert post(client, auth, path, year="2025", major="Finance", enrolled="28", replaces="x").status_code == 422


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


def test_a_permit_is_overdue_only_once_its_filing_window_has_closed(app, client, auth):
    """Extensions are filed from 3 months to 45 days before expiry: a permit 60 days from expiry
    was listed as "Overdue: the extension should have been filed" with a file-by date a month past,
    while the office could still file for two weeks."""
    from crm.core.templating import local_date

    user = auth.login()
    make_expert(app, user.id, 60, name="In The Window")
    make_expert(app, user.id, 40, name="Too Late")
    expert_id, _permit = make_expert(app, user.id, 120, name="Not Yet Open")
    page = client.get("/renewals").text
    overdue, soon, later = (page.index(f'id="due-{key}"') for key in ("overdue", "within-30", "within-90"))
    assert overdue < page.index("Too Late") < soon < page.index("In The Window") < later < page.index("Not Yet Open")
    with app.test_request_context():
        last_day = local_date(TODAY + timedelta(days=60 - 45))
        opens = local_date(TODAY + timedelta(days=120 - 90))
    assert last_day in page and f"not before {opens}" in page
    expert = client.get(f"/experts/{expert_id}").text
    assert f"not before {opens}" in expert


def test_the_home_page_and_the_digest_call_a_permit_overdue_only_once_its_window_has_closed(app, client, auth, caplog):
    """The renewals page and the expert's page give a permit 60 days from expiry two more weeks to
    file; the home page and the digest called it overdue from the day its filing window opened."""
    user = auth.login()
    make_expert(app, user.id, 60, name="In The Window")
    make_expert(app, user.id, 40, name="Too Late")
    watch = client.get("/home/watch").text
    lines = {name: next(li for li in watch.split("<li")[1:] if name in li) for name in ("In The Window", "Too Late")}
    assert "overdue" not in lines["In The Window"] and "app-overdue-text" not in lines["In The Window"]
    assert "overdue" in lines["Too Late"]
    app.config["MAIL_SERVER"] = None
    assert app.test_cli_runner().invoke(args=["reminders", "send"]).exit_code == 0
    window = [line for line in caplog.text.splitlines() if "In The Window: file the extension" in line]
    assert window and not any("overdue" in line for line in window)


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


def test_the_digest_links_each_other_deadline_to_its_page(app, make_user, partners, caplog):
    """Agreements and follow-ups in the digest had their links, permits and approvals none."""
    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei")
    expert_id, _permit = make_expert(app, li.id, 60, name="Anna Schmidt")
    programme_id, _approval = make_programme(app, li.id, partners["stclair"], 170)
    app.config.update(MAIL_SERVER=None, BASE_URL="https://crm.example.edu.cn")
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert f"https://crm.example.edu.cn/experts/{expert_id}#permits" in caplog.text
    assert f"https://crm.example.edu.cn/programmes/{programme_id}" in caplog.text


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


@pytest.mark.parametrize(("now", "intake"), [("2027-03-15", 2026), ("2026-08-31", 2025), ("2026-09-01", 2026)])
def test_the_enrolment_form_offers_the_latest_intake_year(app, client, auth, partners, monkeypatch, now, intake):
    """In March 2027 it offered 2027, an intake that starts only in September 2027."""
    from datetime import UTC, datetime

    from crm.core import dates

    user = auth.login()
    programme_id, _approval = make_programme(app, user.id, partners["stclair"], 300)
    monkeypatch.setattr(dates, "_now", lambda: datetime.fromisoformat(now).replace(hour=4, tzinfo=UTC))
    page = client.get(f"/programmes/{programme_id}/enrolment").text
    assert f'name="year" required type="number" value="{intake}"' in page


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


def test_an_approvals_and_a_members_pages_show_their_change_history_by_names_in_chinese(app, client, auth, make_user, partners):
    """Who changed this expiry or this leaving date? The edit pages show the record's history:
    the programme and the consortium by name, under their own field names (a delegation's
    programme of the day, 日程安排, is another word)."""
    user = auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    _programme, approval_id = make_programme(app, user.id, partners["stclair"], 400)
    renewed = post(client, auth, f"/programmes/approvals/{approval_id}/renew", authority="municipal",
                   number="PDE50CA2A20261739N", approved_on=TODAY.isoformat(),
                   expires_on=(TODAY + timedelta(days=2000)).isoformat(), version="1")
    assert renewed.status_code == 303
    with app.app_context():
        new_id = db.session.scalar(select(Approval.id).where(Approval.predecessor_id == approval_id))
    page = client.get(f"/programmes/approvals/{new_id}/edit").text
    history = page[page.index('id="history-heading"'):]
    assert "日程安排" not in history and "续签的原协议" not in history
    assert "中外合作办学项目" in history and "Dual associate degree" in history and "PDE50CA2A20151739N" not in history
    consortium_id = int(post(client, auth, "/consortia/new", name="Chongqing Consortium", led_by_us="y").headers["Location"].rsplit("/", 1)[1])
    assert post(client, auth, f"/consortia/{consortium_id}/members/new", partner_id=str(partners["ivy"]), role="member",
                kind="college", joined_on="2020-01-01").status_code == 303
    with app.app_context():
        member_id = db.session.scalar(select(ConsortiumMember.id))
    assert post(client, auth, f"/consortia/members/{member_id}/edit", role="member", kind="college",
                joined_on="2020-01-01", left_on="2025-12-31", version="1").status_code == 303
    history = client.get(f"/consortia/members/{member_id}/edit").text.split('id="history-heading"')[1]
    assert "退出日期" in history and "2025年12月31日" in history and "Chongqing Consortium" in history


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
