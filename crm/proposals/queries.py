"""The statements behind the board, the list, the partner page's section and the home card."""
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import and_, bindparam, case, exists, func, or_, select, union_all
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.sql.expression import ColumnElement

from crm.auth.choices import assignable_users
from crm.auth.models import User
from crm.core.dates import office_today
from crm.core.pagination import paginate
from crm.core.statements import prepared
from crm.core.tallies import Tally, hour_floor, hour_key, hour_text, tally, tally_sum
from crm.extensions import db
from crm.partners.models import Partner
from crm.proposals.models import CLOSED_STAGES, Proposal, ProposalStage, ProposalStageChange
from crm.proposals.pipeline import OPEN_STAGES, STAGE_ORDER, stale_before



def _card_loading():
    """A card or a list row: the proposal without its description, the partner's name, country
    and archived_at (the archived proposals' list names partners archived since) and the owner's
    name (not whole rows with notes and tokens)."""
    return (
        defer(Proposal.description),
        joinedload(Proposal.partner).load_only(Partner.name, Partner.country, Partner.archived_at),
        joinedload(Proposal.owner).load_only(User.name),
    )

NEEDING_ACTION_LIMIT = 10
# A board column shows this many cards (the most urgent first); its count and a link to the
# list filtered by its stage say how many there are in all. Every card costs rendering time on
# each board request and each move, so the column holds what a person looks at, not everything.
COLUMN_LIMIT = 10  # one screen of cards: a fuller column cost ~130 KB and most of the page time


@dataclass
class Filters:
    """What the board and the list are narrowed to; empty values mean "any"."""

    stage: ProposalStage | None = None
    kind: str | None = None
    country: str | None = None
    owner_id: int | None = None
    stale: bool = False
    needs_action: bool = False
    archived: bool = False  # the archived proposals instead (for administrators)
    sort: str = "next_step"


_stage_position = case(STAGE_ORDER, value=Proposal.stage)

# Each sort's keys, all ascending (the board repeats them as columns of its per-stage selects).
# The board's sorts by a proposal's own columns are served per stage by an index
# (crm/proposals/models.py) that reads the first cards of a column without sorting the stage.
SORTS = {
    # The most urgent first: the earliest next step (undated ones last), then the longest without movement.
    "next_step": (Proposal.next_step_on.is_(None), Proposal.next_step_on, Proposal.stage_changed_at, Proposal.title),
    "title": (Proposal.title, Proposal.id),
    "partner": (Partner.name, Proposal.title),
    "stage": (_stage_position, Proposal.title),
    "days": (Proposal.stage_changed_at, Proposal.title),
}


def of_live_partner():
    """Proposals of archived partners are out of sight like their partners (the few archived
    partners' ids are found once, not once per proposal row)."""
    return Proposal.partner_id.not_in(select(Partner.id).where(Partner.archived_at.is_not(None)))


def is_live():
    """A proposal in sight: not archived, and its partner not archived either (the one rule for
    "load or 404" of a proposal and of what hangs from it, such as its follow-ups)."""
    return and_(Proposal.archived_at.is_(None), of_live_partner())


def _open():
    """Not closed (no stage of CLOSED_STAGES): the part of "needing action" that the kept tally
    OPEN_BY_HOUR_MOVED and `needing_action_count` share with `_needing_action`."""
    return Proposal.stage.not_in(list(CLOSED_STAGES))


def _needing_action(today: date | None, now: datetime | None):
    """Open, with the next step due or overdue, or without movement for too long."""
    return (
        _open(),
        or_(Proposal.next_step_on <= (today or office_today()), Proposal.stage_changed_at < stale_before(now)),
    )


def _narrowed(statement, filters: Filters, now: datetime | None):
    """`statement` narrowed by `filters` (it joins Partner when filtering by country)."""
    if filters.archived:
        statement = statement.where(Proposal.archived_at.is_not(None))
    else:
        statement = statement.where(Proposal.archived_at.is_(None), of_live_partner())
    if filters.stage is not None:
        statement = statement.where(Proposal.stage == filters.stage)
    if filters.kind:
        statement = statement.where(Proposal.kind == filters.kind)
    if filters.country:
        statement = statement.where(Partner.country == filters.country)
    if filters.owner_id is not None:
        statement = statement.where(Proposal.owner_id == filters.owner_id)
    if filters.stale:
        statement = statement.where(_open(), Proposal.stage_changed_at < stale_before(now))
    if filters.needs_action:
        statement = statement.where(*_needing_action(None, now))
    return statement


