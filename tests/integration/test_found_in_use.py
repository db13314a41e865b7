"""Bugs found by using the app as the office's staff do, each with the test that would have
caught it (what a user saw is in each test's name)."""
import re
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.experts.models import Expert, Permit, PermitKind
from crm.extensions import db
from crm.programmes.models import Approval, ApprovingAuthority, Programme, ProgrammeKind

TODAY = office_today()
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_a_permit_and_an_approval_due_show_their_expiry_in_the_users_date_format(app, client, auth, make_user, factory):
    user = auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    expires = TODAY + timedelta(days=60)
    partner = factory.partner(name="St. Clair College", country="CA")
    with app.app_context():
        expert = Expert(name="Anna Schmidt", nationality="DE", owner_id=user.id)
        permit = Permit(expert=expert, kind=PermitKind.WORK, number="W-1", expires_on=expires)
        programme = Programme(name="Dual associate degree", kind=ProgrammeKind.SINO_FOREIGN, owner_id=user.id)
        approval = Approval(programme=programme, authority=ApprovingAuthority.MUNICIPAL, number_issuer="PDE",
                            number_region="50", number_country="CA", number_level="2A", number_year=2015,
                            number_serial="1739", number_suffix="N", approved_on=date(2015, 6, 1), expires_on=expires)
        db.session.add_all([expert, permit, programme, approval])
        db.session.commit()
    page = client.get("/home/watch").text
    lines = [line for line in page.splitlines() if "Anna Schmidt" in line or "Dual associate degree" in line]
    assert lines, page
    text = " ".join(lines)
    assert _chinese_date(expires) in text
    assert not ISO_DATE.search(text), text


def test_adding_a_trip_member_without_a_staff_member_or_a_name_asks_for_one_instead_of_an_error_page(app, client, auth, factory):
    from crm.trips.models import Trip, TripMember

    auth.login()
    with app.app_context():
        trip = Trip(title="Delegation to BSK", year=TODAY.year, country="DE")
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
    token = auth.csrf(f"/trips/{trip_id}")
    for name in ("", "   "):
        response = client.post(f"/trips/{trip_id}/members", data={"csrf_token": token, "user_id": "", "name": name, "position": "Teacher"})
        assert response.status_code == 422
        assert "Choose a staff member or type a name." in response.text
        assert 'value="Teacher"' in response.text  # what was typed comes back
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TripMember)) == 0


def _travelling_trip(app, **fields):
    from crm.trips.models import Trip, TripStatus

    with app.app_context():
        trip = Trip(title="Delegation to BSK", year=2026, country="DE", status=TripStatus.TRAVELLING,
                    depart_on=date(2026, 9, 21), return_on=date(2026, 9, 30), **fields)
        db.session.add(trip)
        db.session.commit()
        return trip.id, trip.version


def test_recording_a_return_before_the_departure_is_refused_with_a_message(app, client, auth):
    from crm.trips.models import Trip, TripStatus

    auth.login()
    trip_id, version = _travelling_trip(app)
    token = auth.csrf(f"/trips/{trip_id}")
    response = client.post(f"/trips/{trip_id}/return", data={"csrf_token": token, "version": version, "return_on": "2026-09-12"})
    assert response.status_code == 422
    assert "The return cannot be before the departure." in response.text
    response = client.post(f"/trips/{trip_id}/return", data={"csrf_token": token, "version": version, "return_on": "2026-09-31"})
    assert response.status_code == 422
    with app.app_context():
        trip = db.session.get(Trip, trip_id)
        assert trip.status == TripStatus.TRAVELLING and trip.return_on == date(2026, 9, 30) and trip.version == version


def test_passports_returned_before_the_delegation_came_back_are_refused_with_a_message(app, client, auth):
    from crm.trips.models import Trip, TripStatus

    auth.login()
    trip_id, version = _travelling_trip(app)
    with app.app_context():
        trip = db.session.get(Trip, trip_id)
        trip.status = TripStatus.RETURNED
        db.session.commit()
        version = trip.version
    token = auth.csrf(f"/trips/{trip_id}")
    response = client.post(f"/trips/{trip_id}/passports", data={"csrf_token": token, "version": version, "passports_returned_on": "2026-09-01"})
    assert response.status_code == 422
    assert "The passports cannot come back before the return." in response.text
    for impossible in ("2026-02-30", "soon"):
        response = client.post(f"/trips/{trip_id}/passports", data={"csrf_token": token, "version": version, "passports_returned_on": impossible})
        assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Trip, trip_id).passports_returned_on is None
    response = client.post(f"/trips/{trip_id}/passports", data={"csrf_token": token, "version": version, "passports_returned_on": "2026-09-30"})
    assert response.status_code == 303


