"""What the quick search finds: partners, contacts, agreements and proposals, grouped by kind.

Every kind follows the partner search's rule (crm/partners/search.py): each word must match,
either the record's own text or its partner (德国 / Germany / DE find the German partners,
their contacts, agreements and proposals; 1-2 Chinese characters find a name containing them).
A two-letter country code matches through the partner's country only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.agreements.models import Agreement, agreement_partner
from crm.contacts.models import Contact
from crm.extensions import db
from crm.partners.models import Partner
from crm.partners.search import contains_text, record_search_condition, search_condition
from crm.proposals.models import Proposal

QUICK_LIMIT = 5  # per kind, as one types
PAGE_LIMIT = 25  # per kind, on the /search page
KINDS = ("partners", "contacts", "agreements", "proposals")


@dataclass
class QuickResults:
    term: str
    partners: list[Partner] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    more: set[str] = field(default_factory=set)  # the kinds with more matches than listed

    @property
    def empty(self) -> bool:
        return not (self.partners or self.contacts or self.agreements or self.proposals)

    def groups(self):
        """(kind, records) for the kinds that found something, in a fixed order."""
        return [(kind, getattr(self, kind)) for kind in KINDS if getattr(self, kind)]


def _live_partner_ids():
    return select(Partner.id).where(Partner.archived_at.is_(None))


def _first(statement, limit: int, kind: str, more: set[str]) -> list:
    rows = db.session.scalars(statement.limit(limit + 1)).unique().all()
    if len(rows) > limit:
        more.add(kind)
    return rows[:limit]


def quick_search(term: str, limit: int = QUICK_LIMIT) -> QuickResults:
    """The first `limit` matches of each kind (six statements whatever is found; none for an
    empty term)."""
    term = (term or "").strip()
    results = QuickResults(term)
    partner_condition = search_condition(term, people=False)
    if partner_condition is None:
        return results
    more = results.more
    results.partners = _first(
        select(Partner).where(Partner.archived_at.is_(None), partner_condition).order_by(func.lower(Partner.name), Partner.id),
        limit, "partners", more,
    )
    results.contacts = _first(
        select(Contact)
        .where(
            ~Contact.erased,
            Contact.partner_id.in_(_live_partner_ids()),
            record_search_condition(
                term,
                lambda word: or_(contains_text(Contact.name, word), contains_text(Contact.email, word),
                                 contains_text(Contact.position, word)),
                lambda partner_ids: Contact.partner_id.in_(partner_ids),
            ),
        )
        .options(joinedload(Contact.partner))
        .order_by(func.lower(Contact.name), Contact.id),
        limit, "contacts", more,
    )
    results.agreements = _first(
        select(Agreement)
        .where(
            Agreement.archived_at.is_(None),
            record_search_condition(
                term,
                lambda word: contains_text(Agreement.title, word),
                lambda partner_ids: Agreement.id.in_(
                    select(agreement_partner.c.agreement_id).where(agreement_partner.c.partner_id.in_(partner_ids))
                ),
            ),
        )
        .options(selectinload(Agreement.partners))
        .order_by(func.lower(Agreement.title), Agreement.id),
        limit, "agreements", more,
    )
    results.proposals = _first(
        select(Proposal)
        .where(
            Proposal.archived_at.is_(None),
            Proposal.partner_id.in_(_live_partner_ids()),
            record_search_condition(
                term,
                lambda word: contains_text(Proposal.title, word),
                lambda partner_ids: Proposal.partner_id.in_(partner_ids),
            ),
        )
        .options(joinedload(Proposal.partner))
        .order_by(func.lower(Proposal.title), Proposal.id),
        limit, "proposals", more,
    )
    return results
