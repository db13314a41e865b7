"""The outcomes kind of import: counts of what a cooperation produced in a report year.

A row names a partner or an agreement, a year (academic or calendar, as the office counts:
crm.outcomes.models.year_kind), and either a category with its count (one outcome per row, the
template's layout) or a count in each category's own column (the wide sheets offices keep: one
row, several outcomes). An outcome is the same as an existing one, or as an earlier row's, when
partner or agreement, year, category and detail are the same: by default the import updates its
count (and school and note). Imported outcomes are approved: the office's staff import them.

Each ImportRow keeps, in `previous`, what it wrote: {"outcomes": [{"id", "created", "version",
"before"}]}, so that undo removes the created outcomes and puts the updated ones back while
nobody has edited them since.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.validators import ValidationError

from crm.agreements.models import Agreement, agreement_partner
from crm.agreements.queries import validity_periods
from crm.core.models import utcnow
from crm.extensions import db
from crm.imports.duplicates import plain_name
from crm.imports.fields import COUNT_PREFIX
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction, RowOutcome
from crm.core.dates import office_today
from crm.outcomes.forms import check_counts_somewhere, check_year
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeStatus, report_year_of, year_label
from crm.schools.queries import active_schools

UPDATED_FIELDS = ("count", "school_id", "note")

Identity = tuple[str, int, int, str, str]  # ("a"|"p", owner id, year, category, plain detail)


def agreement_lookup() -> dict[str, list[int]]:
    """Every live agreement's title (plain) → the ids of the agreements so called."""
    lookup: dict[str, list[int]] = {}
    for aid, title in db.session.execute(select(Agreement.id, Agreement.title).where(Agreement.archived_at.is_(None))):
        lookup.setdefault(plain_name(title), []).append(aid)
    return lookup


def school_lookup() -> dict[str, int]:
    """Every school the outcome form offers (an archived one is not): its Chinese and English
    name (plain) → its id."""
    lookup: dict[str, int] = {}
    for school in active_schools():
        for name in (school.name_zh, school.name_en):
            if name:
                lookup.setdefault(plain_name(name), school.id)
    return lookup


def items(values: dict) -> list[tuple[str, int]]:
    """(category, count) of every outcome the row holds: its category and count, and the count
    of each category column (the wide layout)."""
    found: dict[str, int] = {}
    if values.get("category") and values.get("count") is not None:
        found[values["category"]] = int(values["count"])
    for key, value in values.items():
        if key.startswith(COUNT_PREFIX) and value is not None:
            found.setdefault(key.removeprefix(COUNT_PREFIX), int(value))
    return list(found.items())


def _owner(values: dict, agreement_partners: dict[int, set[int]], errors: dict) -> tuple[str, int] | None:
    """("a", agreement id) or ("p", partner id); a problem goes into `errors`."""
    if values.get("agreement_id"):
        ids = [int(aid) for aid in values["agreement_id"].split(",")]
        if len(ids) > 1 and values.get("partner_id"):
            ids = [aid for aid in ids if int(values["partner_id"]) in agreement_partners.get(aid, set())] or ids
        if len(ids) > 1:
            errors["agreement_id"] = _("Several agreements have this title: name the partner too.")
            return None
        return "a", ids[0]
    if values.get("partner_id"):
        return "p", int(values["partner_id"])
    errors["partner_id"] = _("Name a partner or an agreement.")
    return None


def _check(values: dict, errors: dict) -> None:
    if values.get("category") and values.get("count") is None and "count" not in errors:
        errors["count"] = _("%(field)s is required.", field=_("Count"))
    elif values.get("count") is not None and not values.get("category") and "category" not in errors:
        errors["category"] = _("%(field)s is required.", field=_("Category"))
    elif not errors and not items(values):
        errors["count"] = _("Give a category and its count, or a count in a category's column.")


def _check_rules(values: dict, owner: tuple[str, int], validity: dict, errors: dict) -> None:
    """The outcome form's rules, as the form asks them: the year within the agreement's validity,
    and no "other quantity" (it counts only toward a 国际影响表 row, which an import cannot name)."""
    try:
        check_year(int(values["year"]), report_year_of(office_today()), validity.get(owner[1]) if owner[0] == "a" else None)
    except ValidationError as refusal:
        errors["year"] = str(refusal.args[0])
    for category, _count in items(values):
        try:
            check_counts_somewhere(OutcomeCategory(category), None)
        except ValidationError as refusal:
            errors["category"] = str(refusal.args[0])