def test_a_trips_days_are_counted_from_its_dates_once_they_are_known(app, client, auth):
    """The plan's typed days and the dates said two things: 17-26 Nov shown as "(3 days)"."""
    from crm.trips.models import Trip

    auth.login()
    with app.app_context():
        trip = Trip(title="Delegation to BSK", year=2026, country="DE", days=3,
                    depart_on=date(2026, 11, 17), return_on=date(2026, 11, 26))
        planned = Trip(title="Teacher training at Holmesglen", year=2026, country="AU", days=14)
        db.session.add_all([trip, planned])
        db.session.commit()
        trip_id = trip.id
    for path in (f"/trips/{trip_id}", f"/trips/{trip_id}/print"):
        page = client.get(path).text
        assert "(10 days)" in page and "(3 days)" not in page, path
    plan = client.get("/trips/plan?year=2026").text
    row = next(line for line in plan.split("</tr>") if "Delegation to BSK" in line)
    assert "<td>10</td>" in row.replace(" ", "")
    assert "14 days" in client.get("/trips?year=2026").text  # without dates: the plan's days


def test_renewing_a_permit_with_an_expiry_not_after_the_current_one_is_refused(app, client, auth):
    """A year typed wrong (2026 for 2028) marked the permit renewed and left the expert with an expired permit."""
    from crm.experts.models import PermitDecision

    user = auth.login()
    current = TODAY + timedelta(days=60)
    with app.app_context():
        expert = Expert(name="Anna Schmidt", nationality="DE", owner_id=user.id)
        permit = Permit(expert=expert, kind=PermitKind.WORK, number="W-1", expires_on=current)
        db.session.add_all([expert, permit])
        db.session.commit()
        permit_id = permit.id
    token = auth.csrf(f"/experts/permits/{permit_id}/renew")
    for expires in (current - timedelta(days=365), current):
        response = client.post(f"/experts/permits/{permit_id}/renew", data={
            "csrf_token": token, "version": "1", "number": "W-2", "expires_on": expires.isoformat()})
        assert response.status_code == 422
        assert "The new permit must expire after the current one" in response.text
        assert 'value="W-2"' in response.text
    with app.app_context():
        assert db.session.get(Permit, permit_id).decision is None
        assert db.session.scalar(select(func.count()).select_from(Permit)) == 1
    response = client.post(f"/experts/permits/{permit_id}/renew", data={
        "csrf_token": token, "version": "1", "number": "W-2", "expires_on": (current + timedelta(days=730)).isoformat()})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Permit, permit_id).decision == PermitDecision.RENEWED


