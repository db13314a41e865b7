"""Pieces every form uses: the version it was rendered with, and the stale-edit check."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, SubmitField
from wtforms import validators
from wtforms.validators import Regexp
from wtforms.widgets import Select

from crm.core.errors import StaleEdit


class InputRequired(validators.InputRequired):
    """WTForms' InputRequired that also takes a value of spaces only for missing: a name or a
    title typed as "   " would be saved blank (and a stripping filter makes it ""). A password
    is taken as typed."""

    def __call__(self, form, field):
        super().__call__(form, field)
        raw = field.raw_data[0] if field.raw_data else None
        if isinstance(raw, str) and not raw.strip() and field.type != "PasswordField":
            field.errors[:] = []
            raise validators.StopValidation(self.message or field.gettext("This field is required."))


class VersionedForm(FlaskForm):
    """A form that edits a Versioned record carries the version it was rendered with."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])

    def ensure_current(self, record) -> None:
        """Raise StaleEdit (409) when the record changed since this form was rendered."""
        if int(self.version.data) != record.version:
            yours = {name: field.data for name, field in self._fields.items() if name not in ("version", "csrf_token", "submit")}
            labels = {name: str(field.label.text) for name, field in self._fields.items()}
            raise StaleEdit(record, yours, labels)


NOT_A_CHOICE = -1  # what optional_int makes of anything but a number: never a valid choice


def optional_int(value):
    """The coercer of every select with an optional integer (an owner, an assignee, a related
    record): '' / None / 'None' → None, digits → int; anything else (text, a number too big
    for the database, a negative one) → NOT_A_CHOICE, which no choice has and no row matches,
    so the field answers "Not a valid choice" and a query never sees a non-integer."""
    if value is None or value in ("", "None"):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 2**31 else NOT_A_CHOICE
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else NOT_A_CHOICE


def apply_form(form: FlaskForm, record, fields: list[str]) -> None:
    """Copy exactly `fields` from the form to the record; nothing else a request sent."""
    for name in fields:
        setattr(record, name, form[name].data)


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token: remove a document, change the calendar address."""

    submit = SubmitField(_l("Confirm"))


class RecordActionForm(VersionedForm):
    """A one-button action on a record (archive, restore, deactivate, erase): only the version
    the page showed, so that acting on a record someone changed meanwhile answers 409."""


def render_form_page(form, heading, action: str, cancel: str, crumbs, **context):
    """templates/core/form_page.html for `form` (any domain's one-form page), with the partner
    picker's first matches when the form has the picker; 422 when the form has errors."""
    from flask import render_template

    from crm.partners.picker import PartnerSearchFields, picker_context

    if isinstance(form, PartnerSearchFields):
        context |= picker_context(form)
    page = render_template("core/form_page.html", form=form, heading=heading, action=action, cancel=cancel,
                           crumbs=crumbs, **context)
    return page, 422 if form.errors else 200
class QuickSelect(Select):
    """A select whose plain options (no attributes of their own) are written by a format string
    instead of WTForms' generic attribute writer: the same markup, a fraction of the calls, for
    selects of a hundred options and more (countries, people) on every list page."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        label = escape(choice.label or choice.value)
        value = escape(choice.value)
        if choice.selected:
            return Markup(f'<option selected value="{value}">{label}</option>')
        return Markup(f'<option value="{value}">{label}</option>')
