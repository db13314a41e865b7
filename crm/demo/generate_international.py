"""The bench generator's consortia, foreign experts and joint programmes (`flask demo generate`),
in proportion to the partners: deterministic from its own seed, inserted in bulk like the rest."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from crm.consortia.models import ActivityKind, Consortium, ConsortiumActivity, ConsortiumMember, MemberKind, MemberRole, activity_member
from crm.experts.models import Expert, Permit, PermitCategory, PermitDecision, PermitKind, Stay, StayTerm
from crm.programmes.models import (
    Approval,
    ApprovalDecision,
    ApprovingAuthority,
    Enrolment,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    programme_partner,
)

GIVEN = ["Anna", "Ben", "Claire", "David", "Emma", "Frank", "Grace", "Henry", "Julia", "Klaus", "Laura", "Mark",
         "Nina", "Oliver", "Paul", "Rachel", "Sarah", "Tom", "Ursula", "Victor"]
FAMILY = ["Smith", "Miller", "Weber", "Schmidt", "Brown", "Wilson", "Taylor", "Hoffmann", "Jones", "Becker",
          "Davis", "Clark", "Fischer", "Walker", "Young", "King", "Wright", "Scott", "Green", "Baker"]
SUBJECTS = ["English", "German", "CNC machining", "Mechatronics", "Business", "Finance", "Automotive technology",
            "Electrical engineering", "Tourism", "Logistics"]
MAJORS = ["Mechanical Engineering", "Finance", "Automotive Engineering", "Accounting", "Electrical Automation",
          "Logistics Management", "Software Technology", "Hotel Management"]
NATIONALITIES = ["US", "AU", "DE", "GB", "CA", "NZ", "FR", "RU", "KR", "JP"]


def generate_international(seed: int, today: date, partner_ids: list[int], users: list[int], now: datetime) -> dict[str, int]:
    from crm.demo.generate import _bulk, _bulk_table

    rng = random.Random(seed)
    scale = max(1, len(partner_ids) // 500)   # 10,000 partners: 20 consortia, 2,000 experts, 300 programmes
    stamp = {"created_at": now, "updated_at": now, "version": 1}

    consortium_ids = _bulk(Consortium, [
        {"name": f"Vocational Education Consortium {n}", "local_name": f"职业教育国际合作联盟{n}",
         "founded_on": today - timedelta(days=rng.randint(365, 3650)), "owner_id": rng.choice(users), **stamp}
        for n in range(scale)], returning=True)
    member_rows = []
    for consortium_id in consortium_ids:
        for n, partner_id in enumerate(rng.sample(partner_ids, min(len(partner_ids), 40))):
            member_rows.append({"consortium_id": consortium_id, "partner_id": partner_id,
                                "role": MemberRole.PRESIDENT if n == 0 else rng.choice([MemberRole.VICE_PRESIDENT] + [MemberRole.MEMBER] * 6),
                                "kind": rng.choice(list(MemberKind)), "joined_on": today - timedelta(days=rng.randint(0, 3000)),
                                "left_on": None if rng.random() > 0.1 else today - timedelta(days=rng.randint(0, 300)), **stamp})
    member_ids = _bulk(ConsortiumMember, member_rows, returning=True)
    members_of: dict[int, list[int]] = {}
    for row, member_id in zip(member_rows, member_ids, strict=True):
        members_of.setdefault(row["consortium_id"], []).append(member_id)
    activity_rows = [{"consortium_id": cid, "kind": rng.choice(list(ActivityKind)), "title": f"Activity {n}",
                      "held_on": today - timedelta(days=rng.randint(0, 2500)), "place": "Chongqing", "outcomes": None, **stamp}
                     for cid in consortium_ids for n in range(10)]
    activity_ids = _bulk(ConsortiumActivity, activity_rows, returning=True)
    _bulk_table(activity_member, [{"activity_id": aid, "member_id": mid}
                                  for row, aid in zip(activity_rows, activity_ids, strict=True)
                                  for mid in rng.sample(members_of[row["consortium_id"]], min(5, len(members_of[row["consortium_id"]])))])

    expert_rows = [{"name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "local_name": None, "nationality": rng.choice(NATIONALITIES),
                    "partner_id": rng.choice(partner_ids) if rng.random() < 0.7 else None, "subject": rng.choice(SUBJECTS),
                    "owner_id": rng.choice(users), **stamp} for _ in range(100 * scale)]
    expert_ids = _bulk(Expert, expert_rows, returning=True)
    stays, permits = [], []
    for expert_id in expert_ids:
        start = today - timedelta(days=rng.randint(0, 2500))
        long_term = rng.random() < 0.6
        stays.append({"expert_id": expert_id, "starts_on": start, "term": StayTerm.LONG if long_term else StayTerm.SHORT,
                      "ends_on": start + timedelta(days=rng.randint(300, 700) if long_term else rng.randint(7, 60)),
                      "host_faculty": "School of Foreign Languages", **stamp})
        if long_term:
            expires = start + timedelta(days=365 * rng.randint(1, 3))
            decided = expires < today - timedelta(days=60) or rng.random() < 0.2
            for kind in (PermitKind.WORK, PermitKind.RESIDENCE):
                permits.append({"expert_id": expert_id, "kind": kind, "expires_on": expires, "issued_on": start,
                                "category": rng.choice(list(PermitCategory)) if kind == PermitKind.WORK else None,
                                "number": f"W{rng.randint(10**9, 10**10)}" if kind == PermitKind.WORK else None,
                                "decision": rng.choice(list(PermitDecision)) if decided else None, **stamp})
    _bulk(Stay, stays)
    _bulk(Permit, permits)

    programme_rows = [{"name": f"Joint programme {n}", "local_name": f"中外合作办学项目{n}", "kind": rng.choice(list(ProgrammeKind)),
                       "status": rng.choice(list(ProgrammeStatus)), "majors": "\n".join(rng.sample(MAJORS, 2)),
                       "approved_intake": rng.choice([40, 60, 80, 120]), "owner_id": rng.choice(users), **stamp}
                      for n in range(15 * scale)]
    programme_ids = _bulk(Programme, programme_rows, returning=True)
    _bulk_table(programme_partner, [{"programme_id": pid, "partner_id": partner}
                                    for pid in programme_ids for partner in rng.sample(partner_ids, rng.choice([1, 1, 2]))])
    approvals, enrolments = [], []
    for row, programme_id in zip(programme_rows, programme_ids, strict=True):
        approved = today - timedelta(days=rng.randint(200, 4000))
        approvals.append({"programme_id": programme_id, "authority": rng.choice(list(ApprovingAuthority)),
                          "number_issuer": "PDE", "number_region": "50", "number_country": "CA", "number_level": "2A",
                          "number_year": approved.year, "number_serial": f"{rng.randint(0, 9999):04d}", "number_suffix": "N",
                          "approved_on": approved, "expires_on": approved + timedelta(days=365 * rng.choice([4, 5, 6])),
                          "decision": ApprovalDecision.ENDED if rng.random() < 0.1 else None, **stamp})
        for year in range(approved.year + 1, today.year + 1):
            for major in row["majors"].split("\n"):
                enrolments.append({"programme_id": programme_id, "year": year, "major": major,
                                   "enrolled": rng.randint(15, 40), **stamp})
    _bulk(Approval, approvals)
    _bulk(Enrolment, enrolments)
    return {"consortia": len(consortium_ids), "experts": len(expert_ids), "programmes": len(programme_ids)}
