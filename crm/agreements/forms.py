from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
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
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus
from crm.agreements.queries import framework_choices
from crm.auth.choices import assignable_users
from crm.core.forms import InputRequired, NotAfterToday, SentOnce, VersionedForm, optional_int, search_term_field
from crm.core.i18n import country_choices
from crm.extensions import db
from crm.partners.models import Partner
from crm.partners.picker import SeveralPartnersPicker, chosen_partner

MAX_TEXT = 10_000
MAX_NOTICE_DAYS = 3650
NOTICE_DAYS_RANGE = NumberRange(min=0, max=MAX_NOTICE_DAYS, message=_l("Between 0 and 3650 days."))


def check_validity(valid_from: date | None, valid_until: date | None) -> None:
    """An agreement cannot end before it starts (the forms and the import ask this)."""
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError(_l("Valid until cannot be before valid from."))


# An agreement is signed on a day that has come (the agreement form, a proposal's conversion and
# the import ask this): a date ahead would count it signed before it is.
signed_not_ahead = NotAfterToday(_l("The signing date cannot be in the future."))
check_signed_on = signed_not_ahead.check


class AgreementForm(SeveralPartnersPicker, SentOnce):
    """Create an agreement (also the prefilled renewal of an old one)."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=AgreementKind.choices, coerce=AgreementKind.coerce)
    # Choices: only the partners chosen (the picker offers others by search, never all of them).
    partners = SelectMultipleField(
        _l("Partners"), coerce=chosen_partner, validators=[DataRequired(message=_l("Choose at least one partner."))]
    )
    signed_on = DateField(_l("Signed on"), validators=[Optional(), signed_not_ahead], description=_l("Empty while it is a draft."))
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()], description=_l("Empty: open-ended."))
    notice_days = IntegerField(
        _l("Notice period (days)"),
        validators=[Optional(), NOTICE_DAYS_RANGE],
        description=_l("The renewal must be decided this many days before valid-until."),
    )
    auto_renew = BooleanField(_l("Renews automatically"))
    owner_id = SelectField(_l("Owner"), coerce=optional_int)
    # Offers the agreements of the chosen partners; any visible agreement is accepted.
    parent_id = SelectField(
        _l("Framework agreement"), coerce=optional_int, validate_choice=False,
        description=_l("Offers the agreements of the partners chosen."),
    )
    subjects = TextAreaField(_l("Subjects / majors"), validators=[Optional(), Length(max=MAX_TEXT)])
    yearly_quotas = TextAreaField(
        _l("Quota note"), validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("Remarks on the quotas; the numbers per year are set on the agreement's page (promised vs delivered)."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Save agreement"))

    # The columns this form writes (apply_form copies exactly these).
    FIELDS = [
        "title", "kind", "signed_on", "valid_from", "valid_until", "notice_days", "auto_renew",
        "owner_id", "parent_id", "subjects", "yearly_quotas", "notes",
    ]

    def __init__(self, *args, agreement: Agreement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._agreement = agreement
        self.offer_chosen_partners()
        current_owner = agreement.owner_id if agreement is not None else None
        self.owner_id.choices = [("", str(_l("— nobody —")))] + assignable_users(keep=[current_owner, self.owner_id.data])
        self.parent_id.choices = [("", str(_l("— none —")))] + framework_choices(
            self.chosen_partner_ids,
            keep=self.parent_id.data if isinstance(self.parent_id.data, int) else None,
            exclude=self._own_id,
        )

    @property
    def _own_id(self) -> int | None:
        return self._agreement.id if self._agreement is not None else None

    def validate_valid_until(self, field):
        check_validity(self.valid_from.data, field.data)

    def validate_parent_id(self, field):
        if field.data is None:
            return
        if not isinstance(field.data, int) or field.data == self._own_id or not db.session.scalar(
            select(Agreement.id).where(Agreement.id == field.data, Agreement.archived_at.is_(None))
        ):
            raise ValidationError(_l("Not a valid choice."))
        if self._own_id is None:
            return
        # Walk up from the chosen parent: reaching this agreement would make a loop.
        seen: set[int] = set()
        current = db.session.get(Agreement, field.data)
        while current is not None and current.id not in seen:
            if current.id == self._agreement.id:
                raise ValidationError(_l("An agreement cannot sit under one of its own programme agreements."))
            seen.add(current.id)
            current = current.parent


class AgreementEditForm(VersionedForm, AgreementForm):
    """Amend an agreement in place; a stale version answers 409."""



class DecisionForm(VersionedForm):
    reason = TextAreaField(_l("Why"), validators=[InputRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record the decision"))


class AmendForm(DecisionForm):
    """Amend: what the amendment changes (the decision's note) and the end date it sets."""

    reason = TextAreaField(_l("What the amendment changes"), validators=[InputRequired(), Length(max=2000)])
    valid_until = DateField(
        _l("Valid until"), validators=[Optional()], description=_l("As amended. Empty: open-ended.")
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self._agreement = agreement

    def validate_valid_until(self, field):
        check_validity(self._agreement.valid_from, field.data)


class DocumentForm(SentOnce):
    file = FileField(
        _l("Signed agreement or scan"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("PDF, PNG or JPEG."),
    )
    submit = SubmitField(_l("Upload"))


def status_filter_choices() -> list[tuple[str, str]]:
    """Built per form, so the status labels are in the language of the request."""
    return [("", _l("Any status")), ("current", _l("In force"))] + AgreementStatus.choices()


RENEWAL_FILTER_CHOICES = [
    ("", _l("Any")),
    ("overdue", _l("Overdue: the decide-by date has passed")),
    ("within-30", _l("Decide within 30 days")),
    ("within-90", _l("Decide within 31 to 90 days")),
    ("within-180", _l("Decide within 91 to 180 days")),
]
SORT_CHOICES = [
    ("valid_until", _l("Valid until, soonest first")),
    ("-valid_until", _l("Valid until, latest first")),
    ("act_by", _l("Decide by, soonest first")),
    ("-act_by", _l("Decide by, latest first")),
    ("title", _l("Title")),
]


class ListFilterForm(FlaskForm):
    """The filters of /agreements and its exports (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = search_term_field(_l("Title or partner"))
    kind = SelectField(_l("Kind"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    country = SelectField(_l("Partner country"), validators=[Optional()])
    # A partner id (from a partner's page or a link), shown by name: no list of every partner.
    partner = IntegerField(_l("Partner"), widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=999_999_999)])
    owner = SelectField(_l("Owner"), coerce=optional_int, validators=[Optional()])
    act_within = IntegerField(
        _l("Decide within (days)"), validators=[Optional(), NumberRange(min=0, max=MAX_NOTICE_DAYS)]
    )
    has_document = SelectField(
        _l("Signed document"),
        choices=[("", _l("Either")), ("yes", _l("Has a document")), ("no", _l("No document yet"))],
        validators=[Optional()],
    )
    renewal = SelectField(_l("Renewal due"), choices=RENEWAL_FILTER_CHOICES, validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=SORT_CHOICES, validators=[Optional()])
    archived = BooleanField(_l("Archived agreements"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", str(_l("Any kind")))] + AgreementKind.choices()
        self.status.choices = status_filter_choices()
        self.country.choices = [("", str(_l("Any country")))] + country_choices()
        self.owner.choices = [("", str(_l("Anyone")))] + assignable_users(
            keep=select(Agreement.owner_id).where(Agreement.owner_id.is_not(None))
        )
        self.partner_name: str | None = None

    def validate_partner(self, field):
        if field.data is None:
            return
        self.partner_name = db.session.scalar(
            select(Partner.name).where(Partner.id == field.data, Partner.archived_at.is_(None))
        )
        if self.partner_name is None:
            raise ValidationError(_l("There is no such partner."))
