"""Merging two partners that are the same institution (admins).

The survivor takes the chosen value of each field, the tags of both, and everything that
pointed at the other: contacts, agreements (the agreement↔partner link), contact history (and
the follow-ups under it), proposals (and theirs) and outcomes. The other is archived with
`merged_into_id` pointing at the survivor. Every moved record is changed through the ORM, so
the audit hook records each move; both partners' versions are checked first (stale-safe).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from crm.agreements.models import Agreement, agreement_partner
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.outcomes.models import Outcome
from crm.partners.models import Partner
from crm.proposals.models import Proposal

MERGED_FIELDS = ("name", "local_name", "short_name", "kind", "country", "city", "website", "status", "owner_id", "notes")


@dataclass
class Related:
    contacts: int = 0
    agreements: int = 0
    interactions: int = 0
    proposals: int = 0
    outcomes: int = 0


def related_counts(partner_ids: list[int]) -> dict[int, Related]:
    """How many records of each kind point at each partner (five statements)."""
    found = {pid: Related() for pid in partner_ids}
    for attr, column in (("contacts", Contact.partner_id), ("agreements", agreement_partner.c.partner_id),
                         ("interactions", Interaction.partner_id), ("proposals", Proposal.partner_id),
                         ("outcomes", Outcome.partner_id)):
        for pid, count in db.session.execute(select(column, func.count()).where(column.in_(partner_ids)).group_by(column)):
            setattr(found[pid], attr, count)
    return found


def merge_partners(survivor: Partner, other: Partner, chosen: dict[str, object], user_id: int | None) -> None:
    """Merge `other` into `survivor`; `chosen` holds the survivor's value for each merged field.
    The caller checked both versions and commits."""
    if survivor.id == other.id:
        raise ValueError("a partner cannot be merged into itself")
    for key in MERGED_FIELDS:
        if key in chosen and getattr(survivor, key) != chosen[key]:
            setattr(survivor, key, chosen[key])
    survivor.tags = list(survivor.tags) + [tag for tag in other.tags if tag not in survivor.tags]
    survivor.updated_by_id = user_id
    has_primary = any(contact.is_primary for contact in survivor.contacts)
    for contact in db.session.scalars(select(Contact).where(Contact.partner_id == other.id)):
        contact.partner = survivor
        if has_primary and contact.is_primary:
            contact.is_primary = False  # one primary contact: the survivor's
    for agreement in db.session.scalars(select(Agreement).join(agreement_partner).where(agreement_partner.c.partner_id == other.id)):
        agreement.partners = [survivor if p.id == other.id else p for p in agreement.partners]
        if agreement.partners.count(survivor) > 1:
            agreement.partners = list(dict.fromkeys(agreement.partners))
    for model in (Interaction, Proposal, Outcome):
        for record in db.session.scalars(select(model).where(model.partner_id == other.id)):
            record.partner_id = survivor.id
    other.archive()
    other.merged_into_id = survivor.id
    other.updated_by_id = user_id
