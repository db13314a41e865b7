"""The statements behind the agreement pages, the renewals view, reminders and the calendar.

`Agreement.status_on` is the one definition of an agreement's status; `status_condition`
below says the same thing in SQL so that lists can filter by status in the database, and a
unit test checks that the two agree on every case.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from crm.agreements.models import (
    DEFAULT_RENEWAL_WINDOW_DAYS,
    Agreement,
    AgreementDecision,
    AgreementStatus,
    Document,
    agreement_partner,
)
from crm.core.dates import office_today
from crm.core.search import contains
from crm.core.statements import prepared
from crm.core.stored import stored_rule
from crm.core.tallies import Tally, day_key, day_text, tally, tally_sum
from crm.extensions import db
from crm.partners.models import Partner
from crm.partners.search import record_search_condition

RENEWAL_HORIZON_DAYS = 180
RENEWAL_GROUPS = (30, 90, 180)
RENEWAL_GROUP_KEYS = ("overdue",) + tuple(f"within-{days}" for days in RENEWAL_GROUPS)
RENEWALS_PER_GROUP = 10  # the renewals view shows this many per group, then "show all"


class _DaysBefore(FunctionElement):
    """`day - days` for a DATE column and an integer expression, in SQLite and PostgreSQL."""

    type = sa.Date()
    inherit_cache = True
    name = "days_before"


@compiles(_DaysBefore)
def _days_before_default(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} - {compiler.process(days, **kw)})"


@compiles(_DaysBefore, "sqlite")
def _days_before_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '-' || ({compiler.process(days, **kw)}) || ' days')"


def computed_act_by() -> ColumnElement:
    """The SQL twin of `act_by_of`: valid-until minus the notice period (NULL when open-ended)."""
    return _DaysBefore(Agreement.valid_until, func.coalesce(Agreement.notice_days, 0))


def act_by_column() -> ColumnElement:
    """The act-by date in SQL: the stored, indexed `Agreement.act_by` (see `act_by_of`); what
    lists sort by and the renewal windows filter on."""
    return Agreement.act_by


@stored_rule("agreement.act_by")
def store_act_by() -> int:
    """Recompute every agreement's stored act-by date from its rule (for writes that bypass the
    ORM, such as the demo generator's bulk inserts); the rows changed."""
    table = Agreement.__table__
    result = db.session.execute(
        sa.update(table)
        .where(table.c.act_by.is_distinct_from(computed_act_by()))
        .values(act_by=computed_act_by(), updated_at=table.c.updated_at)
    )
    return result.rowcount


def _not_decided_away():
    """Neither renewed nor terminated: the dates decide the status."""
    return or_(Agreement.decision.is_(None), Agreement.decision.in_([AgreementDecision.LAPSE, AgreementDecision.AMEND]))


def renewal_open_condition() -> ColumnElement[bool]:
    """SQL twin of `Agreement.renewal_open`: no decision on what happens at the end yet."""
    return or_(Agreement.decision.is_(None), Agreement.decision == AgreementDecision.AMEND)


def _started(today: date):
    return or_(Agreement.valid_from.is_(None), Agreement.valid_from <= today)


def status_condition(status: AgreementStatus, today: date) -> ColumnElement[bool]:
    """The SQL twin of `Agreement.status_on(today) == status`."""
    act_by = act_by_column()
    window_open = act_by <= today + timedelta(days=DEFAULT_RENEWAL_WINDOW_DAYS)
    signed = and_(_not_decided_away(), Agreement.signed_on.is_not(None))
    started = and_(signed, _started(today))
    lapsing = Agreement.decision == AgreementDecision.LAPSE
    if status == AgreementStatus.RENEWED:
        return Agreement.decision == AgreementDecision.RENEWED
    if status == AgreementStatus.TERMINATED:
        return Agreement.decision == AgreementDecision.TERMINATED
    if status == AgreementStatus.DRAFT:
        return and_(_not_decided_away(), Agreement.signed_on.is_(None))
    if status == AgreementStatus.SIGNED:
        return and_(signed, Agreement.valid_from > today)
    if status == AgreementStatus.EXPIRED:
        return and_(started, Agreement.valid_until < today)
    if status == AgreementStatus.EXPIRING:
        return and_(started, Agreement.valid_until >= today, renewal_open_condition(), window_open)
    # ACTIVE
    return and_(
        started,
        or_(
            Agreement.valid_until.is_(None),
            and_(Agreement.valid_until >= today, or_(lapsing, not_(window_open))),
        ),
    )


