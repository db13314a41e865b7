"""The queries behind the timelines: each loads what it renders in a fixed number of statements."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import to_utc
from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy import true as sa_true
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.sql.expression import ColumnElement

from crm.agreements import queries as agreement_queries
from crm.agreements.models import Agreement, agreement_partner
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.core.capped import CappedPage, capped_page
from crm.core.search import contains
from crm.core.statements import prepared
from crm.core.tallies import Tally, hour_ceil, hour_floor, hour_key, hour_text, tally, tally_sum
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind, interaction_user
from crm.partners.models import Partner
from crm.partners.search import matching_partner_ids
from crm.proposals.models import Proposal

TIMELINE_PAGE = 20
HISTORY_PAGE = 25
PARTNER_NAME_LIMIT = 20


def _entry_options():
    """Everything an entry of the timeline shows, loaded with it (four statements in all)."""
    return (
        joinedload(Interaction.author),
        joinedload(Interaction.agreement),
        joinedload(Interaction.proposal),
        selectinload(Interaction.contacts),
        selectinload(Interaction.staff),
        selectinload(Interaction.follow_ups).joinedload(FollowUp.assignee),
    )


def of_live_partner():
    """Interactions of archived partners are out of sight like them (their pages answer 404): the
    few archived partners' ids found once per statement, not each interaction's partner."""
    return Interaction.partner_id.not_in(select(Partner.id).where(Partner.archived_at.is_not(None)))


def _list_entry_options():
    """What an entry of a list of them (a timeline, /history) shows, loaded with it, and no
    more: the names and titles of the people and records it names, not their whole rows (a
    user's tokens, an agreement's quotas), whose loading cost more than the statements (four
    statements in all)."""
    return (
        joinedload(Interaction.author).load_only(User.name),
        joinedload(Interaction.agreement).load_only(Agreement.title, Agreement.archived_at),
        joinedload(Interaction.proposal).load_only(Proposal.title, Proposal.archived_at),
        selectinload(Interaction.contacts).load_only(Contact.name),
        selectinload(Interaction.staff).load_only(User.name),
        selectinload(Interaction.follow_ups).joinedload(FollowUp.assignee).load_only(User.name),
    )


@dataclass
class Timeline:
    """One page of a partner's timeline, newest first; `older_than` is the cursor for more."""

    partner_id: int
    entries: list[Interaction] = field(default_factory=list)
    older_than: int | None = None

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def timeline_of_partner(partner_id: int, older_than: int | None = None, limit: int = TIMELINE_PAGE) -> Timeline:
    """The newest `limit` interactions with a partner (before the entry `older_than`, if given).

    Keyset paging on (occurred_at, id), which the index (partner_id, occurred_at) serves, so the
    hundredth page costs what the first does.
    """
    statement = _timeline_of_partner(limit + 1)
    if older_than is not None:
        cursor = (
            select(Interaction.occurred_at)
            .where(Interaction.id == older_than, Interaction.partner_id == partner_id)
            .scalar_subquery()
        )
        statement = statement.where(
            or_(
                Interaction.occurred_at < cursor,
                and_(Interaction.occurred_at == cursor, Interaction.id < older_than),
            )
        )
    rows = db.session.scalars(statement, {"partner_id": partner_id}).all()
    more = len(rows) > limit
    entries = list(rows[:limit])
    return Timeline(partner_id, entries, entries[-1].id if more else None)


@prepared
def _timeline_of_partner(limit: int):
    """A partner's timeline, newest first (built once, the partner a parameter; an older page adds its cursor)."""
    return (
        select(Interaction)
        .where(Interaction.partner_id == bindparam("partner_id"))
        .options(*_list_entry_options())
        .order_by(*newest_first())
        .limit(limit)
    )


