"""Builds the demo office described in crm/demo/data.py: `flask demo load` and `flask setup`.

Loading is idempotent: when the demo's first partner already exists, nothing is written. Dates in
the data are relative to `today`, so the demo always shows agreements in their renewal window,
overdue follow-ups and proposals that have stalled.
"""
import secrets
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from crm.agreements.models import Agreement, AgreementDecision, AgreementKind
from crm.auth.accounts import create_user, find_user
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.core.dates import office_today
from crm.demo import data
from crm.demo.international import add_international_work
from crm.demo.delegations import add_delegations
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.experts.models import Expert, Stay, StayTerm
from crm.outcomes.models import Indicator, Outcome, OutcomeCategory, Quota, report_year_of, year_bounds
from crm.programmes.models import Enrolment, Programme, ProgrammeKind, ProgrammeStatus
from crm.schools.models import School
from crm.partners.models import Partner, PartnerKind, PartnerStatus, Tag
from crm.proposals.models import Proposal, ProposalStage, ProposalStageChange, ProposedBy

COUNT_KEYS = ("partners", "contacts", "agreements", "interactions", "follow-ups", "proposals", "outcomes")
# Chongqing keeps UTC+8 all year; the app stores naive UTC datetimes.
CHONGQING = timezone(timedelta(hours=8), "Asia/Shanghai")


def database_is_empty() -> bool:
    """True when there are no partners (the first start, before anyone has entered anything)."""
    return db.session.scalar(select(func.count()).select_from(Partner)) == 0


def demo_is_loaded() -> bool:
    first_name = data.PARTNERS[0]["name"]
    return db.session.scalar(select(Partner.id).where(Partner.name == first_name).limit(1)) is not None


def load_demo(today: date | None = None) -> dict[str, int]:
    """Add the demo office unless it is already there; commit; return what was added."""
    if demo_is_loaded():
        return dict.fromkeys(COUNT_KEYS, 0)
    demo = _DemoBuilder(today or office_today())
    demo.add_users()
    demo.add_partners()
    demo.add_agreements()
    demo.add_proposals()
    demo.add_interactions()
    demo.add_schools()
    demo.add_outcomes()
    demo.add_quotas()
    demo.add_influence_table()
    demo.counts["partners"] += add_international_work(demo)  # the consortium's Chinese members
    add_delegations(demo.today, demo.users, demo.partners)
    demo.add_records_behind_outcomes()
    db.session.commit()
    return demo.counts


