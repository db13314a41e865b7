"""The partner picker: the one way every form picks a partner (an agreement's partners, a new
proposal's partner, a proposal's conversion, the navigation's "Log" page, the history filter).

It never lists every partner: it offers the chosen ones plus the first partners matching a
search term, found by the partner search's rule (crm/partners/search.py: 德国, Germany, DE).

The markup is `templates/partners/_picker.html` (the fieldset a form includes) and
`templates/partners/_picker_options.html` (the matches, also the answer of
`GET /partners/picker-options` as one types); `_picker_links.html` shows the matches as links
(the "Log" page picks a partner by going to it) and `_picker_names.html` as a datalist's
suggestions (the /history filter). A form using it mixes in `SinglePartnerPicker` (one partner,
`partner_id`, radio buttons) or `SeveralPartnersPicker` (its own `partners` field, check boxes);
both carry the `partner_q` search field and the `find_partners` button (`PartnerSearchFields`),
and the view passes `picker_context(form)` to its template (core/form_page.html does it itself).

    options, more = partner_matches("德国", exclude=[12])
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

from crm.core.forms import optional_int, search_term_field
from crm.core.search import MAX_TERM_LENGTH
from crm.extensions import db
from crm.partners.models import Partner
from crm.partners.search import search_condition

PICKER_LIMIT = 30  # partners offered at a time


@dataclass(frozen=True)
class PartnerOption:
    id: int
    name: str
    local_name: str | None
    country: str

    @property
    def label(self) -> str:
        """'Hiroshima University (広島大学)': what a picker shows for a partner."""
        return f"{self.name} ({self.local_name})" if self.local_name else self.name


def _live():
    return Partner.archived_at.is_(None)


def _columns():
    return select(Partner.id, Partner.name, Partner.local_name, Partner.country)


def partner_matches(term: str, exclude=(), limit: int = PICKER_LIMIT) -> tuple[list[PartnerOption], bool]:
    """Live partners matching `term` (all when empty), not in `exclude`, by name: at most
    `limit`, and whether more match (one statement)."""
    statement = _columns().where(_live()).order_by(func.lower(Partner.name), Partner.id)
    condition = search_condition((term or "").strip()[:MAX_TERM_LENGTH])
    if condition is not None:
        statement = statement.where(condition)
    exclude = [partner_id for partner_id in exclude if isinstance(partner_id, int)]
    if exclude:
        statement = statement.where(Partner.id.not_in(exclude))
    rows = db.session.execute(statement.limit(limit + 1)).all()
    return [PartnerOption(*row) for row in rows[:limit]], len(rows) > limit


def partners_named(ids) -> list[tuple[int, str]]:
    """(id, name) of the partners among `ids` that can be chosen (not archived), by name: the
    choices of a picker's field."""
    ids = [partner_id for partner_id in ids if isinstance(partner_id, int)]
    if not ids:
        return []
    rows = db.session.execute(
        select(Partner.id, Partner.name).where(Partner.id.in_(ids), _live()).order_by(func.lower(Partner.name), Partner.id)
    ).all()
    return [(row.id, row.name) for row in rows]


def partner_label(partner_id: int | None) -> str | None:
    """'Hiroshima University (広島大学)' for a live partner's id, None for anything else."""
    if not isinstance(partner_id, int) or not 0 < partner_id < 2**31:
        return None
    row = db.session.execute(_columns().where(Partner.id == partner_id, _live())).first()
    return PartnerOption(*row).label if row else None


class PartnerSearchFields:
    """A picker's search box (a mixin for the form holding the picker). Without JavaScript,
    "Find" shows the form again with the matches (nothing is saved)."""

    partner_q = search_term_field(_l("Find a partner"))
    find_partners = SubmitField(_l("Find"))


class SinglePartnerPicker(PartnerSearchFields):
    """One partner (`partner_id`, radio buttons), or none where the form allows it. The form
    calls `offer_chosen_partner()` in its __init__ and `check_chosen_partner(required)` in
    `validate_partner_id`; its `FIELD_ORDER` places the picker among its own fields."""

    partner_id = SelectField(_l("Partner"), coerce=optional_int, validate_choice=False)

    # The names of the fields shown first, in this order (the others follow as declared).
    FIELD_ORDER: tuple[str, ...] = ()

    def ordered_fields(self) -> list:
        first = [self[name] for name in self.FIELD_ORDER if name in self]
        return first + [field for field in self if field.name not in self.FIELD_ORDER]

    def offer_chosen_partner(self) -> None:
        chosen = self.partner_id.data
        self.partner_id.choices = partners_named([chosen]) if isinstance(chosen, int) and chosen > 0 else []

    @property
    def chosen_partner_ids(self) -> list[int]:
        return [partner_id for partner_id, _name in self.partner_id.choices]

    def check_chosen_partner(self, required: bool) -> None:
        """The chosen partner must be one that can be chosen; `required` says whether one must be."""
        field = self.partner_id
        if field.data is None:
            if required:
                raise ValidationError(_l("Choose a partner."))
            return
        if field.data not in dict(field.choices):
            raise ValidationError(_l("Not a valid choice."))


def chosen_partner(value) -> int | None:
    """The coercer of a `partners` field: a posted id, or a partner of the record being edited.
    A posted value that is no id the database can hold (text, 20 digits) is no choice
    (`optional_int`), never a query parameter."""
    return value.id if isinstance(value, Partner) else optional_int(value)


class SeveralPartnersPicker(PartnerSearchFields):
    """Several partners: the form declares `partners` (a SelectMultipleField, coerce
    `chosen_partner`, with its own label and validators) and calls `offer_chosen_partners()`
    in its __init__, so that its choices are the chosen partners only."""

    def offer_chosen_partners(self) -> None:
        self.partners.choices = partners_named(self.chosen_partner_ids)

    @property
    def chosen_partner_ids(self) -> list[int]:
        data = self.partners.data
        return [value for value in data if isinstance(value, int)] if isinstance(data, list) else []


def picker_context(form) -> dict:
    """What `partners/_picker.html` needs besides the form: the first matches of the form's
    search term, the chosen partners left out."""
    options, more = partner_matches((form.partner_q.data or "").strip(), form.chosen_partner_ids)
    return {"picker_options": options, "picker_more": more}
