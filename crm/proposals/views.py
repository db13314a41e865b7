from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.agreements.models import Agreement, AgreementKind
from crm.audit.queries import record_history
from crm.auth.permissions import admin_required, editor_required
from crm.core.archiving import archive_confirmed, archive_page, refuse_archived_unless_admin, restore_archived
from crm.core.dates import office_today
from crm.core.errors import StaleEdit
from crm.core.forms import RecordActionForm, apply_form
from crm.core.i18n import country_choices_among
from crm.extensions import db, htmx
from crm.partners.duplicates import similar_partners
from crm.partners.models import Partner, PartnerKind
from crm.partners.picker import picker_context
from crm.followups.queries import open_about
from crm.interactions.queries import interactions_about_proposal
from crm.proposals import pipeline
from crm.proposals.forms import (
    NEW,
    PROPOSAL_FIELDS,
    BoardFilterForm,
    ConvertForm,
    MoveForm,
    ProposalCreateForm,
    ProposalEditForm,
)
from crm.proposals.models import Proposal, ProposalStage
from crm.proposals.queries import (
    Filters,
    board,
    owner_choices,
    proposal_countries,
    proposal_for_page,
    proposal_list_page,
)
from crm.core.navigation import nav_item

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
archive_page(Proposal, lambda proposal: url_for("proposals.index", view="list", archived=1))  # no search there
nav_item("cooperation", "proposals.index", _l("Proposals"), order=30)

VIEW_ID = "proposals-view"  # the element that holds the board or the list
FILTER_ARGS = ("view", "stage", "kind", "country", "owner", "stale", "action", "archived", "sort")


@bp.record_once
def _configure(state):
    state.app.config.setdefault("PROPOSAL_STALE_DAYS", pipeline.DEFAULT_STALE_DAYS)
    # Stage order, staleness and days in stage for every template that shows proposals.
    state.app.jinja_env.globals["proposal_pipeline"] = pipeline


def _filter_form() -> BoardFilterForm:
    """The filters from the query string; a value that is not a choice is ignored."""
    form = BoardFilterForm(request.args)
    form.stage.choices = [("", _("Any stage"))] + ProposalStage.choices()
    form.kind.choices = [("", _("Any kind"))] + AgreementKind.choices()
    form.country.choices = [("", _("Any country"))] + country_choices_among(proposal_countries())
    form.owner.choices = [("", _("Anyone"))] + [(str(user_id), name) for user_id, name in owner_choices()]
    form.validate()
    for field in form:
        if field.errors:
            field.data = field.default
            field.errors = []
    return form


def _filters(form: BoardFilterForm) -> Filters:
    return Filters(
        stage=ProposalStage(form.stage.data) if form.stage.data else None,
        kind=form.kind.data or None,
        country=form.country.data or None,
        owner_id=int(form.owner.data) if form.owner.data else None,
        stale=bool(form.stale.data),
        needs_action=bool(form.action.data),
        archived=bool(form.archived.data),
        sort=form.sort.data or "next_step",
    )


def _board_args() -> dict[str, str]:
    """The board's own query arguments, carried through a move and back."""
    return {key: value for key, value in request.args.items() if key in FILTER_ARGS and value}


def _render_view(status: int = 200, message: str | None = None, message_kind: str = "info"):
    """The board or the list: the fragment when htmx asked for it, the page otherwise."""
    form = _filter_form()
    filters = _filters(form)
    if filters.archived:
        refuse_archived_unless_admin(True)
        form.view.data = "list"  # the archived proposals show in the list
    context = {
        "form": form,
        "board_args": _board_args(),
        "message": message,
        "message_kind": message_kind,
        "stale_days": pipeline.stale_days(),
        "kind_labels": {kind: str(kind.label) for kind in AgreementKind},
    }
    if form.view.data == "list":
        context["page"] = proposal_list_page(filters)
    else:
        context["board"] = board(filters)
    template = "proposals/_view.html" if htmx.target == VIEW_ID else "proposals/index.html"
    return render_template(template, **context), status


@bp.get("")
def index():
    return _render_view()