def in_force_condition(today: date) -> ColumnElement[bool]:
    """The SQL twin of `Agreement.in_force_on(today)`: signed, started, not past valid-until,
    neither renewed nor terminated (archived or not: callers add `live()` for that)."""
    return and_(
        _not_decided_away(),
        Agreement.signed_on.is_not(None),
        _started(today),
        or_(Agreement.valid_until.is_(None), Agreement.valid_until >= today),
    )


def live() -> ColumnElement[bool]:
    """Not archived."""
    return Agreement.archived_at.is_(None)


# --- The home page's counts, kept (crm/core/tallies.py) -----------------------------------------
# "In force today" (the list /agreements?status=current) as the agreements in force on some day
# (not archived, signed, neither renewed nor terminated, a period that is not empty) counted by
# the day they start (before every day when open-started) and by the day they end.


def _in_force_some_day() -> ColumnElement[bool]:
    """Not archived and in force on the days from valid-from to valid-until (`in_force_condition`
    without the day): counted by `IN_FORCE_FROM` and `IN_FORCE_UNTIL`."""
    return and_(
        live(), _not_decided_away(), Agreement.signed_on.is_not(None),
        or_(Agreement.valid_from.is_(None), Agreement.valid_until.is_(None), Agreement.valid_from <= Agreement.valid_until),
    )


_IN_FORCE_WATCHED = ("archived_at", "decision", "signed_on", "valid_from", "valid_until")
IN_FORCE_FROM = tally("agreement.in_force_from", Agreement.__table__, rule=_in_force_some_day,
                      key=lambda: day_key(Agreement.valid_from), watched=_IN_FORCE_WATCHED)
IN_FORCE_UNTIL = tally("agreement.in_force_until", Agreement.__table__,
                       rule=lambda: and_(_in_force_some_day(), Agreement.valid_until.is_not(None)),
                       key=lambda: day_key(Agreement.valid_until), watched=_IN_FORCE_WATCHED)


def in_force_count(today: date) -> ColumnElement[int]:
    """How many agreements /agreements?status=current lists (not archived, in force on `today`),
    as a scalar subquery reading the kept tallies: those started by today less those ended
    before it (a sum over days, whatever the number of agreements)."""
    return tally_sum(IN_FORCE_FROM, Tally.key <= day_text(today)) - tally_sum(IN_FORCE_UNTIL, Tally.key < day_text(today))


# --- What other domains ask about a partner's agreements (correlated with `Partner`) ----------


def _of_partner(column, *conditions) -> sa.Select:
    """`column` over the partner's agreements (not archived) that meet `conditions`."""
    return (
        select(column)
        .join(agreement_partner, agreement_partner.c.agreement_id == Agreement.id)
        .where(agreement_partner.c.partner_id == Partner.id, live(), *conditions)
        .correlate(Partner)
    )


def in_force_count_of_partner(today: date) -> ColumnElement[int]:
    """Correlated scalar subquery: how many agreements of the partner are in force."""
    return _of_partner(func.count(Agreement.id), in_force_condition(today)).scalar_subquery()


def in_force_summary_of_partner(today: date) -> sa.Select:
    """Correlated select of one row: the partner's agreements in force, how many (`count`) and
    the earliest act-by date among them (`next_act_by`): the two subqueries above in one look
    at the partner's agreements, for a LATERAL join (PostgreSQL)."""
    return _of_partner(func.count(Agreement.id).label("count"), in_force_condition(today)).add_columns(
        func.min(act_by_column()).label("next_act_by"))


