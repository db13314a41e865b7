from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from crm.auth.choices import assignable_users
from crm.core.forms import InputRequired, SentOnce, optional_int, search_term_field
from crm.agreements.forms import check_validity
from crm.agreements.models import Agreement
from crm.agreements.queries import framework_choices
from crm.partners.picker import SeveralPartnersPicker, chosen_partner
from crm.core.forms import VersionedForm
from crm.core.templating import local_date
from crm.extensions import db
from crm.programmes.models import ApprovingAuthority, ProgrammeKind, ProgrammeStatus, parse_approval_number

MAX_TEXT = 10_000
MAX_STUDENTS = 100_000


class ProgrammeForm(SeveralPartnersPicker, SentOnce):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=300)])
    local_name = StringField(_l("Chinese name"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=ProgrammeKind.choices, coerce=ProgrammeKind.coerce)
    status = SelectField(_l("Status"), choices=ProgrammeStatus.choices, coerce=ProgrammeStatus.coerce,
                         default=ProgrammeStatus.APPROVED.value)
    partners = SelectMultipleField(_l("Foreign partners"), coerce=chosen_partner,
                                   validators=[DataRequired(message=_l("Choose at least one partner."))])
    agreement_id = SelectField(_l("Under the agreement"), coerce=optional_int, validate_choice=False,
                               description=_l("Offers the agreements of the partners chosen."))
    majors = TextAreaField(_l("Majors"), validators=[Optional(), Length(max=MAX_TEXT)], description=_l("One a line."))
    approved_intake = IntegerField(_l("Approved intake per year"),
                                   validators=[Optional(), NumberRange(min=0, max=MAX_STUDENTS)])
    owner_id = SelectField(_l("Owner"), coerce=optional_int, description=_l("Reminded of the approval's deadlines."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Save programme"))

    FIELDS = ["name", "local_name", "kind", "status", "agreement_id", "majors", "approved_intake", "owner_id", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_chosen_partners()
        self.owner_id.choices = [("", str(_l("— nobody —")))] + assignable_users(keep=[self.owner_id.data])
        keep = self.agreement_id.data if isinstance(self.agreement_id.data, int) else None
        self.agreement_id.choices = [("", str(_l("— none —")))] + framework_choices(self.chosen_partner_ids, keep=keep)

    def validate_agreement_id(self, field):
        if field.data is None:
            return
        if not isinstance(field.data, int) or db.session.get(Agreement, field.data) is None:
            raise ValidationError(_l("Not a valid choice."))


class ProgrammeEditForm(VersionedForm, ProgrammeForm):
    pass


class ApprovalFieldsMixin:
    authority = SelectField(_l("Approving authority"), choices=ApprovingAuthority.choices, coerce=ApprovingAuthority.coerce)
    number = StringField(_l("Approval number"), validators=[InputRequired(), Length(max=40)],
                         description=_l("批准书编号, for example PDE50CA2A20151739N."))
    approved_on = DateField(_l("Approved on"), validators=[InputRequired()])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    expires_on = DateField(_l("Approval expires on"), validators=[InputRequired()])

    def validate_number(self, field):
        self.number_parts = parse_approval_number(field.data)
        if self.number_parts is None:
            raise ValidationError(_l("An approval number has the form MOE or PDE, two digits, a country code, "
                                     "a level, the year, four digits and a letter (e.g. PDE50CA2A20151739N)."))

    def validate_expires_on(self, field):
        if field.data and self.approved_on.data and field.data < self.approved_on.data:
            raise ValidationError(_l("The approval cannot expire before it was given."))
        check_validity(self.valid_from.data, field.data)  # the agreements' rule: no end before the start

    def apply_to(self, approval) -> None:
        approval.authority = self.authority.data
        for name, value in self.number_parts.items():
            setattr(approval, name, value)
        approval.approved_on = self.approved_on.data
        approval.valid_from = self.valid_from.data
        approval.expires_on = self.expires_on.data


class ApprovalForm(ApprovalFieldsMixin, SentOnce):
    submit = SubmitField(_l("Save approval"))


class ApprovalEditForm(ApprovalFieldsMixin, VersionedForm):
    """Correct an open approval's data (a typo in its number or dates)."""

    submit = SubmitField(_l("Save approval"))


class ApprovalRenewForm(ApprovalFieldsMixin, VersionedForm):
    """Renew an open approval (`current`): the new approval's data; the old one is marked renewed."""

    decision_note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record the renewal"))

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_expires_on(self, field):
        super().validate_expires_on(field)
        if self.current is not None and field.data and field.data <= self.current.expires_on:
            raise ValidationError(_l("The new approval must expire after the current one (%(date)s).",
                                     date=local_date(self.current.expires_on)))


class ApprovalEndForm(VersionedForm):
    decision_note = TextAreaField(_l("Why"), validators=[InputRequired(), Length(max=2000)],
                                  description=_l("For example: the programme enrols no more students and winds down."))
    submit = SubmitField(_l("Record the decision"))


class EnrolmentForm(SentOnce):
    year = IntegerField(_l("Intake year"), validators=[InputRequired(), NumberRange(min=1990, max=2100)])
    major = SelectField(_l("Major"), validators=[InputRequired()])
    enrolled = IntegerField(_l("Students enrolled"), validators=[InputRequired(), NumberRange(min=0, max=MAX_STUDENTS)])
    # The version of the figure this one replaces, once the page has shown it: a figure already
    # recorded for the year and major is replaced only knowingly, and never one changed meanwhile.
    replaces = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    submit = SubmitField(_l("Save enrolment"))

    def __init__(self, *args, majors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.major.choices = [(major, major) for major in majors]


class ProgrammeFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = search_term_field(_l("Name"))
    status = SelectField(_l("Status"), validators=[Optional()])
    archived = BooleanField(_l("Archived programmes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", str(_l("Any status")))] + ProgrammeStatus.choices()
