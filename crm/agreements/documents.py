"""Signed agreements and scans on disk: checked by content, stored under a generated name
(crm/core/uploads.py does the checking and writing for every domain).

The file is written first and the row committed after; if the commit fails the file is
removed, so a failure never leaves a file without a row (a row without its file cannot happen).
"""
from __future__ import annotations

from pathlib import Path

from werkzeug.datastructures import FileStorage

from crm.agreements.models import Agreement, Document
from crm.core.uploads import (  # noqa: F401  (the names this module has always offered)
    SIGNATURES,
    RefusedUpload,
    clean_name,
    commit_or_remove,
    delete_stored,
    max_upload_bytes,
    save_upload,
    sniff,
    stored_path,
    upload_folder,
)
from crm.extensions import db


def path_of(document: Document) -> Path:
    return stored_path(document.stored_name)


def store_document(agreement: Agreement, upload: FileStorage, uploaded_by_id: int | None) -> Document:
    """Check, write and record one upload; commits. RefusedUpload for a wrong kind, 413 if too big."""
    stored = save_upload(upload)
    document = Document(agreement=agreement, uploaded_by_id=uploaded_by_id, **stored.columns())
    db.session.add(document)
    commit_or_remove(stored.path)
    return document


def remove_document(document: Document) -> None:
    """Delete the row (audited), commit, then the file: a failed commit keeps both."""
    delete_stored(document)