def partner_has_agreement_in_force(today: date) -> ColumnElement[bool]:
    """A condition on `Partner`: at least one of its agreements is in force. A scalar subquery
    probed partner by partner (a few index look-ups each), after the partner's own conditions:
    as EXISTS, PostgreSQL made it a join that first gathered every agreement in force of the
    office (400 ms at 100,000 partners, for a list of one owner's ten quiet partners)."""
    return _of_partner(Agreement.id, in_force_condition(today)).limit(1).scalar_subquery().is_not(None)


def next_act_by_of_partner(today: date) -> ColumnElement:
    """Correlated scalar subquery: the earliest act-by date among the partner's agreements in
    force (open-ended ones have none)."""
    return _of_partner(func.min(act_by_column()), in_force_condition(today)).scalar_subquery()


def partner_signed_since(day: date) -> ColumnElement[bool]:
    """A condition on `Partner`: one of its agreements was signed on `day` or later."""
    return _of_partner(Agreement.id, Agreement.signed_on >= day).exists()


def last_signed_on_of_partner() -> ColumnElement:
    """Correlated scalar subquery: when the partner last signed an agreement with us, or NULL."""
    return _of_partner(func.max(Agreement.signed_on)).scalar_subquery()


def in_force_ids(today: date) -> sa.Select:
    """The ids of the agreements in force (not archived), as an uncorrelated subquery."""
    return select(Agreement.id).where(live(), in_force_condition(today))


def latest_first():
    """The order agreements are offered in (a log form's choice): latest end first, open-ended on top."""
    return (Agreement.valid_until.desc().nulls_first(), Agreement.title)


@dataclass
class AgreementFilter:
    """What /agreements can be narrowed by; every field optional. Validated by ListFilterForm."""

    term: str = ""
    kind: str = ""
    status: str = ""
    country: str = ""
    partner_id: int | None = None
    owner_id: int | None = None
    act_within: int | None = None
    has_document: str = ""  # "", "yes", "no"
    renewal: str = ""  # "" or a key of RENEWAL_GROUP_KEYS: that group of the renewals view
    sort: str = "valid_until"
    archived: bool = False  # the archived agreements instead (for administrators)


SORTS = {
    "valid_until": lambda: (Agreement.valid_until.asc().nulls_last(), Agreement.title),
    "-valid_until": lambda: (Agreement.valid_until.desc().nulls_last(), Agreement.title),
    "act_by": lambda: (act_by_column().asc().nulls_last(), Agreement.title),
    "-act_by": lambda: (act_by_column().desc().nulls_last(), Agreement.title),
    "title": lambda: (Agreement.title,),
}


def agreement_list(criteria: AgreementFilter | None = None, today: date | None = None):
    """The statement behind /agreements and its exports: not archived (or, asked for, only the
    archived ones), filtered, sorted."""
    criteria = criteria or AgreementFilter()
    today = today or office_today()
    statement = (
        select(Agreement)
        .options(selectinload(Agreement.partners), joinedload(Agreement.owner))
        .where(Agreement.archived_at.is_not(None) if criteria.archived else Agreement.archived_at.is_(None))
        .order_by(*SORTS.get(criteria.sort, SORTS["valid_until"])())
    )
    # Partner conditions are uncorrelated `id IN (...)` sets: the partners are searched once,
    # not once per agreement row.
    if criteria.term:
        # The partner search's rule (crm/partners/search.py): 德国 / Germany / DE, names.
        condition = record_search_condition(
            criteria.term,
            lambda word: contains(Agreement.title, word),
            lambda partner_ids: _with_partner_where(Partner.id.in_(partner_ids)),
        )
        if condition is not None:
            statement = statement.where(condition)
    if criteria.kind:
        statement = statement.where(Agreement.kind == criteria.kind)
    if criteria.status == "current":
        statement = statement.where(in_force_condition(today))
    elif criteria.status:
        statement = statement.where(status_condition(AgreementStatus(criteria.status), today))
    if criteria.country:
        statement = statement.where(_with_partner_where(Partner.country == criteria.country))
    if criteria.partner_id:
        statement = statement.where(
            Agreement.id.in_(
                select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id == criteria.partner_id)
            )
        )
    if criteria.owner_id:
        statement = statement.where(Agreement.owner_id == criteria.owner_id)
    if criteria.act_within is not None:
        statement = statement.where(*_renewal_due_conditions(today, criteria.act_within))
    if criteria.renewal:
        statement = statement.where(
            *_renewal_due_conditions(today, RENEWAL_HORIZON_DAYS), renewal_group_condition(criteria.renewal, today)
        )
    if criteria.has_document == "yes":
        statement = statement.where(select(Document.id).where(Document.agreement_id == Agreement.id).exists())
    elif criteria.has_document == "no":
        statement = statement.where(~select(Document.id).where(Document.agreement_id == Agreement.id).exists())
    return statement


