"""`flask demo generate`: a large, realistic, deterministic office for benchmarks.

Rows go in through Core bulk inserts in batches (crm/demo/bulk.py), streamed, so that the
scale-10 office (100,000 partners, 2 million interactions) builds in minutes in bounded memory;
the audit hook (which listens to ORM flushes) is deliberately not involved: generated data has
no history. Steps that derive from the rows go in `after_rows_are_in`.
"""
import random
import secrets
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pycountry
from sqlalchemy import func, select

from crm.agreements.models import Agreement, AgreementKind, agreement_partner
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.core.dates import office_today
from crm.core.models import utcnow
from crm.demo.bulk import analyse, fast_build, insert_numbered, insert_rows
from crm.demo.generate_international import generate_international
from crm.demo.generate_delegations import generate_delegations
from crm.core.stored import store_every_rule
from crm.core.tallies import create_triggers, drop_triggers, recount
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind, interaction_contact, interaction_user
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus, academic_year_of
from crm.partners.models import Partner, PartnerKind, PartnerStatus, Tag, partner_tag
from crm.partners.search_index import rebuild_documents
from crm.proposals.models import Proposal, ProposalStage, ProposalStageChange, ProposedBy


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

    @classmethod
    def scaled(cls, scale: float) -> "Sizes":
        """The default office times `scale` (10: 100,000 partners, 2 million interactions);
        the countries stay 120, every count at least 1 and the users at least 5 (so that there
        is staff, not only a viewer)."""
        return cls(**{name: value if name == "countries" else max(5 if name == "users" else 1, int(value * scale))
                      for name, value in cls().__dict__.items()})


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
    """Fill an empty database with `sizes` rows; the same seed and day give the same data.

    Core inserts in batches on the session's connection (crm/demo/bulk.py): no ORM objects,
    so the audit hook, which listens to ORM flushes, never runs for generated rows. Rows are
    streamed; what later tables need of earlier ones is kept as compact columns (ids are
    ranges, an interaction's partner and author two int arrays). Then `after_rows_are_in`,
    one commit, and fresh statistics (ANALYZE, PostgreSQL) for every table.
    """
    if db.session.scalar(select(func.count()).select_from(Partner)):
        raise ValueError("the database already has partners; generate into an empty one")
    connection = db.session.connection()
    with fast_build(connection):
        counts = _insert_everything(connection, sizes, seed, today or office_today())
        after_rows_are_in()
        db.session.commit()
    analyse(db.session.connection(), db.metadata.sorted_tables)
    db.session.commit()
    return counts


def after_rows_are_in() -> None:
    """Steps that derive from the generated rows, run once all of them are in and before the
    commit and the statistics (so that ANALYZE sees what they write): e.g. stored derived
    columns' recompute, the search index's rebuild. One call each, in the owner module."""
    rebuild_documents()  # the partner search index (Core inserts pass its session hook by)
    store_every_rule()  # the stored rules: last contact, interaction count, act-by (kept by ORM hooks)
    connection = db.session.connection()
    create_triggers(connection)  # the tallies (crm/core/tallies.py): dropped for the build, counted once
    recount(connection)