def test_renewing_a_programme_approval_with_an_expiry_not_after_the_current_one_is_refused(app, client, auth):
    user = auth.login()
    current = TODAY + timedelta(days=200)
    with app.app_context():
        programme = Programme(name="Dual associate degree", kind=ProgrammeKind.SINO_FOREIGN, owner_id=user.id)
        approval = Approval(programme=programme, authority=ApprovingAuthority.MUNICIPAL, number_issuer="PDE",
                            number_region="50", number_country="CA", number_level="2A", number_year=2015,
                            number_serial="1739", number_suffix="N", approved_on=date(2015, 6, 1), expires_on=current)
        db.session.add_all([programme, approval])
        db.session.commit()
        approval_id = approval.id
    token = auth.csrf(f"/programmes/approvals/{approval_id}/renew")
    data = {"csrf_token": token, "version": "1", "authority": "municipal", "number": "PDE50CA2A20211739N",
            "approved_on": TODAY.isoformat()}
    response = client.post(f"/programmes/approvals/{approval_id}/renew", data=data | {"expires_on": (current - timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert "The new approval must expire after the current one" in response.text
    with app.app_context():
        assert db.session.get(Approval, approval_id).decision is None
    response = client.post(f"/programmes/approvals/{approval_id}/renew", data=data | {"expires_on": (current + timedelta(days=1800)).isoformat()})
    assert response.status_code == 303


def test_a_partner_already_a_current_member_of_a_consortium_is_not_added_twice(app, client, auth, factory):
    """The member counts by kind counted the same college twice."""
    from datetime import date as day

    from crm.consortia.models import Consortium, ConsortiumMember

    auth.login()
    college = factory.partner(name="Chongqing Vocational College", local_name="重庆职业学院", country="CN")
    with app.app_context():
        consortium = Consortium(name="Chongqing Vocational Education Consortium")
        db.session.add(consortium)
        db.session.commit()
        consortium_id = consortium.id
    path = f"/consortia/{consortium_id}/members/new"

    def add(**fields):
        return client.post(path, data={"csrf_token": auth.csrf(path), "role": "member", "kind": "college"} | fields)

    assert add(partner_id=str(college), joined_on="2019-01-01").status_code == 303
    again = add(partner_id=str(college), contribution="Hosts the CNC training")
    assert again.status_code == 422
    assert "Chongqing Vocational College is already a member in this role." in again.text
    assert "Hosts the CNC training" in again.text
    assert add(our_college="y", role="president").status_code == 303
    assert add(our_college="y", role="president").status_code == 422
    assert add(our_college="y", role="secretariat").status_code == 303  # one unit, two roles
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsortiumMember)) == 3
        member = db.session.scalars(select(ConsortiumMember).where(ConsortiumMember.partner_id == college)).one()
        member.left_on = day(2024, 7, 1)
        db.session.commit()
    assert add(partner_id=str(college), joined_on="2026-01-01").status_code == 303  # a former member joins again


def test_names_and_titles_of_spaces_only_are_refused_as_missing(app, client, auth, factory):
    """A partner saved with the name "   " was listed as an empty link; an agreement, trip,
    visitor, contact or expert likewise."""
    from crm.contacts.models import Contact
    from crm.partners.models import Partner
    from crm.trips.models import Trip
    from crm.visits.models import Visit, VisitMember

    auth.login()
    partner_id = factory.partner(name="Hiroshima University", country="JP")
    with app.app_context():
        visit = Visit(title="Hiroshima University delegation", arrive_on=TODAY, leave_on=TODAY)
        db.session.add(visit)
        db.session.commit()
        visit_id = visit.id
    token = auth.csrf("/partners/new")
    blank = " \t "
    posts = {
        "/partners/new": {"name": blank, "kind": "university", "country": "JP", "status": "active", "city": "Higashi-Hiroshima"},
        f"/partners/{partner_id}/contacts/new": {"new-contact-name": blank, "new-contact-position": "Director"},
        "/trips/new": {"title": blank, "year": str(TODAY.year), "country": "JP", "purpose_kind": "exchange", "funding": "College budget"},
        f"/visits/{visit_id}/visitors": {"name": blank, "position": "Vice President"},
        "/experts/new": {"name": blank, "nationality": "US", "local_name": "布朗"},
    }
    for path, data in posts.items():
        response = client.post(path, data={"csrf_token": token, "new-contact-csrf_token": token} | data)
        assert response.status_code == 422, path
        typed = next(value for key, value in data.items() if value not in (blank,) and key.endswith(("city", "position", "funding", "local_name")))
        assert typed in response.text, path
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 1
        for model in (Contact, Trip, VisitMember, Expert):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def test_an_outcome_outside_its_agreement_names_the_agreements_dates_in_the_users_format(app, client, auth, make_user, factory):
    """The message read "valid from 2024-09-01 to 2027-08-31" on a Chinese page."""
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    partner_id = factory.partner(name="EBG Germany", country="DE")
    agreement_id = factory.agreement([partner_id], valid_from=date(2024, 9, 1), valid_until=date(2027, 8, 31))
    response = client.post(f"/outcomes/agreement/{agreement_id}/new", data={
        "csrf_token": auth.csrf(), "new-outcome-year": "2001", "new-outcome-category": "certificates_earned", "new-outcome-count": "5"})
    assert response.status_code == 422
    assert "2024年9月1日" in response.text and "2027年8月31日" in response.text
    assert "2024-09-01" not in response.text


def test_a_unit_holding_two_roles_in_a_consortium_counts_once(app, client, auth, factory):
    """Our college, president unit and secretariat, made the demo consortium's "Members 14",
    "College 9", the list's member count and the yearly report's members joined and at the
    year's end one too many."""
    import io

    from openpyxl import load_workbook

    from crm.consortia.models import Consortium, ConsortiumMember, MemberKind, MemberRole

    auth.login()
    college = factory.partner(name="Chongqing Vocational College", country="CN")
    with app.app_context():
        consortium = Consortium(name="Chongqing Vocational Education Consortium", founded_on=date(2017, 12, 8))
        consortium.members = [
            ConsortiumMember(partner_id=None, role=MemberRole.PRESIDENT, kind=MemberKind.COLLEGE, joined_on=date(2017, 12, 8)),
            ConsortiumMember(partner_id=None, role=MemberRole.SECRETARIAT, kind=MemberKind.COLLEGE, joined_on=date(2017, 12, 8)),
            ConsortiumMember(partner_id=college, role=MemberRole.MEMBER, kind=MemberKind.COLLEGE, joined_on=date(2019, 3, 1)),
        ]
        db.session.add(consortium)
        db.session.commit()
        consortium_id = consortium.id
    page = client.get(f"/consortia/{consortium_id}").text
    assert re.search(r'id="members-heading">Members <span class="badge text-bg-light">2</span>', page)
    assert re.search(r"College\s*2</dd>", page)
    listed = client.get("/consortia").text
    assert re.search(r'<td class="text-end">2</td>', listed)
    rows = list(load_workbook(io.BytesIO(client.get(f"/consortia/{consortium_id}/report.xlsx").data)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Year")
    by_year = {r[0]: r for r in rows if r and isinstance(r[0], int)}
    joined, at_end = header.index("Members joined"), header.index("Members at the year's end")
    assert (by_year[2017][joined], by_year[2017][at_end]) == (1, 1)
    assert (by_year[2019][joined], by_year[2019][at_end]) == (1, 2)


def test_the_printed_trip_application_and_the_briefing_sheet_write_a_chinese_comma_beside_chinese(app, client, auth, make_user, factory):
    """The trip's page read "Kiel，德国", its A4 print-out "Kiel, 德国"; the briefing sheet "德国, Kiel"."""
    from crm.trips.models import Trip, TripLeg

    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    partner_id = factory.partner(name="Berufliche Schule Kiel", country="DE", city="Kiel")
    with app.app_context():
        trip = Trip(title="赴德国考察交流团组", year=2026, country="DE", legs=[TripLeg(country="DE", city="Kiel")])
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
    for path in (f"/trips/{trip_id}", f"/trips/{trip_id}/print"):
        assert "Kiel，德国" in client.get(path).text, path
    assert "德国，Kiel" in client.get(f"/partners/{partner_id}/brief").text


def test_a_stop_outside_the_trips_dates_is_refused_with_the_trips_dates(app, client, auth):
    """A stop typed for 2025 on a trip of September 2026 went into the printed application."""
    from crm.trips.models import Trip, TripLeg

    auth.login()
    with app.app_context():
        trip = Trip(title="Delegation to BSK", year=2026, country="DE", depart_on=date(2026, 9, 21), return_on=date(2026, 9, 30))
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
    token = auth.csrf(f"/trips/{trip_id}")
    stop = {"csrf_token": token, "country": "DE", "city": "Kiel", "agenda": "Joint preparatory department"}
    response = client.post(f"/trips/{trip_id}/legs", data=stop | {"arrive_on": "2025-09-22", "leave_on": "2026-09-24"})
    assert response.status_code == 422
    assert "The stop cannot begin before the departure (21 Sep 2026)." in response.text
    assert 'value="Joint preparatory department"' in response.text
    response = client.post(f"/trips/{trip_id}/legs", data=stop | {"arrive_on": "2026-09-22", "leave_on": "2026-10-24"})
    assert response.status_code == 422
    assert "The stop cannot end after the return (30 Sep 2026)." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TripLeg)) == 0
    assert client.post(f"/trips/{trip_id}/legs", data=stop | {"arrive_on": "2026-09-21", "leave_on": "2026-09-30"}).status_code == 303


def test_a_reception_plan_item_outside_the_visits_days_is_refused_with_the_visits_dates(app, client, auth):
    from crm.visits.models import ScheduleItem, Visit

    auth.login()
    with app.app_context():
        visit = Visit(title="Hiroshima University delegation", arrive_on=date(2026, 9, 28), leave_on=date(2026, 9, 30))
        db.session.add(visit)
        db.session.commit()
        visit_id = visit.id
    token = auth.csrf(f"/visits/{visit_id}")
    item = {"csrf_token": token, "kind": "meal", "what": "Welcome dinner", "time": "18:30"}
    for day in ("2026-09-27", "2026-10-28"):
        response = client.post(f"/visits/{visit_id}/schedule", data=item | {"day": day})
        assert response.status_code == 422
        assert "The visit lasts from 28 Sep 2026 to 30 Sep 2026." in response.text
        assert 'value="Welcome dinner"' in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScheduleItem)) == 0
    assert client.post(f"/visits/{visit_id}/schedule", data=item | {"day": "2026-09-30"}).status_code == 303