def _with_partner_where(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The agreement has at least one partner meeting `condition`."""
    return Agreement.id.in_(
        select(agreement_partner.c.agreement_id).where(
            agreement_partner.c.partner_id.in_(select(Partner.id).where(condition))
        )
    )


# --- The agreement form's framework picker -----------------------------------------------------------

FRAMEWORK_LIMIT = 200  # framework agreements offered for the partners chosen


def framework_choices(partner_ids: list[int], keep: int | None = None, exclude: int | None = None) -> list[tuple[int, str]]:
    """The framework agreements offered for an agreement with these partners: the agreements
    (not archived) of any of its partners, plus `keep` (the current choice), without `exclude`."""
    shares_a_partner = Agreement.id.in_(
        select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id.in_(partner_ids or [-1]))
    )
    condition = or_(shares_a_partner, Agreement.id == keep) if keep is not None else shares_a_partner
    statement = (
        select(Agreement.id, Agreement.title)
        .where(Agreement.archived_at.is_(None), condition)
        .order_by(Agreement.title, Agreement.id)
        .limit(FRAMEWORK_LIMIT)
    )
    if exclude is not None:
        statement = statement.where(Agreement.id != exclude)
    choices = [(row.id, row.title) for row in db.session.execute(statement)]
    if keep is not None and keep != exclude and len(choices) == FRAMEWORK_LIMIT and keep not in dict(choices):
        kept = db.session.execute(select(Agreement.id, Agreement.title).where(Agreement.id == keep)).first()
        if kept is not None:
            choices.insert(0, (kept.id, kept.title))
    return choices


def agreements_of_partner(partner_id: int) -> list[Agreement]:
    """The partner page's agreements section (two statements)."""
    return db.session.scalars(_agreements_of_partner(), {"partner_id": partner_id}).all()


@prepared
def _agreements_of_partner():
    return (
        select(Agreement)
        .join(agreement_partner)
        .where(agreement_partner.c.partner_id == sa.bindparam("partner_id"), Agreement.archived_at.is_(None))
        .options(joinedload(Agreement.owner), selectinload(Agreement.partners))
        .order_by(Agreement.valid_until.desc().nulls_first())
    )


# --- Renewals -------------------------------------------------------------------------------


def _renewal_due_conditions(today: date, horizon_days: int) -> list[ColumnElement[bool]]:
    """Signed, nobody decided what happens at the end, act-by past or within the horizon.

    Expired agreements stay (overdue) until someone decides: renews (and signs the renewal),
    lets them lapse or terminates them. A drafted renewal does not count: it must be signed."""
    return [*_renewal_candidates(), act_by_column() <= today + timedelta(days=horizon_days)]


def _renewal_candidates() -> list[ColumnElement[bool]]:
    """Not archived, signed, nobody decided what happens at the end: due by their act-by date."""
    return [Agreement.archived_at.is_(None), Agreement.signed_on.is_not(None), renewal_open_condition()]


RENEWALS_BY_ACT_BY = tally("agreement.act_by", Agreement.__table__,
                           rule=lambda: and_(*_renewal_candidates(), act_by_column().is_not(None)),
                           key=lambda: day_key(act_by_column()), watched=("archived_at", "signed_on", "decision", "act_by"))


def renewals_due_statement(today: date, horizon_days: int = RENEWAL_HORIZON_DAYS, owner_id: int | None = None):
    """Signed agreements with no decision yet whose act-by date is past or within the horizon:
    the renewals view, the home page's card and (with the 90-day window) the reminders."""
    statement = select(Agreement).where(*_renewal_due_conditions(today, horizon_days))
    if owner_id is not None:
        statement = statement.where(Agreement.owner_id == owner_id)
    return statement


def renewals_due(today: date, horizon_days: int = RENEWAL_HORIZON_DAYS, owner_id: int | None = None) -> list[Agreement]:
    """The agreements of `renewals_due_statement`, soonest act-by first, with what the rows show."""
    return db.session.scalars(
        renewals_due_statement(today, horizon_days, owner_id)
        .options(selectinload(Agreement.partners), joinedload(Agreement.owner))
        .order_by(act_by_column(), Agreement.title)
    ).all()


def renewals_due_count(today: date) -> ColumnElement[int]:
    """The number of renewals due (those of `renewals_due_statement`), as a scalar subquery (the
    home page adds it to its counts)."""
    return _renewals_due_between(None, today + timedelta(days=RENEWAL_HORIZON_DAYS))


def _renewals_due_between(after: date | None, until: date) -> ColumnElement[int]:
    """How many renewal candidates have their act-by date after `after` (None: any) and up to
    `until`, as a scalar subquery: the kept tally of the candidates by act-by day, summed over
    those days (a sum over days, whatever the number of agreements: counted from the act-by
    index, the overdue ones, most of the agreements, took a read of 130,000 index entries at
    scale 10)."""
    conditions = [Tally.key <= day_text(until)]
    if after is not None:
        conditions.append(Tally.key > day_text(after))
    return tally_sum(RENEWALS_BY_ACT_BY, *conditions)


@dataclass
class RenewalGroup:
    key: str
    within_days: int | None  # None: overdue
    agreements: list[Agreement]
    total: int = 0  # how many the group holds; `agreements` may show only the first of them


def group_renewals(agreements: list[Agreement], today: date) -> list[RenewalGroup]:
    """Overdue (act-by passed), then act within 30, 90 and 180 days; each agreement once.

    The definition in Python; `renewal_group_column` says the same in SQL (a unit test checks
    that the two agree)."""
    groups = [RenewalGroup("overdue", None, [])] + [RenewalGroup(f"within-{d}", d, []) for d in RENEWAL_GROUPS]
    for agreement in agreements:
        days_left = (agreement.act_by - today).days
        if days_left < 0:
            groups[0].agreements.append(agreement)
            continue
        for group in groups[1:]:
            if days_left <= group.within_days:
                group.agreements.append(agreement)
                break
    for group in groups:
        group.total = len(group.agreements)
    return groups


def renewal_group_column(today: date) -> ColumnElement[str]:
    """The key of an agreement's renewal group, in SQL (for agreements of renewals_due_statement)."""
    act_by = act_by_column()
    return sa.case(
        (act_by < today, "overdue"),
        *((act_by <= today + timedelta(days=days), f"within-{days}") for days in RENEWAL_GROUPS[:-1]),
        else_=f"within-{RENEWAL_GROUPS[-1]}",
    )


def _renewal_group_days(key: str, today: date) -> tuple[date | None, date]:
    """The act-by dates of the renewal group `key`: after the first (None: any), up to the second."""
    if key == "overdue":
        return None, today - timedelta(days=1)
    bounds = (-1,) + RENEWAL_GROUPS
    index = RENEWAL_GROUP_KEYS.index(key)  # ValueError for an unknown key: the form validates it
    return today + timedelta(days=bounds[index - 1]), today + timedelta(days=bounds[index])


def renewal_group_condition(key: str, today: date) -> ColumnElement[bool]:
    """Act-by falls in the renewal group `key` (combine with the renewals-due conditions)."""
    after, until = _renewal_group_days(key, today)
    act_by = act_by_column()
    return act_by <= until if after is None else and_(act_by > after, act_by <= until)


def renewal_groups(today: date, per_group: int = RENEWALS_PER_GROUP) -> list[RenewalGroup]:
    """The renewals view: each group's size and its first `per_group` agreements, soonest act-by
    first, with partners, owner and successor loaded (four statements, whatever the numbers).

    Each group is a range of the act-by index: its first rows are read from the index in order
    (a window over every due agreement sorted 13,000 rows, most of them long overdue, to show
    forty), and its size is summed from the kept tally of act-by days."""
    due = _renewal_due_conditions(today, RENEWAL_HORIZON_DAYS)
    order = (act_by_column(), Agreement.title, Agreement.id)
    firsts = [
        select(Agreement.id.label("id"), sa.literal(key).label("group_key"))
        .where(*due, renewal_group_condition(key, today))
        .order_by(*order)
        .limit(per_group)
        .subquery()
        for key in RENEWAL_GROUP_KEYS
    ]
    picked = sa.union_all(*(select(first.c.id, first.c.group_key) for first in firsts)).subquery()
    rows = db.session.execute(
        select(Agreement, picked.c.group_key)
        .join(picked, picked.c.id == Agreement.id)
        .options(selectinload(Agreement.partners), joinedload(Agreement.owner))
        .order_by(*order)
    ).all()
    _load_successors([agreement for agreement, _key in rows])
    totals = db.session.execute(select(*(
        _renewals_due_between(*_renewal_group_days(key, today)) for key in RENEWAL_GROUP_KEYS
    ))).one()
    groups = {key: RenewalGroup(key, None if key == "overdue" else int(key.split("-")[1]), [], total)
              for key, total in zip(RENEWAL_GROUP_KEYS, totals, strict=True)}
    for agreement, key in rows:
        groups[key].agreements.append(agreement)
    return list(groups.values())


def _load_successors(agreements: list[Agreement]) -> None:
    """Set each agreement's successor (the renewal that names it as predecessor, or None) in one
    statement. The renewals' ids are found from the predecessor index alone first: asked for
    whole rows by predecessor, SQLite read every agreement, its statistics counting the many
    agreements that renew nothing as one value shared by all of them."""
    if not agreements:
        return
    renewals = select(Agreement.id).where(Agreement.predecessor_id.in_([agreement.id for agreement in agreements]))
    by_predecessor = {
        successor.predecessor_id: successor
        for successor in db.session.scalars(select(Agreement).where(Agreement.id.in_(renewals)))
    }
    for agreement in agreements:
        set_committed_value(agreement, "successor", by_predecessor.get(agreement.id))


# --- One agreement's page -------------------------------------------------------------------


def agreement_for_page(agreement_id: int) -> Agreement | None:
    """One agreement with what its page shows: owner, decider, partners, framework, programme
    agreements and documents (a fixed number of statements)."""
    return db.session.scalar(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            joinedload(Agreement.owner),
            joinedload(Agreement.decided_by),
            joinedload(Agreement.parent),
            selectinload(Agreement.partners),
            selectinload(Agreement.children),
            selectinload(Agreement.documents).joinedload(Document.uploaded_by),
        )
    )


