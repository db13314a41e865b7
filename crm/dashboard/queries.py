"""The home page: one `Dashboard` gathered from each domain's queries (the page's template
fetches nothing itself), and the office-wide `Office` block beneath it.

"My day" comes first (a liaison's outcomes sent back for correction, the user's decisions due,
follow-ups, proposals needing action), then
the user's partners gone quiet and other deadlines (`Watch`), then office-wide figures. What the
user acts on first comes with the page; the watch list (a statement over the user's partners'
whole history and one statement per deadline source) and the office block (it counts whole
tables, so its cost grows with the office) each come on their own once they come into view
(`/home/watch`, `/home/office`, htmx; without JavaScript a link to each as a page of its own).
Each figure is counted by the same function or statement as the list it links to, with the link
carrying the filter that gives those rows, so that a figure and its list always agree
(tests/integration/test_home_figures.py checks each one, for each role).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import load_only, selectinload

from crm.agreements.models import Agreement
from crm.agreements.queries import (
    act_by_column,
    in_force_count,
    renewals_due_count,
    renewals_due_statement,
)
from crm.core.charts import Chart, bar_chart, column_chart, month_label
from crm.core.deadlines import Deadline, deadlines_due
from crm.extensions import db
from crm.followups import queries as follow_ups
from crm.followups.models import FollowUp
from crm.interactions.queries import history_count_query, interactions_per_month
from crm.outcomes.models import Outcome
from crm.outcomes.queries import returned_count_query, returned_outcomes_of_school
from crm.partners.activity import QuietPartner, quiet_partners_of_owner
from crm.partners.models import Partner
from crm.partners.queries import PartnerFilters, partner_count_query
from crm.proposals.models import Proposal
from crm.proposals.pipeline import OPEN_STAGES
from crm.proposals.queries import (
    needing_action_count,
    proposals_by_stage,
    proposals_needing_action,
    proposals_needing_action_count,
    proposals_needing_action_count_query,
)

DECISIONS_WITHIN_DAYS = 30    # "my decisions due": renewals whose act-by date falls within this
DEADLINES_WITHIN_DAYS = 30    # "other deadlines": from the deadline registry, this far ahead
MY_LIST_LIMIT = 10            # rows per "my day" list; each says how many there are and links to all
MY_FOLLOW_UP_GROUPS = ("overdue", "this-week")  # the follow-up groups "my day" shows and counts
ACTIVITY_MONTHS = 12


@dataclass
class Figure:
    """An office-wide number on the home page and the list that shows exactly those rows."""

    key: str
    label: object
    count: int
    href: str
    note: object = ""
    alert: bool = False


@dataclass
class MyCounts:
    """The counters at the head of "my day" (refreshed on their own when a follow-up changes)."""

    decisions: int
    overdue: int
    this_week: int
    proposals: int
    returned: int = 0  # a liaison's outcomes sent back for correction


@dataclass
class Dashboard:
    today: date
    decisions: list[Agreement]
    decisions_total: int
    decisions_href: str  # the agreement list showing exactly the decisions counted
    overdue: list[FollowUp]
    overdue_total: int
    this_week: list[FollowUp]
    this_week_total: int
    proposals: list[Proposal]
    proposals_total: int
    returned: list[Outcome] = field(default_factory=list)  # a liaison's, as on /outcomes/mine
    returned_total: int = 0

    @property
    def counts(self) -> MyCounts:
        return MyCounts(self.decisions_total, self.overdue_total, self.this_week_total, self.proposals_total,
                        self.returned_total)


@dataclass
class Watch:
    """What to keep an eye on, under "my day": the user's partners gone quiet and the other
    deadlines of the registry (crm/core/deadlines.py)."""

    today: date
    quiet: list[QuietPartner]
    deadlines: list[Deadline]


@dataclass
class Office:
    """The office-wide figures and charts under "my day"."""

    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def dashboard_for(user, today: date) -> Dashboard:
    """"My day" for `user`, in a fixed number of statements whatever the data, each reading
    only the user's rows (the counts of "my" lists and their first rows); a liaison's outcomes
    sent back to their school come first (two statements more)."""
    liaison = user.is_liaison
    mine = db.session.execute(select(
        *follow_ups.group_count_columns(user.id, today, keys=MY_FOLLOW_UP_GROUPS),
        my_decisions_count_query(user, today).scalar_subquery().label("decisions"),
        proposals_needing_action_count_query(today, owner_id=user.id).scalar_subquery().label("proposals"),
        *([returned_count_query(user.school_id).scalar_subquery().label("returned")] if liaison else []),
    )).one()
    my_counts = dict(zip(MY_FOLLOW_UP_GROUPS, mine[:len(MY_FOLLOW_UP_GROUPS)], strict=True))
    my_rows = follow_ups.groups_rows(user.id, MY_FOLLOW_UP_GROUPS, today, MY_LIST_LIMIT)
    return Dashboard(
        today=today,
        decisions=my_decisions(user, today),
        decisions_total=mine.decisions,
        decisions_href=url_for("agreements.index", owner=user.id, act_within=DECISIONS_WITHIN_DAYS, sort="act_by"),
        overdue=my_rows["overdue"],
        overdue_total=my_counts["overdue"],
        this_week=my_rows["this-week"],
        this_week_total=my_counts["this-week"],
        proposals=proposals_needing_action(today, limit=MY_LIST_LIMIT, owner_id=user.id),
        proposals_total=mine.proposals,
        returned=returned_outcomes_of_school(user.school_id, MY_LIST_LIMIT) if liaison else [],
        returned_total=mine.returned if liaison else 0,
    )


def watch_for(user, today: date) -> Watch:
    """The user's partners gone quiet (the first MY_LIST_LIMIT) and other deadlines: one
    statement, and one per deadline source."""
    return Watch(
        today=today,
        quiet=quiet_partners_of_owner(user.id, today, MY_LIST_LIMIT),
        deadlines=deadlines_due([user.id], today, today + timedelta(days=DEADLINES_WITHIN_DAYS)),
    )


def office_for(user, today: date) -> Office:
    """The office-wide figures (each counted by its list's own rule, all in one statement) and
    the two charts: a fixed number of statements."""
    stages = proposals_by_stage()
    return Office(figures=office_figures(user, today, _counts(today), stages), charts=home_charts(today, stages))


def my_decisions(user, today: date, limit: int = MY_LIST_LIMIT) -> list[Agreement]:
    """The first `limit` renewals of the user's agreements to decide within DECISIONS_WITHIN_DAYS
    (the agreements domain's rule), the act-by date passed first; with their partners' names (two
    statements: a join to the partners would make SQLite build the whole agreement-partner join
    first, 40 ms at scale 1)."""
    return db.session.scalars(
        renewals_due_statement(today, DECISIONS_WITHIN_DAYS, owner_id=user.id)
        .options(load_only(Agreement.title, act_by_column()),
                 selectinload(Agreement.partners).load_only(Partner.name, Partner.short_name))
        .order_by(act_by_column(), Agreement.title, Agreement.id)
        .limit(limit)
    ).all()


def my_decisions_count_query(user, today: date):
    """How many renewals the user has to decide (all of them, not only the ones shown)."""
    due = renewals_due_statement(today, DECISIONS_WITHIN_DAYS, owner_id=user.id).with_only_columns(Agreement.id).subquery()
    return select(func.count()).select_from(due)


def my_counts(user, today: date) -> MyCounts:
    counts = follow_ups.group_counts(user.id, today, keys=MY_FOLLOW_UP_GROUPS)
    return MyCounts(
        db.session.scalar(my_decisions_count_query(user, today)),
        counts["overdue"],
        counts["this-week"],
        proposals_needing_action_count(today, owner_id=user.id),
        db.session.scalar(returned_count_query(user.school_id)) if user.is_liaison else 0,
    )


def _counts(today: date) -> dict[str, int]:
    """Each office-wide figure counted by its list's own rule, all in one statement."""
    queries = {
        "partners": partner_count_query(PartnerFilters(today=today)),
        "interactions": history_count_query(),
    }
    columns = [query.scalar_subquery().label(name) for name, query in queries.items()]
    row = db.session.execute(select(
        *columns,
        in_force_count(today).label("agreements"),
        needing_action_count(today).label("needing"),
        renewals_due_count(today).label("renewals"),
    )).one()
    return dict(row._mapping)


def office_figures(user, today: date, counts: dict[str, int], stages) -> list[Figure]:
    """The office-wide figures. /follow-ups shows a user their own follow-ups (an administrator
    may ask for everyone's): so an administrator's figures count everyone's and link with
    `assignee=all`, and the others' count their own, said so in the figure."""
    if user.is_admin:
        follow_up_counts = follow_ups.group_counts(follow_ups.EVERYONE, today)
        whose, note = {"assignee": follow_ups.EVERYONE}, _l("everyone's")
    else:
        follow_up_counts, whose, note = follow_ups.group_counts(user.id, today), {}, _l("mine")
    open_proposals = sum(count for stage, count in stages if stage in OPEN_STAGES)
    return [
        Figure("partners", _l("Partners"), counts["partners"], url_for("partners.index")),
        Figure("agreements", _l("Agreements in force"), counts["agreements"], url_for("agreements.index", status="current")),
        Figure("renewals", _l("Renewals due"), counts["renewals"], url_for("agreements.renewals"), alert=bool(counts["renewals"])),
        Figure("interactions", _l("Logged interactions"), counts["interactions"], url_for("interactions.history")),
        Figure("open-follow-ups", _l("Open follow-ups"), sum(follow_up_counts.values()),
               url_for("followups.index", **whose), note),
        Figure("overdue-follow-ups", _l("Overdue follow-ups"), follow_up_counts["overdue"],
               url_for("followups.index", due="overdue", **whose), note, alert=bool(follow_up_counts["overdue"])),
        Figure("open-proposals", _l("Open proposals"), open_proposals, url_for("proposals.index")),
        Figure("proposals-needing-action", _l("Proposals that need action"), counts["needing"],
               url_for("proposals.index", view="list", action=1), alert=bool(counts["needing"])),
    ]


def home_charts(today: date, stages) -> list[Chart]:
    """Contacts logged per month (each month linking to /history for that month) and the
    proposals by stage (each stage linking to the list of its proposals)."""
    months = interactions_per_month(today, ACTIVITY_MONTHS)
    next_starts = [start for start, _count in months[1:]] + [_next_month(months[-1][0])]
    activity = column_chart(
        _l("Contacts logged per month"),
        [
            (month_label(start), count,
             url_for("interactions.history", date_from=start.isoformat(), date_to=(end - timedelta(days=1)).isoformat()))
            for (start, count), end in zip(months, next_starts, strict=True)
        ],
        value_label=_l("Contacts logged"),
    )
    stages = bar_chart(
        _l("Proposals by stage"),
        [(stage.label, count, url_for("proposals.index", view="list", stage=stage.value)) for stage, count in stages],
        value_label=_l("Proposals"),
    )
    return [activity, stages]


def _next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)
