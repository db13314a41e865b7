"""Contact history: log an interaction (from the partner page or the navigation), the partner's
timeline, /history across partners, and editing or deleting an entry by its author or an admin."""
import re

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.audit.queries import record_history
from crm.auth.permissions import editor_required
from crm.core.archiving import get_live_or_404
from crm.extensions import db, htmx
from crm.interactions import queries
from crm.interactions.forms import (
    MAX_FOLLOW_UP_ROWS,
    DeleteForm,
    FollowUpEntryForm,
    HistoryFilterForm,
    InteractionEditForm,
    InteractionForm,
    PartnerPickForm,
    assignee_choices,
)
from crm.interactions.models import Interaction
from crm.partners.models import Partner
from crm.core.forms import validate_filters
from crm.core.navigation import nav_item
from crm.core.punctuation import colon
from crm.core.templating import link_pattern, once_per_request
from crm.partners.picker import partner_matches

bp = Blueprint("interactions", __name__)
nav_item("contact", "interactions.history", _l("Contact history"), order=10)

# Events other parts of a page listen to (hx-trigger="… from:body").
LOGGED_EVENTS = "interactionLogged, followUpsChanged"
# The field-name prefix of an inline edit form ("edit12-"), so that two open forms never share ids.
EDIT_PREFIX = re.compile(r"(edit\d{1,9}-)?")


@bp.record_once
def _defaults(state):
    state.app.jinja_env.globals["max_follow_up_rows"] = MAX_FOLLOW_UP_ROWS
    state.app.jinja_env.globals["partner_match_limit"] = queries.PARTNER_NAME_LIMIT


# --- loading ------------------------------------------------------------------------------


def _interaction_or_404(interaction_id: int) -> Interaction:
    interaction = queries.load_entry(interaction_id)
    if interaction is None or interaction.partner.is_archived:
        abort(404)
    return interaction


def _may_change(interaction: Interaction) -> bool:
    return current_user.can_edit and (current_user.is_admin or interaction.author_id == current_user.id)


@bp.app_template_global()
def may_change_interaction(interaction: Interaction) -> bool:
    """The author or an admin edits or deletes an entry."""
    return _may_change(interaction)


@bp.app_template_global()
def entry_texts() -> dict[str, str]:
    """What every timeline entry repeats, made once per request: the words (in the user's
    language; those naming the entry are patterns for `|format(...)`) and the links (patterns
    for `% id`, crm.core.templating.link_pattern). Twenty entries asked for them 200 times."""
    return once_per_request("entry_texts", lambda: {
        "logged_by": _("logged by %(name)s"), "edit": _("Edit"), "delete": _("Delete"),
        "edit_of": _("Edit “%(subject)s”"), "delete_of": _("Delete “%(subject)s”"),
        "confirm_delete": _("Delete “%(subject)s” and its follow-ups?"),
        "with": _("With: %(names)s"), "ours": _("Ours: %(names)s"), "read_all": _("Read all"),
        "agreement": colon(_("Agreement")), "proposal": colon(_("Proposal")),
        "show": link_pattern("interactions.show", "interaction_id"),
        "edit_link": link_pattern("interactions.edit", "interaction_id"),
        "delete_link": link_pattern("interactions.delete", "interaction_id"),
        "partner_link": link_pattern("partners.show", "partner_id"),
        "agreement_link": link_pattern("agreements.show", "agreement_id"),
        "proposal_link": link_pattern("proposals.show", "proposal_id"),
    })


def _require_may_change(interaction: Interaction) -> None:
    if not _may_change(interaction):
        current_app.logger.warning("refused: %s %s is not the author's", request.method, request.path)
        abort(403)


def _with_events(response, events: str = LOGGED_EVENTS):
    response = make_response(response)
    response.headers["HX-Trigger"] = events
    return response


# --- timelines ----------------------------------------------------------------------------


@bp.get("/history")
def history():
    form = HistoryFilterForm(formdata=request.args)
    valid = validate_filters(form)
    page = queries.history_page(form.filters())
    return render_template("interactions/history.html", form=form, page=page), (200 if valid else 422)


@bp.get("/history/partner-names")
def history_partner_names():
    """Suggestions for the /history partner filter as one types (the datalist's options)."""
    if htmx.target != "history-partner-names":
        return redirect(url_for(".history", partner_q=request.args.get("partner_q", "")), 303)
    term = request.args.get("partner_q", "").strip()
    names = [option.name for option in partner_matches(term, limit=queries.PARTNER_NAME_LIMIT)[0]] if term else []
    return render_template("partners/_picker_names.html", names=names)


@bp.get("/partners/<int:partner_id>/history")
def partner_timeline(partner_id: int):
    """The partner's contact history; `?older_than=` pages back (click-to-load with htmx)."""
    partner = get_live_or_404(Partner, partner_id)
    older_than = request.args.get("older_than", type=int)
    timeline = queries.timeline_of_partner(partner.id, older_than=older_than)
    if htmx.target == "timeline-older":
        older_url = url_for(".partner_timeline", partner_id=partner.id, older_than=timeline.older_than) if timeline.older_than else None
        return render_template("interactions/_items.html", entries=timeline.entries, show_partner=False, older_url=older_url)
    if htmx.target == "contact-history":
        return render_template("interactions/_partner_section.html", partner=partner, interactions=timeline)
    return render_template("interactions/partner_timeline.html", partner=partner, interactions=timeline, older_than=older_than)