def _insert_everything(connection, sizes: Sizes, seed: int, today: date) -> dict[str, int]:
    """Every generated row, in an order (and with random draws) that the seed fixes."""
    drop_triggers(connection)  # the tallies' per-row triggers: made again and recounted in after_rows_are_in
    rng = random.Random(seed)
    now = utcnow()
    users = _users(connection, rng, sizes.users)
    countries = _countries(rng, sizes.countries)
    tag_ids = list(insert_numbered(connection, Tag, ({"name": name} for name in TAGS)))

    partner_country: list[str] = []
    partner_ids = insert_numbered(connection, Partner, _made(
        sizes.partners, lambda _n: _partner(rng, countries, users, now), lambda row: partner_country.append(row["country"])))
    insert_rows(connection, partner_tag, ({"partner_id": pid, "tag_id": tid} for pid in partner_ids
                                          for tid in rng.sample(tag_ids, rng.choice([0, 0, 1, 1, 2]))))

    contact_partner = array("l")
    contact_ids = insert_numbered(connection, Contact, _made(
        sizes.contacts, lambda n: _contact(rng, rng.choice(partner_ids), n, now), lambda row: contact_partner.append(row["partner_id"])))
    contacts_by_partner: dict[int, list[int]] = {}
    for cid, pid in zip(contact_ids, contact_partner, strict=True):
        contacts_by_partner.setdefault(pid, []).append(cid)

    agreement_start: list[date] = []
    agreement_ids = insert_numbered(connection, Agreement, _made(
        sizes.agreements, lambda _n: _agreement(rng, today, users, now), lambda row: agreement_start.append(row["valid_from"])))
    insert_rows(connection, agreement_partner, ({"agreement_id": aid, "partner_id": pid} for aid in agreement_ids
                                                for pid in rng.sample(partner_ids, rng.choice([1, 1, 1, 1, 2, 3]))))

    interaction_partner, interaction_author = array("l"), array("l")

    def keep_interaction(row):
        interaction_partner.append(row["partner_id"])
        interaction_author.append(row["author_id"])

    interaction_ids = insert_numbered(connection, Interaction, _made(
        sizes.interactions, lambda _n: _interaction(rng, today, partner_ids, users, now), keep_interaction))

    def participants():
        for iid, pid in zip(interaction_ids, interaction_partner, strict=True):
            of_partner = contacts_by_partner.get(pid, [])
            for cid in rng.sample(of_partner, k=min(2, len(of_partner))):
                yield {"interaction_id": iid, "contact_id": cid}

    insert_rows(connection, interaction_contact, participants())
    insert_rows(connection, interaction_user, ({"interaction_id": iid, "user_id": uid}
                                               for iid, uid in zip(interaction_ids, interaction_author, strict=True)))

    follow_ups = insert_rows(connection, FollowUp, (_follow_up(rng, today, rng.choice(interaction_ids), users, now)
                                                    for _ in range(sizes.follow_ups)))

    proposal_stage = []
    proposal_ids = insert_numbered(connection, Proposal, _made(
        sizes.proposals, lambda _n: _proposal(rng, today, partner_ids, users, now),
        lambda row: proposal_stage.append((row["stage"], row["stage_changed_at"], row["owner_id"]))))
    insert_rows(connection, ProposalStageChange, (
        {"proposal_id": pid, "from_stage": None, "to_stage": stage, "changed_at": changed_at,
         "changed_by_id": owner_id, "reason": None}
        for pid, (stage, changed_at, owner_id) in zip(proposal_ids, proposal_stage, strict=True)))
    outcomes = insert_rows(connection, Outcome, _outcomes(rng, today, agreement_start, agreement_ids, now))
    international = generate_international(seed + 14, today, partner_ids, users, now)
    delegations = generate_delegations(db, rng, today, list(zip(partner_ids, partner_country, strict=True)), users, now)
    return {**international, **delegations, "users": len(users), "partners": len(partner_ids), "contacts": len(contact_ids),
            "agreements": len(agreement_ids), "interactions": len(interaction_ids),
            "follow-ups": follow_ups, "proposals": len(proposal_ids), "outcomes": outcomes}


def _made(count: int, make: Callable[[int], dict], keep: Callable[[dict], object]) -> Iterator[dict]:
    """`count` rows from `make(n)`, streamed; each is shown to `keep` first, which records the
    little that later tables need of it (a partner's country, an interaction's author...)."""
    for n in range(count):
        row = make(n)
        keep(row)
        yield row


def _outcomes(rng, today, agreement_start, agreement_ids, now) -> Iterator[dict]:
    """Every agreement gets 1-5 years of approved outcomes from its first year on (not past this
    year), one to three categories a year."""
    this_year = academic_year_of(today)
    categories = [c for c in OutcomeCategory if c != OutcomeCategory.OTHER]
    for valid_from, agreement_id in zip(agreement_start, agreement_ids, strict=True):
        first = academic_year_of(valid_from)
        for year in range(first, min(first + rng.randint(1, 5), this_year + 1)):
            for category in rng.sample(categories, rng.randint(1, 3)):
                yield {"agreement_id": agreement_id, "year": year, "category": category, "count": rng.randint(1, 60),
                       "status": OutcomeStatus.APPROVED, "note": None, "created_at": now, "updated_at": now, "version": 1}


def _bulk(model, rows: Iterable[dict], returning: bool = False) -> list[int] | range:
    """Insert rows (of a model or a table) in batches on the session's connection; with
    `returning`, the new ids (given in order, crm/demo/bulk.py)."""
    connection = db.session.connection()
    if returning:
        return insert_numbered(connection, model, rows)
    insert_rows(connection, model, rows)
    return []


def _bulk_table(table, rows: Iterable[dict]) -> None:
    insert_rows(db.session.connection(), table, rows)


def _users(connection, rng: random.Random, count: int) -> list[int]:
    existing = connection.scalars(select(User.id).order_by(User.id)).all()
    rows = []
    for n in range(count):
        rows.append({"email": f"staff{n:03d}@bench.cqipc.edu.cn", "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                     "role": Role.STAFF if n % 5 else Role.VIEWER, "locale": rng.choice(["zh_CN", "en"]),
                     "active": True, "password_hash": "!", "session_token": secrets.token_urlsafe(32),
                     "created_at": utcnow(), "updated_at": utcnow(), "version": 1})
    return list(existing) + list(insert_numbered(connection, User, rows))


def _countries(rng: random.Random, count: int) -> tuple[list[str], list[float]]:
    """`count` countries, the familiar ones first, weighted by a Zipf-like skew."""
    # China last among them: domestic partners (education groups, Chinese-run colleges) are few,
    # but always there, so a search in Chinese (重庆) finds some at every scale
    favourites = ["DE", "US", "GB", "AU", "JP", "MY", "KR", "RU", "TH", "CA", "FR", "SG", "NZ", "IT", "VN", "EG", "CN"]
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
