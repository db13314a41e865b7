from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from crm.agreements.forms import optional_int
from crm.core.forms import InputRequired, QuickSelect, VersionedForm
from crm.extensions import db
from crm.outcomes.models import Indicator, OutcomeCategory, year_label
from crm.reports.units import has_unit

INDICATOR_FIELDS = ["year", "position", "code", "label_zh", "label_en", "unit"]
LAST_CHOICES = [("", _l("— or choose —")), (1, _l("This year")), (3, _l("The last 3 years")), (5, _l("The last 5 years")),
                (10, _l("The last 10 years"))]


class ReportFilterForm(FlaskForm):
    """The report's filter (GET, no CSRF): a range of years, or the last N years; the category the
    charts by country and partner show."""

    class Meta:
        csrf = False

    year_from = SelectField(_l("From year"), coerce=optional_int, validators=[Optional()], widget=QuickSelect())
    year_to = SelectField(_l("To year"), coerce=optional_int, validators=[Optional()], widget=QuickSelect())
    last = SelectField(_l("In recent years"), coerce=optional_int, choices=LAST_CHOICES, validators=[Optional()],
                       widget=QuickSelect())
    focus = SelectField(_l("Charts by country and partner show"), validators=[Optional()], widget=QuickSelect(),
                        description=_l("One category at a time: students and certificates do not add up."))
    exact = BooleanField(_l("Exact figures only in the narrative"))

    def __init__(self, *args, first_year: int, last_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        years = [("", "—")] + [(y, year_label(y)) for y in range(last_year, first_year - 1, -1)]
        self.year_from.choices = years
        self.year_to.choices = years
        # one category (its figures share a unit); empty: the main one (crm/reports/units.py)
        self.focus.choices = [(value, label) for value, label in OutcomeCategory.choices() if has_unit(value)]


class IndicatorForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1990, max=2100)])
    position = IntegerField(_l("Position in the table"), default=1, validators=[InputRequired(), NumberRange(min=0, max=999)])
    code = StringField(_l("Short code"), validators=[InputRequired(), Length(max=40)],
                       description=_l("Stays the same from year to year, e.g. intl_students."))
    label_zh = StringField(_l("Row label (Chinese)"), validators=[InputRequired(), Length(max=200)])
    label_en = StringField(_l("Row label (English)"), validators=[InputRequired(), Length(max=300)])
    unit = StringField(_l("Unit"), validators=[InputRequired(), Length(max=20)], description=_l("人, 人次, 人日, 个, 项 …"))
    submit = SubmitField(_l("Save row"))

    indicator_id: int | None = None  # the row being edited: it may keep its own code

    def validate_code(self, field):
        # one row a code and year (uq_indicator_year_code): say so on the field, not the error page
        if self.year.errors or self.year.data is None:
            return
        clash = db.session.scalar(select(Indicator.id).where(Indicator.year == self.year.data, Indicator.code == field.data))
        if clash is not None and clash != self.indicator_id:
            raise ValidationError(_l("%(year)s already has a row with this code.", year=year_label(self.year.data)))


class IndicatorEditForm(IndicatorForm, VersionedForm):
    pass


class StandardRowsForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1990, max=2100)])
