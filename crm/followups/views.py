"""/follow-ups: my open promises grouped by urgency; mark done in place; reassign.

The navigation's overdue counter lives here too: the layout carries an empty placeholder that
htmx fills after the page has loaded (one COUNT in a request of its own, never in the page's),
and the filled fragment refreshes when a page announces `followUpsChanged`.
"""
from urllib.parse import parse_qsl, urlsplit

from flask import (Blueprint, abort, current_app, flash, get_template_attribute, make_response, redirect,
                   render_template, request, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, NotFound

from crm.auth.permissions import editor_required
from crm.core import capped as capped_counts
from crm.core.bulk import MAX_BULK, stale_among
from crm.core.dates import office_today
from crm.core.security import safe_next_url
from crm.extensions import db, htmx
from crm.followups import queries
from crm.followups.forms import AssigneeFilterForm, FollowUpAssignForm, FollowUpBulkForm, FollowUpDoneForm
from crm.interactions.forms import assignee_choices
from crm.core.navigation import nav_item
from crm.core.templating import link_pattern, once_per_request

bp = Blueprint("followups", __name__)
nav_item("contact", "followups.index", _l("Follow-ups"), order=20, badge="followups/_overdue_count.html")

CHANGED_EVENT = "followUpsChanged"


@bp.app_context_processor
def overdue_counter():
    """`overdue_follow_up_count()` for the home page's card: the query runs only where a page asks."""
    cache = {}

    def overdue_follow_up_count() -> int:
        if "count" not in cache:
            cache["count"] = queries.overdue_count(current_user.id, office_today()) if current_user.is_authenticated else 0
        return cache["count"]

    return {"overdue_follow_up_count": overdue_follow_up_count}


@bp.app_template_global()
def follow_up_texts() -> dict[str, str]:
    """What every follow-up row and item repeats, made once per request: the words (in the
    user's language; the ones naming the follow-up are patterns for `|format(title=...)`) and
    the links (patterns for `% id`). A table of forty rows asked for them 300 times."""
    return once_per_request("follow_up_texts", lambda: {
        "overdue": _("overdue"), "done": _("Done"), "reopen": _("Reopen"), "reassign": _("Reassign"),
        "done_of": _("Mark “%(title)s” done"), "reopen_of": _("Reopen “%(title)s”"),
        "reassign_of": _("Reassign “%(title)s”"),
        "mark_done": link_pattern("followups.mark_done", "follow_up_id"),
        "reopen_link": link_pattern("followups.reopen", "follow_up_id"),
        "assign": link_pattern("followups.assign", "follow_up_id"),
        "partner": link_pattern("partners.show", "partner_id"),
        "interaction": link_pattern("interactions.show", "interaction_id"),
        "agreement": link_pattern("agreements.show", "agreement_id"),
        "proposal": link_pattern("proposals.show", "proposal_id"),
    })


@bp.get("/follow-ups")
def index():
    """Mine by default; an admin chooses someone else's, or everyone's (`?assignee=all`).

    Each urgency group shows its first GROUP_LIMIT rows and its count; `?due=<group>` pages
    through one whole group (its "show all" link)."""
    assignee, filter_form = _assignee_and_filter()
    everyone = assignee == queries.EVERYONE
    today = office_today()
    due = request.args.get("due")
    if due is not None:
        group = next((group for group in queries.GROUPS if group.key == due), None)
        if group is None:
            abort(404)
        page = queries.group_page(assignee, group.key, today)
        return render_template("followups/group.html", group=group, page=page, filter_form=filter_form,
                               everyone=everyone, back=_back(), bulk=_bulk_form(), bulk_total=page.total)
    counts = _counts(assignee, today)
    rows = queries.groups_rows(assignee, queries.GROUP_KEYS, today, queries.GROUP_LIMIT)
    sections = [(group, rows[group.key], counts["counts"][group.key]) for group in queries.GROUPS]
    return render_template(
        "followups/index.html",
        sections=sections,
        **counts,
        filter_form=filter_form,
        everyone=everyone,
        back=_back(),
        bulk=_bulk_form(),
        bulk_total=sum(counts["counts"].values()),
    )


def _counts(assignee, today) -> dict:
    """The counts in the headings of /follow-ups (followups/_count.html): each group's, and the
    total, each group counted up to COUNT_CAP."""
    counts = queries.group_counts(assignee, today)
    cap = capped_counts.COUNT_CAP
    return {"counts": counts, "total": sum(min(count, cap) for count in counts.values()),
            "capped": any(count > cap for count in counts.values()), "count_cap": cap}


def _bulk_form() -> FollowUpBulkForm | None:
    """The page's bulk change form, for those who may edit."""
    if not current_user.can_edit:
        return None
    form = FollowUpBulkForm(formdata=None)
    form.assignee_id.choices = assignee_choices()
    return form


@bp.post("/follow-ups/bulk")
@editor_required
def bulk():
    """Mark done or reassign the chosen follow-ups (or all the page lists: its assignee and
    group travel in the URL): a confirmation naming the count, then one transaction, refused
    (409) when any changed since (crm/core/bulk.py)."""
    form = FollowUpBulkForm()
    form.assignee_id.choices = assignee_choices()
    today = office_today()
    args = {key: request.args[key] for key in ("assignee", "due") if request.args.get(key)}
    back = url_for(".index", **args)
    if not form.validate_on_submit():
        return render_template("followups/bulk.html", form=form, follow_ups=[], back=back), 422
    if form.is_confirmed:
        follow_ups = queries.chosen_open(list(form.targets.data), queries.EVERYONE, None, today, MAX_BULK + 1)
        stale = stale_among(follow_ups, form.targets.data)
        if stale:
            return render_template("followups/bulk.html", form=form, follow_ups=[], back=back, stale=len(stale)), 409
    else:
        due = request.args.get("due")
        if due is not None and due not in queries.GROUP_KEYS:
            abort(404)
        assignee = _assignee_and_filter()[0] if form.all_matching.data else None
        follow_ups = queries.chosen_open(None if form.all_matching.data else form.ids.data, assignee, due, today, MAX_BULK + 1)
        if not follow_ups or len(follow_ups) > MAX_BULK:
            return render_template("followups/bulk.html", form=form, follow_ups=follow_ups, back=back,
                                   too_many=len(follow_ups) > MAX_BULK, max_bulk=MAX_BULK), 422
        return render_template("followups/bulk.html", form=form, follow_ups=follow_ups, back=back, confirming=True)
    for follow_up in follow_ups:
        if form.action.data == "done":
            follow_up.done, follow_up.done_on = True, today
        else:
            follow_up.assignee_id = form.assignee_id.data
    db.session.commit()
    flash(ngettext("%(num)d follow-up changed.", "%(num)d follow-ups changed.", len(follow_ups)), "success")
    return redirect(back, 303)


def _assignee_and_filter(args=None):
    """Whose follow-ups the page shows (its query string `args`, this request's by default), and
    the admin's form to choose (None for others)."""
    args = request.args if args is None else args
    if not current_user.is_admin:
        return current_user.id, None
    filter_form = AssigneeFilterForm(formdata=args)
    filter_form.assignee.choices = [(str(current_user.id), current_user.name), (queries.EVERYONE, _everyone())] + [
        (str(value), label) for value, label in assignee_choices()[1:] if value != current_user.id
    ]
    if "assignee" not in args:
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


@bp.app_template_global()
def page_path() -> str:
    """The page the user is on (for a form's `next`), also inside a fragment htmx loaded."""
    current = request.headers.get("HX-Current-URL") if htmx else None
    if current:
        parts = urlsplit(current)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return safe_next_url(path) or url_for("followups.index")
    return request.full_path.rstrip("?")


def _answer(follow_up, form, message: str):
    """The updated row or list item (htmx: the element that asked), or back to the page the form
    was on, with `message` saying what was done (the row itself may have left the list)."""
    if htmx:
        template = "followups/_item.html" if htmx.target == f"follow-up-item-{follow_up.id}" else "followups/_row.html"
        back = safe_next_url(form.next.data) or url_for("followups.index")
        html = render_template(template, follow_up=follow_up, back=back, bulk=_in_bulk_table(back))
        response = make_response(html + _changed_counts(back))
        response.headers["HX-Trigger"] = CHANGED_EVENT
        return response
    flash(message, "success")
    return redirect(safe_next_url(form.next.data) or url_for("followups.index"), 303)


def _changed_counts(back: str) -> str:
    """When the change was made on /follow-ups (its groups, not one group's page): the headings'
    counts as they are now, for htmx to swap out of band beside the row (followups/_counts.html)."""
    parts = urlsplit(back)
    args = MultiDict(parse_qsl(parts.query))
    if parts.path != url_for("followups.index"):
        return _changed_record_count(parts.path)
    if "due" in args:
        return ""
    try:
        assignee, _filter_form = _assignee_and_filter(args)
    except NotFound:  # the page's filter names nobody (any more): it keeps its counts
        return ""
    return render_template("followups/_counts.html", **_counts(assignee, office_today()))


# The record pages that list the open follow-ups about them, and the key open_about takes.
_RECORD_PAGES = {"proposals.show": "proposal_id", "agreements.show": "agreement_id"}


def _changed_record_count(path: str) -> str:
    """When the change was made on a proposal's or an agreement's page: its "Open follow-ups"
    count as it is now, swapped out of band (followups/_count.html's open_count)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, values = adapter.match(path.removeprefix(request.script_root), method="GET")
    except HTTPException:
        return ""
    key = _RECORD_PAGES.get(endpoint)
    if key is None:
        return ""
    count = len(queries.open_about(**{key: values[key]}))
    return str(get_template_attribute("followups/_count.html", "open_count")(count, oob=True))


def _in_bulk_table(back: str) -> bool:
    """Whether a row swapped in place sits in /follow-ups' tables, whose first column holds the
    tick boxes of the bulk change (the home page's table has none): the row keeps that cell."""
    return current_user.can_edit and urlsplit(back).path == url_for("followups.index")


def _set_done(follow_up_id: int, done: bool):
    follow_up = _load_or_404(follow_up_id)
    form = FollowUpDoneForm()
    if not form.validate_on_submit():
        abort(400)
    form.ensure_current(follow_up)
    follow_up.done = done
    follow_up.done_on = office_today() if done else None
    db.session.commit()
    if done:
        return _answer(follow_up, form, _("“%(title)s” was marked done.", title=follow_up.title))
    return _answer(follow_up, form, _("“%(title)s” is open again.", title=follow_up.title))


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
        return render_template(template, follow_up=follow_up, back=back, reassigning=True, assignees=form.assignee_id.choices,
                               bulk=htmx.target == f"follow-up-{follow_up.id}" and _in_bulk_table(back))
    if not form.validate_on_submit():
        if form.assignee_id.errors:
            abort(422)
        abort(400)
    form.ensure_current(follow_up)
    follow_up.assignee_id = form.assignee_id.data
    db.session.commit()
    if follow_up.assignee is None:
        return _answer(follow_up, form, _("“%(title)s” now has no assignee.", title=follow_up.title))
    return _answer(follow_up, form, _("“%(title)s” was reassigned to %(name)s.", title=follow_up.title,
                                      name=follow_up.assignee.name))


@bp.get("/follow-ups/overdue-count")
def overdue_count():
    """The navigation's counter: loaded after each page and again after a follow-up changed (a
    page has no use for it: without JavaScript, /follow-ups shows the counts)."""
    if htmx.target != "overdue-count":
        return redirect(url_for("followups.index"), 303)
    return render_template("followups/_overdue_count.html", overdue=queries.overdue_count(current_user.id, office_today()))
