"""Redacting an erased person's name in the texts that mention it.

Erasing a contact empties their own record; their name may also stand in what colleagues
wrote: the subject or summary of a logged contact, a follow-up's title, notes. The erase page
lists these mentions first (`mentions_of`) and the admin chooses which to redact
(`redact_mentions`): the name becomes "[erased contact]" in the text and in the change history
of that text. Both run a fixed number of statements, whatever the number of records.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from crm.agreements.models import Agreement
from crm.audit.models import AuditEntry
from crm.contacts.models import ERASED_NAME, Contact
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction
from crm.outcomes.models import Outcome
from crm.partners.models import Partner
from crm.proposals.models import Proposal

# (model, text fields, the field that names the record on the page, what the record is)
SEARCHED = (
    (Interaction, ("subject", "summary"), "subject", _l("Contact history")),
    (FollowUp, ("title",), "title", _l("Follow-up")),
    (Partner, ("notes",), "name", _l("Partner")),
    (Contact, ("notes",), "name", _l("Contact")),
    (Agreement, ("notes",), "title", _l("Agreement")),
    (Proposal, ("description", "next_step"), "title", _l("Proposal")),
    (Outcome, ("note",), "year", _l("Outcome")),
)
FIELD_LABELS = {
    "subject": _l("Subject"), "summary": _l("Summary"), "title": _l("Title"), "notes": _l("Notes"),
    "description": _l("Description"), "next_step": _l("Next step"), "note": _l("Notes"),
}
PER_KIND = 200  # mentions listed per kind of record; a name in more texts is a name too common to redact by list
EXCERPT = 60  # characters of context either side of the first mention


@dataclass(frozen=True)
class Mention:
    """One text field of one record that mentions the name."""

    record_type: str  # the table name, as the change history names it
    record_id: int
    field: str
    kind: str  # e.g. "Contact history"
    record_label: str  # e.g. the interaction's subject
    excerpt: str

    @property
    def key(self) -> str:
        return f"{self.record_type}:{self.record_id}:{self.field}"

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))


def name_pattern(name: str) -> re.Pattern:
    """The name as a whole word in Latin script ("Li" not in "Lisbon"), anywhere in Chinese
    (Chinese is written without spaces: "与王丽会谈"); case-insensitive."""
    escaped = re.escape(name.strip())
    before = r"(?<![A-Za-z0-9])" if name.strip()[:1].isascii() else ""
    after = r"(?![A-Za-z0-9])" if name.strip()[-1:].isascii() else ""
    return re.compile(before + escaped + after, re.IGNORECASE)


def mentions_of(contact: Contact, name: str | None = None) -> list[Mention]:
    """Every text that names the person (`name`, by default the contact's), the contact's own
    record aside; one statement per kind of record."""
    name = (name or contact.name or "").strip()
    if len(name) < 2 or contact.erased:
        return []
    pattern = name_pattern(name)
    needle = name.lower()
    found: list[Mention] = []
    for model, fields, label_field, kind in SEARCHED:
        columns = [getattr(model, field) for field in fields]
        statement = (
            select(model.id, getattr(model, label_field), *columns)
            .where(or_(*[func.lower(column).contains(needle, autoescape=True) for column in columns]))
            .order_by(model.id)
            .limit(PER_KIND)
        )
        if model is Contact:
            statement = statement.where(Contact.id != contact.id)
        for row in db.session.execute(statement):
            record_id, record_label, *texts = row
            for field, text in zip(fields, texts):
                if text and (match := pattern.search(text)):
                    found.append(
                        Mention(model.__tablename__, record_id, field, str(kind), str(record_label), _excerpt(text, match))
                    )
    return found


def _excerpt(text: str, match: re.Match) -> str:
    start, end = max(0, match.start() - EXCERPT), min(len(text), match.end() + EXCERPT)
    return ("…" if start else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")


def redact_mentions(mentions: list[Mention], name: str) -> int:
    """Replace the name by "[erased contact]" in the chosen texts and in the change history of
    those texts; the caller commits. Returns how many texts changed."""
    pattern = name_pattern(name)
    by_model = {model.__tablename__: model for model, *_rest in SEARCHED}
    changed = 0
    for record_type, model in by_model.items():
        chosen = [m for m in mentions if m.record_type == record_type]
        if not chosen:
            continue
        records = {r.id: r for r in db.session.scalars(select(model).where(model.id.in_({m.record_id for m in chosen})))}
        for mention in chosen:
            record = records.get(mention.record_id)
            text = getattr(record, mention.field, None) if record is not None else None
            if text and pattern.search(text):
                setattr(record, mention.field, pattern.sub(ERASED_NAME, text))
                changed += 1
    db.session.flush()  # the audit hook records the redaction (with the old text): scrubbed below
    _scrub_history(mentions, pattern)
    return changed


def _scrub_history(mentions: list[Mention], pattern: re.Pattern) -> None:
    audit = AuditEntry.__table__
    targets = {(m.record_type, m.record_id, m.field) for m in mentions}
    if not targets:
        return
    rows = db.session.execute(
        select(audit.c.id, audit.c.record_type, audit.c.record_id, audit.c.field, audit.c.old, audit.c.new).where(
            or_(*[(audit.c.record_type == t) & (audit.c.record_id == i) & (audit.c.field == f) for t, i, f in targets])
        )
    ).all()
    for row in rows:
        old = pattern.sub(ERASED_NAME, row.old) if row.old else row.old
        new = pattern.sub(ERASED_NAME, row.new) if row.new else row.new
        if (old, new) != (row.old, row.new):
            db.session.execute(update(audit).where(audit.c.id == row.id).values(old=old, new=new))
