"""The contact forms: add, edit, and the confirmations of deactivate, reactivate and erase."""
import re

import email_validator
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import Length, Optional, ValidationError

from crm.contacts.models import ERASED_NAME
from crm.core.forms import InputRequired, RecordActionForm, SentOnce, VersionedForm
from crm.partners.forms import blank_to_none, stripped

# "+86 23 6865 1234", "(03) 9564 1555", "+49-711-123456": digits, spaces and + ( ) . - /
PHONE_PATTERN = r"^\+?[0-9()./\- ]*[0-9][0-9()./\- ]*$"
MIN_PHONE_DIGITS = 5


def check_contact_name(name: str) -> None:
    """The name an erased contact is left with is no one's (the contact form and the partners import ask this)."""
    if name == ERASED_NAME:
        raise ValidationError(_l("Choose another name."))


def check_email(email: str) -> None:
    """An address as wtforms' Email checks it (email_validator, no look-up of the domain): the
    contact form and the partners import ask this."""
    try:
        email_validator.validate_email(email, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise ValidationError(_l("Not a valid e-mail address.")) from None


def check_phone(phone: str) -> None:
    """Digits, spaces and + ( ) . - /, at least MIN_PHONE_DIGITS digits (the contact form and the import ask this)."""
    if not re.match(PHONE_PATTERN, phone):
        raise ValidationError(_l("Only digits, spaces and + ( ) . - / in a phone number."))
    if sum(ch.isdigit() for ch in phone) < MIN_PHONE_DIGITS:
        raise ValidationError(_l("A phone number has at least %(count)d digits.", count=MIN_PHONE_DIGITS))


class ContactForm(SentOnce):
    name = StringField(lazy_pgettext("person", "Name"), filters=[stripped], validators=[InputRequired(), Length(max=120)])
    position = StringField(_l("Position"), filters=[blank_to_none], validators=[Optional(), Length(max=120)])
    department = StringField(_l("Department"), filters=[blank_to_none], validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail"), filters=[blank_to_none], validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), filters=[blank_to_none], validators=[Optional(), Length(max=40)])
    messaging = StringField(_l("Messaging"), filters=[blank_to_none], validators=[Optional(), Length(max=120)],
                            description=_l("e.g. WeChat: li_wei"))
    preferred_language = StringField(_l("Preferred language"), filters=[blank_to_none], validators=[Optional(), Length(max=40)])
    is_primary = BooleanField(_l("Primary contact"))
    notes = TextAreaField(_l("Notes"), filters=[blank_to_none], validators=[Optional(), Length(max=5000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Save contact"))

    def validate_name(self, field):
        field.data = " ".join((field.data or "").split())
        check_contact_name(field.data)

    def validate_email(self, field):
        if field.data:
            check_email(field.data)

    def validate_phone(self, field):
        if field.data:
            check_phone(field.data)


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
