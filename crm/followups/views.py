"""/follow-ups: my open promises grouped by urgency; mark done in place; reassign.

The navigation's overdue counter lives here too: the layout carries an empty placeholder that
htmx fills after the page has loaded (one COUNT in a request of its own, never in the page's),
and the filled fragment refreshes when a page announces `followUpsChanged`.
"""
from datetime import date

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.auth.permissions import editor_required
from crm.core import capped as capped_counts
from crm.core.security import safe_next_url
from crm.extensions import db, htmx
from crm.followups import queries
from crm.followups.forms import AssigneeFilterForm, FollowUpAssignForm, FollowUpDoneForm
from crm.interactions.forms import assignee_choices
from crm.core.navigation import nav_item

bp = Blueprint("followups", __name__)
nav_item("contact", "followups.index", _l("Follow-ups"), order=20, badge="followups/_overdue_count.html")

CHANGED_EVENT = "followUpsChanged"


@bp.app_context_processor
def overdue_counter():
    """`overdue_follow_up_count()` for the home page's card: the query runs only where a page asks."""
    cache = {}

    def overdue_follow_up_count() -> int:
        if "count" not in cache:
            cache["count"] = queries.overdue_count(current_user.id, date.today()) if current_user.is_authenticated else 0
        return cache["count"]

    return {"overdue_follow_up_count": overdue_follow_up_count}


@bp.app_template_global()
def my_overdue_follow_ups():
    """The home page's "Overdue follow-ups" card."""
    return queries.overdue_of(current_user.id, date.today())


@bp.get("/follow-ups")
def index():
    """Mine by default; an admin chooses someone else's, or everyone's (`?assignee=all`).

    Each urgency group shows its first GROUP_LIMIT rows and its count; `?due=<group>` pages
    through one whole group (its "show all" link)."""
    assignee, filter_form = _assignee_and_filter()
    everyone = assignee == queries.EVERYONE
    today = date.today()
    due = request.args.get("due")
    if due is not None:
        group = next((group for group in queries.GROUPS if group.key == due), None)
        if group is None:
            abort(404)
        page = queries.group_page(assignee, group.key, today)
        return render_template("followups/group.html", group=group, page=page, filter_form=filter_form,
                               everyone=everyone, back=_back())
    counts = queries.group_counts(assignee, today)
    cap = capped_counts.COUNT_CAP
    sections = [(group, queries.group_rows(assignee, group.key, today, queries.GROUP_LIMIT), counts[group.key]) for group in queries.GROUPS]
    return render_template(
        "followups/index.html",
        sections=sections,
        total=sum(min(count, cap) for count in counts.values()),
        capped=any(count > cap for count in counts.values()),
        count_cap=cap,
        filter_form=filter_form,
        everyone=everyone,
        back=_back(),
    )


def _assignee_and_filter():
    """Whose follow-ups the page shows, and the admin's form to choose (None for others)."""
    if not current_user.is_admin:
        return current_user.id, None
    filter_form = AssigneeFilterForm(formdata=request.args)
    filter_form.assignee.choices = [(str(current_user.id), current_user.name), (queries.EVERYONE, _everyone())] + [
        (str(value), label) for value, label in assignee_choices()[1:] if value != current_user.id
    ]
    if "assignee" not in request.args:
        filter_form.assignee.data = str(current_user.id)
        return current_user.id, filter_form
    if not filter_form.validate():
        abort(404)
    chosen = filter_form.assignee.data
    return (queries.EVERYONE if chosen == queries.EVERYONE else int(chosen)), filter_form


def _everyone() -> str:
    from flask_babel import gettext as _

    return _("Everyone")


def _back() -> str:
    """This page, for a form's `next`: where a page without JavaScript comes back to."""
    return request.full_path.rstrip("?")


def _load_or_404(follow_up_id: int):
    follow_up = queries.load_follow_up(follow_up_id)
    if follow_up is None:
        abort(404)
    return follow_up


def _answer(follow_up, form):
    """The updated row (htmx), or back to the page the form was on."""
    if htmx:
        response = make_response(render_template("followups/_row.html", follow_up=follow_up,
                                                      back=safe_next_url(form.next.data) or url_for("followups.index")))
        response.headers["HX-Trigger"] = CHANGED_EVENT
        return response
    return redirect(safe_next_url(form.next.data) or url_for("followups.index"), 303)


def _set_done(follow_up_id: int, done: bool):
    follow_up = _load_or_404(follow_up_id)
    form = FollowUpDoneForm()
    if not form.validate_on_submit():
        abort(400)
    form.ensure_current(follow_up)
    follow_up.done = done
    follow_up.done_on = date.today() if done else None
    db.session.commit()
    return _answer(follow_up, form)


@bp.post("/follow-ups/<int:follow_up_id>/done")
@editor_required
def mark_done(follow_up_id: int):
    return _set_done(follow_up_id, True)


@bp.post("/follow-ups/<int:follow_up_id>/reopen")
@editor_required
def reopen(follow_up_id: int):
    return _set_done(follow_up_id, False)


@bp.route("/follow-ups/<int:follow_up_id>/assign", methods=["GET", "POST"])
@editor_required
def assign(follow_up_id: int):
    """GET: the reassign form (in its row with htmx, a page without); POST: reassign.

    The list shows a "Reassign" link per row, not a select of every user per row: the form (and
    its list of users) is rendered for the one row being reassigned."""
    follow_up = _load_or_404(follow_up_id)
    form = FollowUpAssignForm()
    form.assignee_id.choices = assignee_choices()
    if request.method == "GET":
        back = safe_next_url(request.args.get("next")) or url_for("followups.index")
        template = "followups/_row.html" if htmx.target == f"follow-up-{follow_up.id}" else "followups/assign.html"
        return render_template(template, follow_up=follow_up, back=back, reassigning=True, assignees=form.assignee_id.choices)
    if not form.validate_on_submit():
        if form.assignee_id.errors:
            abort(422)
        abort(400)
    form.ensure_current(follow_up)
    follow_up.assignee_id = form.assignee_id.data
    db.session.commit()
    return _answer(follow_up, form)


@bp.get("/follow-ups/overdue-count")
def overdue_count():
    """The navigation's counter: loaded after each page and again after a follow-up changed (a
    page has no use for it: without JavaScript, /follow-ups shows the counts)."""
    if htmx.target != "overdue-count":
        return redirect(url_for("followups.index"), 303)
    return render_template("followups/_overdue_count.html", overdue=queries.overdue_count(current_user.id, date.today()))
