from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from crm.agreements.forms import optional_int
from crm.core.forms import InputRequired, SentOnce, VersionedForm
from crm.core.templating import local_date
from crm.extensions import db
from crm.outcomes.models import (
    DETAIL_HINTS,
    Indicator,
    OutcomeCategory,
    year_bounds,
    year_kind,
    year_label,
)
from crm.schools.queries import active_schools

MAX_COUNT = 1_000_000
COUNT_RANGE = NumberRange(min=0, max=MAX_COUNT, message=_l("Enter a whole number from 0 to %(max)s.", max=MAX_COUNT))
MAX_NOTE = 10_000
FIRST_YEAR = 1990  # the oldest year an outcome is recorded for (the form and the import)
OUTCOME_FIELDS = ["year", "category", "detail", "count", "school_id", "indicator_id", "note"]


def check_year(year: int, current_year: int, agreement=None) -> None:
    """An outcome's year has begun, is from FIRST_YEAR on, and lies within its agreement's validity
    (`agreement`: anything with valid_from and valid_until). The form and the import ask this."""
    if year > current_year:
        raise ValidationError(_l("%(year)s has not started yet: outcomes are recorded for years that have begun.",
                                 year=year_label(year)))
    if year < FIRST_YEAR:
        raise ValidationError(_l("Enter a year from %(first)s on.", first=FIRST_YEAR))
    if agreement is None or agreement.valid_from is None:
        return
    first, last = year_bounds(year)
    starts_after = agreement.valid_until is not None and first > agreement.valid_until
    if last < agreement.valid_from or starts_after:
        raise ValidationError(_l(
            "The agreement is valid from %(start)s to %(end)s: %(year)s lies outside it.",
            start=local_date(agreement.valid_from),
            end=local_date(agreement.valid_until) if agreement.valid_until else _l("open-ended"),
            year=year_label(year),
        ))


def check_counts_somewhere(category: OutcomeCategory, indicator_id: int | None) -> None:
    """An "other quantity" counts only toward its 国际影响表 row: without one it would count nowhere."""
    if category == OutcomeCategory.OTHER and indicator_id is None:
        raise ValidationError(_l("Choose the 国际影响表 row this quantity counts toward."))


def year_description():
    if year_kind() == "calendar":
        return _l("Calendar year, e.g. 2025.")
    return _l("Academic year from 1 September, by its first year: 2025 means 2025-2026.")


class OutcomeForm(SentOnce):
    # the office's counting year (年度), not a plain calendar "year" (年份) of other records
    year = IntegerField(lazy_pgettext("outcome", "Year"), validators=[InputRequired(message=_l("Enter the year."))])
    category = SelectField(
        _l("What was achieved"), choices=OutcomeCategory.choices, coerce=OutcomeCategory.coerce,
        description=_l("Foreign experts hosted, delegations and joint-programme enrolment are counted in the report "
                       "from the experts, trips, visits and programmes records: for a year with such records, an "
                       "outcome typed here for the same category is left out of the report."),
    )
    count = IntegerField(
        _l("Count"),
        validators=[
            InputRequired(message=_l("Enter a whole number (0 or more).")),
            COUNT_RANGE,
        ],
    )
    detail = StringField(_l("Detail"), validators=[Optional(), Length(max=200)],
                         description=_l("Purpose, programme, issuer or major, as the category asks."))
    school_id = SelectField(_l("School"), coerce=optional_int, validators=[Optional()])
    indicator_id = SelectField(_l("Counts toward (国际影响表)"), coerce=optional_int, validators=[Optional()])
    note = TextAreaField(_l("Note / evidence"), validators=[Optional(), Length(max=MAX_NOTE)])
    submit = SubmitField(_l("Save outcome"))

    def __init__(self, *args, agreement=None, current_year: int, liaison_school_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.current_year = current_year
        self.year.description = year_description()
        schools = active_schools()
        if liaison_school_id is not None:
            schools = [s for s in schools if s.id == liaison_school_id]
            self.school_id.choices = [(s.id, s.name) for s in schools]
        else:
            self.school_id.choices = [("", _l("— none —"))] + [(s.id, s.name) for s in schools]
        indicators = db.session.scalars(
            select(Indicator).where(Indicator.year >= current_year - 5).order_by(Indicator.year.desc(), Indicator.position)
        ).all()
        self.indicator_id.choices = [("", _l("— none —"))] + [
            (i.id, f"{year_label(i.year)} · " + gettext("%(category)s (%(unit)s)", category=i.label, unit=i.unit)) for i in indicators
        ]
        self._indicator_years = {i.id: i.year for i in indicators}

    def validate_year(self, field):
        if field.data is not None:
            check_year(field.data, self.current_year, self.agreement)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # An "other quantity" counts only toward its indicator: without one it would count nowhere.
        # (Here, not in validate_indicator_id: the field's Optional() stops its chain when empty.)
        if not self.indicator_id.errors:
            try:
                check_counts_somewhere(self.category.data, self.indicator_id.data)
            except ValidationError as refusal:
                self.indicator_id.errors = [*self.indicator_id.errors, refusal.args[0]]
                return False
        return valid

    def validate_indicator_id(self, field):
        if field.data is not None and self.year.data is not None and self._indicator_years.get(field.data) != self.year.data:
            raise ValidationError(_l("Choose an indicator of the same year as the outcome."))

    @property
    def detail_hints(self):
        return {category.value: hint for category, hint in DETAIL_HINTS.items()}


class OutcomeEditForm(OutcomeForm, VersionedForm):
    pass


class ReturnForm(VersionedForm):
    reason = TextAreaField(_l("Why it goes back"), validators=[InputRequired(message=_l("Say what to correct.")),
                                                               Length(max=2000)])
    submit = SubmitField(_l("Send back"))


class ApproveForm(VersionedForm):
    submit = SubmitField(_l("Approve"))


class QuotaForm(FlaskForm):
    """A structured quota: how many of a category the agreement promises each year."""

    category = SelectField(_l("What is promised"), choices=OutcomeCategory.choices, coerce=OutcomeCategory.coerce)
    per_year = IntegerField(_l("Per year"), validators=[
        InputRequired(message=_l("Enter a whole number (0 or more).")),
        NumberRange(min=0, max=MAX_COUNT, message=_l("Enter a whole number from 0 to %(max)s.", max=MAX_COUNT))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)], description=_l("e.g. each way, per intake"))
    submit = SubmitField(_l("Save quota"))


class QuotaRemoveForm(VersionedForm):
    submit = SubmitField(_l("Remove"))


class EvidenceForm(SentOnce):
    """Attach one or more files that back an outcome's count."""

    files = MultipleFileField(
        _l("Add evidence files"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("A scan of certificates, a list of students, a PDF: PDF, PNG or JPEG; several at once."),
    )
    submit = SubmitField(_l("Attach"))
