"""Bench-scale trips abroad and foreign visits for `flask demo generate`: one trip for every
five partners and one visit for every four, with members, legs, partners and schedules."""
from __future__ import annotations

import random
from datetime import date, timedelta

from crm.trips.models import DelegationPurpose, Trip, TripLeg, TripMember, TripStatus, trip_partner
from crm.visits.models import ReceptionLevel, ScheduleItem, ScheduleKind, Visit, VisitMember, VisitStatus, visit_partner

NAMES = ["Anna Müller", "Chen Jie", "Hiro Tanaka", "Emma Brown", "Li Na", "Wang Lei", "Sven Becker", "Yuki Sato", "Zhao Min"]


def generate_delegations(db, rng: random.Random, today: date, partners: list[tuple[int, str]], users: list[int], now) -> dict[str, int]:
    """Insert trips and visits for `partners` ((id, country) pairs); return the counts."""
    from crm.demo.generate import _bulk as _insert
    statuses = list(TripStatus)
    purposes = list(DelegationPurpose)
    trip_rows, trip_partners = [], []
    for _ in range(len(partners) // 5):
        partner_id, country = rng.choice(partners)
        depart = today + timedelta(days=rng.randint(-1500, 300))
        status = statuses[-1] if depart < today - timedelta(days=60) else rng.choice(statuses)
        trip_rows.append({
            "title": f"Delegation to {country} {depart.isoformat()}", "year": depart.year, "in_plan": rng.random() > 0.1,
            "status": status, "country": country, "purpose_kind": rng.choice(purposes), "days": rng.randint(4, 14),
            "depart_on": depart, "return_on": depart + timedelta(days=rng.randint(4, 14)), "owner_id": rng.choice(users),
            "created_at": now, "updated_at": now, "version": 1,
        })
        trip_partners.append(partner_id)
    trip_ids = _insert(Trip, trip_rows, returning=True)
    _insert(trip_partner, [{"trip_id": t, "partner_id": p} for t, p in zip(trip_ids, trip_partners, strict=True)])
    _insert(TripMember, [{"trip_id": t, "name": rng.choice(NAMES), "is_leader": n == 0} for t in trip_ids for n in range(rng.randint(1, 5))])
    _insert(TripLeg, [{"trip_id": t, "country": row["country"], "city": "City", "arrive_on": row["depart_on"] + timedelta(days=1),
                           "leave_on": row["depart_on"] + timedelta(days=3), "partner_id": p}
                          for t, p, row in zip(trip_ids, trip_partners, trip_rows, strict=True)])

    visit_rows, visit_partners = [], []
    for _ in range(len(partners) // 4):
        partner_id, country = rng.choice(partners)
        arrive = today + timedelta(days=rng.randint(-1500, 120))
        # held once arrived, planned before; one in 25 called off (no draw: the same sequence as before)
        status = (VisitStatus.PLANNED if arrive >= today else
                  VisitStatus.CANCELLED if len(visit_rows) % 25 == 24 else VisitStatus.HELD)
        visit_rows.append({
            "title": f"Delegation from {country} {arrive.isoformat()}", "purpose_kind": rng.choice(purposes), "arrive_on": arrive,
            "status": status,
            "leave_on": arrive + timedelta(days=rng.randint(0, 4)), "reception_level": rng.choice(list(ReceptionLevel)),
            "host_id": rng.choice(users), "visa_help": rng.random() < 0.2,
            "recorded_on": arrive + timedelta(days=7) if arrive < today - timedelta(days=14) and status == VisitStatus.HELD else None,
            "created_at": now, "updated_at": now, "version": 1,
        })
        visit_partners.append(partner_id)
    visit_ids = _insert(Visit, visit_rows, returning=True)
    _insert(visit_partner, [{"visit_id": v, "partner_id": p} for v, p in zip(visit_ids, visit_partners, strict=True)])
    _insert(VisitMember, [{"visit_id": v, "name": rng.choice(NAMES), "is_head": n == 0} for v in visit_ids for n in range(rng.randint(1, 6))])
    _insert(ScheduleItem, [{"visit_id": v, "day": row["arrive_on"], "time": "09:30", "kind": ScheduleKind.MEETING, "what": "Talks"}
                               for v, row in zip(visit_ids, visit_rows, strict=True)])
    return {"trips": len(trip_ids), "visits": len(visit_ids)}