@dataclass
class HistoryFilters:
    kind: InteractionKind | None = None
    partner_id: int | None = None
    partner_text: str = ""
    country: str | None = None
    staff_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def history_statement(filters: HistoryFilters):
    """Which interactions /history lists: every partner's timeline (not archived ones), filtered.

    Partners are tested with `partner_id [NOT] IN (a partner subquery)`, never joined: so the
    database walks the index on occurred_at newest first and stops after a page, instead of
    joining 200,000 interactions to their partners and sorting them all. Neither columns, order
    nor loader options: `history_page` adds them.
    """
    statement = select(Interaction).where(of_live_partner())
    if filters.kind:
        statement = statement.where(Interaction.kind == filters.kind)
    if filters.partner_id:
        statement = statement.where(Interaction.partner_id == filters.partner_id)
    if filters.partner_text:
        # The partner search's rule (德国, Germany, DE, a name), from the partners' package.
        statement = statement.where(Interaction.partner_id.in_(matching_partner_ids(filters.partner_text)))
    if filters.country:
        statement = statement.where(Interaction.partner_id.in_(select(Partner.id).where(Partner.country == filters.country)))
    if filters.staff_id:
        took_part = exists().where(
            interaction_user.c.interaction_id == Interaction.id,
            interaction_user.c.user_id == filters.staff_id,
        )
        statement = statement.where(or_(Interaction.author_id == filters.staff_id, took_part))
    if filters.date_from:
        statement = statement.where(Interaction.occurred_at >= _utc_start_of(filters.date_from))
    if filters.date_to:
        statement = statement.where(Interaction.occurred_at < _utc_start_of(filters.date_to + timedelta(days=1)))
    if filters.text:
        statement = statement.where(or_(contains(Interaction.subject, filters.text), contains(Interaction.summary, filters.text)))
    return statement


def history_page(filters: HistoryFilters) -> CappedPage:
    """The `?page=` of /history, newest first, with what each entry shows: five statements
    (the page, its people and follow-ups, and a count that stops at COUNT_CAP). The page's ids
    are chosen first: a filter by country may make the database sort that country's entries,
    and it then sorts ids, not entries joined to their partner, author, agreement and proposal."""
    return capped_page(
        history_statement(filters),
        order_by=newest_first(),
        options=(joinedload(Interaction.partner).load_only(Partner.name), *_list_entry_options()),
        per_page=HISTORY_PAGE,
        key=Interaction.id,
    )


def partner_countries() -> list[str]:
    """Countries of partners that are not archived: the distinct codes (read from the index on
    country), each kept if one of its partners is not archived (one index probe per country)."""
    codes = select(Partner.country).distinct().subquery()
    other = aliased(Partner)
    live = select(other.id).where(other.country == codes.c.country, other.archived_at.is_(None)).exists()
    return db.session.scalars(select(codes.c.country).where(live)).all()


def _utc_start_of(day: date) -> datetime:
    """Midnight of a day in the office's time zone, as the naive UTC the database stores."""
    return to_utc(datetime.combine(day, time.min))


def load_entry(interaction_id: int) -> Interaction | None:
    """One interaction with everything its timeline entry shows."""
    return db.session.scalars(
        select(Interaction)
        .where(Interaction.id == interaction_id)
        .options(joinedload(Interaction.partner), *_entry_options())
    ).first()


# --- what the log form offers -----------------------------------------------------------


def contacts_for(partner_id: int, keep: list[int] = ()) -> list[Contact]:
    """The partner's active contacts, and inactive ones already chosen (an edit keeps them)."""
    return db.session.scalars(
        select(Contact)
        .where(Contact.partner_id == partner_id, or_(Contact.active.is_(True), Contact.id.in_(list(keep))))
        .order_by(Contact.is_primary.desc(), Contact.name)
    ).all()


def staff_for(keep: list[int] = ()) -> list[User]:
    """Active users, and inactive ones already chosen."""
    return db.session.scalars(
        select(User).where(or_(User.active.is_(True), User.id.in_(list(keep)))).order_by(User.name)
    ).all()


def agreements_for(partner_id: int) -> list[Agreement]:
    return db.session.scalars(
        select(Agreement)
        .join(agreement_partner)
        .where(agreement_partner.c.partner_id == partner_id, Agreement.archived_at.is_(None))
        .order_by(*agreement_queries.latest_first())
    ).all()


def proposals_for(partner_id: int) -> list[Proposal]:
    return db.session.scalars(
        select(Proposal)
        .where(Proposal.partner_id == partner_id, Proposal.archived_at.is_(None))
        .order_by(Proposal.stage_changed_at.desc())
    ).all()


# --- last contact: the one definition, for the partner list, the partner page and home ------
# The rule is crm/interactions/last_contact.py's `computed_last_contact_at` (the latest
# interaction logged with the partner); every partner stores its value in the indexed column
# `Partner.last_contact_at`, kept by a session hook there. Others read it only through these.


def last_contact_at() -> ColumnElement:
    """On `Partner`: when the partner was last in contact (naive UTC), or NULL (the stored rule)."""
    return Partner.last_contact_at


def contacted_since(moment: datetime) -> ColumnElement[bool]:
    """A condition on `Partner`: an interaction with it at or after `moment` (UTC); false, not
    NULL, for a partner never contacted, so that its negation holds for it."""
    return and_(Partner.last_contact_at.is_not(None), Partner.last_contact_at >= moment)