def existing_outcomes() -> dict[Identity, tuple[int, int]]:
    """Every outcome by its identity → (id, version)."""
    statement = select(Outcome.id, Outcome.agreement_id, Outcome.partner_id, Outcome.year, Outcome.category,
                       Outcome.detail, Outcome.version)
    found: dict[Identity, tuple[int, int]] = {}
    for oid, agreement_id, partner_id, year, category, detail, version in db.session.execute(statement):
        owner = ("a", agreement_id) if agreement_id else ("p", partner_id) if partner_id else None
        if owner:
            found.setdefault((*owner, year, category.value, plain_name(detail or "")), (oid, version))
    return found


def classify(batch: ImportBatch, parsed: Iterable[tuple[int, dict, dict]]) -> Iterator[dict]:
    """An ImportRow (as a dict) per parsed row; the matched outcomes are its candidates (with
    their category and version, which the commit checks)."""
    existing = existing_outcomes()
    agreement_partners: dict[int, set[int]] = {}
    for aid, pid in db.session.execute(select(agreement_partner.c.agreement_id, agreement_partner.c.partner_id)):
        agreement_partners.setdefault(aid, set()).add(pid)
    validity = validity_periods()
    earlier: dict[Identity, int] = {}
    for number, values, errors in parsed:
        errors = dict(errors)
        _check(values, errors)
        owner = _owner(values, agreement_partners, errors) if not errors else None
        if owner is not None:
            _check_rules(values, owner, validity, errors)
        row = {"batch_id": batch.id, "number": number, "values": values, "errors": errors, "candidates": [],
               "match_id": None, "match_version": None, "match_row": None}
        if errors or owner is None:
            yield row | {"outcome": RowOutcome.ERROR, "action": RowAction.SKIP}
            continue
        if owner[0] == "a":
            values["agreement_id"] = str(owner[1])
        keys = [((*owner, int(values["year"]), category, plain_name(values.get("detail") or "")), category)
                for category, _count in items(values)]
        label = year_label(int(values["year"]))
        repeated = [key for key, _category in keys if key in earlier]
        matched = [(key, category) for key, category in keys if key in existing]
        if repeated:
            row |= {"outcome": RowOutcome.POSSIBLE_DUPLICATE, "action": RowAction.SKIP, "candidates": [
                {"row": earlier[key], "name": f"{label} · {OutcomeCategory(key[3]).label}", "why": "same"} for key in repeated]}
        elif matched:
            first_id, first_version = existing[matched[0][0]]
            row |= {"outcome": RowOutcome.MATCH, "action": RowAction.UPDATE, "match_id": first_id,
                    "match_version": first_version, "candidates": [
                        {"outcome": existing[key][0], "version": existing[key][1], "category": category,
                         "name": f"{label} · {OutcomeCategory(category).label}", "why": "same"} for key, category in matched]}
        else:
            row |= {"outcome": RowOutcome.NEW, "action": RowAction.CREATE}
        for key, _category in keys:
            earlier.setdefault(key, number)
        yield row


def _matched(row: ImportRow) -> dict[str, tuple[int, int]]:
    """category → (outcome id, version at the preview) of the row's matches."""
    return {c["category"]: (c["outcome"], c["version"]) for c in row.candidates or [] if "outcome" in c}


def stale_matches(batch: ImportBatch) -> list[tuple[int, str]]:
    rows = list(db.session.scalars(select(ImportRow).where(
        ImportRow.batch_id == batch.id, ImportRow.action == RowAction.UPDATE, ImportRow.match_id.is_not(None))))
    expected = {(row.number, oid, version) for row in rows for oid, version in _matched(row).values()}
    ids = [oid for _number, oid, _version in expected]
    current = dict(db.session.execute(select(Outcome.id, Outcome.version).where(Outcome.id.in_(ids))).all()) if ids else {}
    return sorted({(number, _("outcome #%(id)d", id=oid)) for number, oid, version in expected if current.get(oid) != version})


def _as_value(key: str, text: str | None):
    if text is None:
        return None
    return text if key == "note" else int(text)


