from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from crm.agreements.forms import NOTICE_DAYS_RANGE, check_validity, signed_not_ahead
from crm.agreements.models import AgreementKind
from crm.auth.choices import assignable_users
from crm.core.forms import InputRequired, SentOnce, VersionedForm, optional_int
from crm.core.i18n import country_picker_choices
from crm.partners.models import PartnerKind
from crm.partners.picker import PartnerSearchFields, SeveralPartnersPicker, chosen_partner, partners_named
from crm.partners.queries import frequent_countries
from crm.proposals.models import ProposalStage, ProposedBy
from crm.proposals.pipeline import OPEN_STAGES, REASON_REQUIRED

EXISTING, NEW = "existing", "new"


class MoveForm(VersionedForm):
    """Move a proposal to another stage; declining or withdrawing needs a reason."""

    stage = SelectField(_l("Move to"), choices=ProposalStage.choices, coerce=ProposalStage.coerce)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])  # no Optional(): it would skip validate_reason
    submit = SubmitField(_l("Move"))

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal

    def validate_reason(self, field):
        if self.stage.data in REASON_REQUIRED and not (field.data or "").strip():
            raise ValidationError(_l("Say why the proposal is declined or withdrawn."))

    def validate_stage(self, field):
        # The card offers "Create agreement", not "Signed", to an approved proposal: a proposal is
        # signed with its agreement, the two linked (crm.proposals.pipeline.convert).
        if field.data == ProposalStage.SIGNED and self.proposal is not None and self.proposal.agreement_id is None:
            raise ValidationError(_l("A proposal is signed by creating its agreement: move it to Approved, then use Create agreement."))


class ProposalFieldsMixin:
    """The fields a person fills in about a proposal, when creating and when editing."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=AgreementKind.choices, coerce=AgreementKind.coerce)
    proposed_by = SelectField(_l("Proposed by"), choices=ProposedBy.choices, coerce=ProposedBy.coerce)
    owner_id = SelectField(_l("Owner"), coerce=optional_int, validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    expected_start = DateField(_l("Expected start"), validators=[Optional()])
    expected_participants = IntegerField(
        _l("Expected participants"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    next_step = StringField(_l("Next step"), validators=[Optional(), Length(max=300)])
    next_step_on = DateField(_l("Next step by"), validators=[Optional()])

    def set_owner_choices(self):
        self.owner_id.choices = [(None, _l("Nobody yet"))] + assignable_users(keep=[self.owner_id.data])


PROPOSAL_FIELDS = [
    "title", "kind", "proposed_by", "owner_id", "description",
    "expected_start", "expected_participants", "next_step", "next_step_on",
]


class ProposalCreateForm(ProposalFieldsMixin, PartnerSearchFields, SentOnce):
    """A new proposal, for an existing partner or for an institution that becomes a prospect."""

    institution = RadioField(
        _l("Institution"),
        choices=[(EXISTING, _l("An existing partner")), (NEW, _l("A new institution (becomes a prospect)"))],
        default=EXISTING,
    )
    # Which of these are required depends on `institution`: their validate_* methods decide
    # (an Optional() validator would stop the chain before them).
    # Choices: only the partner chosen; the picker offers others by search (validate_partner_id checks).
    partner_id = SelectField(_l("Partner"), coerce=optional_int, validate_choice=False)
    new_name = StringField(_l("Name of the institution"), validators=[Length(max=200)])
    new_country = SelectField(_l("Country"), default="", render_kw={"data-country-picker": ""})
    new_kind = SelectField(_l("Kind of institution"), default="")
    stage = SelectField(
        _l("Stage"),
        choices=lambda: [(stage.value, stage.label) for stage in OPEN_STAGES],
        coerce=ProposalStage.coerce,
        default=ProposalStage.IDEA.value,
    )
    submit = SubmitField(_l("Create proposal"))
    create_anyway = SubmitField(_l("It is a different partner: create it"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_owner_choices()
        chosen = self.partner_id.data
        self.partner_id.choices = partners_named([chosen]) if isinstance(chosen, int) and chosen > 0 else []
        self.new_country.choices = country_picker_choices(str(_l("Choose a country")), frequent_countries())
        self.new_kind.choices = [("", _l("Choose a kind"))] + PartnerKind.choices()

    def validate_partner_id(self, field):
        if self.institution.data != EXISTING:
            return
        if field.data is None:
            raise ValidationError(_l("Choose the partner, or choose a new institution."))
        if field.data not in dict(field.choices):
            raise ValidationError(_l("Not a valid choice."))

    @property
    def chosen_partner_ids(self) -> list[int]:
        return [partner_id for partner_id, _name in self.partner_id.choices]

    def validate_new_name(self, field):
        if self.institution.data != NEW:
            return
        name = (field.data or "").strip()
        if not name:
            raise ValidationError(_l("Enter the institution's name."))
        # Similar partners are the view's warning (crm/partners/duplicates.py), as on the partner form.

    def validate_new_country(self, field):
        if self.institution.data == NEW and not field.data:
            raise ValidationError(_l("Choose the institution's country."))

    def validate_new_kind(self, field):
        if self.institution.data == NEW and not field.data:
            raise ValidationError(_l("Choose the kind of institution."))


class ProposalEditForm(ProposalFieldsMixin, VersionedForm):
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_owner_choices()



class ConvertForm(SeveralPartnersPicker, VersionedForm):
    """The agreement an approved proposal becomes; `version` is the proposal's."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=AgreementKind.choices, coerce=AgreementKind.coerce)
    # Choices: only the partners chosen (the picker offers others by search, never all of them).
    partners = SelectMultipleField(
        _l("Partners"), coerce=chosen_partner, validators=[DataRequired(message=_l("Choose at least one partner."))]
    )
    signed_on = DateField(_l("Signed on"), validators=[InputRequired(), signed_not_ahead])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(
        _l("Valid until"), validators=[Optional()], description=_l("Leave empty for an open-ended agreement.")
    )
    notice_days = IntegerField(_l("Notice period (days)"), validators=[Optional(), NOTICE_DAYS_RANGE])
    auto_renew = BooleanField(_l("Renews automatically"))
    submit = SubmitField(_l("Create agreement"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_chosen_partners()

    # The agreement form's rules, so that an agreement is the same whichever way it was made.
    def validate_valid_until(self, field):
        check_validity(self.valid_from.data, field.data)


class BoardFilterForm(FlaskForm):
    """The board's and the list's filters and sorting, read from the query string."""

    class Meta:
        csrf = False

    view = SelectField(_l("View"), choices=[("board", _l("Board")), ("list", _l("List"))], default="board")
    stage = SelectField(_l("Stage"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    country = SelectField(_l("Partner country"), validators=[Optional()])
    owner = SelectField(_l("Owner"), validators=[Optional()])
    stale = BooleanField(_l("Only stale"))
    action = BooleanField(_l("Only needing action"))
    archived = BooleanField(_l("Archived proposals"))
    sort = SelectField(
        _l("Sort by"),
        choices=[
            ("next_step", _l("Next step date")),
            ("title", _l("Title")),
            ("partner", _l("Partner")),
            ("stage", _l("Stage")),
            ("days", _l("Days in stage")),
        ],
        default="next_step",
    )