def test_the_chinese_digest_writes_full_width_parentheses_and_plain_text(app, make_user, factory, caplog):
    """A Chinese digest read "Robert Miller 的工作许可…… (截止 2026年12月10日)" and "2027年1月29日 (已逾期)":
    half-width parentheses beside Chinese, where its follow-up lines wrote （截止 …）."""
    from tests.unit.test_zh_punctuation import half_width_beside_chinese

    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei", locale="zh_CN")
    partner_id = factory.partner(name="Mercedes-Benz & Co", country="DE")
    factory.agreement([partner_id], title="汽车机电一体化项目协议", owner_id=li.id, notice_days=90,
                      valid_until=TODAY + timedelta(days=30))
    quiet = factory.partner(name="AUDI AG", country="DE")
    factory.interaction(quiet, occurred_at=datetime.now() - timedelta(days=400))
    factory.agreement([quiet], title="Memorandum of understanding")  # in force since 400 days: gone quiet
    with app.app_context():
        from crm.partners.models import Partner
        db.session.get(Partner, quiet).owner_id = li.id
        db.session.commit()
    with app.app_context():
        expert = Expert(name="Anna Schmidt", nationality="DE", owner_id=li.id)
        db.session.add_all([expert, Permit(expert=expert, kind=PermitKind.WORK, number="W-1", expires_on=TODAY + timedelta(days=60))])
        db.session.commit()
    app.config["MAIL_SERVER"] = None
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    lines = [record.getMessage().split(" | ", 1)[1] for record in caplog.records if " | " in record.getMessage()]
    text = "\n".join(lines)
    assert "（已逾期）" in text and "（Mercedes-Benz & Co）" in text and "（最近往来 " in text
    assert "Anna Schmidt 的工作许可" in text and "（截止 " in text
    assert half_width_beside_chinese(text) == [], text


