from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from crm.auth.choices import assignable_users
from crm.core.forms import InputRequired, NotAfterToday, SentOnce, optional_int, search_term_field
from crm.partners.picker import SeveralPartnersPicker, chosen_partner
from crm.core.forms import VersionedForm
from crm.core.i18n import country_choices
from crm.core.dates import after_the_fact, office_today
from crm.core.templating import local_date
from crm.trips.models import DelegationPurpose, TripDocumentKind, TripStatus

MAX_TEXT = 10_000


# A date recorded as done (the return, the 公示, the passports back) is not in the future: a
# mistyped year would move the deadlines it starts out of sight.
happened = NotAfterToday(_l("This records what has happened: the date cannot be in the future."))


def _country_choices():
    return [("", str(_l("— choose —")))] + country_choices()


class TripForm(SeveralPartnersPicker, SentOnce):
    """A trip in the plan, or applied for outside it: the application's facts."""

    title = StringField(_l("Delegation"), validators=[InputRequired(), Length(max=300)],
                        description=_l("For example: Delegation to BSK and EBG, Germany."))
    year = IntegerField(_l("Plan year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    country = SelectField(_l("Main destination"), validators=[InputRequired()])
    partners = SelectMultipleField(_l("Partners"), coerce=chosen_partner)
    purpose_kind = SelectField(_l("Purpose"), choices=DelegationPurpose.choices, coerce=DelegationPurpose.coerce)
    purpose = TextAreaField(_l("Tasks and purpose"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 3})
    days = IntegerField(_l("Days"), validators=[Optional(), NumberRange(min=1, max=365)],
                        description=_l("For the plan; once both dates are known, the days are counted from them."))
    depart_on = DateField(_l("Departs on"), validators=[Optional()])
    return_on = DateField(_l("Returns on"), validators=[Optional()])
    funding = StringField(_l("Funding source"), validators=[Optional(), Length(max=200)])
    school = StringField(_l("Organising school or department"), validators=[Optional(), Length(max=200)])
    inviting_body = StringField(_l("Inviting body"), validators=[Optional(), Length(max=300)])
    owner_id = SelectField(_l("Owner"), coerce=optional_int, description=_l("Who in the office owes this trip's deadlines."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2})
    submit = SubmitField(_l("Save trip"))

    FIELDS = ["title", "year", "country", "purpose_kind", "purpose", "days", "depart_on", "return_on", "funding",
              "school", "inviting_body", "owner_id", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices()
        self.owner_id.choices = [("", str(_l("— nobody —")))] + assignable_users(keep=[self.owner_id.data])
        self.offer_chosen_partners()

    def validate_return_on(self, field):
        if field.data and self.depart_on.data and field.data < self.depart_on.data:
            raise ValidationError(_l("The return cannot be before the departure."))


class TripEditForm(VersionedForm, TripForm):
    pass


def _made_status_field(description="", or_planned=False, id=None):
    """Returned or closed (crm.trips.steps.MADE_AFTER_THE_FACT); `or_planned`: or planned after all,
    to walk the trip through each step."""
    choices = [
        (TripStatus.RETURNED.value, _l("Returned: passports and report still to record")),
        (TripStatus.CLOSED.value, _l("Closed: nothing left to record")),
    ]
    if or_planned:
        choices.append((TripStatus.PLANNED.value, _l("Planned: walk it through each step")))
    return SelectField(_l("Record it as"), description=description, choices=choices, coerce=TripStatus.coerce,
                       default=TripStatus.RETURNED.value, id=id)


def _approval_number_field(id=None):
    return StringField(_l("Approval number (批件号), if known"), validators=[Optional(), Length(max=100)], id=id,
                       description=_l("The approval document can be uploaded on the trip's page."))


class NewTripForm(TripForm):
    """A new trip; one already made (its return before today) is saved as made, in the status
    chosen, with its approval number if typed (crm.trips.steps.record_as_made)."""

    made_status = _made_status_field(_l("Only for a trip whose return date is before today: it is saved as made, "
                                        "without the application, approval and departure steps."), or_planned=True)
    approval_number = _approval_number_field()

    def is_past(self) -> bool:
        return after_the_fact(self.return_on.data, office_today())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # here, not in validate_depart_on: its Optional() ends the checks of an empty date
        if self.depart_on.data is None and self.recorded_as_made():
            self.depart_on.errors = [*self.depart_on.errors, _l("Enter the departure date of a trip already made.")]
            return False
        return valid

    def recorded_as_made(self) -> bool:
        return self.is_past() and self.made_status.data != TripStatus.PLANNED

    def validate_approval_number(self, field):
        if field.data and not self.recorded_as_made():
            raise ValidationError(_l("The trip has not been made yet: record its approval number at the approval step."))


class MemberForm(SentOnce):
    user_id = SelectField(_l("Staff member"), coerce=optional_int, description=_l("Or type the name of a person of the college."))
    # no Optional(): it would end the checks of an empty name before validate_name
    name = StringField(_l("Full name"), validators=[Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    is_leader = BooleanField(_l("Leader of the delegation"))
    passport_number = StringField(_l("Passport number"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Add member"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [("", str(_l("— not a user —")))] + assignable_users(keep=[self.user_id.data])
        if not current_app.config["STORE_PASSPORT_NUMBERS"]:
            del self.passport_number

    def validate_name(self, field):
        if not (field.data or "").strip() and self.user_id.data is None:
            raise ValidationError(_l("Choose a staff member or type a name."))


class LegForm(SentOnce):
    country = SelectField(_l("Country or region"), validators=[InputRequired()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=200)])
    arrive_on = DateField(_l("From"), validators=[Optional()])
    leave_on = DateField(_l("Until"), validators=[Optional()])
    partner_id = SelectField(_l("Partner visited or inviting"), coerce=optional_int)
    agenda = StringField(_l("Programme"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Add stop"))

    def __init__(self, *args, trip=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trip = trip
        self.country.choices = _country_choices()
        self.partner_id.choices = [("", str(_l("— none —")))] + [(p.id, p.name) for p in (trip.partners if trip else [])]

    def validate_arrive_on(self, field):
        departs = self.trip.depart_on if self.trip is not None else None
        if field.data and departs and field.data < departs:
            raise ValidationError(_l("The stop cannot begin before the departure (%(date)s).", date=local_date(departs)))

    def validate_leave_on(self, field):
        if field.data and self.arrive_on.data and field.data < self.arrive_on.data:
            raise ValidationError(_l("The end cannot be before the start."))
        returns = self.trip.return_on if self.trip is not None else None
        if field.data and returns and field.data > returns:
            raise ValidationError(_l("The stop cannot end after the return (%(date)s).", date=local_date(returns)))


class StepForm(VersionedForm):
    """Apply, depart, close: one button and the version the page showed; `trip` is the trip
    the step is taken on (its dates check those typed)."""

    submit = SubmitField(_l("Confirm"))

    def __init__(self, *args, trip=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trip = trip


class ApplyForm(StepForm):
    submit = SubmitField(_l("Submit the application"))


class DepartForm(StepForm):
    submit = SubmitField(_l("The delegation has left"))


class CloseForm(StepForm):
    submit = SubmitField(_l("Close the trip"))


class ApproveForm(StepForm):
    approver = StringField(_l("Approving body"), validators=[InputRequired(), Length(max=200)])
    approval_number = StringField(_l("Approval number (批件号)"), validators=[InputRequired(), Length(max=100)])
    approved_on = DateField(_l("Approved on"), validators=[Optional()])
    submit = SubmitField(_l("Record the approval"))


class ReturnForm(StepForm):
    return_on = DateField(_l("Returned on"), validators=[InputRequired(), happened])
    submit = SubmitField(_l("Record the return"))

    def validate_return_on(self, field):
        if field.data and self.trip is not None and self.trip.depart_on and field.data < self.trip.depart_on:
            raise ValidationError(_l("The return cannot be before the departure."))


class MadeForm(StepForm):
    """A planned trip whose dates are past, recorded as made (crm.trips.steps.record_as_made)."""

    # ids of their own: the page shows this form next to the approval step's, which has an approval number too
    made_status = _made_status_field(id="made-status")
    approval_number = _approval_number_field(id="made-approval-number")
    submit = SubmitField(_l("Record as made"))


class NoticeForm(StepForm):
    notice_posted_on = DateField(_l("Public notice (公示) posted on"), validators=[InputRequired(), happened])
    submit = SubmitField(_l("Save the notice date"))


class PassportsForm(StepForm):
    passports_returned_on = DateField(_l("Passports returned on"), validators=[InputRequired(), happened])
    submit = SubmitField(_l("Save the passports' return"))

    def validate_passports_returned_on(self, field):
        if field.data and self.trip is not None and self.trip.return_on and field.data < self.trip.return_on:
            raise ValidationError(_l("The passports cannot come back before the return."))


STEP_FORMS = {"apply": ApplyForm, "approve": ApproveForm, "depart": DepartForm, "return": ReturnForm, "close": CloseForm}
RECORD_FORMS = {"notice": NoticeForm, "passports": PassportsForm}


class TripDocumentForm(SentOnce):
    kind = SelectField(_l("Document"), choices=TripDocumentKind.choices, coerce=TripDocumentKind.coerce)
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))], description=_l("PDF, PNG or JPEG."))
    submit = SubmitField(_l("Upload"))


class TripFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = search_term_field(_l("Delegation, school or inviting body"))
    year = IntegerField(_l("Plan year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", str(_l("Any status")))] + TripStatus.choices()


class YearRangeForm(FlaskForm):
    class Meta:
        csrf = False

    first = IntegerField(_l("From year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    last = IntegerField(_l("To year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
