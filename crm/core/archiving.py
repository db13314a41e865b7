"""Archived records: loading only live ones, and restoring archived ones (the same steps for
partners, agreements and proposals)."""
from flask import abort, flash, redirect
from flask_login import current_user

from crm.core.forms import RecordActionForm
from crm.extensions import db


def get_live_or_404(model, record_id: int):
    """The `model` row `record_id`; 404 when there is none or it is archived (archived records
    are out of sight like deleted ones, except on the admin's archive pages)."""
    record = db.get_or_404(model, record_id)
    if record.is_archived:
        abort(404)
    return record


def refuse_archived_unless_admin(archived: bool) -> None:
    """Lists of archived records are for administrators (they alone can restore them): 403 for
    anyone else who asks for one."""
    if archived and not current_user.is_admin:
        abort(403)


def restore_archived(model, record_id: int):
    """Restore the archived `model` row `record_id` from the posted form; the caller commits.

    404 unless it is archived, 422 without a valid form, 409 when it changed meanwhile."""
    record = db.get_or_404(model, record_id)
    if not record.is_archived:
        abort(404)
    form = RecordActionForm()
    if not form.validate_on_submit():
        abort(422)
    form.ensure_current(record)
    record.restore()
    return record


def archive_confirmed(record, form: RecordActionForm, message: str, back: str):
    """Archive `record` once its confirmation `form` is posted and valid: 409 when the record
    changed since the form was shown, else commit, flash `message` and answer 303 to `back`.
    None while there is nothing to do (a GET, or an invalid form): the caller shows the
    confirmation page."""
    if not form.validate_on_submit():
        return None
    form.ensure_current(record)
    record.archive()
    db.session.commit()
    flash(message, "success")
    return redirect(back, 303)