class _DemoBuilder:
    """Turns the literal data into rows, resolving keys and relative dates as it goes."""

    def __init__(self, today: date):
        self.today = today
        self.counts = dict.fromkeys(COUNT_KEYS, 0)
        self.users: dict[str, User] = {}
        self.partners: dict[str, Partner] = {}
        self.contacts: dict[tuple[str, str], Contact] = {}
        self.agreements: dict[str, Agreement] = {}
        self.proposals: dict[str, Proposal] = {}
        self.tags: dict[str, Tag] = {}

    # --- dates ---

    def day(self, offset: int | None) -> date | None:
        return None if offset is None else self.today + timedelta(days=offset)

    def moment(self, offset: int, hhmm: str = "10:00") -> datetime:
        """`offset` days from today at `hhmm` Chongqing time, as naive UTC."""
        local = datetime.combine(self.day(offset), time.fromisoformat(hhmm), tzinfo=CHONGQING)
        return local.astimezone(timezone.utc).replace(tzinfo=None)

    # --- people and partners ---

    def add_users(self) -> None:
        for key, (email, name, role, locale) in data.USERS.items():
            user = find_user(email)
            if user is None:
                # Nobody knows this password; an admin sets a real one with `flask users set-password`.
                user = create_user(email, name, Role(role), secrets.token_urlsafe(24), locale)
            self.users[key] = user

    def tag(self, name: str) -> Tag:
        if name not in self.tags:
            tag = db.session.scalar(select(Tag).where(Tag.name == name))
            if tag is None:
                tag = Tag(name=name)
                db.session.add(tag)
            self.tags[name] = tag
        return self.tags[name]

    def add_partners(self) -> None:
        for item in data.PARTNERS:
            owner = self.users[item["owner"]]
            partner = Partner(
                name=item["name"],
                local_name=item["local_name"],
                short_name=item["short_name"],
                kind=PartnerKind(item["kind"]),
                country=item["country"],
                city=item["city"],
                website=item["website"],
                status=PartnerStatus(item["status"]),
                notes=item["notes"],
                owner=owner,
                created_by=owner,
                updated_by=owner,
                tags=[self.tag(name) for name in item["tags"]],
            )
            db.session.add(partner)
            self.partners[item["key"]] = partner
            self.counts["partners"] += 1
            for fields in item["contacts"]:
                person = Contact(partner=partner, **fields)
                db.session.add(person)
                self.contacts[(item["key"], fields["name"])] = person
                self.counts["contacts"] += 1

    # --- agreements and proposals ---

    def add_agreements(self) -> None:
        for item in data.AGREEMENTS:
            agreement = Agreement(
                title=item["title"],
                kind=AgreementKind(item["kind"]),
                partners=[self.partners[key] for key in item["partners"]],
                signed_on=self.day(item["signed_on"]),
                valid_from=self.day(item["valid_from"]),
                valid_until=self.day(item["valid_until"]),
                notice_days=item["notice_days"],
                auto_renew=item.get("auto_renew", False),
                owner=self.users[item["owner"]],
                subjects=item.get("subjects"),
                yearly_quotas=item.get("yearly_quotas"),
                notes=item.get("notes"),
                predecessor=self.agreements.get(item.get("predecessor")),
                parent=self.agreements.get(item.get("parent")),
            )
            if item.get("decision"):
                agreement.decision = AgreementDecision(item["decision"])
                agreement.decision_reason = item["decision_reason"]
                agreement.decided_at = self.moment(item["decided_at"], "11:00")
                agreement.decided_by = self.users[item["decided_by"]]
            db.session.add(agreement)
            self.agreements[item["key"]] = agreement
            self.counts["agreements"] += 1
            for follow_up in item.get("follow_ups", ()):
                self.add_follow_up(follow_up, agreement=agreement)

    def add_proposals(self) -> None:
        for item in data.PROPOSALS:
            owner = self.users[item["owner"]]
            path = item["path"]
            proposal = Proposal(
                title=item["title"],
                partner=self.partners[item["partner"]],
                kind=AgreementKind(item["kind"]),
                description=item["description"],
                proposed_by=ProposedBy(item["proposed_by"]),
                owner=owner,
                stage=ProposalStage(path[-1][0]),
                stage_changed_at=self.moment(-path[-1][1]),
                expected_start=self.day(item.get("expected_start")),
                expected_participants=item.get("expected_participants"),
                next_step=item.get("next_step"),
                next_step_on=self.day(item.get("next_step_on")),
                agreement=self.agreements.get(item.get("agreement")),
                created_at=self.moment(-path[0][1], "09:00"),
            )
            db.session.add(proposal)
            self.add_stage_history(proposal, path, owner)
            self.proposals[item["key"]] = proposal
            self.counts["proposals"] += 1
            for follow_up in item.get("follow_ups", ()):
                self.add_follow_up(follow_up, proposal=proposal)

    def add_stage_history(self, proposal: Proposal, path, owner: User) -> None:
        previous = None
        for stage, days_ago, reason in path:
            db.session.add(ProposalStageChange(
                proposal=proposal,
                from_stage=previous,
                to_stage=ProposalStage(stage),
                reason=reason,
                changed_at=self.moment(-days_ago),
                changed_by=owner,
            ))
            previous = ProposalStage(stage)

    # --- contact history ---

    def add_interactions(self) -> None:
        for item in data.INTERACTIONS:
            partner_key = item["partner"]
            occurred_at = self.moment(-item["days_ago"], item["at"])
            staff = [self.users[key] for key in item["staff"]]
            interaction = Interaction(
                occurred_at=occurred_at,
                kind=InteractionKind(item["kind"]),
                partner=self.partners[partner_key],
                subject=item["subject"],
                summary=item["summary"],
                location=item["location"],
                agreement=self.agreements.get(item["agreement"]),
                proposal=self.proposals.get(item["proposal"]),
                author=staff[0],
                contacts=[self.contacts[(partner_key, name)] for name in item["contacts"]],
                staff=staff,
                created_at=occurred_at,
            )
            db.session.add(interaction)
            self.counts["interactions"] += 1
            for follow_up in item["follow_ups"]:
                self.add_follow_up(follow_up, interaction=interaction)

    def add_follow_up(self, item: dict, **parent) -> None:
        due_on = self.day(item["due"])
        done_on = min(due_on, self.day(-1)) if item["done"] else None
        db.session.add(FollowUp(
            title=item["title"],
            due_on=due_on,
            assignee=self.users[item["assignee"]],
            partner_commitment=item["partner_commitment"],
            done=item["done"],
            done_on=done_on,
            **parent,
        ))
        self.counts["follow-ups"] += 1

    # --- the yearly report ---

    def add_schools(self) -> None:
        self.schools = {key: School(name_zh=zh, name_en=en) for key, (zh, en) in data.SCHOOLS.items()}
        db.session.add_all(self.schools.values())

    def add_quotas(self) -> None:
        for key, quotas in data.QUOTAS.items():
            for category, per_year in quotas.items():
                db.session.add(Quota(agreement=self.agreements[key], category=OutcomeCategory(category), per_year=per_year))

    def _subject(self, key: str | None) -> dict:
        if key is None:
            return {}
        if key.startswith("partner:"):
            return {"partner": self.partners[key.removeprefix("partner:")]}
        return {"agreement": self.agreements[key]}

    def add_influence_table(self) -> None:
        """The usual rows of the 国际影响表 for the last completed year, and outcomes tagged with them."""
        from crm.reports.influence import STANDARD_INDICATORS

        year = report_year_of(self.today) - 1
        indicators = {}
        for position, (code, zh, en, unit) in enumerate(STANDARD_INDICATORS, start=1):
            indicators[code] = Indicator(year=year, position=position, code=code, label_zh=zh, label_en=en, unit=unit)
        db.session.add_all(indicators.values())
        for subject, code, count, note, school in data.INFLUENCE_OUTCOMES:
            db.session.add(Outcome(year=year, category=OutcomeCategory.OTHER, count=count, note=note,
                                   indicator=indicators[code], school=self.schools[school], **self._subject(subject)))

    def add_outcomes(self) -> None:
        """One approved outcome per count of the data (the office's own entries)."""
        current_year = report_year_of(self.today)
        for subject, outcomes in data.OUTCOMES.items():
            if subject.startswith("partner:"):
                target = {"partner": self.partners[subject.removeprefix("partner:")]}
            else:
                target = {"agreement": self.agreements[subject]}
            for item in outcomes:
                year = item["year"] if item["year"] > 1900 else current_year + item["year"]
                school = self.schools.get(data.OUTCOME_SCHOOLS.get(subject, ""))
                for category, count in item["counts"].items():
                    db.session.add(Outcome(
                        year=year, category=OutcomeCategory(category), count=count, note=item["note"],
                        detail=item["detail"].get(category), school=school, **target,
                    ))
                    self.counts["outcomes"] += 1

    def add_records_behind_outcomes(self) -> None:
        """The expert and joint-programme records behind the data's typed outcomes of those
        categories. The report counts these categories from the records (typed outcomes of a year
        with records are left out), so the records repeat the typed counts: one short-term expert
        per expert hosted (from the partner, with its nationality where the seed has it: the USA,
        Australia, Germany), one programme per agreement with an intake (the Canadian programme
        of crm/demo/international.py already holds St. Clair's intakes)."""
        current_year = report_year_of(self.today)
        numbers: dict[str, int] = {}
        for subject, outcomes in data.OUTCOMES.items():
            target = self._subject(subject)
            partners = list(target["agreement"].partners) if "agreement" in target else [target["partner"]]
            programme = None
            for item in outcomes:
                year = item["year"] if item["year"] > 1900 else current_year + item["year"]
                starts = year_bounds(year)[0] + timedelta(days=45)
                for _n in range(item["counts"].get("experts_hosted", 0)):
                    nationality = partners[0].country if partners[0].country in EXPERT_NAMES else "US"
                    numbers[nationality] = numbers.get(nationality, 0) + 1
                    first, last = EXPERT_NAMES[nationality]
                    index = numbers[nationality]
                    subjects = EXPERT_SUBJECTS[nationality]
                    sent_by = partners[0] if partners[0].country == nationality else None  # a US teacher is not sent by Hiroshima
                    expert = Expert(name=f"{first[index % len(first)]} {last[index * 7 % len(last)]}", nationality=nationality,
                                    owner=self.users["li"], partner=sent_by, subject=subjects[index % len(subjects)])
                    db.session.add(expert)
                    db.session.add(Stay(expert=expert, starts_on=starts, ends_on=starts + timedelta(days=13),
                                        term=StayTerm.SHORT, host_faculty="Teacher Development Centre"))
                enrolled = item["counts"].get("joint_programme_students", 0)
                if enrolled and "stclair" not in subject:
                    major = item["detail"].get("joint_programme_students") or "—"
                    if programme is None:
                        agreement = target.get("agreement")
                        programme = Programme(name=agreement.title if agreement else partners[0].name, majors=major,
                                              kind=ProgrammeKind.DUAL_DEGREE, status=ProgrammeStatus.ENROLLING,
                                              agreement=agreement, owner=self.users["zhang"], partners=partners)
                        db.session.add(programme)
                    db.session.add(Enrolment(programme=programme, year=year, major=major, enrolled=enrolled))


