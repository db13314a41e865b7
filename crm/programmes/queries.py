"""The statements behind the programme pages, the approval renewals, the deadline source and the
yearly report's joint-programme enrolment.

An approval's act-by date is its expiry minus APPROVAL_LEAD_DAYS (180 by default: an extension
goes to the education authority well ahead); a second warning falls APPROVAL_SECOND_WARNING_DAYS
(90) before expiry. An approval is open until a decision is recorded (renewed or ended); an
archived programme owes nothing.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.core.search import contains
from crm.core.statements import prepared
from crm.extensions import db
from crm.programmes.models import Approval, Enrolment, Programme, ProgrammeStatus, programme_partner

EXPORT_CAP = 20_000


def approval_lead_days() -> int:
    return int(current_app.config.get("APPROVAL_LEAD_DAYS", 180))


def approval_second_warning_days() -> int:
    return int(current_app.config.get("APPROVAL_SECOND_WARNING_DAYS", 90))


def approval_act_by(approval: Approval) -> date:
    return approval.act_by(approval_lead_days())


@dataclass(frozen=True)
class ProgrammeFilter:
    term: str = ""
    status: str = ""
    partner_id: int | None = None
    archived: bool = False


def programme_list(criteria: ProgrammeFilter = ProgrammeFilter()):
    statement = (
        select(Programme)
        .where(Programme.archived_at.is_not(None) if criteria.archived else Programme.archived_at.is_(None))
        .options(selectinload(Programme.partners), selectinload(Programme.approvals), selectinload(Programme.enrolments))
        .order_by(Programme.name, Programme.id)
    )
    if criteria.term:
        statement = statement.where(or_(contains(Programme.name, criteria.term), contains(Programme.local_name, criteria.term)))
    if criteria.status:
        statement = statement.where(Programme.status == ProgrammeStatus(criteria.status))
    if criteria.partner_id:
        statement = statement.where(Programme.id.in_(
            select(programme_partner.c.programme_id).where(programme_partner.c.partner_id == criteria.partner_id)))
    return statement


def programmes_for_export(criteria: ProgrammeFilter) -> list[Programme]:
    return list(db.session.scalars(programme_list(criteria).limit(EXPORT_CAP)))


def programme_for_page(programme_id: int) -> Programme | None:
    return db.session.scalars(
        select(Programme)
        .where(Programme.id == programme_id)
        .options(
            selectinload(Programme.partners), joinedload(Programme.agreement), joinedload(Programme.owner),
            selectinload(Programme.approvals).joinedload(Approval.decided_by), selectinload(Programme.enrolments),
        )
    ).unique().one_or_none()


def programmes_of_partner(partner_id: int) -> list[Programme]:
    """The programmes a partner is in (the partner page)."""
    return list(db.session.scalars(_programmes_of_partner(), {"partner_id": partner_id}).unique())


@prepared
def _programmes_of_partner():
    return (
        select(Programme)
        .where(Programme.archived_at.is_(None), Programme.id.in_(
            select(programme_partner.c.programme_id).where(programme_partner.c.partner_id == bindparam("partner_id"))))
        .options(joinedload(Programme.approvals))
        .order_by(Programme.name, Programme.id)
    )


def open_approvals_due(horizon: date, owner_ids: Collection[int] | None = None) -> list[Approval]:
    """Open approvals of programmes not archived whose act-by date falls on or before `horizon`
    (overdue included), soonest first, with their programmes."""
    statement = (
        select(Approval)
        .join(Approval.programme)
        .where(
            Approval.decision.is_(None), Programme.archived_at.is_(None),
            Approval.expires_on <= horizon + timedelta(days=approval_lead_days()),
        )
        .options(joinedload(Approval.programme).joinedload(Programme.owner))
        .order_by(Approval.expires_on, Approval.id)
    )
    if owner_ids is not None:
        statement = statement.where(Programme.owner_id.in_(list(owner_ids)))
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class ProgrammeEnrolment:
    year: int
    programme: str
    programme_id: int
    partner_ids: tuple[int, ...]
    major: str
    enrolled: int
    agreement_id: int | None = None  # the agreement the programme runs under


def programme_enrolment_by_year(first_year: int, last_year: int, partner_id: int | None = None,
                                agreement_id: int | None = None, programme_ids: Collection[int] | None = None) -> list[ProgrammeEnrolment]:
    """Students enrolled in joint programmes per intake year, programme and major (archived
    programmes included: their students were enrolled); with `partner_id` or `agreement_id`, only
    the programmes with that partner or under that agreement; with `programme_ids`, only those.
    Two statements."""
    scope = []
    if partner_id is not None:
        scope.append(Programme.id.in_(select(programme_partner.c.programme_id).where(programme_partner.c.partner_id == partner_id)))
    if agreement_id is not None:
        scope.append(Programme.agreement_id == agreement_id)
    if programme_ids is not None:
        scope.append(Programme.id.in_(sorted(programme_ids)))
    enrolments = db.session.execute(
        select(Enrolment.year, Enrolment.major, Enrolment.enrolled, Programme.id, Programme.name, Programme.agreement_id)
        .join(Enrolment.programme)
        .where(Enrolment.year.between(first_year, last_year), *scope)
        .order_by(Enrolment.year, Programme.name, Enrolment.major)
    ).all()
    partners: dict[int, list[int]] = {}
    for programme_id, partner_id in db.session.execute(
        select(programme_partner.c.programme_id, programme_partner.c.partner_id)
        .where(programme_partner.c.programme_id.in_({row.id for row in enrolments}))
        .order_by(programme_partner.c.partner_id)
    ):
        partners.setdefault(programme_id, []).append(partner_id)
    return [
        ProgrammeEnrolment(row.year, row.name, row.id, tuple(partners.get(row.id, ())), row.major, row.enrolled, row.agreement_id)
        for row in enrolments
    ]
