"""A destructive POST asks first, whatever the client: without `confirmed=1` it answers a
confirmation page (200, nothing changed) whose button posts the same form again with
`confirmed=1`. With JavaScript, htmx has already asked (hx-confirm) and sends `confirmed=1`
itself (hx-vals on the button's form), so the action happens at once.

    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if (asked := ask_first(form, _("Remove %(name)s?", name=row.name), back=url, record=parent)) is not None:
        return asked
"""
from flask import render_template, request


def ask_first(form, question: str, *, back: str, record=None, button: str | None = None,
              back_label: str | None = None):
    """The confirmation page for this POST unless it carries `confirmed=1`, else None. `form`
    gives the page its CSRF token, `back` is Cancel's address (`back_label` its label, "Cancel"
    unless set), `record` the record the removal changes (named above the question, so "Remove
    Zhang Min?" says from which trip), `button` the confirming button's label ("Remove" unless
    set). The page posts the other fields of this POST again (a version, a reason typed with
    the action)."""
    if request.form.get("confirmed") == "1":
        return None
    carried = [(name, value) for name, value in request.form.items(multi=True) if name not in ("csrf_token", "confirmed")]
    return render_template("core/confirm.html", form=form, question=question, record=record, action=request.path,
                           back=back, button=button, back_label=back_label, carried=carried)
