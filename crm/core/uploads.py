"""Uploaded files on disk, for any domain: checked by content (magic bytes), stored outside
`static/` under a generated name, downloaded only as attachments.

A domain keeps its own table of documents (who may see them is its rule) and calls:

    stored = save_upload(form.file.data)          # RefusedUpload (422) or 413; the file is on disk
    db.session.add(MyDocument(**stored.columns(), owner=...))
    commit_or_remove(stored.path)                 # a failed commit removes the file again
    return attachment(stored_name, content_type, original_name)   # the download
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from crm.extensions import db

CHUNK = 64 * 1024
# What a file starts with → (content type, extension of the stored file).
SIGNATURES = (
    (b"%PDF-", ("application/pdf", ".pdf")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
)
MAX_NAME = 255


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


def stored_path(stored_name: str) -> Path:
    return upload_folder() / stored_name


def clean_name(name: str | None) -> str:
    """The original name, kept only as data: no folders, no control characters, not too long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-MAX_NAME:] or "document"


@dataclass(frozen=True)
class StoredFile:
    path: Path
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str

    def columns(self) -> dict:
        """The columns a document row keeps about the file."""
        return {"original_name": self.original_name, "stored_name": self.stored_name,
                "content_type": self.content_type, "size": self.size, "sha256": self.sha256}


def save_upload(upload: FileStorage) -> StoredFile:
    """Check and write one upload under a generated name. RefusedUpload for a wrong kind, 413 if too big."""
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
    return StoredFile(path, clean_name(upload.filename), stored_name, content_type, size, digest.hexdigest())


def commit_or_remove(path: Path) -> None:
    """Commit the row that records the file; if the commit fails, roll back and remove the file."""
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise


def delete_stored(record) -> None:
    """Delete a document row (audited), commit, then its file: a failed commit keeps both."""
    path = stored_path(record.stored_name)
    db.session.delete(record)
    db.session.commit()
    path.unlink(missing_ok=True)


def attachment(stored_name: str, content_type: str, original_name: str):
    """The stored file as a download (never inline), with its stored content type; 404 if gone."""
    path = stored_path(stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class _TooLarge(Exception):
    pass
