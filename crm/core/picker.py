"""The partner picker's server side for any form (templates/partners/_picker.html):
a single partner chosen by search (radio buttons), never a list of every partner.

    class MyForm(SinglePartnerPicker, FlaskForm): ...
    form.partner_id.choices = partners_named([...]) via `offer_chosen_partner()`
"""
from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from crm.partners.picker import partners_named


def int_or_none(value):
    """'' → None; digits → int; anything else → -1 (never a valid choice)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


class SinglePartnerPicker:
    partner_id = SelectField(_l("Partner"), coerce=int_or_none, validate_choice=False)
    partner_q = SearchField(_l("Find a partner"), validators=[Optional(), Length(max=200)])
    find_partners = SubmitField(_l("Find"))

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


def render_form_page(form, heading, action: str, cancel: str, crumbs, **context):
    """templates/core/form_page.html for `form`, with the partner picker's first matches when the
    form has one; 422 when the form has errors."""
    from flask import render_template

    from crm.partners.picker import picker_context

    if hasattr(form, "partner_q"):
        context |= picker_context(form)
    page = render_template("core/form_page.html", form=form, heading=heading, action=action, cancel=cancel,
                           crumbs=crumbs, **context)
    return page, 422 if form.errors else 200