# What the demo's short-term experts teach, by nationality (the seed: English, technical training,
# teaching ability development).
EXPERT_SUBJECTS = {
    "DE": ["CNC machining", "Mechatronics", "Automotive diagnostics", "German language", "Dual vocational training"],
    "AU": ["Certificate IV in Training and Assessment", "Competency-based assessment", "Teaching ability development"],
    "US": ["English", "International business", "Academic writing", "Entrepreneurship"],
}

# Names of the demo's short-term experts, by nationality (first names, family names).
EXPERT_NAMES = {
    "DE": (["Anna", "Jonas", "Lena", "Felix", "Miriam", "Tobias", "Katrin", "Stefan", "Sabine", "Markus"],
           ["Schmidt", "Becker", "Fischer", "Wagner", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Braun", "Zimmermann"]),
    "AU": (["Chloe", "Liam", "Olivia", "Jack", "Grace", "Noah", "Ruby"], ["Taylor", "Brown", "Walker", "Harris", "Martin", "King", "Young"]),
    "US": (["Michael", "Jennifer", "Daniel", "Laura", "Kevin", "Megan", "Brian", "Rachel", "Eric", "Amanda"],
           ["Johnson", "Anderson", "Clark", "Lewis", "Robinson", "Hall", "Allen", "Scott", "Green", "Baker", "Adams"]),
}
