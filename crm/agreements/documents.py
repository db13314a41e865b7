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


def download_name(document: Document) -> str:
    """The original name with the extension of the type found in the content.

    `evil.html` whose content is a PDF downloads as `evil.pdf`: the name never claims a type
    the file is not (a browser or a mail client would otherwise trust the name's extension)."""
    extensions = {content_type: extension for _, (content_type, extension) in SIGNATURES}
    extension = extensions.get(document.content_type, "")
    stem, dot, current = document.original_name.rpartition(".")
    if not dot or not stem:
        stem, current = document.original_name, ""
    if current.lower() in _ALSO_ACCEPTED.get(extension, ()):
        return document.original_name
    return stem + extension


# Spellings of an extension that already name the detected type.
_ALSO_ACCEPTED = {".pdf": ("pdf",), ".png": ("png",), ".jpg": ("jpg", "jpeg", "jpe")}


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
