"""Writing a previewed batch in one transaction, and undoing it.

The commit creates or updates a partner (with its contact) per chosen row, in row order, all
in one transaction: every chosen row or none. The session's audit hook records each record as
usual; the ImportBatch row records who imported which file and the counts. Each ImportRow
then remembers the record, its version after the import and, for an update, the values before,
so that `undo_batch` can put things back while nobody has edited them since.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from crm.agreements.models import agreement_partner
from crm.audit.recorder import as_text
from crm.contacts.models import Contact
from crm.core.models import utcnow
from crm.core.punctuation import list_separator
from crm.extensions import db
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction, RowOutcome
from crm.imports.preview import stored_path
from crm.interactions.models import Interaction
from crm.outcomes.models import Outcome
from crm.partners.forms import parse_tags
from crm.partners.models import Partner, PartnerKind, PartnerStatus
from crm.partners.views import tags_named
from crm.proposals.models import Proposal

CHUNK = 500
PARTNER_FIELDS = ("name", "local_name", "short_name", "kind", "country", "city", "website", "status", "owner_id", "notes")
CONTACT_FIELDS = {"contact_name": "name", "contact_position": "position", "contact_department": "department",
                  "contact_email": "email", "contact_phone": "phone", "contact_messaging": "messaging"}


class StaleImport(Exception):
    """Records the preview matched were changed since: nothing was written."""

    def __init__(self, rows: list[tuple[int, str]]):
        super().__init__(f"{len(rows)} matched records changed since the preview")
        self.rows = rows


def stale_message(stale: StaleImport) -> str:
    rows = list_separator().join(_("row %(row)d (%(name)s)", row=number, name=name) for number, name in stale.rows[:20])
    return _("Nothing was imported: these partners were changed since the preview: %(rows)s. Check the file again.", rows=rows)


def python_value(key: str, text: str | None):
    """A stored (text) value as the partner's attribute wants it."""
    if text is None:
        return None
    if key == "kind":
        return PartnerKind(text)
    if key == "status":
        return PartnerStatus(text)
    if key == "owner_id":
        return int(text)
    return text


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def chosen_rows(batch: ImportBatch) -> Iterator[list[ImportRow]]:
    """The rows to write, in file order, a chunk at a time."""
    last = 0
    while True:
        chunk = list(db.session.scalars(
            select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.action != RowAction.SKIP,
                                    ImportRow.number > last).order_by(ImportRow.number).limit(CHUNK)
        ))
        if not chunk:
            return
        yield chunk
        last = chunk[-1].number


def stale_matches(batch: ImportBatch) -> list[tuple[int, str]]:
    """(row number, partner name) of rows whose matched partner changed (or went) since the preview."""
    pairs = list(db.session.execute(
        select(ImportRow.number, ImportRow.match_id, ImportRow.match_version)
        .where(ImportRow.batch_id == batch.id, ImportRow.action == RowAction.UPDATE, ImportRow.match_id.is_not(None))
    ))
    stale = []
    for chunk in _chunks(pairs):
        current = {pid: (version, name, archived) for pid, version, name, archived in db.session.execute(
            select(Partner.id, Partner.version, Partner.name, Partner.archived_at)
            .where(Partner.id.in_([match_id for _n, match_id, _v in chunk])))}
        for number, match_id, version in chunk:
            found = current.get(match_id)
            if found is None or found[0] != version or found[2] is not None:
                stale.append((number, found[1] if found else "#%d" % match_id))
    return stale


def _file_tags(batch: ImportBatch) -> dict:
    names: list[str] = []
    for values, in db.session.execute(select(ImportRow.values).where(
            ImportRow.batch_id == batch.id, ImportRow.action != RowAction.SKIP)):
        names += parse_tags(values.get("tags"))
    unique = list({name.casefold(): name for name in names}.values())
    return {tag.name.casefold(): tag for tag in tags_named(unique)}


def _contact_from(values: dict) -> Contact | None:
    fields = {attr: values[key] for key, attr in CONTACT_FIELDS.items() if values.get(key)}
    return Contact(**fields) if fields.get("name") else None


def _already_has(partner: Partner, contact: Contact) -> bool:
    for existing in partner.contacts:
        if contact.email and existing.email and existing.email.casefold() == contact.email.casefold():
            return True
        if existing.name.casefold() == contact.name.casefold() and (not contact.email or not existing.email):
            return True
    return False


def _other_kind(batch: ImportBatch):
    """The module that writes and undoes a batch of another kind than partners (this module)."""
    from crm.imports import agreements, history, outcomes

    return {"agreements": agreements, "history": history, "outcomes": outcomes}.get(batch.kind)