def _load(proposal_id: int) -> Proposal:
    proposal = proposal_for_page(proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def _show_context(proposal: Proposal) -> dict:
    return {
        "proposal": proposal,
        "follow_ups": open_about(proposal_id=proposal.id),
        "interactions": interactions_about_proposal(proposal.id),
        "history": record_history(proposal),
        "stale_days": pipeline.stale_days(),
    }


@bp.get("/<int:proposal_id>")
def show(proposal_id: int):
    return render_template("proposals/show.html", **_show_context(_load(proposal_id)))


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    if request.method == "GET":
        data = {"owner_id": current_user.id}
        partner_arg = request.args.get("partner", "")
        if partner_arg.isascii() and partner_arg.isdigit() and len(partner_arg) < 10:
            data["partner_id"] = int(partner_arg)  # the form offers it only if it can be chosen
        form = ProposalCreateForm(data=data)
        if form.partner_id.data not in dict(form.partner_id.choices):
            form.partner_id.data = None
    else:
        form = ProposalCreateForm()
    if form.find_partners.data:
        return _picker_page("proposals/new.html", form)
    duplicates: list[Partner] = []
    if form.validate_on_submit():
        if form.institution.data == NEW and not form.create_anyway.data:
            # The same check and choice as the partner form (crm/partners/duplicates.py).
            duplicates = similar_partners(form.new_name.data, country=form.new_country.data)
            if duplicates:
                return _picker_page("proposals/new.html", form, duplicates=duplicates)
        proposal = Proposal(stage=form.stage.data)
        apply_form(form, proposal, PROPOSAL_FIELDS)
        if form.institution.data == NEW:
            proposal.partner = pipeline.prospective_partner(
                form.new_name.data, form.new_country.data, PartnerKind(form.new_kind.data), current_user
            )
        else:
            proposal.partner = db.session.get(Partner, form.partner_id.data)
        db.session.add(proposal)
        pipeline.start(proposal, current_user)
        db.session.commit()
        flash(_("Proposal “%(title)s” was created.", title=proposal.title), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    return _picker_page("proposals/new.html", form)


def _picker_page(template: str, form, **context):
    """A form with the partner picker: the chosen partner(s) and the first
    partners matching the search term (never every partner); 422 when the form has errors."""
    page = render_template(template, form=form, **picker_context(form), **context)
    return page, 422 if form.errors else 200


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(proposal_id: int):
    proposal = _load(proposal_id)
    form = ProposalEditForm(obj=proposal)
    if form.validate_on_submit():
        form.ensure_current(proposal)
        apply_form(form, proposal, PROPOSAL_FIELDS)
        db.session.commit()
        flash(_("Proposal “%(title)s” was saved.", title=proposal.title), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    status = 422 if form.errors else 200
    return render_template("proposals/edit.html", form=form, proposal=proposal), status


@bp.route("/<int:proposal_id>/move", methods=["GET", "POST"])
@editor_required
def move(proposal_id: int):
    """Move a proposal to another stage: from a card's buttons or menu, a drop, or this page."""
    proposal = _load(proposal_id)
    back_to_page = request.args.get("back") == "show"
    form = MoveForm(proposal=proposal)
    if request.method == "GET":
        form.version.data = proposal.version
        if request.args.get("stage") in {stage.value for stage in ProposalStage}:
            form.stage.data = ProposalStage(request.args["stage"])
        return render_template("proposals/move.html", form=form, proposal=proposal, board_args=_board_args())
    if not form.validate_on_submit():
        if form.version.errors:
            abort(400)
        if htmx.target == VIEW_ID:
            # The board's buttons and drops only ask for stages that need nothing more; a move
            # that needs a reason goes through the move page, which shows the form again.
            errors = " ".join(str(error) for field in (form.stage, form.reason) for error in field.errors)
            message = _("“%(title)s” was not moved: %(errors)s", title=proposal.title, errors=errors)
            return _render_view(422, message=message, message_kind="danger")
        return render_template("proposals/move.html", form=form, proposal=proposal, board_args=_board_args()), 422
    try:
        form.ensure_current(proposal)
    except StaleEdit:
        db.session.rollback()
        message = _("Someone moved “%(title)s” meanwhile. This is where the proposals stand now; nothing was moved.", title=proposal.title)
        if back_to_page:
            db.session.expire_all()
            return render_template("proposals/show.html", message=message, **_show_context(_load(proposal_id))), 409
        return _render_view(409, message=message, message_kind="warning")
    if form.stage.data == proposal.stage:
        message = _("“%(title)s” is already in %(stage)s.", title=proposal.title, stage=proposal.stage.label)
    else:
        pipeline.move(proposal, form.stage.data, current_user, form.reason.data)
        db.session.commit()
        message = _("“%(title)s” moved to %(stage)s.", title=proposal.title, stage=proposal.stage.label)
    if htmx.target == VIEW_ID:
        return _render_view(message=message, message_kind="success")
    flash(message, "success")
    if back_to_page:
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    return redirect(url_for("proposals.index", **_board_args()), 303)


@bp.route("/<int:proposal_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(proposal_id: int):
    proposal = _load(proposal_id)
    form = RecordActionForm(obj=proposal)
    archived = archive_confirmed(proposal, form, _("Proposal “%(title)s” was archived.", title=proposal.title), url_for("proposals.index"))
    if archived:
        return archived
    status = 422 if form.errors else 200
    return render_template("proposals/archive.html", proposal=proposal, form=form), status


@bp.post("/<int:proposal_id>/restore")
@admin_required
def restore(proposal_id: int):
    proposal = restore_archived(Proposal, proposal_id)
    db.session.commit()
    flash(_("Proposal “%(title)s” was restored.", title=proposal.title), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)


@bp.route("/<int:proposal_id>/convert", methods=["GET", "POST"])
@editor_required
def convert(proposal_id: int):
    """An approved proposal becomes an agreement: prefilled from the proposal, then signed."""
    proposal = _load(proposal_id)
    if proposal.agreement_id is not None:
        flash(_("This proposal already became an agreement."), "info")
        return redirect(url_for("agreements.show", agreement_id=proposal.agreement_id), 303)
    if proposal.stage != ProposalStage.APPROVED:
        abort(409, description=_("Only an approved proposal can become an agreement. Move it to Approved first."))
    if request.method == "GET":
        form = ConvertForm(data={
            "title": proposal.title, "kind": proposal.kind, "partners": [proposal.partner_id],
            "valid_from": proposal.expected_start, "version": proposal.version, "signed_on": office_today(),
        })
    else:
        form = ConvertForm()
    if form.find_partners.data:
        return _picker_page("proposals/convert.html", form, proposal=proposal)
    if form.validate_on_submit():
        form.ensure_current(proposal)
        agreement = Agreement(
            title=form.title.data,
            kind=form.kind.data,
            signed_on=form.signed_on.data,
            valid_from=form.valid_from.data,
            valid_until=form.valid_until.data,
            notice_days=form.notice_days.data,
            auto_renew=form.auto_renew.data,
            owner_id=proposal.owner_id,
            notes=proposal.description,
            partners=[db.session.get(Partner, partner_id) for partner_id in form.partners.data],
        )
        pipeline.convert(proposal, agreement, current_user)
        db.session.commit()
        flash(_("Agreement “%(title)s” was created from the proposal, which is now signed.", title=agreement.title), "success")
        return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)
    return _picker_page("proposals/convert.html", form, proposal=proposal)