def _with_partner_if_needed(statement, filters: Filters):
    """Join Partner only when the filters or the order need it: these statements sort thousands of rows."""
    if filters.country or filters.sort == "partner":
        return statement.join(Proposal.partner)
    return statement


def proposal_list_page(filters: Filters, now: datetime | None = None):
    """The list's page (`?page=`) of proposals matching `filters`, with partner and owner loaded.

    Three statements whatever the size: the page's ids (sorting only the ids and the sort
    keys, not whole rows with their partners), the count, and the page's proposals.
    """
    ids = _narrowed(_with_partner_if_needed(select(Proposal.id), filters), filters, now)
    page = paginate(ids.order_by(*SORTS.get(filters.sort, SORTS["next_step"]), Proposal.id))
    loaded = {
        proposal.id: proposal
        for proposal in db.session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(page.items))
            .options(*_card_loading())
        )
    }
    page.items = [loaded[proposal_id] for proposal_id in page.items]
    return page


@dataclass
class Board:
    """The first cards of each open stage's column, and how many proposals each stage has."""

    columns: dict[ProposalStage, list[Proposal]]
    counts: dict[ProposalStage, int] = field(default_factory=dict)

    @property
    def open_total(self) -> int:
        return sum(self.counts.get(stage, 0) for stage in self.columns)

    @property
    def closed_counts(self) -> dict[ProposalStage, int]:
        return {stage: self.counts.get(stage, 0) for stage in ProposalStage if stage in CLOSED_STAGES}

    @property
    def closed_total(self) -> int:
        return sum(self.closed_counts.values())


def board(filters: Filters, now: datetime | None = None, limit: int = COLUMN_LIMIT) -> Board:
    """Per open stage the first `limit` proposals in the chosen order, and every stage's count.

    Two statements whatever the number of proposals: the cards and the counts (grouped by
    stage, or read from the kept tally: `_counted_by_stage`). The cards are one select per open
    stage, each limited (an index per sort order reads the first rows of its stage without
    sorting the rest), joined in a UNION ALL that carries the sort keys, so that the proposals
    come back loaded with partner and owner in column order.
    """
    order = SORTS.get(filters.sort, SORTS["next_step"])
    keys = [*order, Proposal.id]
    firsts_per_column = [
        _narrowed(
            _with_partner_if_needed(
                select(Proposal.id.label("card_id"), *(key.label(f"key_{n}") for n, key in enumerate(keys))), filters
            ),
            filters,
            now,
        )
        .where(Proposal.stage == stage)
        .order_by(*keys)
        .limit(limit)
        .subquery()
        for stage in OPEN_STAGES
        if filters.stage in (None, stage)
    ]
    columns: dict[ProposalStage, list[Proposal]] = {stage: [] for stage in OPEN_STAGES}
    if firsts_per_column:
        firsts = union_all(*(select(*first.c) for first in firsts_per_column)).subquery()
        cards = (
            select(Proposal)
            .join(firsts, firsts.c.card_id == Proposal.id)
            .options(*_card_loading())
            .order_by(*(firsts.c[f"key_{n}"] for n in range(len(keys))))
        )
        for proposal in db.session.scalars(cards):
            columns[proposal.stage].append(proposal)
    counts = {stage: 0 for stage in ProposalStage}
    for stage, count in db.session.execute(_counted_by_stage(filters, now)):
        counts[ProposalStage(stage)] = count
    return Board(columns=columns, counts=counts)


