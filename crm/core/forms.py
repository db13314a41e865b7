"""Pieces every form uses: the version it was rendered with, and the stale-edit check."""
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from crm.core.errors import StaleEdit


class VersionedForm(FlaskForm):
    """A form that edits a Versioned record carries the version it was rendered with."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])

    def ensure_current(self, record) -> None:
        """Raise StaleEdit (409) when the record changed since this form was rendered."""
        if int(self.version.data) != record.version:
            yours = {name: field.data for name, field in self._fields.items() if name not in ("version", "csrf_token", "submit")}
            labels = {name: str(field.label.text) for name, field in self._fields.items()}
            raise StaleEdit(record, yours, labels)


def apply_form(form: FlaskForm, record, fields: list[str]) -> None:
    """Copy exactly `fields` from the form to the record; nothing else a request sent."""
    for name in fields:
        setattr(record, name, form[name].data)


class RecordActionForm(VersionedForm):
    """A one-button action on a record (archive, restore, deactivate, erase): only the version
    the page showed, so that acting on a record someone changed meanwhile answers 409."""
