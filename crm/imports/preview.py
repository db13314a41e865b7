"""From an uploaded file to a preview: the header row and its mapping, then every row checked
(values, errors per cell, duplicates) and stored as an ImportRow with a default action.

Nothing but the import's own tables is written here. Rows are read as a stream and written in
chunks, so memory stays bounded and a person sees the progress.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select

from crm.auth.models import User
from crm.core.punctuation import colon, list_separator
from crm.extensions import db
from crm.imports import agreements, history, outcomes
from crm.imports.duplicates import PartnerKey, duplicate_candidates
from crm.imports.fields import KINDS, ImportKind, ParseContext, automatic_mapping, looks_like_header, parse_row
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction, RowOutcome
from crm.imports.reading import HEADER_SEARCH_ROWS, MAX_COLUMNS, MAX_ROWS, ImportFileError, open_rows
from crm.partners.models import Partner

CHUNK = 500


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(batch: ImportBatch) -> Path:
    return upload_folder() / batch.stored_name


def _check_width(cells: list, number: int) -> None:
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError(_l("Row %(row)d has %(count)d columns; an import reads at most %(max)d. Remove the empty or extra columns.",
                                 row=number, count=len(cells), max=MAX_COLUMNS))


def find_header(kind: ImportKind, path: Path, file_name: str) -> tuple[int, list[str], Iterator[tuple[int, list]]]:
    """(header row number, column titles, the data rows after it) of the first sheet with the
    kind's column titles (a workbook may open on a sheet of instructions, or an empty one), else
    of the first sheet. Raises ImportFileError."""
    sheet = open_rows(path, file_name)
    if sheet.sheet_count == 1:
        return _header_of(kind, sheet, fallback=True)
    for index in range(sheet.sheet_count):
        sheet = sheet if index == 0 else open_rows(path, file_name, index)
        if (found := _header_of(kind, sheet, fallback=False)) is not None:
            return found
        sheet.rows.close()
    return _header_of(kind, open_rows(path, file_name), fallback=True)


def _header_of(kind: ImportKind, sheet, fallback: bool) -> tuple[int, list[str], Iterator[tuple[int, list]]] | None:
    """The sheet's header and rows; None when it has no row of the kind's titles and not `fallback`."""
    if sheet.width_hint and sheet.width_hint > MAX_COLUMNS:
        raise ImportFileError(_l("The sheet has %(count)d columns; an import reads at most %(max)d. Remove the empty or extra columns.",
                                 count=sheet.width_hint, max=MAX_COLUMNS))
    rows = iter(sheet.rows)
    seen: list[tuple[int, list]] = []
    header: tuple[int, list] | None = None
    for number, cells in rows:
        _check_width(cells, number)
        seen.append((number, cells))
        if looks_like_header(kind, cells):
            header = (number, cells)
            break
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if header is None and not fallback:
        return None
    if not seen:
        raise ImportFileError(_l("The file is empty."))
    if header is None:
        header = seen[0]
        rest = chain(seen[1:], rows)
    else:
        rest = rows
    number, cells = header
    for first_row, last_row, first_column, last_column in sheet.merged:
        if first_row <= number <= last_row:
            raise ImportFileError(_l("The column titles (row %(row)d) contain merged cells. Unmerge them so that each column has its own title, and upload the file again.",
                                     row=number))
    titles = [str(cell).strip() if cell is not None else "" for cell in cells]
    return number, titles, rest


def inspect_upload(batch: ImportBatch) -> None:
    """Read the header of the batch's file and propose a mapping. Raises ImportFileError."""
    kind = KINDS[batch.kind]
    number, titles, rows = find_header(kind, stored_path(batch), batch.file_name)
    if next(rows, None) is None:
        raise ImportFileError(_l("The file has column titles but no rows."))
    batch.header_row = number
    batch.headers = titles
    batch.mapping = automatic_mapping(kind, titles)


def parse_context(kind: ImportKind) -> ParseContext:
    users: dict[str, int] = {}
    for user_id, email, name in db.session.execute(select(User.id, User.email, User.name)):
        users.setdefault(email.casefold(), user_id)
        users.setdefault(name.casefold(), user_id)
    partners = agreements.partner_lookup() if kind.key != "partners" else {}
    if kind.key == "outcomes":
        return ParseContext(users=users, partners=partners, agreements=outcomes.agreement_lookup(),
                            schools=outcomes.school_lookup())
    return ParseContext(users=users, partners=partners)


def existing_partner_keys() -> list[tuple[PartnerKey, int]]:
    """Every partner that is not archived, as a key for matching, with its version."""
    statement = select(Partner.id, Partner.name, Partner.country, Partner.local_name, Partner.short_name,
                       Partner.website, Partner.version).where(Partner.archived_at.is_(None))
    return [(PartnerKey(pid, name, country, local, short, web), version)
            for pid, name, country, local, short, web, version in db.session.execute(statement)]


