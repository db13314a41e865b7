"""The log form (an interaction with its participants and follow-ups) and the /history filters."""
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from crm.auth.choices import assignable_users
from crm.auth.models import User
from crm.core.forms import InputRequired, NotAfterToday, QuickSelect, SentOnce, VersionedForm, optional_int, search_term_field
from crm.core.i18n import country_choices_among
from crm.core.models import utcnow
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions import queries
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner
from crm.partners.picker import partner_label

BLANK_FOLLOW_UP_ROWS = 3
MAX_FOLLOW_UP_ROWS = 30
MAX_SUMMARY_LENGTH = 20_000
NOBODY = ("", "—")


def optional_text(value):
    return value or None


def optional_kind(value):
    if value is None or value == "":
        return None
    return InteractionKind.coerce(value)


def local_now() -> datetime:
    """Now, in the office's time zone, to the minute (what a datetime-local input shows)."""
    return to_user_timezone(utcnow()).replace(tzinfo=None, second=0, microsecond=0)


def assignee_choices() -> list[tuple[int | str, str]]:
    """Who can be given a follow-up (crm/auth/choices.py: assignable_users)."""
    return [NOBODY] + assignable_users()


class FollowUpEntryForm(Form):
    """One follow-up row of the log form; a row without "what" is left out."""

    title = StringField(_l("What"), validators=[Optional(), Length(max=300)])
    due_on = DateField(_l("Due"), validators=[Optional()])
    assignee_id = SelectField(_l("Assignee"), coerce=optional_int, choices=[NOBODY])
    partner_commitment = BooleanField(_l("The partner promised it"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.is_blank and self.due_on.data:
            self.title.errors = [*self.title.errors, _l("Say what is due, or clear the date.")]
            return False
        return valid

    @property
    def is_blank(self) -> bool:
        return not (self.title.data or "").strip()


# The contact history records what happened: a day after today is a slip of the year (30 Dec
# typed on 2 Jan keeps the new year) or of a digit, and would stand as the partner's "last
# contact" for months. The log and edit forms and the import (crm/imports/fields.py) ask this.
contact_time_not_after_today = NotAfterToday(
    _l("This is after today: the contact history records what happened. Add what is planned as a follow-up."))
check_contact_time = contact_time_not_after_today.check


class InteractionForm(SentOnce):
    occurred_at = DateTimeLocalField(
        _l("When"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(), contact_time_not_after_today]
    )
    kind = SelectField(_l("Kind"), choices=InteractionKind.choices, coerce=InteractionKind.coerce, default="meeting")
    subject = StringField(_l("Subject"), validators=[InputRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=MAX_SUMMARY_LENGTH)], render_kw={"rows": 4})
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    contact_ids = SelectMultipleField(_l("Their people"), coerce=optional_int, choices=[])
    staff_ids = SelectMultipleField(_l("Our people"), coerce=optional_int, choices=[])
    agreement_id = SelectField(_l("Related agreement"), coerce=optional_int, choices=[NOBODY])
    proposal_id = SelectField(_l("Related proposal"), coerce=optional_int, choices=[NOBODY])
    follow_ups = FieldList(FormField(FollowUpEntryForm), min_entries=BLANK_FOLLOW_UP_ROWS, max_entries=MAX_FOLLOW_UP_ROWS)
    add_follow_up = SubmitField(_l("Add another follow-up"))
    submit = SubmitField(_l("Save"))

    @classmethod
    def for_partner(cls, partner: Partner, interaction: Interaction | None = None, **kwargs):
        """The form with the choices this partner offers; an edit starts from `interaction`."""
        if interaction is not None:
            # Not `obj=`: WTForms would prefer the record's values over these, and fill the
            # follow-up rows with the existing follow-ups (an edit only adds new ones).
            kwargs.setdefault("data", {
                "version": interaction.version,
                "occurred_at": to_user_timezone(interaction.occurred_at).replace(tzinfo=None),
                "kind": interaction.kind,
                "subject": interaction.subject,
                "summary": interaction.summary,
                "location": interaction.location,
                "agreement_id": interaction.agreement_id,
                "proposal_id": interaction.proposal_id,
                "contact_ids": [contact.id for contact in interaction.contacts],
                "staff_ids": [user.id for user in interaction.staff],
            })
        else:
            kwargs.setdefault("occurred_at", local_now())
            kwargs.setdefault("staff_ids", [current_user.id])
        form = cls(**kwargs)
        form.partner = partner
        chosen_contacts = [value for value in (form.contact_ids.data or []) if isinstance(value, int)]
        chosen_staff = [value for value in (form.staff_ids.data or []) if isinstance(value, int)]
        form.contacts = {c.id: c for c in queries.contacts_for(partner.id, keep=chosen_contacts)}
        form.people = {u.id: u for u in queries.staff_for(keep=chosen_staff)}
        form.contact_ids.choices = [(c.id, c.name + (f" · {c.position}" if c.position else "")) for c in form.contacts.values()]
        form.staff_ids.choices = [(u.id, u.name) for u in form.people.values()]
        form.agreement_id.choices = [NOBODY] + [(a.id, a.title) for a in queries.agreements_for(partner.id)]
        form.proposal_id.choices = [NOBODY] + [(p.id, p.title) for p in queries.proposals_for(partner.id)]
        assignees = assignee_choices()
        for row in form.follow_ups:
            row.form.assignee_id.choices = assignees
            if not form.is_submitted() and row.form.assignee_id.data is None and row.form.is_blank:
                row.form.assignee_id.data = current_user.id
        form.assignees = assignees
        return form

    def add_blank_follow_up(self) -> None:
        if len(self.follow_ups) < MAX_FOLLOW_UP_ROWS:
            row = self.follow_ups.append_entry()
            row.form.assignee_id.choices = self.assignees
            row.form.assignee_id.data = current_user.id

    def populate(self, interaction: Interaction) -> list[FollowUp]:
        """Copy what the form holds onto `interaction`; return the follow-ups it added."""
        interaction.partner_id = self.partner.id
        interaction.occurred_at = to_utc(self.occurred_at.data)
        interaction.kind = self.kind.data
        interaction.subject = self.subject.data.strip()
        interaction.summary = (self.summary.data or "").strip() or None
        interaction.location = (self.location.data or "").strip() or None
        interaction.agreement_id = self.agreement_id.data
        interaction.proposal_id = self.proposal_id.data
        interaction.contacts = [self.contacts[contact_id] for contact_id in self.contact_ids.data]
        interaction.staff = [self.people[user_id] for user_id in self.staff_ids.data]
        added = []
        for row in self.follow_ups:
            if row.form.is_blank:
                continue
            follow_up = FollowUp(
                title=row.form.title.data.strip(),
                due_on=row.form.due_on.data,
                assignee_id=row.form.assignee_id.data,
                partner_commitment=row.form.partner_commitment.data,
            )
            interaction.follow_ups.append(follow_up)
            added.append(follow_up)
        return added


class InteractionEditForm(VersionedForm, InteractionForm):
    """Editing an entry: the same fields, the version it was opened at, and new follow-ups."""

    follow_ups = FieldList(FormField(FollowUpEntryForm), min_entries=1, max_entries=MAX_FOLLOW_UP_ROWS)


class PartnerPickForm(FlaskForm):
    """The first step of logging from the navigation: find the partner by name, then choose it
    (`partner_id`); never a list of every partner."""

    class Meta:
        csrf = False

    q = search_term_field(_l("Find the partner"))
    partner_id = IntegerField(_l("Partner"), validators=[InputRequired()])
    submit = SubmitField(_l("Find"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.q.render_kw = {
            "autocomplete": "off",
            "hx-get": url_for("interactions.pick_partner"),
            "hx-trigger": "input changed delay:250ms, search",
            "hx-target": "#partner-matches",
            "hx-swap": "outerHTML",
            "hx-sync": "this:replace",
        }

    def validate_partner_id(self, field):
        if field.data is None:
            return  # not a number: the field already says so
        if not 0 < field.data < 2**31 or partner_label(field.data) is None:
            raise ValidationError(_l("There is no such partner."))


class HistoryFilterForm(FlaskForm):
    """The /history filters, all in the URL (GET, no CSRF: it changes nothing).

    The partner is typed, not picked from a list of every partner: `partner_q` matches names
    (a datalist suggests some as you type). `partner` (an id) narrows to one partner; the page
    shows that partner's name with a way to drop it.
    """

    class Meta:
        csrf = False

    q = search_term_field(_l("Text"))
    kind = SelectField(_l("Kind"), coerce=optional_kind)
    partner_q = search_term_field(_l("Partner"))
    partner = IntegerField(_l("Partner"), validators=[Optional()])
    country = SelectField(_l("Country"), coerce=optional_text, widget=QuickSelect())
    staff = SelectField(_l("Staff member"), coerce=optional_int, widget=QuickSelect())
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Apply"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Any kind"))] + InteractionKind.choices()
        self.country.choices = [("", _l("Any country"))] + country_choices_among(queries.partner_countries())
        users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
        self.staff.choices = [("", _l("Anyone"))] + [(user.id, user.name) for user in users]
        self.partner_q.render_kw = {
            "list": "history-partner-names",
            "autocomplete": "off",
            "hx-get": url_for("interactions.history_partner_names"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#history-partner-names",
            "hx-sync": "this:replace",
        }
        self.partner_name = None

    def validate_partner(self, field):
        if field.data is None:
            return
        if not 0 < field.data < 2**31:
            raise ValidationError(_l("There is no such partner."))
        self.partner_name = partner_label(field.data)
        if self.partner_name is None:
            raise ValidationError(_l("There is no such partner."))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end comes before the start."))

    def filters(self) -> queries.HistoryFilters:
        """The filters that validated; a field with an error filters nothing."""
        def ok(field):
            return None if field.errors else field.data

        return queries.HistoryFilters(
            kind=ok(self.kind),
            partner_id=ok(self.partner),
            partner_text=(ok(self.partner_q) or "").strip(),
            country=ok(self.country),
            staff_id=ok(self.staff),
            date_from=ok(self.date_from),
            date_to=ok(self.date_to),
            text=(ok(self.q) or "").strip(),
        )


class DeleteForm(FlaskForm):
    """Deleting an entry: only the CSRF token and the button."""

    submit = SubmitField(_l("Delete"))