def _counted_by_stage(filters: Filters, now: datetime | None):
    """(stage, count) of the proposals under `filters`. The proposals in sight, of every stage or
    of one, from the kept tally IN_SIGHT_BY_STAGE (a few rows; counted from the stage index, at
    bench scale 10 the board's statement that grew with the proposals: 7.6 ms for 50,000)."""
    if replace(filters, stage=None, sort=Filters.sort) == Filters():  # narrowed by stage at most
        kept = select(Tally.key, Tally.n).where(Tally.name == IN_SIGHT_BY_STAGE.name, Tally.n != 0)
        return kept.where(Tally.key == filters.stage.value) if filters.stage is not None else kept
    return _narrowed(
        _with_partner_if_needed(select(Proposal.stage, func.count(Proposal.id)), filters), filters, now
    ).group_by(Proposal.stage)


def proposal_countries() -> list[str]:
    """The countries of partners that have proposals: the choices of the country filter.

    One statement that never reads every proposal: the live partners' countries are found by
    skipping through the (archived_at, country) index from one country to the next (a
    recursive CTE), then each is kept if one of its partners has a proposal.
    """
    live = Partner.archived_at.is_(None)
    country = select(func.min(Partner.country).label("code")).where(live).cte("live_country", recursive=True)
    country = country.union_all(
        select(select(func.min(Partner.country)).where(live, Partner.country > country.c.code).scalar_subquery())
        .where(country.c.code.is_not(None))
    )
    with_proposals = exists().where(
        Proposal.partner_id == Partner.id, Partner.country == country.c.code, live, Proposal.archived_at.is_(None)
    )
    return list(db.session.scalars(select(country.c.code).where(country.c.code.is_not(None), with_proposals)))


def proposal_for_page(proposal_id: int) -> Proposal | None:
    """One proposal with everything its page shows, or None when missing, archived or of an
    archived partner."""
    proposal = db.session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id, is_live())
        .options(
            joinedload(Proposal.partner),
            joinedload(Proposal.owner),
            joinedload(Proposal.agreement),
            selectinload(Proposal.stage_changes).joinedload(ProposalStageChange.changed_by),
        )
    )
    return proposal


def proposals_of_partner(partner_id: int) -> list[Proposal]:
    """The partner page's proposals section: open ones first, then by last movement."""
    return db.session.scalars(_proposals_of_partner(), {"partner_id": partner_id}).all()


@prepared
def _proposals_of_partner():
    return (
        select(Proposal)
        .where(Proposal.partner_id == bindparam("partner_id"), Proposal.archived_at.is_(None))
        .options(joinedload(Proposal.owner), joinedload(Proposal.partner))
        .order_by(Proposal.stage.in_(list(CLOSED_STAGES)), Proposal.stage_changed_at.desc())
    )


def proposal_of_agreement(agreement_id: int) -> Proposal | None:
    """The proposal an agreement was created from, for the agreement's page."""
    return db.session.scalar(
        select(Proposal).where(Proposal.agreement_id == agreement_id, Proposal.archived_at.is_(None))
    )


def _owned_by(owner_id: int | None):
    return () if owner_id is None else (Proposal.owner_id == owner_id,)


def proposals_needing_action(
    today: date | None = None, now: datetime | None = None, limit: int = NEEDING_ACTION_LIMIT,
    owner_id: int | None = None,
) -> list[Proposal]:
    """Open proposals whose next step is due or overdue, or that have not moved for too long
    (of one owner when `owner_id` is given).

    Overdue first, then the longest-stalled; the first `limit`, in one statement.
    """
    order = (Proposal.next_step_on.asc().nulls_last(), Proposal.stage_changed_at.asc(), Proposal.id)
    # The first few ids are found by sorting narrow rows; only they are loaded with their partners.
    first = (
        select(Proposal.id)
        .where(Proposal.archived_at.is_(None), of_live_partner(), *_needing_action(today, now), *_owned_by(owner_id))
        .order_by(*order)
        .limit(limit)
        .subquery()
    )
    return db.session.scalars(
        select(Proposal).join(first, first.c.id == Proposal.id).options(*_card_loading()).order_by(*order)
    ).all()


