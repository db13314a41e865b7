"""When a partner has gone quiet: the one rule, for the home page, the partner list and the digest.

A partner is quiet when, within the last QUIET_AFTER_DAYS days (a setting, 180 by default),
nothing happened with it: no contact logged (interactions), no agreement signed (agreements),
no step of a proposal (proposals). Each domain answers its own part; this module only combines
them. It lives with partners because "quiet" is a state of the partner's whole relationship,
of which the contact history is one part.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import Date, DateTime, and_, bindparam, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import load_only
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from crm.agreements import queries as agreements
from crm.core.models import utcnow
from crm.core.statements import prepared
from crm.extensions import db
from crm.interactions import queries as interactions
from crm.partners.models import Partner, PartnerStatus
from crm.proposals import queries as proposals

QUIET_LIST_LIMIT = 20


def quiet_after_days() -> int:
    """The setting: days of silence after which a partner has gone quiet."""
    return int(current_app.config["QUIET_AFTER_DAYS"])


def quiet_since(now: datetime | None = None, days: int | None = None) -> datetime:
    """The moment (naive UTC) before which nothing counts any more."""
    return (now or utcnow()) - timedelta(days=quiet_after_days() if days is None else days)


def quiet_condition(now: datetime | None = None, days: int | None = None) -> ColumnElement[bool]:
    """A condition on `Partner`: it has gone quiet (no contact, signing or proposal step since
    `quiet_since`). The cheapest test comes first: one probe of the interactions index."""
    since = quiet_since(now, days)
    return _quiet(since, since.date())


def _quiet(since, signed_since) -> ColumnElement[bool]:
    """Nothing since the moment `since` (UTC), no signing since the day `signed_since`: values,
    or parameters of a statement built once."""
    return and_(
        ~interactions.contacted_since(since),
        ~agreements.partner_signed_since(signed_since),
        ~proposals.partner_step_since(since),
    )


class _latest(FunctionElement):
    """The latest of several dates or times, NULLs ignored (NULL when all are NULL)."""

    inherit_cache = True
    name = "latest"


@compiles(_latest)
def _latest_default(element, compiler, **kw):  # PostgreSQL's GREATEST ignores NULLs
    return "GREATEST(" + ", ".join(compiler.process(clause, **kw) for clause in element.clauses) + ")"


@compiles(_latest, "sqlite")
def _latest_sqlite(element, compiler, **kw):
    # SQLite's max(a, b, c) is NULL when one of them is: each argument falls back on the others.
    parts = [compiler.process(clause, **kw) for clause in element.clauses]
    rotated = [", ".join(parts[i:] + parts[:i]) for i in range(len(parts))]
    return "max(" + ", ".join(f"coalesce({args})" for args in rotated) + ")"


@dataclass
class QuietPartner:
    partner: Partner
    last_contact: datetime | None  # UTC
    last_signed: date | None
    last_step: datetime | None  # UTC

    @property
    def last_activity(self) -> datetime | None:
        """The latest of the three, as naive UTC (a signing day counts from its start)."""
        moments = [self.last_contact, self.last_step]
        if self.last_signed is not None:
            moments.append(datetime.combine(self.last_signed, time.min))
        return max((moment for moment in moments if moment is not None), default=None)


@dataclass
class PartnerActivity(QuietPartner):
    quiet: bool = False


def activity_of_partner(partner: Partner) -> PartnerActivity:
    """The partner page's line: last contact, last signing, last proposal step, and whether the
    partner has gone quiet (one statement)."""
    since = quiet_since()
    values = {"partner_id": partner.id, "since": since, "signed_since": since.date()}
    row = db.session.execute(_activity_of_partner(), values).one()
    return PartnerActivity(partner, *row[:3], quiet=bool(row[3]))


@prepared
def _activity_of_partner():
    """Built once: the partner and the quiet rule's moment are parameters."""
    return select(
        interactions.last_contact_at(),
        agreements.last_signed_on_of_partner(),
        proposals.last_step_at_of_partner(),
        _quiet(bindparam("since", type_=DateTime()), bindparam("signed_since", type_=Date())),
    ).where(Partner.id == bindparam("partner_id"))


def _quiet_in_force(today: date):
    """Active partners with an agreement in force that have gone quiet, quietest first (nothing
    ever recorded at the very top), with their last contact, signing and proposal step."""
    return (
        select(
            Partner,
            interactions.last_contact_at().label("last_contact"),
            agreements.last_signed_on_of_partner().label("last_signed"),
            proposals.last_step_at_of_partner().label("last_step"),
        )
        .where(
            Partner.archived_at.is_(None),
            Partner.status == PartnerStatus.ACTIVE,
            quiet_condition(),
            agreements.partner_has_agreement_in_force(today),
        )
        .order_by(
            _latest(
                interactions.last_contact_at(), agreements.last_signed_on_of_partner(), proposals.last_step_at_of_partner()
            ).asc().nulls_first(),
            Partner.name,
        )
    )


def quiet_partners_in_force(today: date, limit: int = QUIET_LIST_LIMIT) -> list[QuietPartner]:
    """The home page's list: the first `limit` quiet partners with an agreement in force (one statement)."""
    return [QuietPartner(*row) for row in db.session.execute(_quiet_in_force(today).limit(limit))]


def quiet_partners_of_owner(owner_id: int, today: date, limit: int) -> list[QuietPartner]:
    """The home page's "my partners gone quiet": the owner's first `limit`, each partner with its
    name and country (one statement)."""
    statement = (
        _quiet_in_force(today).where(Partner.owner_id == owner_id).options(load_only(Partner.name, Partner.country)).limit(limit)
    )
    return [QuietPartner(*row) for row in db.session.execute(statement)]


def quiet_partners_by_owner(owner_ids, today: date) -> dict[int, list[QuietPartner]]:
    """The reminder digest's list: each owner's quiet partners with an agreement in force (one statement)."""
    found: dict[int, list[QuietPartner]] = {}
    for row in db.session.execute(_quiet_in_force(today).where(Partner.owner_id.in_(list(owner_ids)))):
        found.setdefault(row[0].owner_id, []).append(QuietPartner(*row))
    return found
