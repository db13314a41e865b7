"""`flask demo generate`: a large, realistic, deterministic office for benchmarks.

Rows go in through Core bulk inserts, so that 300,000 rows take seconds; the audit hook
(which listens to ORM flushes) is deliberately not involved: generated data has no history.
"""
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pycountry
from sqlalchemy import func, insert, select

from crm.agreements.models import Agreement, AgreementKind, agreement_partner
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.core.models import utcnow
from crm.demo.generate_international import generate_international
from crm.demo.generate_delegations import generate_delegations
from crm.core.stored import store_every_rule
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind, interaction_contact, interaction_user
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus, academic_year_of
from crm.partners.models import Partner, PartnerKind, PartnerStatus, Tag, partner_tag
from crm.proposals.models import Proposal, ProposalStage, ProposalStageChange, ProposedBy

BATCH = 5_000


@dataclass(frozen=True)
class Sizes:
    partners: int = 10_000
    countries: int = 120
    contacts: int = 30_000
    agreements: int = 20_000
    interactions: int = 200_000
    follow_ups: int = 50_000
    proposals: int = 5_000
    users: int = 30


# Partner names are built from parts in the country's script, so that search meets real variety.
NAME_PARTS = {
    "DE": (["Hochschule", "Technische Universität", "Berufsbildungswerk", "Fachhochschule"], ["München", "Stuttgart", "Köln", "Dresden", "Aachen", "Bremen", "Kassel", "Jena"]),
    "JP": (["大学", "工業大学", "専門学校", "高等専門学校"], ["広島", "大阪", "名古屋", "仙台", "福岡", "札幌", "神戸", "京都"]),
    "CN": (["职业技术学院", "大学", "技师学院", "教育集团"], ["重庆", "成都", "西安", "武汉", "长沙", "昆明", "贵阳", "南宁"]),
    "KR": (["대학교", "전문대학", "기술교육원"], ["서울", "부산", "대구", "인천", "광주", "대전"]),
    "RU": (["Университет", "Колледж", "Институт"], ["Москва", "Казань", "Омск", "Самара", "Томск"]),
    "TH": (["มหาวิทยาลัย", "วิทยาลัย"], ["เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "กรุงเทพ"]),
    "EG": (["جامعة", "معهد"], ["القاهرة", "الإسكندرية", "أسيوط", "المنصورة"]),
}
ENGLISH_KINDS = ["University", "College", "Institute of Technology", "Polytechnic", "TAFE", "Academy", "Community College"]
ENGLISH_PLACES = ["North", "South", "East", "West", "Central", "Riverside", "Lakeside", "Highland", "Coastal",
                  "Metropolitan", "Royal", "National", "Pacific", "Atlantic", "Northern", "Valley"]
GIVEN = ["Anna", "Ben", "Chen", "Daniel", "Emma", "Fatima", "Hiro", "Ivan", "Jia", "Kai", "Lena", "Mei", "Noah",
         "Olga", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wei", "Yuki", "Zara"]
FAMILY = ["Müller", "Smith", "Tanaka", "Wang", "Kim", "Ivanova", "Garcia", "Nguyen", "Schmidt", "Brown", "Sato",
          "Li", "Rossi", "Kowalski", "Haddad", "Singh", "Jones", "Zhang", "Becker", "Park"]
SUBJECTS = ["Annual review", "Delegation visit", "Student exchange planning", "Teacher training dates",
            "Curriculum alignment", "Certificate exam schedule", "Renewal talks", "Joint programme intake",
            "招生计划沟通", "师资培训安排", "合作协议续签", "代表团来访"]
TAGS = ["Belt and Road", "Germany-China automotive", "AHK", "Top-up degree", "Teacher training", "Dual degree",
        "Short visit", "Consortium", "Language", "Scholarship"]


def generate(sizes: Sizes = Sizes(), seed: int = 2026, today: date | None = None) -> dict[str, int]:
    """Fill an empty database with `sizes` rows; the same seed and day give the same data."""
    if db.session.scalar(select(func.count()).select_from(Partner)):
        raise ValueError("the database already has partners; generate into an empty one")
    rng = random.Random(seed)
    today = today or date.today()
    now = utcnow()
    users = _users(rng, sizes.users)
    countries = _countries(rng, sizes.countries)
    tag_ids = _bulk(Tag, [{"name": name} for name in TAGS], returning=True)

    partner_rows = [_partner(rng, countries, users, now) for _ in range(sizes.partners)]
    partner_ids = _bulk(Partner, partner_rows, returning=True)
    _bulk_table(partner_tag, [{"partner_id": pid, "tag_id": tid} for pid in partner_ids
                              for tid in rng.sample(tag_ids, rng.choice([0, 0, 1, 1, 2]))])

    contact_rows = [_contact(rng, rng.choice(partner_ids), n, now) for n in range(sizes.contacts)]
    contact_ids = _bulk(Contact, contact_rows, returning=True)
    contacts_by_partner: dict[int, list[int]] = {}
    for row, cid in zip(contact_rows, contact_ids, strict=True):
        contacts_by_partner.setdefault(row["partner_id"], []).append(cid)

    agreement_rows = [_agreement(rng, today, users, now) for _ in range(sizes.agreements)]
    agreement_ids = _bulk(Agreement, agreement_rows, returning=True)
    _bulk_table(agreement_partner, [{"agreement_id": aid, "partner_id": pid} for aid in agreement_ids
                                    for pid in rng.sample(partner_ids, rng.choice([1, 1, 1, 1, 2, 3]))])

    interaction_rows = [_interaction(rng, today, partner_ids, users, now) for _ in range(sizes.interactions)]
    interaction_ids = _bulk(Interaction, interaction_rows, returning=True)
    participants, staff = [], []
    for row, iid in zip(interaction_rows, interaction_ids, strict=True):
        for cid in rng.sample(contacts_by_partner.get(row["partner_id"], []), k=min(2, len(contacts_by_partner.get(row["partner_id"], [])))):
            participants.append({"interaction_id": iid, "contact_id": cid})
        staff.append({"interaction_id": iid, "user_id": row["author_id"]})
    _bulk_table(interaction_contact, participants)
    _bulk_table(interaction_user, staff)

    follow_up_rows = [_follow_up(rng, today, rng.choice(interaction_ids), users, now) for _ in range(sizes.follow_ups)]
    _bulk(FollowUp, follow_up_rows)

    proposal_rows = [_proposal(rng, today, partner_ids, users, now) for _ in range(sizes.proposals)]
    proposal_ids = _bulk(Proposal, proposal_rows, returning=True)
    _bulk(ProposalStageChange, [
        {"proposal_id": pid, "from_stage": None, "to_stage": row["stage"], "changed_at": row["stage_changed_at"],
         "changed_by_id": row["owner_id"], "reason": None}
        for row, pid in zip(proposal_rows, proposal_ids, strict=True)
    ])
    outcome_rows = _outcomes(rng, today, agreement_rows, agreement_ids, now)
    _bulk(Outcome, outcome_rows)
    international = generate_international(seed + 14, today, partner_ids, users, now)
    delegations = generate_delegations(db, rng, today, [(pid, row["country"]) for pid, row in zip(partner_ids, partner_rows, strict=True)], users, now)
    store_every_rule()  # bulk inserts bypass the ORM that keeps the stored rules (last contact, act-by)
    db.session.commit()
    return {**international, **delegations, "users": len(users), "partners": len(partner_ids), "contacts": len(contact_ids),
            "agreements": len(agreement_ids), "interactions": len(interaction_ids),
            "follow-ups": len(follow_up_rows), "proposals": len(proposal_ids), "outcomes": len(outcome_rows)}


def _outcomes(rng, today, agreement_rows, agreement_ids, now) -> list[dict]:
    """Every agreement gets 1-5 years of approved outcomes from its first year on (not past this
    year), one to three categories a year."""
    this_year = academic_year_of(today)
    categories = [c for c in OutcomeCategory if c != OutcomeCategory.OTHER]
    rows = []
    for row, agreement_id in zip(agreement_rows, agreement_ids, strict=True):
        first = academic_year_of(row["valid_from"])
        for year in range(first, min(first + rng.randint(1, 5), this_year + 1)):
            for category in rng.sample(categories, rng.randint(1, 3)):
                rows.append({"agreement_id": agreement_id, "year": year, "category": category, "count": rng.randint(1, 60),
                             "status": OutcomeStatus.APPROVED, "note": None, "created_at": now, "updated_at": now, "version": 1})
    return rows


def _bulk(model, rows: list[dict], returning: bool = False) -> list[int]:
    """Insert rows in batches; with `returning`, give back the new ids in order."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        if returning:
            result = db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), chunk)
            ids.extend(result.scalars())
        else:
            db.session.execute(insert(model), chunk)
    return ids


def _bulk_table(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(table.insert(), rows[start:start + BATCH])


def _users(rng: random.Random, count: int) -> list[int]:
    existing = db.session.scalars(select(User.id)).all()
    rows = []
    for n in range(count):
        rows.append({"email": f"staff{n:03d}@bench.cqipc.edu.cn", "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                     "role": Role.STAFF if n % 5 else Role.VIEWER, "locale": rng.choice(["zh_CN", "en"]),
                     "active": True, "password_hash": "!", "session_token": secrets.token_urlsafe(32),
                     "created_at": utcnow(), "updated_at": utcnow(), "version": 1})
    return list(existing) + _bulk(User, rows, returning=True)


def _countries(rng: random.Random, count: int) -> tuple[list[str], list[float]]:
    """`count` countries, the familiar ones first, weighted by a Zipf-like skew."""
    favourites = ["DE", "US", "GB", "AU", "JP", "MY", "KR", "RU", "TH", "CA", "FR", "SG", "NZ", "IT", "VN", "EG"]
    others = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in favourites)
    rng.shuffle(others)
    codes = (favourites + others)[:count]
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(codes))]
    return codes, weights


def _partner_name(rng: random.Random, country: str) -> tuple[str, str | None]:
    places = ENGLISH_PLACES
    english = f"{rng.choice(places)} {rng.choice(ENGLISH_KINDS)} of {country} {rng.randint(1, 999)}"
    if country in NAME_PARTS:
        kinds, cities = NAME_PARTS[country]
        city = rng.choice(cities)
        local = f"{city}{rng.choice(kinds)}" if country in ("JP", "CN", "KR", "TH") else f"{rng.choice(kinds)} {city}"
        return f"{english}", f"{local} {rng.randint(1, 99)}"
    return english, None


def _partner(rng, countries, users, now) -> dict:
    codes, weights = countries
    country = rng.choices(codes, weights)[0]
    name, local = _partner_name(rng, country)
    created = now - timedelta(days=rng.randint(0, 3650))
    return {"name": name, "local_name": local, "short_name": "".join(w[0] for w in name.split()[:3]).upper(),
            "kind": rng.choice(list(PartnerKind)), "country": country, "city": f"City {rng.randint(1, 400)}",
            "website": f"https://www.p{rng.randint(1, 10**6)}.example.org", "status": rng.choices(
                list(PartnerStatus), [2, 10, 3, 1])[0], "owner_id": rng.choice(users), "notes": None,
            "created_at": created, "updated_at": created, "version": 1}


def _contact(rng, partner_id, n, now) -> dict:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return {"partner_id": partner_id, "name": f"{given} {family}", "position": rng.choice(["Director", "Coordinator", "Dean", "Officer"]),
            "department": "International Office", "email": f"{given.lower()}.{n}@p{partner_id}.example.org",
            "phone": f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",
            "is_primary": n % 3 == 0, "active": rng.random() > 0.1, "created_at": now, "updated_at": now, "version": 1}


def _agreement(rng, today, users, now) -> dict:
    start = today - timedelta(days=rng.randint(0, 3650))
    signed = rng.random() > 0.05
    open_ended = rng.random() < 0.1
    return {"title": f"{rng.choice(list(AgreementKind)).label} {rng.randint(1, 99999)}", "kind": rng.choice(list(AgreementKind)),
            "signed_on": start if signed else None, "valid_from": start,
            "valid_until": None if open_ended else start + timedelta(days=rng.choice([365, 730, 1095, 1825])),
            "notice_days": rng.choice([30, 60, 90, 180]), "auto_renew": rng.random() < 0.2, "owner_id": rng.choice(users),
            "created_at": now, "updated_at": now, "version": 1}


def _interaction(rng, today, partner_ids, users, now) -> dict:
    when = datetime.combine(today, datetime.min.time()) - timedelta(minutes=rng.randint(0, 3650 * 24 * 60))
    author = rng.choice(users)
    return {"occurred_at": when, "kind": rng.choice(list(InteractionKind)), "partner_id": rng.choice(partner_ids),
            "subject": rng.choice(SUBJECTS), "summary": "Discussed next steps and agreed on dates. " * rng.randint(1, 4),
            "location": rng.choice([None, "Meeting room 3", "Zoom", "Teams"]), "author_id": author,
            "created_at": when, "updated_at": when, "version": 1}


def _follow_up(rng, today, interaction_id, users, now) -> dict:
    due = today + timedelta(days=rng.randint(-400, 120))
    done = due < today and rng.random() < 0.8
    return {"title": rng.choice(["Send the draft", "Confirm dates", "Share the list of students", "Book the visit"]),
            "due_on": due, "assignee_id": rng.choice(users), "partner_commitment": rng.random() < 0.2, "done": done,
            "done_on": due if done else None, "interaction_id": interaction_id, "created_at": now, "updated_at": now, "version": 1}


def _proposal(rng, today, partner_ids, users, now) -> dict:
    changed = now - timedelta(days=rng.randint(0, 900))
    return {"title": f"Proposal {rng.randint(1, 99999)}", "partner_id": rng.choice(partner_ids),
            "kind": rng.choice(list(AgreementKind)), "proposed_by": rng.choice(list(ProposedBy)), "owner_id": rng.choice(users),
            "stage": rng.choice(list(ProposalStage)), "stage_changed_at": changed,
            "next_step": "Send the revised draft", "next_step_on": today + timedelta(days=rng.randint(-60, 90)),
            "created_at": changed, "updated_at": changed, "version": 1}
