"""The partner forms: create, edit, the confirmations of archive and restore, and the list's filters."""
import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from crm.core.bulk import BulkSelection
from crm.core.forms import InputRequired, SentOnce, VersionedForm, optional_int, search_term_field
from crm.core.i18n import country_code_for, country_picker_choices
from crm.core.search import MAX_TERM_LENGTH
from crm.partners.activity import quiet_after_days
from crm.partners.models import PartnerKind, PartnerStatus
from crm.partners.queries import SORTS, PartnerFilters, frequent_countries

MAX_TAGS = 20
TAG_SEPARATORS = r"[,，、;；\n]+"


def blank_to_none(value):
    """Field filter: surrounding spaces go; an empty text is stored as NULL."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def parse_tags(text: str | None) -> list[str]:
    """"Belt and Road, 德国，Automotive" → three tag names, trimmed, each once, in order."""
    names: list[str] = []
    for name in re.split(TAG_SEPARATORS, text or ""):
        name = " ".join(name.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def check_tags(names: list[str]) -> None:
    """At most MAX_TAGS tags of at most 60 characters each (the partner form and the import ask this)."""
    if len(names) > MAX_TAGS:
        raise ValidationError(_l("At most %(count)d tags.", count=MAX_TAGS))
    if any(len(name) > 60 for name in names):
        raise ValidationError(_l("A tag has at most 60 characters."))


def normalise_website(value: str | None) -> str | None:
    """An http(s) URL or None; "www.x.edu" gains https://. Raises ValueError for anything else."""
    value = (value or "").strip()
    if not value:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ValueError("whitespace")
    if "://" not in value and ":" not in value.split("/")[0]:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise ValueError("scheme")
    return value