@bp.get("/interactions/<int:interaction_id>")
def show(interaction_id: int):
    interaction = _interaction_or_404(interaction_id)
    if htmx.target == f"interaction-{interaction.id}":
        return render_template("interactions/_entry.html", entry=interaction, show_partner=False)
    return render_template("interactions/show.html", entry=interaction, history=record_history(interaction))


# --- logging ------------------------------------------------------------------------------


@bp.get("/interactions/new")
@editor_required
def pick_partner():
    """The navigation's "Log": find the partner by name, choose it, then the same form as on the
    partner page. As one types, htmx replaces the list of matches (`#partner-matches`)."""
    pick = PartnerPickForm(formdata=request.args)
    partner = None
    if "partner_id" in request.args:
        if not pick.validate():
            return render_template("interactions/log.html", pick=pick, form=None, partner=None, matches=[]), 422
        partner = get_live_or_404(Partner, pick.partner_id.data)
    elif pick.q.data and not pick.q.validate(pick):
        return render_template("interactions/log.html", pick=pick, form=None, partner=None, matches=[]), 422
    matches = [] if partner else partner_matches(pick.q.data or "", limit=queries.PARTNER_NAME_LIMIT)[0]
    if htmx.target == "partner-matches":
        return render_template("partners/_picker_links.html", matches=matches, pick=pick)
    form = InteractionForm.for_partner(partner, formdata=None) if partner else None
    if htmx.target == "log-form-slot":
        return render_template("interactions/_log_slot.html", pick=pick, form=form, partner=partner)
    return render_template("interactions/log.html", pick=pick, form=form, partner=partner, matches=matches)


@bp.route("/partners/<int:partner_id>/interactions/new", methods=["GET", "POST"])
@editor_required
def log(partner_id: int):
    partner = get_live_or_404(Partner, partner_id)
    form = InteractionForm.for_partner(partner)
    inline = htmx.target == "contact-history"
    if form.is_submitted() and form.add_follow_up.data:
        form.add_blank_follow_up()
        return _log_form(partner, form, inline, 200)
    if form.validate_on_submit():
        interaction = Interaction(author_id=current_user.id)
        form.populate(interaction)
        db.session.add(interaction)
        db.session.commit()
        if inline:
            timeline = queries.timeline_of_partner(partner.id)
            return _with_events(render_template(
                "interactions/_partner_section.html", partner=partner, interactions=timeline, new_id=interaction.id,
            ))
        flash(_("The interaction was logged."), "success")
        return redirect(url_for("partners.show", partner_id=partner.id, _anchor="contact-history"), 303)
    return _log_form(partner, form, inline, 422 if form.is_submitted() else 200)


def _log_form(partner, form, inline, status):
    if inline:
        timeline = queries.timeline_of_partner(partner.id)
        return render_template("interactions/_partner_section.html", partner=partner, interactions=timeline, form=form), status
    return render_template("interactions/log.html", pick=None, form=form, partner=partner), status


@bp.get("/interactions/follow-up-row")
@editor_required
def follow_up_row():
    """One more blank follow-up row for the form ("add another" with htmx)."""
    index = request.args.get("index", type=int)
    if index is None or not 0 <= index < MAX_FOLLOW_UP_ROWS:
        abort(404)
    prefix = request.args.get("prefix", "")
    if not EDIT_PREFIX.fullmatch(prefix):
        abort(404)
    row = FollowUpEntryForm(prefix=f"{prefix}follow_ups-{index}-", data={"assignee_id": current_user.id})
    row.assignee_id.choices = assignee_choices()
    return render_template("interactions/_follow_up_more.html", row=row, index=index, prefix=prefix)


# --- changing an entry --------------------------------------------------------------------


@bp.route("/interactions/<int:interaction_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(interaction_id: int):
    interaction = _interaction_or_404(interaction_id)
    _require_may_change(interaction)
    form = InteractionEditForm.for_partner(interaction.partner, interaction, prefix=f"edit{interaction.id}")
    inline = htmx.target == f"interaction-{interaction.id}"
    if form.is_submitted() and form.add_follow_up.data:
        form.add_blank_follow_up()
        return _edit_form(interaction, form, inline, 200)
    if form.validate_on_submit():
        form.ensure_current(interaction)
        form.populate(interaction)
        db.session.commit()
        if inline:
            return _with_events(render_template("interactions/_entry.html", entry=queries.load_entry(interaction.id), show_partner=False),
                                "interactionChanged, followUpsChanged")
        flash(_("The entry was saved."), "success")
        return redirect(url_for("partners.show", partner_id=interaction.partner_id, _anchor=f"interaction-{interaction.id}"), 303)
    return _edit_form(interaction, form, inline, 422 if form.is_submitted() else 200)


def _edit_form(interaction, form, inline, status):
    template = "interactions/_entry_form.html" if inline else "interactions/edit.html"
    return render_template(template, entry=interaction, form=form), status


@bp.route("/interactions/<int:interaction_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(interaction_id: int):
    """GET asks for confirmation (the page without JavaScript); POST deletes, with its follow-ups."""
    interaction = _interaction_or_404(interaction_id)
    _require_may_change(interaction)
    form = DeleteForm()
    if form.validate_on_submit():
        partner_id = interaction.partner_id
        for follow_up in list(interaction.follow_ups):
            db.session.delete(follow_up)
        db.session.delete(interaction)
        db.session.commit()
        if htmx:
            return _with_events("", "interactionDeleted, followUpsChanged")
        flash(_("The entry was deleted."), "success")
        return redirect(url_for("partners.show", partner_id=partner_id, _anchor="contact-history"), 303)
    if request.method == "POST":
        abort(400)
    return render_template("interactions/delete.html", entry=interaction, form=form)

