"""An import batch (one uploaded file, its mapping, its progress and counts) and its rows.

The rows hold the preview: each file row's cleaned values, its errors per field, what it
matches and what the user chose to do with it. After the commit they remember which record
each row created or updated, at which version and with what values before, so that the
batch can be undone while nobody has edited those records since.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import utcnow
from crm.extensions import db


class BatchStatus(LabelledEnum):
    MAPPING = "mapping", _l("Waiting for the column mapping")
    ANALYSING = "analysing", _l("Checking the rows")
    PREVIEW = "preview", _l("Ready to import")
    COMMITTING = "committing", _l("Importing")
    COMMITTED = "committed", _l("Imported")
    UNDONE = "undone", _l("Undone")
    FAILED = "failed", _l("Failed")
    DISCARDED = "discarded", _l("Discarded")


class RowOutcome(LabelledEnum):
    NEW = "new", _l("New")
    MATCH = "match", _l("Matches an existing record")
    POSSIBLE_DUPLICATE = "possible", _l("Possible duplicate")
    ERROR = "error", _l("Error")


class RowAction(LabelledEnum):
    CREATE = "create", _l("Create")
    UPDATE = "update", _l("Update the match")
    SKIP = "skip", _l("Skip")


class ImportBatch(db.Model):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str | None] = mapped_column(sa.String(80))  # the upload, until committed or discarded
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus), default=BatchStatus.MAPPING, index=True)
    headers: Mapped[list] = mapped_column(sa.JSON, default=list)
    mapping: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # column index (str) → field key
    header_row: Mapped[int] = mapped_column(default=1)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    new_count: Mapped[int] = mapped_column(default=0)
    match_count: Mapped[int] = mapped_column(default=0)
    possible_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    committed_at: Mapped[datetime | None]
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    created_by = relationship("User", foreign_keys=[created_by_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])

    @property
    def is_running(self) -> bool:
        return self.status in (BatchStatus.ANALYSING, BatchStatus.COMMITTING)


class ImportRow(db.Model):
    __tablename__ = "import_row"
    __table_args__ = (sa.Index("ix_import_row_batch_number", "batch_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batch.id", ondelete="CASCADE"))
    number: Mapped[int]  # the row's number in the file, as a spreadsheet shows it
    values: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # field key → cleaned value (text)
    errors: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # field key → message
    outcome: Mapped[RowOutcome] = mapped_column(enum_column(RowOutcome), index=True)
    candidates: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"id"|"row", "name", "why"}]
    match_id: Mapped[int | None]
    match_version: Mapped[int | None]
    match_row: Mapped[int | None]  # the earlier row of the same file that this row repeats
    action: Mapped[RowAction] = mapped_column(enum_column(RowAction))
    record_id: Mapped[int | None]
    record_version: Mapped[int | None]
    previous: Mapped[dict | None] = mapped_column(sa.JSON)  # an updated record's values before
    added_contact_ids: Mapped[list | None] = mapped_column(sa.JSON)

    batch: Mapped[ImportBatch] = relationship()