def commit_batch(batch: ImportBatch, user_id: int | None, progress: Callable[[int], None] | None = None) -> None:
    """Write the chosen rows of a previewed batch; the caller commits. Raises StaleImport."""
    if handler := _other_kind(batch):
        handler.commit(batch, user_id, progress)
        return
    if stale := stale_matches(batch):
        raise StaleImport(stale)
    tags = _file_tags(batch)
    partner_of_row: dict[int, int] = {}
    counts = {RowAction.CREATE: 0, RowAction.UPDATE: 0}
    done = 0
    for chunk in chosen_rows(batch):
        targets = {p.id: p for p in db.session.scalars(
            select(Partner).where(Partner.id.in_(
                {row.match_id for row in chunk if row.match_id} | {partner_of_row[row.match_row] for row in chunk
                                                                   if row.match_row in partner_of_row}))
            .options(selectinload(Partner.contacts), selectinload(Partner.tags)))}
        written: list[tuple[ImportRow, Partner, Contact | None]] = []
        in_chunk: dict[int, Partner] = {}  # row number → partner, for rows repeating a row of this chunk
        for row in chunk:
            values = row.values
            contact = _contact_from(values)
            if row.action == RowAction.CREATE:
                partner = Partner(created_by_id=user_id, updated_by_id=user_id,
                                  **{key: python_value(key, values.get(key)) for key in PARTNER_FIELDS if key in values})
                partner.tags = [tags[name.casefold()] for name in parse_tags(values.get("tags"))]
                if contact is not None:
                    contact.is_primary = True
                    partner.contacts.append(contact)
                db.session.add(partner)
            else:
                partner = targets.get(row.match_id) if row.match_id else (
                    in_chunk.get(row.match_row) or targets.get(partner_of_row.get(row.match_row)))
                if partner is None:  # it repeats a row that was skipped
                    continue
                if row.match_id:  # a possible duplicate added to a partner fills only what it lacks
                    row.previous = _update(partner, values, tags, user_id,
                                           blanks_only=row.outcome == RowOutcome.POSSIBLE_DUPLICATE) or None
                if contact is not None and not _already_has(partner, contact):
                    partner.contacts.append(contact)
                else:
                    contact = None
                if not row.previous and contact is None:  # nothing new: the row changes nothing
                    in_chunk[row.number] = partner
                    continue
            in_chunk[row.number] = partner
            written.append((row, partner, contact))
        db.session.flush()
        partner_of_row.update({number: partner.id for number, partner in in_chunk.items()})
        for row, partner, contact in written:
            row.record_id = partner.id
            if contact is not None:
                row.added_contact_ids = [contact.id]
            partner_of_row[row.number] = partner.id
            counts[row.action] += 1
        db.session.flush()
        done += len(chunk)
        for row, partner, contact in written:
            for record in (row, contact):
                if record is not None:
                    db.session.expunge(record)
        if progress:
            progress(done)
    _record_versions(batch)
    batch.created_count = counts[RowAction.CREATE]
    batch.updated_count = counts[RowAction.UPDATE]
    batch.skipped_count = batch.total_rows - batch.created_count - batch.updated_count
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = utcnow()
    remove_upload(batch)


def _update(partner: Partner, values: dict, tags: dict, user_id: int | None, blanks_only: bool = False) -> dict:
    """Set the row's non-empty values on the partner (with `blanks_only`, only where it has
    none: a similar name does not rename it); the values before, as text."""
    previous = {}
    for key in PARTNER_FIELDS:
        if key in values and not (blanks_only and (getattr(partner, key) or key in ("kind", "status"))):
            new = python_value(key, values[key])
            old = getattr(partner, key)
            if old != new:
                previous[key] = as_text(old)
                setattr(partner, key, new)
    added = [tags[name.casefold()] for name in parse_tags(values.get("tags"))]
    if any(tag not in partner.tags for tag in added):
        previous["tags"] = ", ".join(tag.name for tag in partner.tags)
        partner.tags = list(partner.tags) + [tag for tag in added if tag not in partner.tags]
    if previous:
        partner.updated_by_id = user_id
    return previous


def _record_versions(batch: ImportBatch) -> None:
    rows = list(db.session.execute(select(ImportRow.id, ImportRow.record_id).where(
        ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))))
    for chunk in _chunks(rows):
        versions = dict(db.session.execute(select(Partner.id, Partner.version).where(
            Partner.id.in_([record_id for _id, record_id in chunk]))).all())
        db.session.execute(update(ImportRow), [{"id": row_id, "record_version": versions[record_id]}
                                                  for row_id, record_id in chunk])