def analyse(batch: ImportBatch, *, commit_chunks: bool = True, progress: Callable[[int], None] | None = None) -> None:
    """Check every row of the batch's file and store the preview. Raises ImportFileError."""
    kind = KINDS[batch.kind]
    db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch.id))
    _number, _titles, rows = find_header(kind, stored_path(batch), batch.file_name)
    context = parse_context(kind)
    count = 0

    def parsed() -> Iterator[tuple[int, dict, dict]]:
        nonlocal count
        for number, cells in rows:
            _check_width(cells, number)
            if not _fills_a_field(cells, batch.mapping):
                continue  # a row numbered (序号) or noted in an unmapped column ahead of its data: empty
            count += 1
            if count > MAX_ROWS:
                raise ImportFileError(_l("The file has more than %(max)d rows; split it into smaller files.", max=MAX_ROWS))
            values, errors = parse_row(kind, batch.mapping, cells, context)
            yield number, values, errors

    classify = {"agreements": agreements.classify, "history": history.classify,
                "outcomes": outcomes.classify}.get(kind.key, classify_partner_rows)
    counts = {outcome: 0 for outcome in RowOutcome}
    pending: list[dict] = []
    processed = 0
    for row in classify(batch, parsed()):
        counts[row["outcome"]] += 1
        pending.append(row)
        processed += 1
        if len(pending) >= CHUNK:
            _flush_rows(batch, pending, processed, commit_chunks)
            if progress:
                progress(processed)
    if processed == 0:
        raise ImportFileError(_l("The file has column titles but no rows."))
    _flush_rows(batch, pending, processed, False)
    batch.total_rows = processed
    batch.new_count = counts[RowOutcome.NEW]
    batch.match_count = counts[RowOutcome.MATCH]
    batch.possible_count = counts[RowOutcome.POSSIBLE_DUPLICATE]
    batch.error_count = counts[RowOutcome.ERROR]
    batch.status = BatchStatus.PREVIEW
    batch.message = None


def _fills_a_field(cells: list, mapping: dict[str, str]) -> bool:
    """Whether a cell of a mapped column holds something."""
    for index in mapping:
        position = int(index)
        cell = cells[position] if position < len(cells) else None
        if cell is not None and not (isinstance(cell, str) and not cell.strip()):
            return True
    return False


def classify_partner_rows(batch: ImportBatch, parsed: Iterator[tuple[int, dict, dict]]) -> Iterator[dict]:
    """An ImportRow (as a dict) per parsed partner row: new, the same as an existing partner or
    an earlier row, possibly a duplicate, or in error; with the default action."""
    existing = existing_partner_keys()
    versions = {key.ref: version for key, version in existing}
    found: dict[int, tuple[dict, dict]] = {}

    def keys() -> Iterator[PartnerKey]:
        for number, values, errors in parsed:
            found[number] = (values, errors)
            yield PartnerKey(number, values.get("name", ""), values.get("country"), values.get("local_name"),
                             values.get("short_name"), values.get("website"))

    for key, findings in duplicate_candidates(keys(), (key for key, _version in existing)):
        values, errors = found.pop(key.ref)
        row = {"batch_id": batch.id, "number": key.ref, "values": values, "errors": errors, "candidates": [],
               "match_id": None, "match_version": None, "match_row": None}
        has_contact = any(name.startswith("contact_") for name in values)
        if errors:
            row |= {"outcome": RowOutcome.ERROR, "action": RowAction.SKIP}
        elif findings.exact_row is not None:
            row |= {"outcome": RowOutcome.MATCH, "match_row": findings.exact_row.ref,
                    "action": RowAction.UPDATE if has_contact else RowAction.SKIP,
                    "candidates": [{"row": findings.exact_row.ref, "name": findings.exact_row.name, "why": "same"}]}
        elif findings.exact_existing is not None:
            match = findings.exact_existing
            row |= {"outcome": RowOutcome.MATCH, "match_id": match.ref, "match_version": versions[match.ref],
                    "action": RowAction.UPDATE, "candidates": [{"id": match.ref, "name": match.name, "why": "same"}]}
        elif findings.possible_existing or findings.possible_rows:
            row |= {"outcome": RowOutcome.POSSIBLE_DUPLICATE, "action": RowAction.SKIP, "candidates": [
                *({"id": c.ref, "name": c.name, "why": "similar"} for c in findings.possible_existing),
                *({"row": c.ref, "name": c.name, "why": "similar"} for c in findings.possible_rows),
            ]}
        else:
            row |= {"outcome": RowOutcome.NEW, "action": RowAction.CREATE}
        yield row


def _flush_rows(batch: ImportBatch, pending: list[dict], processed: int, commit: bool) -> None:
    if pending:
        db.session.execute(insert(ImportRow), pending)
        pending.clear()
    batch.processed_rows = processed
    if commit:
        db.session.commit()


def summary_lines(batch: ImportBatch, limit: int = 20) -> list[str]:
    """The preview in words (the CLI prints it): counts, then the first rows with errors."""
    lines = [
        _("%(count)d rows read from %(file)s", count=batch.total_rows, file=batch.file_name),
        _("new: %(new)d, matches: %(match)d, possible duplicates: %(possible)d, errors: %(errors)d",
          new=batch.new_count, match=batch.match_count, possible=batch.possible_count, errors=batch.error_count),
    ]
    statement = (select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.outcome == RowOutcome.ERROR)
                 .order_by(ImportRow.number).limit(limit))
    kind = KINDS[batch.kind]
    for row in db.session.scalars(statement):
        problems = list_separator().join(colon(kind.field(key).label) + message for key, message in row.errors.items())
        lines.append(_("row %(row)d: %(problems)s", row=row.number, problems=problems))
    return lines
