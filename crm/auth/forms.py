from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import Email, Length, ValidationError

from crm.auth.models import Role, User
from crm.auth.passwords import MAX_LENGTH, password_problem
from crm.core.forms import InputRequired, SentOnce, VersionedForm
from crm.core.i18n import LANGUAGE_NAMES
from crm.extensions import db


def _acceptable_password(form, field):
    if problem := password_problem(field.data or ""):
        raise ValidationError(problem)


def _language_choices():
    return list(LANGUAGE_NAMES.items())


def school_choice(value):
    """'' → None; a school id → int (anything else fails the choice check)."""
    if value in (None, ""):
        return None
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])
    submit = SubmitField(_l("Log in"))


class SchoolOfLiaison:
    """The school a liaison reports for: asked when the user is made and when edited, and
    required for a liaison (one without a school could see and enter nothing)."""

    school_id = SelectField(_l("School (for a school liaison)"), coerce=school_choice)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from crm.schools.queries import school_choices

        self.school_id.choices = [("", _l("— none —"))] + school_choices()

    def validate_school_id(self, field):
        if self.role.data == Role.LIAISON and field.data is None:
            raise ValidationError(_l("A school liaison needs their school."))


class UserCreateForm(SchoolOfLiaison, SentOnce):
    name = StringField(lazy_pgettext("person", "Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=Role.choices, coerce=Role.coerce, default=Role.STAFF.value)
    locale = SelectField(_l("Language"), choices=_language_choices, default="zh_CN")
    password = PasswordField(
        _l("Initial password"),
        validators=[InputRequired(), _acceptable_password],
        description=_l("At least 8 characters. Tell it to the person; they can change it."),
    )
    submit = SubmitField(_l("Create user"))

    def validate_email(self, field):
        exists = db.session.scalar(select(User.id).where(func.lower(User.email) == field.data.strip().lower()))
        if exists:
            raise ValidationError(_l("A user with this e-mail already exists."))


class UserEditForm(SchoolOfLiaison, VersionedForm):
    name = StringField(lazy_pgettext("person", "Name"), validators=[InputRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=Role.choices, coerce=Role.coerce)
    active = BooleanField(_l("Active (may log in)"))
    submit = SubmitField(_l("Save"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=_language_choices)
    submit = SubmitField(_l("Switch"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField(_l("New password"), validators=[InputRequired(), _acceptable_password])
    submit = SubmitField(_l("Change password"))
