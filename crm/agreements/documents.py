"""Signed agreements and scans on disk, through the safe upload of crm/core/uploads.py."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage

from crm.agreements.models import Agreement, Document
from crm.core import uploads
from crm.core.uploads import RefusedUpload, download_name, path_of, remove_document, send_document  # noqa: F401


def store_document(agreement: Agreement, upload: FileStorage, uploaded_by_id: int | None) -> Document:
    """Check, write and record one upload; commits. RefusedUpload for a wrong kind, 413 if too big."""
    return uploads.store_document(
        upload, lambda **stored: Document(agreement=agreement, uploaded_by_id=uploaded_by_id, **stored)
    )