def proposals_needing_action_count_query(today: date | None = None, now: datetime | None = None,
                                         owner_id: int | None = None):
    """How many proposals need action, as a statement of one number."""
    return select(func.count(Proposal.id)).where(
        Proposal.archived_at.is_(None), of_live_partner(), *_needing_action(today, now), *_owned_by(owner_id)
    )


# --- What the partner rules ask about a partner's proposals (correlated with `Partner`) --------


def partner_step_since(moment: datetime) -> ColumnElement[bool]:
    """A condition on `Partner`: one of its proposals (not archived) changed stage at or after
    `moment` (UTC); creating a proposal is its first step."""
    return exists().where(
        ProposalStageChange.proposal_id == Proposal.id,
        Proposal.partner_id == Partner.id,
        Proposal.archived_at.is_(None),
        ProposalStageChange.changed_at >= moment,
    )


def last_step_at_of_partner() -> ColumnElement:
    """Correlated scalar subquery: when a proposal with the partner last changed stage, or NULL."""
    return (
        select(func.max(ProposalStageChange.changed_at))
        .join(Proposal, Proposal.id == ProposalStageChange.proposal_id)
        .where(Proposal.partner_id == Partner.id, Proposal.archived_at.is_(None))
        .correlate(Partner)
        .scalar_subquery()
    )


def owner_choices() -> list[tuple[int, str]]:
    """The board's owner filter: who owns a proposal, or could (crm/auth/choices.py)."""
    # Correlated with the user: one index look-up per user, not a read of every proposal's owner.
    return assignable_users(keep=select(Proposal.owner_id).where(Proposal.owner_id == User.id))


def proposals_needing_action_count(today: date | None = None, now: datetime | None = None,
                                   owner_id: int | None = None) -> int:
    """How many proposals need action in all (the home card lists only the first few)."""
    return db.session.scalar(proposals_needing_action_count_query(today, now, owner_id))


# The proposals in sight (not archived, of live partners) per stage, and the open ones per hour
# (UTC) of their last stage change, kept by the database (crm/core/tallies.py).
IN_SIGHT_BY_STAGE = tally("proposal.in_sight_by_stage", Proposal.__table__, rule=lambda: Proposal.archived_at.is_(None),
                          key=lambda: Proposal.stage, watched=("archived_at", "stage"), of_live_partner=True)
OPEN_BY_HOUR_MOVED = tally("proposal.open_by_hour_moved", Proposal.__table__,
                           rule=lambda: and_(Proposal.archived_at.is_(None), _open()),
                           key=lambda: hour_key(Proposal.stage_changed_at), watched=("archived_at", "stage", "stage_changed_at"),
                           of_live_partner=True)


def proposals_by_stage() -> list[tuple[ProposalStage, int]]:
    """How many proposals (not archived, of live partners) each stage holds, in stage order,
    every stage listed (one statement, reading the kept tally): the home page's chart, each bar
    linking to the list filtered by its stage."""
    counts = dict(db.session.execute(
        select(Tally.key, Tally.n).where(Tally.name == IN_SIGHT_BY_STAGE.name, Tally.n != 0)).all())
    return [(stage, counts.get(stage.value, 0))
            for stage in sorted(ProposalStage, key=lambda stage: STAGE_ORDER.get(stage, 99))]


def needing_action_count(today: date | None = None, now: datetime | None = None) -> ColumnElement[int]:
    """How many proposals need action (those of `proposals_needing_action_count_query`), as a
    scalar subquery: the stale ones (no stage change since `stale_before`) from the kept tally,
    and among those that moved since, the ones whose next step is due (a range of the index
    (stage, stage_changed_at, ...): the last weeks' moves, not every proposal)."""
    before = stale_before(now)
    hour = hour_floor(before)
    counted = select(func.count(Proposal.id)).where(is_live(), _open())
    stale_in_hour = counted.where(Proposal.stage_changed_at >= hour, Proposal.stage_changed_at < before).scalar_subquery()
    moved_and_due = counted.where(Proposal.stage_changed_at >= before,
                                  Proposal.next_step_on <= (today or office_today())).scalar_subquery()
    return tally_sum(OPEN_BY_HOUR_MOVED, Tally.key < hour_text(hour)) + stale_in_hour + moved_and_due
