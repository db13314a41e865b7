"""The agreements kind of import: which rows are agreements we have, writing, undoing.

An agreement row names its partners (they must exist: import the partners first). A row is
the same agreement as an existing one, or as an earlier row, when the title (case and
punctuation aside) and the first partner are the same: by default it updates the existing
agreement, and an earlier row's repeat is skipped.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from wtforms.validators import ValidationError

from crm.agreements.forms import check_signed_on, check_validity
from crm.agreements.models import Agreement, AgreementKind, Document, agreement_partner
from crm.audit.recorder import as_text
from crm.core.models import utcnow
from crm.core.punctuation import list_separator, parens
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.imports.duplicates import plain_name
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction, RowOutcome
from crm.interactions.models import Interaction
from crm.outcomes.models import Outcome
from crm.partners.models import Partner
from crm.proposals.models import Proposal

CHUNK = 500
AGREEMENT_FIELDS = ("title", "kind", "signed_on", "valid_from", "valid_until", "notice_days", "auto_renew", "subjects", "notes")


def partner_lookup() -> dict[str, tuple[int, str]]:
    """Every live partner's English, local and short name (plain) → (id, name)."""
    lookup: dict[str, tuple[int, str]] = {}
    statement = select(Partner.id, Partner.name, Partner.local_name, Partner.short_name).where(Partner.archived_at.is_(None))
    for pid, name, local_name, short_name in db.session.execute(statement):
        for text in (name, local_name, short_name):
            if text:
                lookup.setdefault(plain_name(text), (pid, name))
    return lookup


def _identity(values: dict) -> tuple[str, int] | None:
    if not values.get("title") or not values.get("partner_ids"):
        return None
    return plain_name(values["title"]), int(values["partner_ids"].split(",")[0])


def classify(batch: ImportBatch, parsed: Iterable[tuple[int, dict, dict]]) -> Iterator[dict]:
    """An ImportRow (as a dict) per parsed row, with its outcome and default action."""
    existing: dict[tuple[str, int], tuple[int, int, str]] = {}
    statement = (select(Agreement.id, Agreement.version, Agreement.title, agreement_partner.c.partner_id)
                 .join(agreement_partner).where(Agreement.archived_at.is_(None)))
    for agreement_id, version, title, partner_id in db.session.execute(statement):
        existing.setdefault((plain_name(title), partner_id), (agreement_id, version, title))
    earlier: dict[tuple[str, int], int] = {}
    for number, values, errors in parsed:
        try:
            check_validity(*(python_value(key, values.get(key)) for key in ("valid_from", "valid_until")))
        except ValidationError as refusal:
            errors["valid_until"] = str(refusal.args[0])
        try:
            check_signed_on(python_value("signed_on", values.get("signed_on")))
        except ValidationError as refusal:
            errors["signed_on"] = str(refusal.args[0])
        row = {"batch_id": batch.id, "number": number, "values": values, "errors": errors, "candidates": [],
               "match_id": None, "match_version": None, "match_row": None}
        key = None if errors else _identity(values)
        if errors or key is None:
            row |= {"outcome": RowOutcome.ERROR, "action": RowAction.SKIP}
        elif key in earlier:
            row |= {"outcome": RowOutcome.POSSIBLE_DUPLICATE, "action": RowAction.SKIP,
                    "candidates": [{"row": earlier[key], "name": values["title"], "why": "same"}]}
        elif key in existing:
            agreement_id, version, title = existing[key]
            row |= {"outcome": RowOutcome.MATCH, "action": RowAction.UPDATE, "match_id": agreement_id,
                    "match_version": version, "candidates": [{"id": agreement_id, "name": title, "why": "same"}]}
        else:
            row |= {"outcome": RowOutcome.NEW, "action": RowAction.CREATE}
        if key is not None:
            earlier.setdefault(key, number)
        yield row


def python_value(key: str, text: str | None):
    if text is None:
        return None
    if key == "kind":
        return AgreementKind(text)
    if key in ("signed_on", "valid_from", "valid_until"):
        return date.fromisoformat(text)
    if key == "notice_days":
        return int(text)
    if key == "auto_renew":
        return text in ("1", "True", "true")
    return text


def stale_matches(batch: ImportBatch) -> list[tuple[int, str]]:
    pairs = list(db.session.execute(select(ImportRow.number, ImportRow.match_id, ImportRow.match_version).where(
        ImportRow.batch_id == batch.id, ImportRow.action == RowAction.UPDATE, ImportRow.match_id.is_not(None))))
    current = {aid: (version, title, archived) for aid, version, title, archived in db.session.execute(
        select(Agreement.id, Agreement.version, Agreement.title, Agreement.archived_at)
        .where(Agreement.id.in_([match_id for _n, match_id, _v in pairs])))} if pairs else {}
    return [(number, current[match_id][1] if match_id in current else "#%d" % match_id)
            for number, match_id, version in pairs
            if match_id not in current or current[match_id][0] != version or current[match_id][2] is not None]