def test_a_partner_or_person_id_too_large_for_the_database_is_refused_not_an_error_page(app, client, auth, factory):
    """A tampered or mistyped id (20 digits) in a partner picker or a participants list gave a 500."""
    auth.login()
    partner_id = factory.partner(name="Berufliche Schule Kiel", country="DE")
    huge = "99999999999999999999"
    token = auth.csrf("/trips/new")
    posts = {
        "/trips/new": {"title": "Delegation to BSK", "year": "2026", "country": "DE", "purpose_kind": "exchange", "partners": huge},
        "/visits/new": {"title": "BSK delegation", "arrive_on": "2026-09-28", "leave_on": "2026-09-30", "purpose_kind": "exchange",
                        "reception_level": "college", "partners": huge},
        "/programmes/new": {"name": "Joint preparatory department", "kind": "sino_foreign", "status": "approved", "partners": huge},
        "/agreements/new": {"title": "Exchange", "kind": "student_exchange", "status": "draft", "partners": huge},
        f"/partners/{partner_id}/interactions/new": {"kind": "meeting", "occurred_at": "2026-09-28T10:00", "subject": "Talks",
                                                     "contact_ids": huge, "staff_ids": huge},
    }
    for path, data in posts.items():
        response = client.post(path, data={"csrf_token": token} | data)
        assert response.status_code == 422, path


def test_converting_a_proposal_with_a_partner_id_too_large_is_refused_not_an_error_page(app, client, auth, factory):
    from crm.agreements.models import AgreementKind
    from crm.proposals.models import Proposal, ProposalStage

    auth.login()
    partner_id = factory.partner(name="Hiroshima University", country="JP")
    with app.app_context():
        proposal = Proposal(title="Semester exchange", partner_id=partner_id, stage=ProposalStage.APPROVED, kind=AgreementKind.STUDENT_EXCHANGE)
        db.session.add(proposal)
        db.session.commit()
        proposal_id, version = proposal.id, proposal.version
    response = client.post(f"/proposals/{proposal_id}/convert", data={
        "csrf_token": auth.csrf(f"/proposals/{proposal_id}"), "version": version, "title": "Semester exchange",
        "kind": "student_exchange", "partners": "99999999999999999999", "signed_on": "2026-11-30"})
    assert response.status_code == 422