class PartnerFields(SentOnce):
    name = StringField(_l("Name (English)"), filters=[stripped], validators=[InputRequired(), Length(max=200)])
    local_name = StringField(_l("Local-language name"), filters=[blank_to_none], validators=[Optional(), Length(max=200)],
                             description=_l("The name in the partner's own language or script, e.g. 広島大学."))
    short_name = StringField(_l("Short name"), filters=[blank_to_none], validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Kind"), coerce=PartnerKind.coerce, validators=[InputRequired()])
    country = SelectField(_l("Country"), validators=[InputRequired()], render_kw={"data-country-picker": ""},
                          description=_l("Type to filter: a name in English or Chinese, the code (DE) or pinyin (deguo, dg)."))
    city = StringField(_l("City"), filters=[blank_to_none], validators=[Optional(), Length(max=100)])
    website = StringField(_l("Website"), filters=[blank_to_none], validators=[Optional(), Length(max=300)],
                          description=_l("An http:// or https:// address."))
    status = SelectField(_l("Status"), coerce=PartnerStatus.coerce, validators=[InputRequired()])
    owner_id = SelectField(_l("Relationship owner"), coerce=optional_int)
    tags = StringField(_l("Tags"), filters=[blank_to_none], validators=[Optional(), Length(max=1000)],
                       description=_l("Separate tags with commas, e.g. Belt and Road, Germany-China automotive."))
    notes = TextAreaField(_l("Notes"), filters=[blank_to_none], validators=[Optional(), Length(max=20000)], render_kw={"rows": 4})

    def __init__(self, *args, owners: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = PartnerKind.choices()
        self.status.choices = PartnerStatus.choices()
        self.country.choices = country_picker_choices(_("Choose a country"), frequent_countries())
        self.owner_id.choices = [("", _l("Nobody yet"))] + list(owners)

    def validate_country(self, field):
        if field.data:
            field.data = field.data.upper()

    def validate_website(self, field):
        try:
            field.data = normalise_website(field.data)
        except ValueError:
            raise ValidationError(_l("Only http:// and https:// web addresses are accepted.")) from None

    def validate_tags(self, field):
        check_tags(parse_tags(field.data))

    @property
    def tag_names(self) -> list[str]:
        return parse_tags(self.tags.data)


# The fields a partner form may change; nothing else a request sends reaches the record.
PARTNER_FIELDS = ["name", "local_name", "short_name", "kind", "country", "city", "website", "status", "owner_id", "notes"]


class PartnerCreateForm(PartnerFields):
    submit = SubmitField(_l("Create partner"))
    create_anyway = SubmitField(_l("It is a different partner: create it"))


class PartnerEditForm(PartnerFields, VersionedForm):
    submit = SubmitField(_l("Save"))

    def entered(self, name: str, field):
        return self.tag_names if name == "tags" else super().entered(name, field)



SORT_LABELS = {"name": _l("Name"), "country": _l("Country"), "last_contact": _l("Last contact"), "renewal": _l("Next renewal")}


class PartnerFilterForm(FlaskForm):
    """The list's filters, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    q = search_term_field(_l("Search"))
    country = StringField(_l("Country"), filters=[blank_to_none], validators=[Optional(), Length(max=100)],
                          description=_l("A code, or the name in English or Chinese: DE, Germany, 德国."))
    kind = SelectField(_l("Kind"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    tag = SelectField(_l("Tag"), validate_choice=False, validators=[Optional()])
    owner = SelectField(_l("Owner"), coerce=optional_int, validate_choice=False, validators=[Optional()])
    quiet = BooleanField(_l("Gone quiet"))
    archived = BooleanField(_l("Archived partners"))
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    def __init__(self, *args, tags: list[str] = (), owners: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("All kinds"))] + PartnerKind.choices()
        self.status.choices = [("", _l("All statuses"))] + PartnerStatus.choices()
        self.tag.choices = [("", _l("All tags"))] + [(name, name) for name in tags]
        self.owner.choices = [("", _l("All owners"))] + list(owners)
        # One rule, one setting: crm/partners/activity.py.
        self.quiet.label.text = _("Gone quiet (%(num)d days)", num=quiet_after_days())
        self.sort.choices = [(key, SORT_LABELS[key]) for key in SORTS]  # the orders queries.py knows
        self.country_code: str | None = None

    def validate_country(self, field):
        text = (field.data or "").strip()
        if text:
            self.country_code = country_code_for(text)
            if self.country_code is None:
                # gettext, not lazy_gettext: a lazy string counts as safe HTML (it has __html__),
                # so the typed name inside it would reach the page unescaped.
                raise ValidationError(_("No country is called “%(name)s”.", name=text[:100]))

    def filters(self) -> PartnerFilters:
        """The filters that are valid; an invalid one is dropped (and shown with its error)."""

        def valid(field):
            return field.data if not field.errors else None

        kind, status = valid(self.kind), valid(self.status)
        return PartnerFilters(
            q=(valid(self.q) or "").strip()[:MAX_TERM_LENGTH],
            country=self.country_code if not self.country.errors else None,
            kind=PartnerKind(kind) if kind else None,
            status=PartnerStatus(status) if status else None,
            tag=(valid(self.tag) or "").strip()[:60],
            owner_id=valid(self.owner),
            quiet=bool(self.quiet.data),
            archived=bool(self.archived.data),
            sort=valid(self.sort) or "name",
        )


# The changes the list's bulk bar offers (the bar shows them; PartnerBulkForm reads the answer).
BULK_ACTIONS = [
    ("add_tag", _l("Add tag")), ("remove_tag", _l("Remove tag")), ("owner", _l("Set owner")), ("status", _l("Set status")),
]


class PartnerBulkForm(BulkSelection, FlaskForm):
    """The partner list's bulk change: add or remove a tag, set the owner or the status."""

    action = SelectField(_l("Change"), choices=BULK_ACTIONS, validators=[InputRequired()])
    tag = StringField(_l("Tag"), validators=[Length(max=60)])
    owner = SelectField(_l("Owner"), coerce=lambda value: int(value) if value not in ("", None) else None, validators=[Optional()])
    status = SelectField(_l("Status"), choices=PartnerStatus.choices, validate_choice=False)

    def validate_tag(self, field):
        if self.action.data in ("add_tag", "remove_tag") and not (field.data or "").strip():
            raise ValidationError(_("Name the tag."))

    def validate_status(self, field):
        if self.action.data == "status" and field.data not in {member.value for member in PartnerStatus}:
            raise ValidationError(_("Choose a status."))
