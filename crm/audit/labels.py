"""Translated names of the fields the audit history shows."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

FIELD_LABELS = {
    "name": _l("Name"),
    "local_name": _l("Local-language name"),
    "short_name": _l("Short name"),
    "kind": _l("Kind"),
    "country": _l("Country"),
    "city": _l("City"),
    "website": _l("Website"),
    "status": _l("Status"),
    "owner_id": _l("Owner"),
    "notes": _l("Notes"),
    "note": _l("Note"),
    "tags": _l("Tags"),
    "archived_at": _l("Archived"),
    "recorded_after_the_fact": _l("Recorded after the fact"),
    "created_by_id": _l("Created by"),
    "updated_by_id": _l("Updated by"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "locale": _l("Language"),
    "active": _l("Active"),
    "password_hash": _l("Password"),
    "session_token": _l("Sessions"),
    "calendar_token": _l("Calendar link"),
    "last_login_at": _l("Last login"),
    "partner_id": _l("Partner"),
    "position": _l("Position"),
    "department": _l("Department"),
    "phone": _l("Phone"),
    "messaging": _l("Messaging"),
    "preferred_language": _l("Preferred language"),
    "is_primary": _l("Primary contact"),
    "title": _l("Title"),
    "signed_on": _l("Signed on"),
    "valid_from": _l("Valid from"),
    "valid_until": _l("Valid until"),
    "notice_days": _l("Notice period (days)"),
    "auto_renew": _l("Renews automatically"),
    "subjects": _l("Subjects / majors"),
    "yearly_quotas": _l("Yearly quotas"),
    "predecessor_id": _l("Renews agreement"),
    "parent_id": _l("Framework agreement"),
    "decision": _l("Decision"),
    "decision_reason": _l("Reason"),
    "decided_at": _l("Decided on"),
    "decided_by_id": _l("Decided by"),
    "partners": _l("Partners"),
    "occurred_at": _l("When"),
    "subject": _l("Subject"),
    "summary": _l("Summary"),
    "location": _l("Location"),
    "agreement_id": _l("Agreement"),
    "proposal_id": _l("Proposal"),
    "author_id": _l("Author"),
    "contacts": _l("Participants (partner)"),
    "staff": _l("Participants (staff)"),
    "due_on": _l("Due"),
    "assignee_id": _l("Assignee"),
    "partner_commitment": _l("Partner's commitment"),
    "done": _l("Done"),
    "done_on": _l("Done on"),
    "interaction_id": _l("Interaction"),
    "description": _l("Description"),
    "proposed_by": _l("Proposed by"),
    "stage": _l("Stage"),
    "stage_changed_at": _l("Stage changed"),
    "expected_start": _l("Expected start"),
    "expected_participants": _l("Expected participants"),
    "next_step": _l("Next step"),
    "next_step_on": _l("Next step on"),
    "academic_year": _l("Academic year"),
    "year": _l("Year"),
    "original_name": _l("File name"),
    "content_type": _l("File type"),
    "size": _l("Size"),
    "sha256": _l("Checksum"),
    "stored_name": _l("Stored as"),
    "uploaded_at": _l("Uploaded"),
    "uploaded_by_id": _l("Uploaded by"),
}


def name_fields(names: dict) -> None:
    """A domain names its own fields for the change history, once, at import of its models:
    `{"field": _l("Name")}`, or `{"table.field": ...}` where another table's field of the same name
    means something else. The names above win."""
    for field, label in names.items():
        FIELD_LABELS.setdefault(field, label)


# A person's name is 姓名, an institution's or a thing's 名称 (glossary).
PERSON_TABLES = frozenset({"contact", "user", "expert", "trip_member"})
PERSON_NAME = lazy_pgettext("person", "Name")


def field_label(field: str | None, record_type: str | None = None) -> str:
    if not field:
        return ""
    if field == "name" and record_type in PERSON_TABLES:
        return str(PERSON_NAME)
    # "<table>.<field>" names a field that means something else in another table (a trip's and a
    # visit's purpose), registered by its domain.
    label = FIELD_LABELS.get(f"{record_type}.{field}") or FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ")