def commit(batch: ImportBatch, user_id: int | None, progress: Callable[[int], None] | None = None) -> None:
    from crm.imports.commit import StaleImport, chosen_rows, remove_upload

    if stale := stale_matches(batch):
        raise StaleImport(stale)
    counts = {RowAction.CREATE: 0, RowAction.UPDATE: 0}
    done = 0
    now = utcnow()
    for chunk in chosen_rows(batch):
        matches = {o.id: o for o in db.session.scalars(select(Outcome).where(
            Outcome.id.in_({oid for row in chunk for oid, _v in _matched(row).values()})))}
        written: list[tuple[ImportRow, list[tuple[Outcome, dict | None]]]] = []
        for row in chunk:
            values = row.values
            matched = _matched(row) if row.action == RowAction.UPDATE else {}
            changed: list[tuple[Outcome, dict | None]] = []
            for category, count in items(values):
                wanted = {"count": count, "school_id": _as_value("school_id", values.get("school_id")),
                          "note": values.get("note")}
                if category in matched:
                    outcome = matches[matched[category][0]]
                    before = {key: None if getattr(outcome, key) is None else str(getattr(outcome, key))
                              for key in UPDATED_FIELDS
                              if wanted[key] is not None and getattr(outcome, key) != wanted[key]}
                    if not before:
                        continue
                    for key in before:
                        setattr(outcome, key, wanted[key])
                    changed.append((outcome, before))
                else:
                    owner = {"agreement_id": int(values["agreement_id"])} if values.get("agreement_id") else {
                        "partner_id": int(values["partner_id"])}
                    outcome = Outcome(**owner, year=int(values["year"]), category=OutcomeCategory(category),
                                      detail=values.get("detail"), count=count, school_id=wanted["school_id"],
                                      note=values.get("note"), status=OutcomeStatus.APPROVED, entered_by_id=user_id,
                                      reviewed_by_id=user_id, reviewed_at=now)
                    db.session.add(outcome)
                    changed.append((outcome, None))
            if changed:
                written.append((row, changed))
        db.session.flush()
        for row, changed in written:
            row.record_id = changed[0][0].id
            row.previous = {"outcomes": [{"id": outcome.id, "created": before is None, "version": outcome.version,
                                          "before": before} for outcome, before in changed]}
            counts[row.action] += 1
        done += len(chunk)
        if progress:
            progress(done)
    batch.created_count = counts[RowAction.CREATE]
    batch.updated_count = counts[RowAction.UPDATE]
    batch.skipped_count = batch.total_rows - batch.created_count - batch.updated_count
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = utcnow()
    remove_upload(batch)


def _written(batch: ImportBatch) -> list[dict]:
    rows = db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.record_id.is_not(None)))
    return [entry for row in rows for entry in (row.previous or {}).get("outcomes", [])]


def undo_blockers(batch: ImportBatch, limit: int = 100):
    from crm.imports.commit import UndoBlocker

    written = _written(batch)
    ids = [entry["id"] for entry in written]
    current = {oid: (year, category, version) for oid, year, category, version in db.session.execute(
        select(Outcome.id, Outcome.year, Outcome.category, Outcome.version).where(Outcome.id.in_(ids)))} if ids else {}
    blockers = []
    for entry in written:
        found = current.get(entry["id"])
        if found is None:
            blockers.append(UndoBlocker(entry["id"], _("outcome #%(id)d", id=entry["id"]), _("no longer exists"), "outcome"))
        elif found[2] != entry["version"]:
            blockers.append(UndoBlocker(entry["id"], f"{year_label(found[0])} · {found[1].label}",
                                        _("edited since the import"), "outcome"))
    return blockers[:limit]


def undo(batch: ImportBatch, user_id: int | None) -> None:
    written = _written(batch)
    outcomes = {o.id: o for o in db.session.scalars(select(Outcome).where(
        Outcome.id.in_([entry["id"] for entry in written])))} if written else {}
    for entry in written:
        outcome = outcomes[entry["id"]]
        if entry["created"]:
            db.session.delete(outcome)
        else:
            for key, old in entry["before"].items():
                setattr(outcome, key, _as_value(key, old))
    batch.status = BatchStatus.UNDONE
    batch.undone_at = utcnow()
    batch.undone_by_id = user_id
