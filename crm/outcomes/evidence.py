"""Evidence files of an outcome (a scan of certificates, a list of students), through the safe
upload of crm/core/uploads.py.

Attaching or removing a file is a change of the outcome: it bumps the outcome's version, so an
approval given on the page the checker saw before the change answers 409, and a liaison's
change sends a returned outcome back to the office, like an edit does.
"""
from __future__ import annotations

from flask import abort
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from crm.core import uploads
from crm.core.models import utcnow
from crm.core.uploads import RefusedUpload, send_document  # noqa: F401
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeEvidence, OutcomeStatus


def check_uploads(files: list[FileStorage]) -> None:
    """Refuse the whole batch before anything is written: RefusedUpload naming the file of the
    wrong kind, 413 for a file over the size cap."""
    for upload in files:
        head = upload.stream.read(16)
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        try:
            uploads.sniff(head)
        except RefusedUpload as refusal:
            raise RefusedUpload(gettext("%(label)s: %(value)s", label=uploads.clean_name(upload.filename), value=refusal)) from None
        if size > uploads.max_upload_bytes():
            abort(413)


def _touch(outcome: Outcome, user) -> None:
    """The outcome changed: a new version, and a liaison's change waits for the office again."""
    outcome.updated_at = utcnow()
    if not user.can_edit:
        outcome.status = OutcomeStatus.PENDING


def attach_evidence(outcome: Outcome, files: list[FileStorage], user) -> list[OutcomeEvidence]:
    """Check every file, then store each one (the first commit carries the outcome's change)."""
    check_uploads(files)
    _touch(outcome, user)
    return [
        uploads.store_document(
            upload, lambda **stored: OutcomeEvidence(outcome=outcome, uploaded_by_id=user.id, **stored)
        )
        for upload in files
    ]


def remove_evidence(evidence: OutcomeEvidence, user) -> None:
    _touch(evidence.outcome, user)
    uploads.remove_document(evidence)


def evidence_names(outcome_ids) -> dict[int, str]:
    """The evidence files' names of these outcomes ("a.pdf; b.png"), for rows built without the
    ORM (the report's Records sheet); one statement. Outcomes without evidence are left out."""
    names: dict[int, list[str]] = {}
    ids = list(outcome_ids)
    if ids:
        for outcome_id, name in db.session.execute(
            select(OutcomeEvidence.outcome_id, OutcomeEvidence.original_name)
            .where(OutcomeEvidence.outcome_id.in_(ids)).order_by(OutcomeEvidence.id)
        ):
            names.setdefault(outcome_id, []).append(name)
    return {outcome_id: "; ".join(files) for outcome_id, files in names.items()}