def newest_first():
    """The order of every list of interactions: newest first."""
    return (Interaction.occurred_at.desc(), Interaction.id.desc())


def interactions_about_agreement(agreement_id: int, limit: int = 50) -> list[Interaction]:
    """The agreement page's contact history: the newest `limit` interactions about it, of partners
    not archived (an agreement with several partners outlives one of them being archived)."""
    return db.session.scalars(
        select(Interaction)
        .where(Interaction.agreement_id == agreement_id, of_live_partner())
        .options(joinedload(Interaction.partner).load_only(Partner.name), *_list_entry_options())
        .order_by(*newest_first())
        .limit(limit)
    ).all()


def interactions_about_proposal(proposal_id: int) -> list[Interaction]:
    """The proposal page's contact history: the interactions that mention it, newest first, with
    what each entry shows (a fixed number of statements, whatever their participants)."""
    return db.session.scalars(
        select(Interaction).where(Interaction.proposal_id == proposal_id)
        .options(*_list_entry_options()).order_by(*newest_first())
    ).all()


# --- counts for the home page ---------------------------------------------------------------


# Every interaction of a partner not archived (the unfiltered /history), counted in all and per
# hour (UTC) of its time, kept by the database (crm/core/tallies.py).
LOGGED = tally("interaction.logged", Interaction.__table__, rule=sa_true, of_live_partner=True)
LOGGED_BY_HOUR = tally("interaction.logged_by_hour", Interaction.__table__, rule=sa_true,
                       key=lambda: hour_key(Interaction.occurred_at), watched=("occurred_at",), of_live_partner=True)


def history_count_query(filters: HistoryFilters | None = None):
    """How many entries /history lists under `filters`, as a statement of one number (a COUNT
    of the list's own statement). Unfiltered, the list is every interaction of the partners not
    archived: the kept tally (one row, not 2,000,000 interactions)."""
    filters = filters or HistoryFilters()
    if filters == HistoryFilters():
        return select(tally_sum(LOGGED))
    listed = history_statement(filters).with_only_columns(Interaction.id).subquery()
    return select(func.count()).select_from(listed)


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of the month `months_back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def interactions_per_month(today: date, months: int = 12) -> list[tuple[date, int]]:
    """(first day of the month, interactions logged that month) for the last `months` months,
    this one included, oldest first, empty months as 0: the home page's chart (one statement;
    the months are counted by the office's calendar, the way /history's date filter reads them).

    A month is a sum of the kept counts of its hours (UTC; at most 744 small rows, whatever the
    number of interactions), and where the office's midnight falls within an hour, that part of
    the hour counted from the index (occurred_at, partner_id)."""
    starts = [month_start(today, back) for back in range(months - 1, -1, -1)]
    bounds = [_utc_start_of(start) for start in starts + [month_start(today, -1)]]
    columns = [_logged_between(bounds[index], bounds[index + 1]).label(f"m{index}") for index in range(months)]
    row = db.session.execute(select(*columns)).one()
    return list(zip(starts, row, strict=True))


def _logged_between(start: datetime, end: datetime) -> ColumnElement[int]:
    """Interactions of partners not archived logged in [start, end) (UTC), as a scalar subquery:
    the kept counts of the whole hours, and the parts of hours at either end counted."""
    first, last = hour_ceil(start), hour_floor(end)
    total = tally_sum(LOGGED_BY_HOUR, Tally.key >= hour_text(first), Tally.key < hour_text(last))
    for low, high in ((start, min(first, end)), (max(last, first), end)):
        if low < high:
            total = total + _counted_between(low, high)
    return total


def _counted_between(start: datetime, end: datetime) -> ColumnElement[int]:
    archived = select(Partner.id).where(Partner.archived_at.is_not(None))
    return (
        select(func.count())
        .select_from(Interaction)
        .where(Interaction.occurred_at >= start, Interaction.occurred_at < end, Interaction.partner_id.not_in(archived))
        .scalar_subquery()
    )


def entries_of_partners(partner_ids) -> list[tuple[int, int, datetime, str]]:
    """(id, partner id, when (UTC), subject) of every entry with these partners: what an import
    compares its rows with (one statement)."""
    return db.session.execute(
        select(Interaction.id, Interaction.partner_id, Interaction.occurred_at, Interaction.subject)
        .where(Interaction.partner_id.in_(list(partner_ids)))
    ).all()
