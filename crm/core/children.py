"""The child rows a record's page lists and changes (a trip's members and stops, a visit's
visitors and reception plan): add one from the page's form, remove one with a ConfirmForm.

Both answer 303 back to the parent's section; an invalid form shows the parent's page again
with its errors (422). The markup is templates/macros/children.html.

    return add_child(trip, MemberForm(), trip.members, _new_member, show=_show, form_name="member_form",
                     back=_section(trip, "members"))
    return remove_child(TripMember, member_id, parent_of=lambda m: _visible_trip(m.trip_id),
                        back=lambda trip: _section(trip, "members"))
"""
from collections.abc import Callable

from flask import abort, redirect
from flask_babel import gettext as _

from crm.core.confirming import ask_first
from crm.core.forms import ConfirmForm
from crm.core.i18n import country_name
from crm.extensions import db


def add_child(parent, form, rows: list, build: Callable, *, show: Callable, form_name: str, back: str):
    """Append `build(parent, form)` to `rows` (a collection of `parent`), commit, 303 to `back`;
    an invalid `form` answers `show(parent, 422, <form_name>=form)`."""
    if not form.validate_on_submit():
        return show(parent, 422, **{form_name: form})
    rows.append(build(parent, form))
    db.session.commit()
    return redirect(back, 303)


def remove_child(model, child_id: int, *, parent_of: Callable, back: Callable):
    """Delete the `model` row `child_id` and 303 to `back(parent)`: 404 when the row is missing
    or `parent_of(row)` refuses its parent (404 for an archived one), 400 without the
    ConfirmForm's token; without `confirmed=1` the confirmation page (crm/core/confirming.py)."""
    child = db.get_or_404(model, child_id)
    parent = parent_of(child)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    name = getattr(child, "name", None) or getattr(child, "what", None) or getattr(child, "city", None)
    if (asked := ask_first(form, _("Remove %(name)s?", name=name or country_name(child.country)), back=back(parent),
                          record=parent)) is not None:
        return asked
    db.session.delete(child)
    db.session.commit()
    return redirect(back(parent), 303)


def the_only_one(rows, flag: str) -> None:
    """Clear `flag` on every row of `rows`: the row being added holds it alone (a trip's
    leader, a visit's head)."""
    for row in rows:
        setattr(row, flag, False)
