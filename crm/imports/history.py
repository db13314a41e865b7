"""The contact-history kind of import: meetings, visits, calls and e-mails from a spreadsheet.

A row names one existing partner. An entry is a past event, so an import never changes one:
a row with the same partner, day and subject as an existing entry (or an earlier row) is shown
as the same and skipped by default, which makes running the same file twice harmless.
Times are the office's local time, stored in UTC like every interaction.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from sqlalchemy import func, select

from crm.core.models import utcnow
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.imports.duplicates import plain_name
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction, RowOutcome
from crm.interactions.models import Interaction, InteractionKind, interaction_contact, interaction_user
from crm.interactions.queries import entries_of_partners


def _identity(values: dict) -> tuple[int, str, str] | None:
    if not values.get("partner_id") or not values.get("occurred_at") or not values.get("subject"):
        return None
    return int(values["partner_id"]), values["occurred_at"][:10], plain_name(values["subject"])


def classify(batch: ImportBatch, parsed: Iterable[tuple[int, dict, dict]]) -> Iterator[dict]:
    rows = list(parsed)  # the partners named decide which existing entries to compare with
    partner_ids = {int(values["partner_id"]) for _n, values, errors in rows if values.get("partner_id")}
    existing: dict[tuple[int, str, str], tuple[int, str]] = {}
    for start in range(0, len(partner_ids), 500):
        chunk = sorted(partner_ids)[start:start + 500]
        for entry_id, partner_id, occurred_at, subject in entries_of_partners(chunk):
            local_day = to_user_timezone(occurred_at).date().isoformat()
            existing.setdefault((partner_id, local_day, plain_name(subject)), (entry_id, subject))
    earlier: dict[tuple[int, str, str], int] = {}
    for number, values, errors in rows:
        row = {"batch_id": batch.id, "number": number, "values": values, "errors": errors, "candidates": [],
               "match_id": None, "match_version": None, "match_row": None}
        key = None if errors else _identity(values)
        if key is None:
            row |= {"outcome": RowOutcome.ERROR, "action": RowAction.SKIP}
        elif key in existing:
            row |= {"outcome": RowOutcome.MATCH, "action": RowAction.SKIP,
                    "candidates": [{"id": existing[key][0], "name": existing[key][1], "why": "same"}]}
        elif key in earlier:
            row |= {"outcome": RowOutcome.POSSIBLE_DUPLICATE, "action": RowAction.SKIP,
                    "candidates": [{"row": earlier[key], "name": values["subject"], "why": "same"}]}
        else:
            row |= {"outcome": RowOutcome.NEW, "action": RowAction.CREATE}
        if key is not None:
            earlier.setdefault(key, number)
        yield row


def commit(batch: ImportBatch, user_id: int | None, progress: Callable[[int], None] | None = None) -> None:
    from crm.imports.commit import chosen_rows, remove_upload

    created = 0
    for chunk in chosen_rows(batch):
        written = []
        for row in chunk:
            if row.action != RowAction.CREATE:
                continue
            values = row.values
            entry = Interaction(
                partner_id=int(values["partner_id"]), author_id=user_id,
                occurred_at=to_utc(datetime.fromisoformat(values["occurred_at"])).replace(tzinfo=None),
                kind=InteractionKind(values.get("kind", InteractionKind.OTHER.value)), subject=values["subject"],
                summary=values.get("summary"), location=values.get("location"),
            )
            db.session.add(entry)
            written.append((row, entry))
        db.session.flush()
        for row, entry in written:
            row.record_id = entry.id
            row.record_version = entry.version
        created += len(written)
        if progress:
            progress(created)
    batch.created_count = created
    batch.updated_count = 0
    batch.skipped_count = batch.total_rows - created
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = utcnow()
    remove_upload(batch)


def undo_blockers(batch: ImportBatch, limit: int = 100):
    from crm.imports.commit import UndoBlocker

    expected = dict(db.session.execute(select(ImportRow.record_id, ImportRow.record_version).where(
        ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))).all())
    blockers = []
    ids = sorted(expected)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        current = {eid: (subject, version) for eid, subject, version in db.session.execute(
            select(Interaction.id, Interaction.subject, Interaction.version).where(Interaction.id.in_(chunk)))}
        linked: dict[int, list[str]] = {}
        for what, column in ((_("follow-ups"), FollowUp.interaction_id), (_("participants"), interaction_contact.c.interaction_id),
                             (_("participants"), interaction_user.c.interaction_id)):
            for eid, _count in db.session.execute(select(column, func.count()).where(column.in_(chunk)).group_by(column)):
                linked.setdefault(eid, []).append(what)
        for eid in chunk:
            if eid not in current:
                blockers.append(UndoBlocker(eid, "#%d" % eid, _("no longer exists"), "interaction"))
            elif current[eid][1] != expected[eid]:
                blockers.append(UndoBlocker(eid, current[eid][0], _("edited since the import"), "interaction"))
            elif eid in linked:
                blockers.append(UndoBlocker(eid, current[eid][0], ", ".join(dict.fromkeys(linked[eid])), "interaction"))
    return blockers[:limit]


def undo(batch: ImportBatch, user_id: int | None) -> None:
    ids = list(db.session.scalars(select(ImportRow.record_id).where(ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))))
    for start in range(0, len(ids), 500):
        for entry in db.session.scalars(select(Interaction).where(Interaction.id.in_(ids[start:start + 500]))):
            db.session.delete(entry)
    batch.status = BatchStatus.UNDONE
    batch.undone_at = utcnow()
    batch.undone_by_id = user_id