def commit(batch: ImportBatch, user_id: int | None, progress: Callable[[int], None] | None = None) -> None:
    from crm.imports.commit import StaleImport, chosen_rows, remove_upload

    if stale := stale_matches(batch):
        raise StaleImport(stale)
    counts = {RowAction.CREATE: 0, RowAction.UPDATE: 0}
    done = 0
    for chunk in chosen_rows(batch):
        partner_ids = {int(pid) for row in chunk for pid in row.values["partner_ids"].split(",")}
        partners = {p.id: p for p in db.session.scalars(select(Partner).where(Partner.id.in_(partner_ids)))}
        matches = {a.id: a for a in db.session.scalars(select(Agreement).where(
            Agreement.id.in_({row.match_id for row in chunk if row.match_id})).options(selectinload(Agreement.partners)))}
        written = []
        for row in chunk:
            values = row.values
            if row.action == RowAction.CREATE:
                agreement = Agreement(owner_id=user_id, **{key: python_value(key, values.get(key))
                                                           for key in AGREEMENT_FIELDS if key in values})
                agreement.partners = [partners[int(pid)] for pid in values["partner_ids"].split(",")]
                db.session.add(agreement)
            else:
                agreement = matches[row.match_id]
                previous = {}
                for key in AGREEMENT_FIELDS:
                    if key in values and getattr(agreement, key) != (new := python_value(key, values[key])):
                        previous[key] = as_text(getattr(agreement, key))
                        setattr(agreement, key, new)
                if not previous:
                    continue
                row.previous = previous
            written.append((row, agreement))
        db.session.flush()
        for row, agreement in written:
            row.record_id = agreement.id
            counts[row.action] += 1
        done += len(chunk)
        if progress:
            progress(done)
    db.session.flush()
    rows = list(db.session.execute(select(ImportRow.id, ImportRow.record_id).where(
        ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))))
    versions = dict(db.session.execute(select(Agreement.id, Agreement.version).where(
        Agreement.id.in_([record_id for _id, record_id in rows]))).all()) if rows else {}
    if rows:
        db.session.execute(update(ImportRow), [{"id": row_id, "record_version": versions[record_id]} for row_id, record_id in rows])
    batch.created_count = counts[RowAction.CREATE]
    batch.updated_count = counts[RowAction.UPDATE]
    batch.skipped_count = batch.total_rows - batch.created_count - batch.updated_count
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = utcnow()
    remove_upload(batch)


def undo_blockers(batch: ImportBatch, limit: int = 100):
    from crm.imports.commit import UndoBlocker

    rows = list(db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))))
    expected = {row.record_id: row.record_version for row in rows}
    created = [row.record_id for row in rows if row.action == RowAction.CREATE]
    current = {aid: (title, version) for aid, title, version in db.session.execute(
        select(Agreement.id, Agreement.title, Agreement.version).where(Agreement.id.in_(list(expected))))} if expected else {}
    others: dict[int, list[str]] = {}
    if created:
        for what, column in ((_("documents"), Document.agreement_id), (_("contact history"), Interaction.agreement_id),
                             (_("follow-ups"), FollowUp.agreement_id), (_("proposals"), Proposal.agreement_id),
                             (_("outcomes"), Outcome.agreement_id), (_("renewals"), Agreement.predecessor_id),
                             (_("programmes under it"), Agreement.parent_id)):
            for aid, count in db.session.execute(select(column, func.count()).where(column.in_(created)).group_by(column)):
                others.setdefault(aid, []).append(what + parens(count))
    blockers = []
    for aid, version in expected.items():
        if aid not in current:
            blockers.append(UndoBlocker(aid, "#%d" % aid, _("no longer exists"), "agreement"))
        elif current[aid][1] != version:
            blockers.append(UndoBlocker(aid, current[aid][0], _("edited since the import"), "agreement"))
        elif aid in others:
            blockers.append(UndoBlocker(aid, current[aid][0], list_separator().join(others[aid]), "agreement"))
    return blockers[:limit]


def undo(batch: ImportBatch, user_id: int | None) -> None:
    rows = list(db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None))))
    agreements = {a.id: a for a in db.session.scalars(select(Agreement).where(
        Agreement.id.in_([row.record_id for row in rows])).options(selectinload(Agreement.partners)))} if rows else {}
    for row in rows:
        agreement = agreements[row.record_id]
        if row.action == RowAction.CREATE:
            db.session.delete(agreement)
        else:
            for key, old in (row.previous or {}).items():
                setattr(agreement, key, python_value(key, old))
    batch.status = BatchStatus.UNDONE
    batch.undone_at = utcnow()
    batch.undone_by_id = user_id
