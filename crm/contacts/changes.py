"""Changes to contacts that carry side effects: one primary contact per partner, and erasure."""
import re

from sqlalchemy import delete, insert, or_, select, update

from crm.audit.models import AuditAction, AuditEntry
from crm.audit.recorder import current_actor_id
from crm.contacts.models import ERASED_NAME, Contact
from crm.core.models import utcnow
from crm.extensions import db
from crm.interactions.models import Interaction

PERSONAL_FIELDS = ("position", "department", "email", "phone", "messaging", "preferred_language", "notes")


def keep_one_primary(contact: Contact) -> None:
    """If `contact` is primary, the partner's other contacts no longer are."""
    if not contact.is_primary:
        return
    db.session.flush()  # a new contact gets its id and partner_id before they are compared
    others = db.session.scalars(
        select(Contact).where(
            Contact.partner_id == contact.partner_id, Contact.is_primary.is_(True), Contact.id != contact.id
        )
    )
    for other in others:
        if other is not contact:
            other.is_primary = False


def erase_contact(contact: Contact) -> None:
    """Erase a person on a data-protection request; the caller commits.

    The row stays, so the interactions the person took part in still list a participant, now
    shown as "erased contact"; every personal field is emptied. The audit history must not keep
    the person's data either: the contact's own audit rows are deleted (one row remains that
    says who erased it and when), and the interaction history rows that named the person as a
    participant name the erased contact instead. This is the one place that writes audit rows
    by hand.
    """
    former_name = contact.name
    contact.name = ERASED_NAME
    for field in PERSONAL_FIELDS:
        setattr(contact, field, None)
    contact.is_primary = False
    contact.active = False
    db.session.flush()  # the audit hook records this change, with the old values: removed below

    audit = AuditEntry.__table__
    db.session.execute(delete(audit).where(audit.c.record_type == "contact", audit.c.record_id == contact.id))
    db.session.execute(
        insert(audit).values(
            at=utcnow(), user_id=current_actor_id(), action=AuditAction.UPDATE, record_type="contact",
            record_id=contact.id, field="name", old=None, new=ERASED_NAME,
        )
    )
    _rename_in_participant_history(contact.partner_id, former_name)


def _rename_in_participant_history(partner_id: int, former_name: str) -> None:
    """In the audit rows of the partner's interactions, the participant lists ("A, B, C") that
    named the person now name the erased contact."""
    audit = AuditEntry.__table__
    interactions = select(Interaction.id).where(Interaction.partner_id == partner_id)
    rows = db.session.execute(
        select(audit.c.id, audit.c.old, audit.c.new).where(
            audit.c.record_type == "interaction",
            audit.c.field == "contacts",
            audit.c.record_id.in_(interactions),
            or_(audit.c.old.contains(former_name, autoescape=True), audit.c.new.contains(former_name, autoescape=True)),
        )
    ).all()
    for row_id, old, new in rows:
        db.session.execute(
            update(audit)
            .where(audit.c.id == row_id)
            .values(old=replace_name_in_list(old, former_name), new=replace_name_in_list(new, former_name))
        )


def replace_name_in_list(value: str | None, name: str) -> str | None:
    """"Anna Berg, Jane Doe, Zoe Li" with name "Jane Doe" → "Anna Berg, [erased contact], Zoe Li"."""
    if not value:
        return value
    pattern = r"(^|, )" + re.escape(name) + r"(?=, |$)"
    return re.sub(pattern, lambda match: match.group(1) + ERASED_NAME, value)
