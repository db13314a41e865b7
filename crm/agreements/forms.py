from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus
from crm.auth.models import User
from crm.core.forms import VersionedForm
from crm.core.i18n import country_choices
from crm.extensions import db
from crm.partners.models import Partner

MAX_TEXT = 10_000
MAX_NOTICE_DAYS = 3650


def optional_int(value):
    """'' or None → None; digits → int; anything else fails the choice check."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


def partner_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Partner.id, Partner.name, Partner.short_name)
        .where(Partner.archived_at.is_(None))
        .order_by(Partner.name)
    ).all()
    return [(row.id, row.name) for row in rows]


def user_choices(blank: str) -> list[tuple[object, str]]:
    users = db.session.execute(select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)).all()
    return [("", blank)] + [(row.id, row.name) for row in users]


class AgreementForm(FlaskForm):
    """Create an agreement (also the prefilled renewal of an old one)."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=AgreementKind.choices, coerce=AgreementKind.coerce)
    partners = SelectMultipleField(
        _l("Partners"), coerce=int, validators=[DataRequired(message=_l("Choose at least one partner."))]
    )
    signed_on = DateField(_l("Signed on"), validators=[Optional()], description=_l("Empty while it is a draft."))
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()], description=_l("Empty: open-ended."))
    notice_days = IntegerField(
        _l("Notice period (days)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_NOTICE_DAYS, message=_l("Between 0 and 3650 days."))],
        description=_l("The renewal must be decided this many days before valid-until."),
    )
    auto_renew = BooleanField(_l("Renews automatically"))
    owner_id = SelectField(_l("Owner"), coerce=optional_int)
    parent_id = SelectField(_l("Framework agreement"), coerce=optional_int)
    subjects = TextAreaField(_l("Subjects / majors"), validators=[Optional(), Length(max=MAX_TEXT)])
    yearly_quotas = TextAreaField(
        _l("Yearly quotas"), validators=[Optional(), Length(max=MAX_TEXT)], description=_l("For example: 20 students per year.")
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
        self.partners.choices = partner_choices()
        self.owner_id.choices = user_choices(str(_l("— nobody —")))
        parents = select(Agreement.id, Agreement.title).where(Agreement.archived_at.is_(None)).order_by(Agreement.title)
        if agreement is not None and agreement.id is not None:
            parents = parents.where(Agreement.id != agreement.id)
        self.parent_id.choices = [("", str(_l("— none —")))] + [(row.id, row.title) for row in db.session.execute(parents)]

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("Valid until cannot be before valid from."))

    def validate_parent_id(self, field):
        if field.data is None or self._agreement is None or self._agreement.id is None:
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


class DocumentForm(FlaskForm):
    file = FileField(
        _l("Signed agreement or scan"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("PDF, PNG or JPEG."),
    )
    submit = SubmitField(_l("Upload"))


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token: remove a document, change the calendar address."""

    submit = SubmitField(_l("Confirm"))


STATUS_FILTER_CHOICES = [("", _l("Any status")), ("current", _l("In force"))] + [
    (value, label) for value, label in AgreementStatus.choices()
]
SORT_CHOICES = [
    ("valid_until", _l("Valid until, soonest first")),
    ("-valid_until", _l("Valid until, latest first")),
    ("act_by", _l("Act by, soonest first")),
    ("-act_by", _l("Act by, latest first")),
    ("title", _l("Title")),
]


class ListFilterForm(FlaskForm):
    """The filters of /agreements and its exports (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Title or partner"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_FILTER_CHOICES, validators=[Optional()])
    country = SelectField(_l("Partner country"), validators=[Optional()])
    partner = SelectField(_l("Partner"), coerce=optional_int, validators=[Optional()])
    owner = SelectField(_l("Owner"), coerce=optional_int, validators=[Optional()])
    act_within = IntegerField(
        _l("Act within (days)"), validators=[Optional(), NumberRange(min=0, max=MAX_NOTICE_DAYS)]
    )
    has_document = SelectField(
        _l("Signed document"),
        choices=[("", _l("Either")), ("yes", _l("Has a document")), ("no", _l("No document yet"))],
        validators=[Optional()],
    )
    sort = SelectField(_l("Sort by"), choices=SORT_CHOICES, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", str(_l("Any kind")))] + AgreementKind.choices()
        self.country.choices = [("", str(_l("Any country")))] + country_choices()
        self.partner.choices = [("", str(_l("Any partner")))] + partner_choices()
        self.owner.choices = user_choices(str(_l("Anyone")))
