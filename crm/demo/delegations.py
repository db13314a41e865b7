"""The demo office's delegations: a trip to Germany (BSK and EBG) just back, its report due in a
few working days, a visit from Hiroshima University held last week with its reception plan, and
one from Holmesglen planned for next month."""
from __future__ import annotations

from datetime import date, timedelta

from crm.core.models import utcnow
from crm.core.workdays import office_calendar
from crm.extensions import db
from crm.interactions.models import InteractionKind
from crm.interactions.recording import record_interaction
from crm.trips.models import DelegationPurpose, Trip, TripLeg, TripMember, TripStatus
from crm.visits.models import ReceptionLevel, ScheduleItem, ScheduleKind, Visit, VisitMember, VisitStatus


def add_delegations(today: date, users: dict, partners: dict) -> None:
    """Add the demo trip and visit (the caller commits); `users` and `partners` by the demo's keys."""
    calendar = office_calendar()
    returned = calendar.add_workdays(today, -2)  # the report (5 working days) is due in 3
    departed = returned - timedelta(days=9)
    bsk, ebg, hiroshima = partners["bsk"], partners["ebg"], partners["hiroshima"]
    trip = Trip(
        title="赴德国BSK、EBG考察交流团组 / Delegation to BSK and EBG, Germany", year=today.year, in_plan=True,
        status=TripStatus.RETURNED, country="DE", purpose_kind=DelegationPurpose.EXCHANGE,
        purpose="Review the joint preparatory department with BSK; plan the next AHK certificate cohort with EBG.",
        days=10, funding="College international exchange budget", school="School of Intelligent Manufacturing",
        inviting_body=bsk.name, depart_on=departed, return_on=returned, owner=users["li"],
        approver="重庆市人民政府外事办公室", approval_number=f"渝外办〔{departed.year}〕88号",
        approved_on=departed - timedelta(days=20), notice_posted_on=calendar.add_workdays(departed, -6),
        partners=[bsk, ebg],
    )
    trip.members = [
        TripMember(name="Zhang Min 张敏", position="Deputy Director, International Affairs", user=users["zhang"], is_leader=True),
        TripMember(name="Li Wei 李伟", position="Programme officer", user=users["li"]),
        TripMember(name="刘强 Liu Qiang", position="Dean, School of Intelligent Manufacturing"),
    ]
    trip.legs = [
        TripLeg(country="DE", city="Kiel", arrive_on=departed + timedelta(days=1), leave_on=departed + timedelta(days=4),
                partner=bsk, agenda="Joint preparatory department: review and next intake"),
        TripLeg(country="DE", city="Schwerin", arrive_on=departed + timedelta(days=5), leave_on=departed + timedelta(days=8),
                partner=ebg, agenda="CNC and mechatronics training; AHK certificates"),
    ]
    db.session.add(trip)
    trip.legs[0].interaction = record_interaction(
        bsk.id, InteractionKind.OUTGOING_VISIT, trip.legs[0].arrive_on, trip.title, summary=trip.legs[0].agenda,
        location="Kiel, Germany", staff=[users["zhang"], users["li"]], author_id=users["li"].id,
    )

    # Next year's plan (due in January) already holds a trip to Holmesglen.
    db.session.add(Trip(
        title="赴澳大利亚霍姆斯格兰学院师资培训团组 / Teacher training at Holmesglen", year=today.year + 1, in_plan=True,
        status=TripStatus.PLANNED, country="AU", purpose_kind=DelegationPurpose.TRAINING, days=21,
        purpose="TAE teacher training for the next cohort of 20 teachers.", funding="Municipal teacher training fund",
        school="School of Automotive Engineering", owner=users["zhang"], partners=[partners["holmesglen"]],
    ))

    arrived = today - timedelta(days=6)
    visit = Visit(
        title="广岛大学代表团来访 / Hiroshima University delegation", status=VisitStatus.HELD, purpose_kind=DelegationPurpose.NEGOTIATION,
        purpose="Teacher training and a short-term student exchange in engineering.", arrive_on=arrived,
        leave_on=arrived + timedelta(days=2), requested_on=arrived - timedelta(days=35), invitation_number=f"CQIPC-FA-{arrived.year}-017",
        visa_help=False, reception_level=ReceptionLevel.COLLEGE, host=users["wang"], gifts_given="蜀绣 Shu embroidery",
        gifts_received="Hiroshima University commemorative book", partners=[hiroshima], logged_at=utcnow(),
    )
    visit.members = [
        VisitMember(name="Prof. Tanaka Hiroshi", position="Executive Vice President", nationality="JP", is_head=True),
        VisitMember(name="Dr. Sato Yuki", position="Director, International Office", nationality="JP"),
        VisitMember(name="Ms. Emily Clark", position="Coordinator", nationality="GB"),
    ]
    visit.schedule = [
        ScheduleItem(day=arrived, time="15:00", kind=ScheduleKind.TRANSPORT, what="Pick-up at Jiangbei Airport", hosts="Wang Fang"),
        ScheduleItem(day=arrived, time="18:30", kind=ScheduleKind.MEAL, what="Welcome dinner", place="College guest house", hosts="Vice President"),
        ScheduleItem(day=arrived + timedelta(days=1), time="09:30", kind=ScheduleKind.MEETING, what="Talks with the college leadership",
                     place="Administration building, room 301", hosts="President, Department of International Affairs"),
        ScheduleItem(day=arrived + timedelta(days=1), time="14:00", kind=ScheduleKind.TOUR, what="Training centre for intelligent manufacturing",
                     hosts="School of Intelligent Manufacturing"),
    ]
    db.session.add(visit)
    record_interaction(
        hiroshima.id, InteractionKind.INCOMING_VISIT, arrived, visit.title, summary=visit.purpose,
        staff=[users["wang"]], author_id=users["wang"].id,
    )

    # Next month's visit is planned: it counts as a delegation received once it is marked held.
    coming = today + timedelta(days=30)
    db.session.add(Visit(
        title="霍姆斯格兰学院代表团来访 / Holmesglen Institute delegation", status=VisitStatus.PLANNED,
        purpose_kind=DelegationPurpose.TRAINING, purpose="Plan the next cohort of TAE teacher training.", arrive_on=coming,
        leave_on=coming + timedelta(days=1), requested_on=today - timedelta(days=5), visa_help=False,
        reception_level=ReceptionLevel.DEPARTMENT, host=users["zhang"], partners=[partners["holmesglen"]],
        members=[VisitMember(name="Ms. Sarah Mitchell", position="Manager, International Partnerships", nationality="AU", is_head=True)],
    ))
