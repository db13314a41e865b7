"""The contact forms: add, edit, and the confirmations of deactivate, reactivate and erase."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import Email, Length, Optional, Regexp, ValidationError

from crm.contacts.models import ERASED_NAME
from crm.core.forms import InputRequired, RecordActionForm, VersionedForm
from crm.partners.forms import blank_to_none, stripped

# "+86 23 6865 1234", "(03) 9564 1555", "+49-711-123456": digits, spaces and + ( ) . - /
PHONE_PATTERN = r"^\+?[0-9()./\- ]*[0-9][0-9()./\- ]*$"
MIN_PHONE_DIGITS = 5


class ContactForm(FlaskForm):
    name = StringField(lazy_pgettext("person", "Name"), filters=[stripped], validators=[InputRequired(), Length(max=120)])
    position = StringField(_l("Position"), filters=[blank_to_none], validators=[Optional(), Length(max=120)])
    department = StringField(_l("Department"), filters=[blank_to_none], validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail"), filters=[blank_to_none], validators=[Optional(), Length(max=254), Email(message=_l("Not a valid e-mail address."))])
    phone = StringField(_l("Phone"), filters=[blank_to_none], validators=[
        Optional(), Length(max=40),
        Regexp(PHONE_PATTERN, message=_l("Only digits, spaces and + ( ) . - / in a phone number.")),
    ])
    messaging = StringField(_l("Messaging"), filters=[blank_to_none], validators=[Optional(), Length(max=120)],
                            description=_l("e.g. WeChat: li_wei"))
    preferred_language = StringField(_l("Preferred language"), filters=[blank_to_none], validators=[Optional(), Length(max=40)])
    is_primary = BooleanField(_l("Primary contact"))
    notes = TextAreaField(_l("Notes"), filters=[blank_to_none], validators=[Optional(), Length(max=5000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Save contact"))

    def validate_name(self, field):
        field.data = " ".join((field.data or "").split())
        if field.data == ERASED_NAME:
            raise ValidationError(_l("Choose another name."))

    def validate_phone(self, field):
        if field.data and sum(ch.isdigit() for ch in field.data) < MIN_PHONE_DIGITS:
            raise ValidationError(_l("A phone number has at least %(count)d digits.", count=MIN_PHONE_DIGITS))


# The fields a contact form may change; nothing else a request sends reaches the record.
CONTACT_FIELDS = ["name", "position", "department", "email", "phone", "messaging", "preferred_language", "is_primary", "notes"]


class ContactEditForm(ContactForm, VersionedForm):
    active = BooleanField(_l("Still works there"))




class EraseContactForm(RecordActionForm):
    """Erase a contact, and redact their name in the texts ticked on the page (the view sets
    the choices: the texts that mention the name now, so no other record can be named)."""

    redact = SelectMultipleField(
        _l("Redact the name in"), choices=[], validate_choice=True,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )
