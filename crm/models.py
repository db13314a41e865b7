"""Imports every domain's models, so that the metadata (and Alembic) sees all tables."""
from crm.agreements.models import Agreement, Document  # noqa: F401
from crm.audit.models import AuditEntry  # noqa: F401
from crm.auth.models import User  # noqa: F401
from crm.contacts.models import Contact  # noqa: F401
from crm.followups.models import FollowUp  # noqa: F401
from crm.imports.models import ImportBatch, ImportRow  # noqa: F401
from crm.interactions.models import Interaction  # noqa: F401
from crm.outcomes.models import Outcome  # noqa: F401
from crm.partners.models import Partner, Tag  # noqa: F401
from crm.proposals.models import Proposal, ProposalStageChange  # noqa: F401
from crm.reminders.models import ReminderDigest  # noqa: F401
