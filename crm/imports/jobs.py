"""Running the slow steps of an import (checking the rows, writing them) off the request.

A step runs in a thread with its own app context (and so its own database session), while the
batch page polls the batch's status. Checking commits its progress every few hundred rows;
writing is one transaction, so its progress lives in this process's memory (`progress_of`),
and a page served by another worker process shows "Importing…" without a count.

With IMPORT_RUN_INLINE (the tests' setting) the step runs inside the request instead.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError

from crm.audit.recorder import acting_as
from crm.core.i18n import current_locale_code
from crm.extensions import db
from crm.imports.models import BatchStatus, ImportBatch
from crm.imports.reading import ImportFileError

_progress: dict[int, int] = {}
_lock = threading.Lock()


def set_progress(batch_id: int, done: int) -> None:
    with _lock:
        _progress[batch_id] = done


def progress_of(batch_id: int) -> int | None:
    with _lock:
        return _progress.get(batch_id)


def run_step(batch_id: int, user_id: int | None, step: Callable[[ImportBatch], None]) -> None:
    """Run `step(batch)` (which commits) now or in a background thread, per the configuration."""
    if current_app.config.get("IMPORT_RUN_INLINE", False):
        _run(batch_id, user_id, step)
        return
    app = current_app._get_current_object()
    locale = current_locale_code()  # the messages a step stores (cell errors…) in the language of who started it

    def target():
        with app.app_context(), force_locale(locale):
            try:
                _run(batch_id, user_id, step)
            finally:
                db.session.remove()

    threading.Thread(target=target, name=f"import-{batch_id}", daemon=True).start()


def _run(batch_id: int, user_id: int | None, step) -> None:
    with acting_as(user_id):
        batch = db.session.get(ImportBatch, batch_id)
        try:
            step(batch)
            db.session.commit()
        except ImportFileError as error:
            _fail(batch_id, str(error.message))
        except (SQLAlchemyError, OSError, ValueError, KeyError) as error:
            db.session.rollback()
            current_app.logger.exception("import batch %s failed", batch_id)
            _fail(batch_id, type(error).__name__)
        finally:
            with _lock:
                _progress.pop(batch_id, None)


def _fail(batch_id: int, message: str) -> None:
    from crm.imports.models import ImportRow

    db.session.rollback()
    db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch_id))
    batch = db.session.get(ImportBatch, batch_id)
    batch.status = BatchStatus.FAILED
    batch.message = message
    db.session.commit()


def analyse_step(batch: ImportBatch) -> None:
    from crm.imports.preview import analyse

    analyse(batch)


def commit_step(user_id: int | None) -> Callable[[ImportBatch], None]:
    def step(batch: ImportBatch) -> None:
        from crm.imports.commit import StaleImport, commit_batch, stale_message

        try:
            commit_batch(batch, user_id, progress=lambda done: set_progress(batch.id, done))
        except StaleImport as stale:
            db.session.rollback()
            batch = db.session.get(ImportBatch, batch.id)
            batch.status = BatchStatus.PREVIEW
            batch.message = stale_message(stale)

    return step
