from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, Length, Optional, ValidationError

from crm.auth.choices import assignable_users
from crm.core.forms import InputRequired, SentOnce, optional_int, search_term_field
from crm.core.forms import VersionedForm
from crm.core.i18n import country_choices
from crm.core.templating import local_date
from crm.partners.picker import SinglePartnerPicker
from crm.experts.models import PermitCategory, PermitKind, ReviewResult, StayTerm

MAX_TEXT = 10_000


def passports_stored() -> bool:
    return bool(current_app.config.get("STORE_PASSPORT_NUMBERS"))


class ExpertForm(SinglePartnerPicker, SentOnce):
    FIELD_ORDER = ("name", "local_name", "nationality", "partner_id")
    name = StringField(_l("Name (Latin script)"), validators=[InputRequired(), Length(max=120)])
    local_name = StringField(_l("Chinese name"), validators=[Optional(), Length(max=120)])
    nationality = SelectField(_l("Nationality"), validators=[InputRequired()])
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=200)])
    teaches = TextAreaField(_l("What they teach"), validators=[Optional(), Length(max=MAX_TEXT)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254), Email()])
    passport_number = StringField(_l("Passport number"), validators=[Optional(), Length(max=40)])
    owner_id = SelectField(_l("Owner"), coerce=optional_int, description=_l("Reminded of the permits' deadlines."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Save expert"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_id.label.text = _l("Sending partner")
        self.offer_chosen_partner()
        self.nationality.choices = [("", str(_l("Choose a country")))] + country_choices()
        self.owner_id.choices = [("", str(_l("— nobody —")))] + assignable_users(keep=[self.owner_id.data])
        if not passports_stored():
            del self.passport_number  # not asked, not accepted, not stored

    @property
    def fields_to_apply(self) -> list[str]:
        names = ["name", "local_name", "nationality", "partner_id", "subject", "teaches", "email", "owner_id", "notes"]
        return names + (["passport_number"] if "passport_number" in self._fields else [])

    def validate_partner_id(self, field):
        self.check_chosen_partner(required=False)


class ExpertEditForm(VersionedForm, ExpertForm):
    pass


class StayForm(SentOnce):
    starts_on = DateField(_l("Arrives on"), validators=[InputRequired()])
    ends_on = DateField(_l("Leaves on"), validators=[Optional()])
    term = SelectField(_l("Short- or long-term"), choices=StayTerm.choices, coerce=StayTerm.coerce)
    host_faculty = StringField(_l("Host school or faculty"), validators=[Optional(), Length(max=200)])
    contract = StringField(_l("Contract"), validators=[Optional(), Length(max=200)], description=_l("Its number or a short description."))
    review_on = DateField(_l("End-of-term review on"), validators=[Optional()])
    review_result = SelectField(_l("Review result"), coerce=lambda v: None if v in (None, "", "None") else ReviewResult.coerce(v))
    review_note = TextAreaField(_l("Review note"), validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Save stay"))

    FIELDS = ["starts_on", "ends_on", "term", "host_faculty", "contract", "review_on", "review_result", "review_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.review_result.choices = [("", str(_l("— not yet reviewed —")))] + ReviewResult.choices()

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Leaves on cannot be before arrives on."))


class StayEditForm(VersionedForm, StayForm):
    pass


class PermitFieldsMixin:
    number = StringField(_l("Permit number"), validators=[Optional(), Length(max=60)])
    category = SelectField(_l("Category"), default="", description=_l("Work permits: A, B or C."))
    issued_on = DateField(_l("Issued on"), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[InputRequired()])

    def set_category_choices(self):
        self.category.choices = [("", str(_l("—")))] + PermitCategory.choices()

    @property
    def category_value(self):
        return PermitCategory(self.category.data) if self.category.data else None

    def validate_expires_on(self, field):
        if field.data and self.issued_on.data and field.data < self.issued_on.data:
            raise ValidationError(_l("Expires on cannot be before issued on."))


class PermitForm(PermitFieldsMixin, SentOnce):
    kind = SelectField(_l("Permit"), choices=PermitKind.choices, coerce=PermitKind.coerce)
    submit = SubmitField(_l("Save permit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_category_choices()


class PermitEditForm(PermitFieldsMixin, VersionedForm):
    """Correct an open permit's data (a typo in its number or dates)."""

    submit = SubmitField(_l("Save permit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_category_choices()


class PermitRenewForm(PermitFieldsMixin, VersionedForm):
    """Renew an open permit (`current`): the new permit's data; the old one is marked renewed."""

    decision_note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record the renewal"))

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.set_category_choices()

    def validate_expires_on(self, field):
        super().validate_expires_on(field)
        if self.current is not None and field.data and field.data <= self.current.expires_on:
            raise ValidationError(_l("The new permit must expire after the current one (%(date)s).",
                                     date=local_date(self.current.expires_on)))


class PermitEndForm(VersionedForm):
    decision_note = TextAreaField(_l("Why"), validators=[InputRequired(), Length(max=2000)],
                                  description=_l("For example: the contract ended and the expert left China."))
    submit = SubmitField(_l("Record the decision"))


class ExpertDocumentForm(SentOnce):
    file = FileField(_l("Contract, permit scan or CV"), validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("PDF, PNG or JPEG."))
    submit = SubmitField(_l("Upload"))


class ExpertFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = search_term_field(_l("Name, in Latin script or Chinese"))
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    term = SelectField(_l("Stays"), validators=[Optional()])
    archived = BooleanField(_l("Archived experts"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = [("", str(_l("Any country")))] + country_choices()
        self.term.choices = [("", str(_l("Any")))] + StayTerm.choices()