def remove_upload(batch: ImportBatch) -> None:
    if batch.stored_name:
        stored_path(batch).unlink(missing_ok=True)
        batch.stored_name = None


# --- Undo ------------------------------------------------------------------------------------

@dataclass
class UndoBlocker:
    record_id: int
    name: str
    reason: str
    record_type: str = "partner"


def _written_rows(batch: ImportBatch) -> list[ImportRow]:
    return list(db.session.scalars(select(ImportRow).where(
        ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None)).order_by(ImportRow.number)))


def _counts_by_partner(column, ids: list[int]) -> dict[int, int]:
    return dict(db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())


def undo_blockers(batch: ImportBatch, limit: int = 100) -> list[UndoBlocker]:
    """Records of the batch that were edited or gained other records since the import."""
    if handler := _other_kind(batch):
        return handler.undo_blockers(batch, limit)
    rows = _written_rows(batch)
    expected = {}
    created = set()
    added_contacts: set[int] = set()
    for row in rows:
        if row.record_version is not None:
            expected[row.record_id] = row.record_version
        if row.action == RowAction.CREATE:
            created.add(row.record_id)
        added_contacts.update(row.added_contact_ids or [])
    blockers: list[UndoBlocker] = []
    for chunk in _chunks(sorted(expected)):
        partners = {pid: (name, version) for pid, name, version in db.session.execute(
            select(Partner.id, Partner.name, Partner.version).where(Partner.id.in_(chunk)))}
        new_ids = [pid for pid in chunk if pid in created]
        others = {}
        for what, column in ((_("contact history"), Interaction.partner_id), (_("proposals"), Proposal.partner_id),
                             (_("outcomes"), Outcome.partner_id), (_("agreements"), agreement_partner.c.partner_id)):
            for pid, count in _counts_by_partner(column, new_ids).items():
                others.setdefault(pid, []).append(f"{what} ({count})")
        for pid, partner_id, version in db.session.execute(
                select(Contact.id, Contact.partner_id, Contact.version).where(Contact.partner_id.in_(chunk))):
            if pid in added_contacts and version != 1:
                others.setdefault(partner_id, []).append(_("a contact was edited"))
            elif pid not in added_contacts and partner_id in created:
                others.setdefault(partner_id, []).append(_("a contact was added"))
        for pid in chunk:
            if pid not in partners:
                blockers.append(UndoBlocker(pid, "#%d" % pid, _("no longer exists")))
                continue
            name, version = partners[pid]
            if version != expected[pid]:
                blockers.append(UndoBlocker(pid, name, _("edited since the import")))
            elif pid in others:
                blockers.append(UndoBlocker(pid, name, ", ".join(dict.fromkeys(others[pid]))))
        if len(blockers) >= limit:
            break
    return blockers[:limit]


def undo_batch(batch: ImportBatch, user_id: int | None) -> None:
    """Put back what the batch changed; the caller checked `undo_blockers` and commits."""
    if handler := _other_kind(batch):
        handler.undo(batch, user_id)
        return
    rows = _written_rows(batch)
    contact_ids = [cid for row in rows for cid in (row.added_contact_ids or [])]
    for chunk in _chunks(contact_ids):
        for contact in db.session.scalars(select(Contact).where(Contact.id.in_(chunk))):
            db.session.delete(contact)
    db.session.flush()
    restored = [row for row in rows if row.action == RowAction.UPDATE and row.previous]
    for chunk in _chunks(restored):
        partners = {p.id: p for p in db.session.scalars(select(Partner).where(
            Partner.id.in_([row.record_id for row in chunk])).options(selectinload(Partner.tags)))}
        for row in chunk:
            partner = partners[row.record_id]
            for key, old in row.previous.items():
                if key == "tags":
                    partner.tags = tags_named(parse_tags(old))
                else:
                    setattr(partner, key, python_value(key, old))
            partner.updated_by_id = user_id
    created = [row.record_id for row in rows if row.action == RowAction.CREATE]
    for chunk in _chunks(created):
        for partner in db.session.scalars(select(Partner).where(Partner.id.in_(chunk)).options(selectinload(Partner.tags))):
            db.session.delete(partner)
        db.session.flush()
    batch.status = BatchStatus.UNDONE
    batch.undone_at = utcnow()
    batch.undone_by_id = user_id


def undoable(batches: Iterable[ImportBatch]) -> list[ImportBatch]:
    return [batch for batch in batches if batch.status == BatchStatus.COMMITTED]
