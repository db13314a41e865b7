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

from flask import abort, redirect, render_template, request

from crm.core.forms import ConfirmForm
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
    ConfirmForm's token. Without `confirmed=1` (a form posted without JavaScript) nothing is
    removed: the answer is a confirmation page whose Remove button posts it again with
    `confirmed=1`; htmx asks first (hx-confirm) and sends it (hx-vals in the macro)."""
    child = db.get_or_404(model, child_id)
    parent = parent_of(child)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("confirmed") != "1":
        return render_template("core/confirm_remove.html", child=child, form=form, action=request.path, back=back(parent))
    db.session.delete(child)
    db.session.commit()
    return redirect(back(parent), 303)


def the_only_one(rows, flag: str) -> None:
    """Clear `flag` on every row of `rows`: the row being added holds it alone (a trip's
    leader, a visit's head)."""
    for row in rows:
        setattr(row, flag, False)
