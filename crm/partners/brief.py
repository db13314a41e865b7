"""The briefing sheet (/partners/<id>/brief): one printable page before a visit, gathered from
each domain's queries: the partner's facts, its contacts (primary first), agreements in force
with their act-by dates, outcomes by year, open follow-ups both ways, open proposals
and the last five contacts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crm.agreements.models import Agreement, AgreementStatus
from crm.agreements.queries import agreements_of_partner
from crm.contacts.models import Contact

from crm.followups.models import FollowUp
from crm.followups.queries import open_of_partner
from crm.interactions.models import Interaction
from crm.interactions.queries import timeline_of_partner
from crm.outcomes.queries import CategoryYears, partner_sums
from crm.partners.models import Partner
from crm.proposals.models import CLOSED_STAGES, Proposal
from crm.proposals.queries import proposals_of_partner

LAST_CONTACTS = 5
IN_FORCE = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)


@dataclass
class Brief:
    partner: Partner
    today: date
    contacts: list[Contact]
    agreements: list[Agreement]
    outcomes: CategoryYears  # approved outcomes by category and year (the outcomes domain's sums)
    ours: list[FollowUp]
    theirs: list[FollowUp]
    proposals: list[Proposal]
    last_contacts: list[Interaction]


def brief_of(partner: Partner, today: date) -> Brief:
    contacts = [contact for contact in partner.contacts if not contact.erased and contact.active]
    agreements = [agreement for agreement in agreements_of_partner(partner.id) if agreement.status_on(today) in IN_FORCE]
    agreements.sort(key=lambda agreement: (agreement.act_by is None, agreement.act_by or today, agreement.title))
    follow_ups = open_of_partner(partner.id)
    return Brief(
        partner=partner,
        today=today,
        contacts=contacts,
        agreements=agreements,
        outcomes=partner_sums(partner.id),
        ours=[follow_up for follow_up in follow_ups if not follow_up.partner_commitment],
        theirs=[follow_up for follow_up in follow_ups if follow_up.partner_commitment],
        proposals=[proposal for proposal in proposals_of_partner(partner.id) if proposal.stage not in CLOSED_STAGES],
        last_contacts=timeline_of_partner(partner.id, limit=LAST_CONTACTS).entries,
    )
