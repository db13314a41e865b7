"""Imports every domain's models, so that the metadata (and Alembic) sees all tables."""
from crm.agreements.models import Agreement, Document  # noqa: F401
from crm.audit.models import AuditEntry  # noqa: F401
from crm.auth.models import FailedLogin, User  # noqa: F401
from crm.contacts.models import Contact  # noqa: F401
from crm.followups.models import FollowUp  # noqa: F401
from crm.imports.models import ImportBatch, ImportRow  # noqa: F401
from crm.interactions.models import Interaction  # noqa: F401
from crm.outcomes.models import Indicator, Outcome, Quota  # noqa: F401
from crm.partners.models import Partner, PartnerSearch, Tag  # noqa: F401
from crm.proposals.models import Proposal, ProposalStageChange  # noqa: F401
from crm.schools.models import School  # noqa: F401
from crm.reminders.models import ReminderDigest  # noqa: F401
from crm.consortia.models import Consortium, ConsortiumActivity, ConsortiumMember  # noqa: F401
from crm.experts.models import Expert, ExpertDocument, Permit, Stay  # noqa: F401
from crm.programmes.models import Approval, Enrolment, Programme  # noqa: F401
from crm.trips.models import Trip, TripDocument, TripLeg, TripMember  # noqa: F401
from crm.visits.models import ScheduleItem, Visit, VisitDocument, VisitMember  # noqa: F401
from crm.reports.models import ReportCountry, ReportPartner, ReportRecordSubject, ReportTotal  # noqa: F401
from crm.core.tallies import Tally  # noqa: F401
from crm.core.submissions import FormSubmission  # noqa: F401
