"""Uploaded documents on disk, for any domain: checked by content (PDF, PNG, JPEG), stored
under a generated name outside `static/`, the original name kept only as data.

The file is written first and the row committed after; if the commit fails the file is
removed, so a failure never leaves a file without a row (a row without its file cannot happen).
A domain's document model takes its columns from `DocumentColumns` (see
crm/agreements/models.py: Document) and calls:

    store_document(upload, lambda **stored: TripDocument(trip=trip, **stored))
    document_or_404(TripDocument, document_id, "trip")   # 404 too when the trip is archived
    path_of(document)            # where its file lives
    remove_document(document)    # the row (audited), then the file
    send_document(document)      # the download: an attachment named by its detected type, nosniff
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import abort, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from werkzeug.datastructures import FileStorage

from crm.core.models import utcnow
from crm.extensions import db

if TYPE_CHECKING:
    from crm.auth.models import User

CHUNK = 64 * 1024
# What a file starts with → (content type, extension of the stored file).
SIGNATURES = (
    (b"%PDF-", ("application/pdf", ".pdf")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
)
MAX_NAME = 255


class DocumentColumns:
    """What every domain's document row records about its file (the owner's key, a kind and the
    relationship back to the owner stay in the domain's model)."""

    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    @declared_attr
    def uploaded_by(cls) -> Mapped[User | None]:
        return relationship("User")


class RefusedUpload(ValueError):
    """The file is not a PDF, PNG or JPEG by its content."""


def sniff(head: bytes) -> tuple[str, str]:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    raise RefusedUpload(_("Only PDF, PNG and JPEG files are accepted."))


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def path_of(document) -> Path:
    return upload_folder() / document.stored_name


def clean_name(name: str | None) -> str:
    """The original name, kept only as data: no folders, no control characters, not too long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-MAX_NAME:] or "document"


def store_document(upload: FileStorage, make_row: Callable[..., object]):
    """Check and write one upload, add the row `make_row(**stored)` builds, commit; return it.

    RefusedUpload for a wrong kind, 413 when too big; nothing is left behind either way."""
    head = upload.stream.read(16)
    content_type, extension = sniff(head)
    stored_name = secrets.token_hex(16) + extension
    path = upload_folder() / stored_name
    digest = hashlib.sha256(head)
    size = len(head)
    limit = max_upload_bytes()
    try:
        with open(path, "xb") as out:
            out.write(head)
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _TooLarge
                digest.update(chunk)
                out.write(chunk)
    except _TooLarge:
        path.unlink(missing_ok=True)
        abort(413)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    try:
        document = make_row(
            original_name=clean_name(upload.filename), stored_name=stored_name, content_type=content_type,
            size=size, sha256=digest.hexdigest(),
        )
        db.session.add(document)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return document


def download_name(document) -> str:
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


def document_or_404(model, document_id: int, owner: str):
    """The `model` row `document_id`; 404 when there is none or its `owner` record is archived
    (an archived record's files are out of sight like the record)."""
    document = db.get_or_404(model, document_id)
    if getattr(document, owner).is_archived:
        abort(404)
    return document


def remove_document(document) -> None:
    """Delete the row (audited), commit, then the file: a failed commit keeps both."""
    path = path_of(document)
    db.session.delete(document)
    db.session.commit()
    path.unlink(missing_ok=True)


def send_document(document):
    """The download: always an attachment with the stored content type and nosniff; 404 without its file."""
    path = path_of(document)
    if not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype=document.content_type, as_attachment=True, download_name=download_name(document), max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class _TooLarge(Exception):
    pass
