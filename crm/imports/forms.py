"""The import's forms: upload, column mapping, the rows' actions, commit / discard / undo, merge."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, Regexp, ValidationError
from crm.core.forms import InputRequired, search_term_field
from crm.core.punctuation import list_separator

from crm.imports.fields import KINDS, ImportKind, kind_choices
from crm.imports.models import ImportRow, RowAction, RowOutcome


class UploadForm(FlaskForm):
    kind = SelectField(_l("The file holds"), validators=[InputRequired()])
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("Excel workbooks (.xlsx) and CSV files in UTF-8 or GB18030 (as Chinese Excel and WPS save them)."))
    submit = SubmitField(_l("Upload and map the columns"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()


def mapping_form(kind: ImportKind, headers: list[str], mapping: dict[str, str], formdata=None) -> FlaskForm:
    """One select per column of the file: which field it fills, or none."""

    class MappingForm(FlaskForm):
        submit = SubmitField(_l("Check the rows"))

        def validate(self, extra_validators=None):
            if not super().validate(extra_validators):
                return False
            chosen = [f.data for f in self.column_fields() if f.data]
            ok = True
            for f in self.column_fields():
                if f.data and chosen.count(f.data) > 1:
                    f.errors.append(_l("Two columns fill the same field; choose one."))
                    ok = False
            missing = [str(field.label) for field in kind.fields if field.required and field.key not in chosen]
            if missing:
                self.form_errors.append(_l("Choose a column for: %(fields)s.", fields=list_separator().join(missing)))
                ok = False
            return ok

        def column_fields(self):
            return [self[f"column_{index}"] for index in range(len(headers))]

        def mapping(self) -> dict[str, str]:
            return {str(index): f.data for index, f in enumerate(self.column_fields()) if f.data}

    choices = [("", _l("— not imported —"))] + [(field.key, str(field.label)) for field in kind.fields]
    for index, title in enumerate(headers):
        label = title or _l("Column %(number)d", number=index + 1)
        setattr(MappingForm, f"column_{index}", SelectField(label, choices=choices, default=mapping.get(str(index), "")))
    return MappingForm(formdata=formdata)


def row_actions_form(rows: list[ImportRow], formdata=None) -> FlaskForm:
    """A select per row of the page: create, update the match, skip (only what the row allows)."""

    class RowActionsForm(FlaskForm):
        submit = SubmitField(_l("Save the choices"))

        def row_fields(self):
            return [(row, self[f"row_{row.id}"]) for row in rows]

    for row in rows:
        setattr(RowActionsForm, f"row_{row.id}", SelectField(
            _l("Row %(number)d", number=row.number), choices=allowed_actions(row), default=chosen_action(row),
            validators=[DataRequired()],
        ))
    return RowActionsForm(formdata=formdata)


# A possible duplicate of a partners file may be added to one of its candidates: the choice
# names it, "add:<partner id>" or "add-row:<row number>" (RowAction.UPDATE with that match).
ADD_TO_PARTNER = "add:"
ADD_TO_ROW = "add-row:"


def adds_to_candidates(row: ImportRow) -> bool:
    return row.outcome == RowOutcome.POSSIBLE_DUPLICATE and row.batch.kind == "partners"


def candidate_choice(candidate: dict) -> str:
    return f"{ADD_TO_PARTNER}{candidate['id']}" if candidate.get("id") else f"{ADD_TO_ROW}{candidate['row']}"


def chosen_action(row: ImportRow) -> str:
    """The select's value for the row's action (for an added possible duplicate, which candidate)."""
    if row.action == RowAction.UPDATE and adds_to_candidates(row):
        return f"{ADD_TO_PARTNER}{row.match_id}" if row.match_id else f"{ADD_TO_ROW}{row.match_row}"
    return row.action.value


def allowed_actions(row: ImportRow) -> list[tuple[str, str]]:
    if row.outcome == RowOutcome.ERROR:
        return [(RowAction.SKIP.value, RowAction.SKIP.label)]
    choices = [(RowAction.CREATE.value, RowAction.CREATE.label)]
    if adds_to_candidates(row):
        for candidate in row.candidates:
            name = candidate["name"] if candidate.get("id") else _l("row %(row)d", row=candidate["row"]) + " " + candidate["name"]
            choices.append((candidate_choice(candidate), _l("Add to %(name)s", name=name)))
    elif row.match_id or row.match_row:
        choices.append((RowAction.UPDATE.value, RowAction.UPDATE.label))
    choices.append((RowAction.SKIP.value, RowAction.SKIP.label))
    return choices


class BatchActionForm(FlaskForm):
    """Commit, discard or undo a batch: only the CSRF token."""


MERGE_LABELS = {
    "name": _l("Name (English)"), "local_name": _l("Local-language name"), "short_name": _l("Short name"),
    "kind": _l("Kind"), "country": _l("Country"), "city": _l("City"), "website": _l("Website"), "status": _l("Status"),
    "owner_id": _l("Relationship owner"), "notes": _l("Notes"),
}
MERGE_FIELDS = tuple(MERGE_LABELS)


class MergeSearchForm(FlaskForm):
    """The merge page's partner search (GET): every list's search box and rule."""

    class Meta:
        csrf = False

    q = search_term_field(_l("Find partners"))


class MergeForm(FlaskForm):
    survivor = RadioField(_l("Keep"), choices=[("a", _l("the first")), ("b", _l("the second"))], default="a",
                          validators=[InputRequired()])
    version_a = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    version_b = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    submit = SubmitField(_l("Merge"))


def merge_form(labels: dict[str, str], **defaults) -> MergeForm:
    class PartnerMergeForm(MergeForm):
        pass

    for key in MERGE_FIELDS:
        setattr(PartnerMergeForm, f"take_{key}", RadioField(labels[key], choices=[("a", _l("first")), ("b", _l("second"))],
                                                            default="a", validators=[InputRequired()]))
    return PartnerMergeForm(**defaults)


def kind_or_404(key: str) -> ImportKind:
    from flask import abort

    kind = KINDS.get(key)
    if kind is None:
        abort(404)
    return kind


def validate_kind(form, field):
    if field.data not in KINDS:
        raise ValidationError(_l("Not a valid choice."))
