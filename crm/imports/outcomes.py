"""The outcomes kind of import: a partner's counts for one academic year (the yearly report's
figures). A row for a partner and year that already has an outcome updates its counts; undo
puts the counts back, or removes the outcomes the import created."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from crm.core.models import utcnow
from crm.extensions import db
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction, RowOutcome
from crm.outcomes.models import OUTCOME_COUNTS, Outcome

OUTCOME_FIELDS = (*OUTCOME_COUNTS, "note")


def _identity(values: dict) -> tuple[int, int] | None:
    if not values.get("partner_id") or not values.get("academic_year"):
        return None
    return int(values["partner_id"]), int(values["academic_year"])


def classify(batch: ImportBatch, parsed: Iterable[tuple[int, dict, dict]]) -> Iterator[dict]:
    existing = {(pid, year): (oid, version) for oid, pid, year, version in db.session.execute(
        select(Outcome.id, Outcome.partner_id, Outcome.academic_year, Outcome.version)
        .where(Outcome.partner_id.is_not(None), Outcome.agreement_id.is_(None)))}
    earlier: dict[tuple[int, int], int] = {}
    for number, values, errors in parsed:
        row = {"batch_id": batch.id, "number": number, "values": values, "errors": errors, "candidates": [],
               "match_id": None, "match_version": None, "match_row": None}
        key = None if errors else _identity(values)
        if key is None:
            row |= {"outcome": RowOutcome.ERROR, "action": RowAction.SKIP}
        elif key in earlier:
            row |= {"outcome": RowOutcome.POSSIBLE_DUPLICATE, "action": RowAction.SKIP,
                    "candidates": [{"row": earlier[key], "name": values["academic_year"], "why": "same"}]}
        elif key in existing:
            outcome_id, version = existing[key]
            row |= {"outcome": RowOutcome.MATCH, "action": RowAction.UPDATE, "match_id": outcome_id, "match_version": version}
        else:
            row |= {"outcome": RowOutcome.NEW, "action": RowAction.CREATE}
        if key is not None:
            earlier.setdefault(key, number)
        yield row


def _value(key: str, text: str | None):
    if key == "note":
        return text
    return int(text) if text is not None else 0


def stale_matches(batch: ImportBatch) -> list[tuple[int, str]]:
    pairs = list(db.session.execute(select(ImportRow.number, ImportRow.match_id, ImportRow.match_version).where(
        ImportRow.batch_id == batch.id, ImportRow.action == RowAction.UPDATE, ImportRow.match_id.is_not(None))))
    current = dict(db.session.execute(select(Outcome.id, Outcome.version).where(
        Outcome.id.in_([match_id for _n, match_id, _v in pairs]))).all()) if pairs else {}
    return [(number, _("outcome #%(id)d", id=match_id)) for number, match_id, version in pairs if current.get(match_id) != version]


def commit(batch: ImportBatch, user_id: int | None, progress: Callable[[int], None] | None = None) -> None:
    from crm.imports.commit import StaleImport, chosen_rows, remove_upload

    if stale := stale_matches(batch):
        raise StaleImport(stale)
    counts = {RowAction.CREATE: 0, RowAction.UPDATE: 0}
    for chunk in chosen_rows(batch):
        matches = {o.id: o for o in db.session.scalars(select(Outcome).where(
            Outcome.id.in_({row.match_id for row in chunk if row.match_id})))}
        written = []
        for row in chunk:
            values = row.values
            if row.action == RowAction.CREATE:
                outcome = Outcome(partner_id=int(values["partner_id"]), academic_year=int(values["academic_year"]),
                                  **{key: _value(key, values.get(key)) for key in OUTCOME_FIELDS if key in values})
                db.session.add(outcome)
            else:
                outcome = matches[row.match_id]
                previous = {key: None if getattr(outcome, key) is None else str(getattr(outcome, key))
                            for key in OUTCOME_FIELDS if key in values and getattr(outcome, key) != _value(key, values[key])}
                if not previous:
                    continue
                for key in previous:
                    setattr(outcome, key, _value(key, values[key]))
                row.previous = previous
            written.append((row, outcome))
        db.session.flush()
        for row, outcome in written:
            row.record_id = outcome.id
            row.record_version = outcome.version
            counts[row.action] += 1
        if progress:
            progress(sum(counts.values()))
    batch.created_count = counts[RowAction.CREATE]
    batch.updated_count = counts[RowAction.UPDATE]
    batch.skipped_count = batch.total_rows - batch.created_count - batch.updated_count
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = utcnow()
    remove_upload(batch)


def undo_blockers(batch: ImportBatch, limit: int = 100):
    from crm.imports.commit import UndoBlocker

    expected = dict(db.session.execute(select(ImportRow.record_id, ImportRow.record_version).where(
        ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))).all())
    current = {oid: (pid, year, version) for oid, pid, year, version in db.session.execute(
        select(Outcome.id, Outcome.partner_id, Outcome.academic_year, Outcome.version).where(Outcome.id.in_(list(expected))))} if expected else {}
    blockers = []
    for oid, version in expected.items():
        if oid not in current:
            blockers.append(UndoBlocker(current.get(oid, (0,))[0], _("outcome #%(id)d", id=oid), _("no longer exists")))
        elif current[oid][2] != version:
            blockers.append(UndoBlocker(current[oid][0], f"{current[oid][1]}-{current[oid][1] + 1}", _("edited since the import")))
    return blockers[:limit]


def undo(batch: ImportBatch, user_id: int | None) -> None:
    rows = list(db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))))
    outcomes = {o.id: o for o in db.session.scalars(select(Outcome).where(Outcome.id.in_([r.record_id for r in rows])))} if rows else {}
    for row in rows:
        outcome = outcomes[row.record_id]
        if row.action == RowAction.CREATE:
            db.session.delete(outcome)
        else:
            for key, old in (row.previous or {}).items():
                setattr(outcome, key, _value(key, old))
    batch.status = BatchStatus.UNDONE
    batch.undone_at = utcnow()
    batch.undone_by_id = user_id
