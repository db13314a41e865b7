from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
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
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from crm.auth.choices import assignable_users
from crm.core.forms import InputRequired, SentOnce, optional_int, search_term_field
from crm.partners.picker import SeveralPartnersPicker, chosen_partner
from crm.core.forms import VersionedForm
from crm.core.i18n import country_choices
from crm.core.templating import local_date
from crm.trips.models import DelegationPurpose
from crm.visits.models import ReceptionLevel, ScheduleKind, VisitDocumentKind, VisitStatus

MAX_TEXT = 10_000


class VisitForm(SeveralPartnersPicker, SentOnce):
    title = StringField(_l("Delegation"), validators=[InputRequired(), Length(max=300)],
                        description=_l("For example: Hiroshima University delegation."))
    partners = SelectMultipleField(_l("Partners"), coerce=chosen_partner)
    arrive_on = DateField(_l("Arrival"), validators=[InputRequired()])
    leave_on = DateField(_l("Departure"), validators=[InputRequired()])
    purpose_kind = SelectField(_l("Purpose"), choices=DelegationPurpose.choices, coerce=DelegationPurpose.coerce)
    purpose = TextAreaField(lazy_pgettext("visit", "Tasks and purpose"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 3})
    requested_on = DateField(_l("Requested on"), validators=[Optional()],
                             description=_l("About a month ahead; two with visa help."))
    invitation_number = StringField(_l("Invitation letter number"), validators=[Optional(), Length(max=100)])
    visa_help = BooleanField(_l("Needs visa help"))
    reception_level = SelectField(_l("Reception level"), choices=ReceptionLevel.choices, coerce=ReceptionLevel.coerce)
    host_id = SelectField(_l("Host in the office"), coerce=optional_int, description=_l("Who owes the visit's record."))
    gifts_given = TextAreaField(_l("Gifts given"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2})
    gifts_received = TextAreaField(_l("Gifts received"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2})
    submit = SubmitField(_l("Save visit"))

    FIELDS = ["title", "arrive_on", "leave_on", "purpose_kind", "purpose", "requested_on", "invitation_number",
              "visa_help", "reception_level", "host_id", "gifts_given", "gifts_received"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_id.choices = [("", str(_l("— nobody —")))] + assignable_users(keep=[self.host_id.data])
        self.offer_chosen_partners()

    def validate_leave_on(self, field):
        if field.data and self.arrive_on.data and field.data < self.arrive_on.data:
            raise ValidationError(_l("The departure cannot be before the arrival."))


class VisitEditForm(VersionedForm, VisitForm):
    pass


class VisitorForm(SentOnce):
    name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=200)])
    position = StringField(_l("Title or position"), validators=[Optional(), Length(max=200)])
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    is_head = BooleanField(_l("Head of the delegation"))
    passport_number = StringField(_l("Passport number"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Add visitor"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = [("", str(_l("— choose —")))] + country_choices()
        if not current_app.config["STORE_PASSPORT_NUMBERS"]:
            del self.passport_number


class ScheduleItemForm(SentOnce):
    day = DateField(_l("Day"), validators=[InputRequired()])
    time = StringField(_l("Time"), validators=[Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("As 09:30."))],
                       render_kw={"type": "time"})
    kind = SelectField(_l("Kind"), choices=ScheduleKind.choices, coerce=ScheduleKind.coerce)
    what = StringField(_l("What"), validators=[InputRequired(), Length(max=300)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    hosts = StringField(_l("Hosts"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add to the plan"))

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit

    def validate_day(self, field):
        visit = self.visit
        if field.data and visit is not None and not visit.arrive_on <= field.data <= visit.leave_on:
            raise ValidationError(_l("The visit lasts from %(arrive)s to %(leave)s.",
                                     arrive=local_date(visit.arrive_on), leave=local_date(visit.leave_on)))


class RecordForm(VersionedForm):
    record = TextAreaField(_l("Record (纪要)"), validators=[InputRequired(), Length(max=MAX_TEXT)], render_kw={"rows": 5})
    recorded_on = DateField(_l("Written on"), validators=[InputRequired()])
    submit = SubmitField(_l("Save the record"))


class VisitStatusForm(VersionedForm):
    """A visit marked held, cancelled (with a reason, if any) or planned again."""

    status = SelectField(_l("Status"), choices=VisitStatus.choices, coerce=VisitStatus.coerce)
    cancel_reason = StringField(_l("Why it was cancelled"), validators=[Optional(), Length(max=500)],
                                description=_l("Optional; kept with the visit."))


class VisitDocumentForm(SentOnce):
    kind = SelectField(_l("Document"), choices=VisitDocumentKind.choices, coerce=VisitDocumentKind.coerce)
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))], description=_l("PDF, PNG or JPEG."))
    submit = SubmitField(_l("Upload"))


class VisitFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = search_term_field(_l("Delegation or purpose"))
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", str(_l("Any status")))] + VisitStatus.choices()
