from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import StringField, SubmitField
from wtforms.validators import Length, ValidationError

from crm.core.forms import InputRequired, SentOnce, VersionedForm
from crm.extensions import db
from crm.schools.models import School

SCHOOL_FIELDS = ["name_zh", "name_en"]


class SchoolForm(SentOnce):
    name_zh = StringField(_l("Name in Chinese"), validators=[InputRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[InputRequired(), Length(max=200)])
    submit = SubmitField(_l("Save school"))

    school_id: int | None = None

    # A school is found by either name (the user form's choice in each language, `flask users
    # create --school`): neither may be another school's.
    def validate_name_zh(self, field):
        self._refuse_clash(func.trim(School.name_zh), field.data.strip())

    def validate_name_en(self, field):
        self._refuse_clash(func.lower(func.trim(School.name_en)), field.data.strip().lower())

    def _refuse_clash(self, column, value: str) -> None:
        clash = db.session.scalar(select(School.id).where(column == value))
        if clash is not None and clash != self.school_id:
            raise ValidationError(_l("A school with this name already exists."))


class SchoolEditForm(SchoolForm, VersionedForm):
    pass
