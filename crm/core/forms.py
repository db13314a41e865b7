"""Pieces every form uses: the version it was rendered with, and the stale-edit check."""
import secrets
from datetime import date, datetime

from flask import request

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, SearchField, SubmitField
from wtforms import validators
from wtforms.validators import Regexp, ValidationError
from wtforms.widgets import Select

from crm.core.dates import office_today
from crm.core.errors import StaleEdit
from crm.core.punctuation import list_separator
from crm.core.search import MAX_TERM_LENGTH
from crm.core.submissions import expect, spent


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


class NotAfterToday:
    """A date (or a date and time) that records what has happened is not after the office's today:
    a later one is a slip of the year or of a digit, and would move what it starts out of sight.
    A field's validator; `check` is the same rule for a value (an import's cell, via
    crm.imports.fields.checked). `message` says it in the field's own words."""

    def __init__(self, message=None):
        self.message = message or _l("The date cannot be after today.")

    def __call__(self, form, field):
        self.check(field.data)

    def check(self, value: date | datetime | None) -> None:
        day = value.date() if isinstance(value, datetime) else value
        if day and day > office_today():
            raise ValidationError(self.message)


class SearchTermField(SearchField):
    """A search box whose refused term (too long) still shows as typed, beside its message: the
    list drops it (`validate_filters` empties its data) but the person keeps what they typed."""

    def _value(self):
        if self.errors and self.raw_data and isinstance(self.raw_data[0], str):
            return self.raw_data[0]
        return super()._value()


def search_term_field(label) -> SearchTermField:
    """A list's search box (`q`): at most MAX_TERM_LENGTH characters, or a clear message
    (the list drops the term and still shows, `validate_filters`; the box keeps the term)."""
    message = _l("Search for at most %(max)d characters.", max=MAX_TERM_LENGTH)
    return SearchTermField(label, validators=[validators.Optional(), validators.Length(max=MAX_TERM_LENGTH, message=message)])


def validate_filters(form) -> bool:
    """Validate a list's filter form (GET). A filter with an error filters nothing: its value is
    dropped (the list still shows, answered 422) and its message stays for the page to show
    (macros/forms.html: filter_errors). True when every filter is valid."""
    valid = form.validate()
    for field in form:
        if field.errors:
            field.data = None
    return valid


class SentOnce(FlaskForm):
    """A form that creates a record is saved once (crm/core/submissions.py): it carries a
    one-time token (`submission`), rendered with its CSRF token, so every template that writes
    `form.csrf_token` sends it; valid, it raises AlreadySent when the same form, saying the same,
    was saved already."""

    submission = HiddenField(render_kw={"autocomplete": "off"})  # a page shown again by Back gets a new token

    class Meta:
        sent_once_field = None

        def render_field(self, field, render_kw):
            html = super().render_field(field, render_kw)
            if field.type == "CSRFTokenField" and self.sent_once_field is not None:
                html = Markup(html) + self.sent_once_field()
            return html

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission.data or spent(self.submission.data):
            # a form shown after a save in the same request (an upload form htmx leaves in place)
            # is a new form: the token of the one just saved would make its next record a repeat
            self.submission.data = secrets.token_urlsafe(24)
        self.meta.sent_once_field = self.submission

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if request.method == "POST" and self.submission.raw_data:
            expect(self.submission.raw_data[0])
        return True


class VersionedForm(FlaskForm):
    """A form that edits a Versioned record carries the version it was rendered with."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])

    def entered(self, name: str, field):
        """What `field` asks the record to hold: its data, unless the form parses the text typed
        (a form's override, e.g. the partner's tags typed with commas, kept as a list)."""
        return field.data

    def ensure_current(self, record) -> None:
        """Raise StaleEdit (409) when the record changed since this form was rendered, with what
        was entered and what is saved as the form shows them (labels, names, dates), for the
        record's own fields (not a picker's search box or a button)."""
        if int(self.version.data) != record.version:
            fields = {name: field for name, field in self._fields.items() if name not in ("version", "csrf_token")
                      and field.type not in ("SubmitField", "FieldList", "FormField") and hasattr(record, name)}
            raise StaleEdit(record, {name: shown(field, self.entered(name, field)) for name, field in fields.items()},
                            {name: str(field.label.text) for name, field in fields.items()},
                            {name: shown(field, getattr(record, name), stored=True) for name, field in fields.items()})


def shown(field, value, stored: bool = False) -> str:
    """A value of `field` (entered, or the record's when `stored`) as a person reads it: a
    choice's label, the names of records, a date in the page's language, yes or no."""
    from crm.core.templating import local_date, local_datetime

    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple | set) or (hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict)):
        return list_separator().join(shown(field, item, stored) for item in value)
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, datetime):
        return local_datetime(value) if stored else f"{local_date(value)} {value:%H:%M}"
    if isinstance(value, date):
        return local_date(value)
    key = getattr(value, "id", getattr(value, "value", value))  # a record by its id, an enum by its value
    for choice_value, label, *_rest in getattr(field, "iter_choices", lambda: [])() if getattr(field, "choices", None) is not None else []:
        if str(choice_value) == str(key):
            return str(label)
    return str(getattr(value, "name", None) or getattr(value, "label", None) or value)


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
