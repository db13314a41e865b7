"""The demo office's consortium, foreign experts and joint programme (crm/consortia,
crm/experts, crm/programmes), added by `load_demo` after the partners and agreements.

From the seed: the college led the founding of the Chongqing Vocational Education Consortium
for International Cooperation and is its first president unit; the members are Chongqing's
higher vocational colleges, export-oriented enterprises and research institutions (the member
names beyond the seed's partners are plausible inventions). Over 60 foreign teachers and experts
came from the USA, Australia and Germany: a handful are here, one with a work permit due soon.
The Canadian dual associate-degree programme (Mechanical Engineering and Finance) was approved in
2015 and enrolled 60 students in September 2016.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from crm.consortia.models import ActivityKind, Consortium, ConsortiumActivity, ConsortiumMember, MemberKind, MemberRole
from crm.experts.models import Expert, Permit, PermitCategory, PermitDecision, PermitKind, ReviewResult, Stay, StayTerm
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind, PartnerStatus
from crm.programmes.models import (
    Approval,
    ApprovalDecision,
    ApprovingAuthority,
    Enrolment,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
)

# Chinese members that are not yet partners of the demo: (key, English name, Chinese name, partner kind, member kind, role)
CHINESE_MEMBERS = [
    ("cqcmc", "Chongqing City Management College", "重庆城市管理职业学院", PartnerKind.VOCATIONAL, MemberKind.COLLEGE, MemberRole.VICE_PRESIDENT),
    ("cqcet", "Chongqing College of Electronic Engineering", "重庆电子工程职业学院", PartnerKind.VOCATIONAL, MemberKind.COLLEGE, MemberRole.VICE_PRESIDENT),
    ("cqvie", "Chongqing Vocational Institute of Engineering", "重庆工程职业技术学院", PartnerKind.VOCATIONAL, MemberKind.COLLEGE, MemberRole.MEMBER),
    ("cqwrec", "Chongqing Water Resources and Electric Engineering College", "重庆水利电力职业技术学院", PartnerKind.VOCATIONAL, MemberKind.COLLEGE, MemberRole.MEMBER),
    ("cqtvc", "Chongqing Three Gorges Vocational College", "重庆三峡职业学院", PartnerKind.VOCATIONAL, MemberKind.COLLEGE, MemberRole.MEMBER),
    ("shancheng", "Chongqing Shancheng Precision Machinery Export Co., Ltd.", "重庆山城精密机械进出口有限公司", PartnerKind.COMPANY, MemberKind.ENTERPRISE, MemberRole.VICE_PRESIDENT),
    ("liangjiang", "Chongqing Liangjiang Intelligent Equipment Co., Ltd.", "重庆两江智能装备有限公司", PartnerKind.COMPANY, MemberKind.ENTERPRISE, MemberRole.MEMBER),
    ("yuxin", "Chongqing Yuxin Auto Parts International Trade Co., Ltd.", "重庆渝新汽车零部件国际贸易有限公司", PartnerKind.COMPANY, MemberKind.ENTERPRISE, MemberRole.MEMBER),
    ("cqaes", "Chongqing Academy of Education Sciences, Institute of Vocational Education", "重庆市教育科学研究院职业教育研究所", PartnerKind.OTHER, MemberKind.RESEARCH, MemberRole.MEMBER),
    ("cqbri", "Chongqing Belt and Road Vocational Education Research Centre", "重庆“一带一路”职业教育研究中心", PartnerKind.OTHER, MemberKind.RESEARCH, MemberRole.MEMBER),
]


def add_international_work(demo) -> int:
    """The consortium, the experts and the programme; `demo` is the loader's builder (its
    `today`, `users`, `partners` and `agreements` by key). Returns the partners it added."""
    _add_consortium(demo)
    _add_experts(demo)
    _add_programme(demo)
    return len(CHINESE_MEMBERS)


def _add_consortium(demo) -> None:
    founded = date(2017, 12, 8)
    consortium = Consortium(
        name="Chongqing Vocational Education Consortium for International Cooperation",
        local_name="重庆高职教育国际合作联盟", founded_on=founded, owner=demo.users["wang"],
        notes="Non-profit; guided by the international office of the Chongqing Municipal Education Commission. "
              "We led its founding and are its first president unit; the secretariat sits in our Department of "
              "International Affairs. Aims: share resources, serve the Belt and Road, train international talent.",
    )
    db.session.add(consortium)
    members = {
        "us": ConsortiumMember(consortium=consortium, role=MemberRole.PRESIDENT, kind=MemberKind.COLLEGE, joined_on=founded,
                               contribution="Founding president unit; hosts the annual council and the teacher-training base."),
        "secretariat": ConsortiumMember(consortium=consortium, role=MemberRole.SECRETARIAT, kind=MemberKind.COLLEGE,
                                        joined_on=founded, contribution="Runs the secretariat (Department of International Affairs)."),
        "commission": ConsortiumMember(consortium=consortium, partner=demo.partners["commission"], role=MemberRole.MEMBER,
                                       kind=MemberKind.GOVERNMENT, joined_on=founded, contribution="Guidance and project funding."),
    }
    for offset, (key, name, local, partner_kind, member_kind, role) in enumerate(CHINESE_MEMBERS):
        partner = Partner(name=name, local_name=local, kind=partner_kind, country="CN", city="Chongqing",
                          status=PartnerStatus.ACTIVE, owner=demo.users["wang"], tags=[demo.tag("Consortium")])
        db.session.add(partner)
        members[key] = ConsortiumMember(consortium=consortium, partner=partner, role=role, kind=member_kind,
                                        joined_on=founded if offset < 6 else date(2019 + offset % 3, 3, 1))
    members["shancheng"].contribution = "Internships for 40 students a year on its lines for export markets."
    members["cqaes"].contribution = "Research on international vocational standards; the yearly consortium report."
    members["holmesglen"] = ConsortiumMember(consortium=consortium, partner=demo.partners["holmesglen"], role=MemberRole.MEMBER,
                                             kind=MemberKind.COLLEGE, joined_on=date(2019, 10, 15),
                                             contribution="Teacher-training modules and assessors for the members.")
    members["ebg"] = ConsortiumMember(consortium=consortium, partner=demo.partners["ebg"], role=MemberRole.MEMBER,
                                      kind=MemberKind.COLLEGE, joined_on=date(2020, 5, 20),
                                      contribution="CNC and mechatronics certification (AHK) for members' students.")
    members["yuxin"].left_on = date(2024, 12, 31)
    db.session.add_all(members.values())
    this_year = demo.today.year
    activities = [
        (ActivityKind.MEETING, "Founding assembly and first council", founded, "Chongqing", ["us", "secretariat", "commission", "cqcmc", "cqcet", "shancheng"],
         "Charter adopted; our college elected president unit."),
        (ActivityKind.TRAINING, "Holmesglen teacher training for member colleges", date(this_year - 2, 7, 8), "Chongqing",
         ["us", "holmesglen", "cqcmc", "cqvie", "cqwrec"], "32 teachers certified (TAE40116 modules)."),
        (ActivityKind.DELEGATION, "Joint delegation to German training providers", date(this_year - 2, 10, 14), "Munich and Stuttgart",
         ["us", "cqcet", "shancheng", "ebg"], "Two certificate-training agreements prepared."),
        (ActivityKind.MEETING, "Annual council", date(this_year - 1, 1, 16), "Chongqing", ["us", "secretariat", "commission", "cqcmc", "cqcet", "cqaes"],
         "Work plan approved; a research centre joined the skills-competition committee."),
        (ActivityKind.COMPETITION, "Belt and Road vocational skills competition (CNC)", date(this_year - 1, 5, 22), "Chongqing",
         ["us", "cqvie", "cqtvc", "liangjiang", "ebg"], "Teams from 9 members; 3 first prizes."),
        (ActivityKind.TRAINING, "Training for ASEAN vocational teachers", date(this_year, 6, 10), "Chongqing",
         ["us", "cqcmc", "cqbri", "holmesglen"], "20 teachers from Malaysia and Vietnam trained for four weeks."),
        (ActivityKind.MEETING, "Annual council", date(this_year, 1, 20), "Chongqing", ["us", "secretariat", "commission", "cqcet", "shancheng", "cqaes"],
         "Yearly report adopted."),
    ]
    for kind, title, held_on, place, keys, outcomes in activities:
        db.session.add(ConsortiumActivity(consortium=consortium, kind=kind, title=title, held_on=held_on, place=place,
                                          outcomes=outcomes, members=[members[k] for k in keys]))


def _add_experts(demo) -> None:
    today, li = demo.today, demo.users["li"]

    def expert(name, local, country, partner, subject, teaches):
        record = Expert(name=name, local_name=local, nationality=country, owner=li, subject=subject, teaches=teaches,
                        partner=demo.partners[partner] if partner else None)
        db.session.add(record)
        return record

    def stay(record, starts, ends, term, faculty, **review):
        db.session.add(Stay(expert=record, starts_on=starts, ends_on=ends, term=term, host_faculty=faculty,
                            contract=f"CQIPC-FT-{starts.year}-{record.name.split()[-1].upper()}", **review))

    def permit(record, kind, expires, number=None, category=None, **decision):
        if decision:
            decision["decided_at"] = datetime.combine(min(expires, today) - timedelta(days=60), time(2))
        item = Permit(expert=record, kind=kind, expires_on=expires, number=number, category=category,
                      issued_on=expires - timedelta(days=365), **decision)
        db.session.add(item)
        return item

    year = today.year if today.month >= 9 else today.year - 1  # the academic year that contains today
    # The one due soon: the extension must be filed within weeks.
    miller = expert("Robert Miller", "罗伯特·米勒", "US", "ivytech", "Business English", "Business English and intercultural communication")
    stay(miller, date(year - 1, 9, 1), date(year + 1, 7, 15), StayTerm.LONG, "School of Economics and Management",
         review_on=date(year, 6, 28), review_result=ReviewResult.EXTEND, review_note="Excellent student feedback; extension recommended.")
    permit(miller, PermitKind.WORK, today + timedelta(days=100), "W50000123456", PermitCategory.B)
    permit(miller, PermitKind.RESIDENCE, today + timedelta(days=104))

    weber = expert("Klaus Weber", "克劳斯·韦伯", "DE", "ebg", "CNC machining and mechatronics", "CNC programming; AHK exam preparation")
    stay(weber, date(year - 2, 9, 1), date(year + 2, 7, 15), StayTerm.LONG, "School of Intelligent Manufacturing")
    old = permit(weber, PermitKind.WORK, today - timedelta(days=200), "W50000098765", PermitCategory.B,
                 decision=PermitDecision.RENEWED, decided_by=li)
    renewed = permit(weber, PermitKind.WORK, today + timedelta(days=530), "W50000111222", PermitCategory.B)
    renewed.predecessor = old
    permit(weber, PermitKind.RESIDENCE, today + timedelta(days=535))

    hoffmann = expert("Julia Hoffmann", "朱莉娅·霍夫曼", "DE", "bsk", "German language", "German for the joint preparatory department")
    stay(hoffmann, date(year, 9, 1), date(year + 1, 7, 10), StayTerm.LONG, "School of Foreign Languages")
    permit(hoffmann, PermitKind.WORK, today + timedelta(days=290), "W50000133344", PermitCategory.C)
    permit(hoffmann, PermitKind.RESIDENCE, today + timedelta(days=292))

    thompson = expert("Sarah Thompson", None, "AU", "holmesglen", "Teacher training (TAE)", "Training and assessment for vocational teachers")
    stay(thompson, date(year - 1, 7, 1), date(year - 1, 7, 19), StayTerm.SHORT, "Teacher Development Centre")
    stay(thompson, date(year, 7, 7), date(year, 7, 25), StayTerm.SHORT, "Teacher Development Centre")

    wilson = expert("David Wilson", "大卫·威尔逊", "AU", None, "English", "Oral English for first-year students")
    stay(wilson, date(year - 3, 9, 1), date(year - 1, 7, 10), StayTerm.LONG, "School of Foreign Languages",
         review_on=date(year - 1, 6, 20), review_result=ReviewResult.NOT_EXTEND, review_note="Returned to Australia at his request.")
    permit(wilson, PermitKind.WORK, date(year - 1, 8, 31), "W50000087654", PermitCategory.C,
           decision=PermitDecision.ENDED, decision_note="Contract ended; left China in July.", decided_by=li)

    davis = expert("Emily Davis", None, "US", "ivytech", "Entrepreneurship", "Summer workshop on student entrepreneurship")
    stay(davis, date(year, 7, 1), date(year, 7, 21), StayTerm.SHORT, "Innovation and Entrepreneurship College")


def _add_programme(demo) -> None:
    today = demo.today
    programme = Programme(
        name="Sino-Canadian dual associate-degree programme in Mechanical Engineering and Finance",
        local_name="中加合作举办机械工程、金融专业双专科学历教育项目", kind=ProgrammeKind.SINO_FOREIGN,
        status=ProgrammeStatus.ENROLLING, agreement=demo.agreements.get("stclair-joint"),
        majors="Mechanical Engineering\nFinance", approved_intake=60, owner=demo.users["zhang"],
        notes="Approved in 2015; the first intake of 60 students started in September 2016.",
        partners=[demo.partners["stclair"]],
    )
    db.session.add(programme)
    number = {"number_issuer": "PDE", "number_region": "50", "number_country": "CA", "number_level": "2A", "number_suffix": "N"}
    first = Approval(programme=programme, authority=ApprovingAuthority.MUNICIPAL, number_year=2015, number_serial="1739",
                     approved_on=date(2015, 6, 18), valid_from=date(2015, 9, 1), expires_on=date(2021, 8, 31),
                     decision=ApprovalDecision.RENEWED, decided_by=demo.users["zhang"],
                     decided_at=datetime(2021, 5, 26, 2), **number)
    second = Approval(programme=programme, authority=ApprovingAuthority.MUNICIPAL, number_year=2021, number_serial="2016",
                      approved_on=date(2021, 5, 26), valid_from=date(2021, 9, 1), expires_on=today + timedelta(days=400),
                      predecessor=first, **number)
    db.session.add_all([first, second])
    intakes = {2016: (30, 30), 2017: (28, 31), 2018: (30, 29), 2019: (27, 30), 2020: (24, 26),
               2021: (29, 30), 2022: (30, 28), 2023: (30, 30), 2024: (29, 30), 2025: (30, 27)}
    last = today.year if today.month >= 9 else today.year - 1
    for year, (mechanical, finance) in intakes.items():
        if year <= last:
            db.session.add(Enrolment(programme=programme, year=year, major="Mechanical Engineering", enrolled=mechanical))
            db.session.add(Enrolment(programme=programme, year=year, major="Finance", enrolled=finance))
