"""Archived records: loading only live ones, and restoring archived ones (the same steps for
partners, agreements and proposals), and where an archived record is found again.

A page that names a record which may be archived (a trip's partner, an outcome's agreement)
shows it with `record_link` (a template global): a link while the record is live, its name with
an "archived" marker once it is not (its page answers 404), and for an administrator a link to
the archive page that restores it."""
from collections.abc import Callable

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup
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


# Where an administrator finds each kind of archived record to restore it (the domains register
# their archive lists with `archive_page`); a kind without one has none to offer.
_ARCHIVE_PAGES: dict[type, Callable[[object], str]] = {}


def archive_page(model, url_of: Callable[[object], str]) -> None:
    """Register the admin archive page of `model`: `url_of(record)` is the URL of the list of
    archived `model` rows, narrowed to `record` where that list can be."""
    _ARCHIVE_PAGES[model] = url_of


def archive_page_url(record) -> str | None:
    """The admin archive page where the archived `record` can be restored, or None."""
    url_of = _ARCHIVE_PAGES.get(type(record))
    return url_of(record) if url_of else None


def record_link(record, url: str, text, after="") -> Markup:
    """A link to `record` (its `archived_at` loaded with it) at `url`, named `text`; once the record
    is archived, `text` with an "archived" marker instead (no link to its 404), and for an
    administrator a link to the archive page where it is restored, when its kind has one.
    `after` (markup: a partner's country in parentheses) follows the name, before the marker.

    Python rather than a macro: lists call it on every row, and a macro needs the page's context
    (the user) imported into every row's fragment."""
    if record.archived_at is None:
        return Markup('<a href="{}">{}</a>{}').format(url, text, after)
    restore_url = archive_page_url(record) if current_user.is_admin else None
    restore = Markup(' <a href="{}" class="app-archived-restore">{}<span class="visually-hidden"> {}</span></a>').format(
        restore_url, _("Restore…"), text) if restore_url else ""
    return Markup('<span class="app-archived-ref">{}{} <span class="app-badge app-archived-badge">{}</span>{}</span>').format(
        text, after, pgettext("record", "archived"), restore)