def renewal_chain(agreement: Agreement) -> list[Agreement]:
    """The agreements this one renews and that renew it, oldest first, this one included
    (one statement, however long the chain)."""
    older = select(Agreement.predecessor_id.label("id")).where(Agreement.id == agreement.id).cte("older", recursive=True)
    older = older.union(
        select(Agreement.predecessor_id).join(older, Agreement.id == older.c.id).where(Agreement.predecessor_id.is_not(None))
    )
    newer = select(Agreement.id.label("id")).where(Agreement.predecessor_id == agreement.id).cte("newer", recursive=True)
    newer = newer.union(select(Agreement.id).join(newer, Agreement.predecessor_id == newer.c.id))
    links = db.session.scalars(
        select(Agreement).where(or_(Agreement.id.in_(select(older.c.id)), Agreement.id.in_(select(newer.c.id))))
    ).all()
    by_id = {link.id: link for link in links} | {agreement.id: agreement}
    by_predecessor = {link.predecessor_id: link for link in by_id.values() if link.predecessor_id is not None}
    set_committed_value(agreement, "successor", by_predecessor.get(agreement.id))  # the decisions ask
    chain, seen = [agreement], {agreement.id}
    current = by_id.get(agreement.predecessor_id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain.insert(0, current)
        current = by_id.get(current.predecessor_id)
    current = by_predecessor.get(agreement.id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain.append(current)
        current = by_predecessor.get(current.id)
    return [link for link in chain if link is agreement or link.archived_at is None]


def outlasts(child: Agreement, parent: Agreement) -> bool:
    """True when a programme agreement stays valid after its framework agreement ends."""
    if parent.valid_until is None:
        return False
    return child.valid_until is None or child.valid_until > parent.valid_until


def dated_agreements_of_owner(owner_id: int) -> list[Agreement]:
    """The agreements in a user's calendar feed: theirs, not archived, with an end date, neither
    renewed nor terminated; soonest end first, partners loaded (two statements)."""
    return db.session.scalars(
        select(Agreement)
        .where(Agreement.owner_id == owner_id, live(), Agreement.valid_until.is_not(None), _not_decided_away())
        .options(selectinload(Agreement.partners))
        .order_by(Agreement.valid_until)
    ).all()


# --- Counts and charts for the home page and the renewals view ------------------------------


def agreement_list_count_query(criteria: AgreementFilter | None = None, today: date | None = None):
    """How many agreements /agreements lists under `criteria`, as a statement of one number (a
    COUNT of the list's own statement): a figure that links to the list shows its rows."""
    listed = agreement_list(criteria, today).with_only_columns(Agreement.id).order_by(None).subquery()
    return select(func.count()).select_from(listed)


@dataclass
class RenewalMonth:
    start: date | None  # the month's first day; None: the act-by date has already passed
    count: int


def renewals_by_month(today: date, horizon_days: int = RENEWAL_HORIZON_DAYS,
                      overdue: int | None = None) -> list[RenewalMonth]:
    """The renewals view's chart: the agreements to decide (those of `renewals_due_statement`,
    the same window as the view's lists) counted by the month of their act-by date, from this
    month to the one in which the horizon ends; first the ones whose act-by date has passed
    (`overdue`: their number, when the caller has it already). Empty months count 0; the columns
    add up to the lists' total (one statement, summing the kept tally of act-by days)."""
    last_day = today + timedelta(days=horizon_days)
    months = (last_day.year - today.year) * 12 + last_day.month - today.month + 1
    starts = []
    for offset in range(months + 1):
        index = today.year * 12 + today.month - 1 + offset
        starts.append(date(index // 12, index % 12 + 1, 1))
    day = timedelta(days=1)
    columns = [_renewals_due_between(max(starts[index], today) - day, min(starts[index + 1] - day, last_day)).label(f"m{index}")
               for index in range(months)]
    if overdue is None:
        columns.insert(0, _renewals_due_between(None, today - day).label("overdue"))
    row = list(db.session.execute(select(*columns)).one())
    if overdue is not None:
        row.insert(0, overdue)
    return [RenewalMonth(None, row[0])] + [RenewalMonth(starts[index], row[index + 1]) for index in range(months)]


def titles_and_validity(agreement_ids: list[int]) -> list[sa.Row]:
    """(id, title, signed_on, valid_from, valid_until) of the live agreements among `agreement_ids`,
    in title order: the years their quotas apply to (crm.reports.queries.validity_years)."""
    return db.session.execute(
        select(Agreement.id, Agreement.title, Agreement.signed_on, Agreement.valid_from, Agreement.valid_until)
        .where(Agreement.id.in_(agreement_ids), live()).order_by(Agreement.title, Agreement.id)
    ).all()


def validity_periods() -> dict[int, sa.Row]:
    """Every agreement's id → its (valid_from, valid_until), for rules that ask whether a day or
    year lies within it (crm.outcomes.forms.check_year, as the outcomes import asks it)."""
    return {row.id: row for row in db.session.execute(select(Agreement.id, Agreement.valid_from, Agreement.valid_until))}
