from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from crm.auth.choices import assignable_users
from crm.core.dates import office_today
from crm.core.forms import InputRequired, SentOnce, optional_int, search_term_field
from crm.consortia.models import ActivityKind, MemberKind, MemberRole
from crm.core.forms import VersionedForm
from crm.core.punctuation import list_separator
from crm.partners.picker import SinglePartnerPicker

MAX_TEXT = 10_000


class ConsortiumForm(SinglePartnerPicker, SentOnce):
    FIELD_ORDER = ("name", "local_name", "led_by_us", "partner_id")
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    local_name = StringField(_l("Chinese name"), validators=[Optional(), Length(max=200)])
    led_by_us = BooleanField(_l("Led by our college"), default=True)
    founded_on = DateField(_l("Founded on"), validators=[Optional()])
    owner_id = SelectField(_l("Owner"), coerce=optional_int)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Save consortium"))

    FIELDS = ["name", "local_name", "founded_on", "owner_id", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_id.label.text = _l("Lead body (if not our college)")
        self.offer_chosen_partner()
        self.owner_id.choices = [("", str(_l("— nobody —")))] + assignable_users(keep=[self.owner_id.data])

    def validate_partner_id(self, field):
        self.check_chosen_partner(required=not self.led_by_us.data)

    @property
    def lead_partner_id(self):
        return None if self.led_by_us.data else self.partner_id.data


class ConsortiumEditForm(VersionedForm, ConsortiumForm):
    pass


class MemberFieldsMixin:
    role = SelectField(_l("Role"), choices=MemberRole.choices, coerce=MemberRole.coerce, default=MemberRole.MEMBER.value)
    kind = SelectField(_l("Kind of member"), choices=MemberKind.choices, coerce=MemberKind.coerce)
    joined_on = DateField(_l("Joined on"), validators=[Optional()])
    left_on = DateField(_l("Left on"), validators=[Optional()], description=_l("Empty while it is a member."))
    contribution = TextAreaField(_l("Contribution"), validators=[Optional(), Length(max=MAX_TEXT)],
                                 description=_l("What this member brings: courses, places, funding, hosting."))
    submit = SubmitField(_l("Save member"))

    FIELDS = ["role", "kind", "joined_on", "left_on", "contribution"]

    def validate_left_on(self, field):
        if field.data and self.joined_on.data and field.data < self.joined_on.data:
            raise ValidationError(_l("Left on cannot be before joined on."))


class MemberForm(MemberFieldsMixin, SinglePartnerPicker, SentOnce):
    """A new member of `consortium`: a partner, or our college, not already a current member in that role."""

    FIELD_ORDER = ("our_college", "partner_id")
    our_college = BooleanField(_l("Our college itself"))

    def __init__(self, *args, consortium=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consortium = consortium
        self.partner_id.label.text = _l("Member partner")
        self.offer_chosen_partner()

    def validate_partner_id(self, field):
        self.check_chosen_partner(required=not self.our_college.data)
        partner_id = None if self.our_college.data else field.data
        current = self.consortium.current_member(partner_id, self.role.data, office_today()) if self.consortium is not None else None
        if current is not None:
            raise ValidationError(_l("%(name)s is already a member in this role.", name=current.name))


class MemberEditForm(VersionedForm, MemberFieldsMixin, FlaskForm):
    pass


class ActivityForm(SentOnce):
    kind = SelectField(_l("Kind of activity"), choices=ActivityKind.choices, coerce=ActivityKind.coerce)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    held_on = DateField(_l("Held on"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    members = SelectMultipleField(_l("Members that took part"), coerce=int, widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    outcomes = TextAreaField(_l("Outcomes"), validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Save activity"))

    FIELDS = ["kind", "title", "held_on", "place", "outcomes"]

    def __init__(self, *args, member_choices=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members.choices = list(member_choices)
        self._members = {member.id: member for member in members}

    def validate_members(self, field):
        """Those that took part were members on the activity's day (the page's and the yearly
        report's rule: from the day a member joins until the day before it leaves)."""
        if not self.held_on.data:
            return
        absent = [self._members[i].name for i in field.data or () if i in self._members and not self._members[i].is_current(self.held_on.data)]
        if absent:
            raise ValidationError(_l("Not a member on the day of the activity: %(names)s.", names=list_separator().join(absent)))


class ActivityEditForm(VersionedForm, ActivityForm):
    pass


class ConsortiumFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = search_term_field(_l("Name"))
    archived = BooleanField(_l("Archived consortia"))
