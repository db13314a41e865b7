from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.audit.queries import record_history
from crm.auth.permissions import admin_required, editor_required
from crm.core.archiving import archive_confirmed, archive_page, refuse_archived_unless_admin, restore_archived
from crm.core.dates import office_today
from crm.core.confirming import ask_first
from crm.core.export import add_export_routes, list_export, list_page
from crm.core.forms import ConfirmForm, RecordActionForm, apply_form, render_form_page
from crm.core.i18n import country_name
from crm.core.navigation import nav_item
from crm.core.templating import local_date
from crm.core.uploads import RefusedUpload, remove_document, send_document, store_document
from crm.experts import deadlines  # noqa: F401  (registers the permits' deadline source)
from crm.experts.changes import decide_permit, erase_expert, renew_permit
from crm.experts.forms import (
    ExpertDocumentForm,
    ExpertEditForm,
    ExpertFilterForm,
    ExpertForm,
    PermitEditForm,
    PermitEndForm,
    PermitForm,
    PermitRenewForm,
    StayEditForm,
    StayForm,
)
from crm.experts.models import Expert, ExpertDocument, Permit, PermitDecision, Stay
from crm.experts.queries import (
    ExpertFilter,
    expert_for_page,
    expert_list,
    experts_for_export,
    permit_act_by,
    permit_filing_closes,
)
from crm.extensions import db

bp = Blueprint("experts", __name__, url_prefix="/experts")
archive_page(Expert, lambda expert: url_for("experts.index", archived=1, q=expert.name))
nav_item("contact", "experts.index", _l("Foreign experts"), order=40)

RESULTS_ID = "expert-results"


def _live_expert(expert_id: int) -> Expert:
    expert = db.get_or_404(Expert, expert_id)
    if expert.is_archived or expert.erased:
        abort(404)
    return expert


def _crumbs(expert: Expert | None = None):
    crumbs = [(url_for("experts.index"), _("Foreign experts"))]
    if expert is not None:
        crumbs.append((url_for("experts.show", expert_id=expert.id), expert.display_name))
    return crumbs


# --- The list and its exports --------------------------------------------------------------


def _filter(form: ExpertFilterForm) -> ExpertFilter:
    refuse_archived_unless_admin(form.archived.data)
    return ExpertFilter(term=(form.q.data or "").strip(), nationality=form.nationality.data or "",
                        term_kind=form.term.data or "", archived=bool(form.archived.data))


@bp.get("")
def index():
    return list_page(ExpertFilterForm(request.args), "experts", RESULTS_ID, lambda form: expert_list(_filter(form)))


def _export(fmt: str):
    columns = [_("Name (Latin script)"), _("Chinese name"), _("Nationality"), _("Sending partner"), _("Subject"), _("Owner"),
               _("Arrives on"), _("Leaves on"), _("Short- or long-term"), _("Host school or faculty"), _("Work permit expires"),
               _("Residence permit expires")]
    return list_export(ExpertFilterForm(request.args), fmt, _("Foreign experts"), "foreign-experts", columns,
                       lambda form: [_export_row(expert) for expert in experts_for_export(_filter(form))], index)


def _export_row(expert: Expert) -> list:
    stay = expert.stays[0] if expert.stays else None
    open_permits = {p.kind.value: p.expires_on for p in expert.permits if p.is_open}
    return [
        expert.name, expert.local_name, country_name(expert.nationality), expert.partner.name if expert.partner else None,
        expert.subject, expert.owner.name if expert.owner else None,
        # the latest stay's dates as dates (real Excel dates), not "2023-10-16 – 2023-10-29" text
        stay.starts_on if stay else None, stay.ends_on if stay else None,
        stay.term.label if stay else None, stay.host_faculty if stay else None,
        open_permits.get("work"), open_permits.get("residence"),
    ]


add_export_routes(bp, _export)


# --- One expert --------------------------------------------------------------------------------


@bp.get("/<int:expert_id>")
def show(expert_id: int):
    expert = expert_for_page(expert_id)
    if expert is None or expert.is_archived or expert.erased:
        abort(404)
    return render_template(
        "experts/show.html", expert=expert, today=office_today(), act_by=permit_act_by, filing_closes=permit_filing_closes,
        document_form=ExpertDocumentForm(), history=record_history(expert),
        passports_stored=current_app.config.get("STORE_PASSPORT_NUMBERS"),
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    form = ExpertForm()
    if form.validate_on_submit() and not form.find_partners.data:
        expert = Expert()
        apply_form(form, expert, form.fields_to_apply)
        db.session.add(expert)
        db.session.commit()
        flash(_("%(name)s was saved.", name=expert.name), "success")
        return redirect(url_for("experts.show", expert_id=expert.id), 303)
    return render_form_page(form, _("New foreign expert"), url_for("experts.new"), url_for("experts.index"), _crumbs())


@bp.route("/<int:expert_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(expert_id: int):
    expert = _live_expert(expert_id)
    form = ExpertEditForm(obj=expert) if request.method == "GET" else ExpertEditForm()
    if form.validate_on_submit() and not form.find_partners.data:
        form.ensure_current(expert)
        apply_form(form, expert, form.fields_to_apply)
        db.session.commit()
        flash(_("%(name)s was saved.", name=expert.name), "success")
        return redirect(url_for("experts.show", expert_id=expert.id), 303)
    return render_form_page(form, _("Edit %(name)s", name=expert.name), url_for("experts.edit", expert_id=expert.id),
                            url_for("experts.show", expert_id=expert.id), _crumbs(expert))


@bp.route("/<int:expert_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(expert_id: int):
    expert = _live_expert(expert_id)
    form = RecordActionForm(obj=expert)
    archived = archive_confirmed(expert, form, _("%(name)s was archived.", name=expert.name), url_for("experts.index"))
    if archived:
        return archived
    return render_template("experts/confirm.html", expert=expert, form=form, kind="archive"), 422 if form.errors else 200


@bp.post("/<int:expert_id>/restore")
@admin_required
def restore(expert_id: int):
    expert = restore_archived(Expert, expert_id)
    db.session.commit()
    flash(_("%(name)s was restored.", name=expert.display_name), "success")
    return redirect(url_for("experts.show", expert_id=expert.id), 303)


@bp.route("/<int:expert_id>/erase", methods=["GET", "POST"])
@editor_required
def erase(expert_id: int):
    expert = _live_expert(expert_id)
    form = RecordActionForm(obj=expert)
    if form.validate_on_submit():
        form.ensure_current(expert)
        files = erase_expert(expert)
        db.session.commit()
        for path in files:
            path.unlink(missing_ok=True)
        flash(_("The expert's personal data was erased."), "success")
        return redirect(url_for("experts.index"), 303)
    return render_template("experts/confirm.html", expert=expert, form=form, kind="erase"), 422 if form.errors else 200


# --- Stays -------------------------------------------------------------------------------------


@bp.route("/<int:expert_id>/stays/new", methods=["GET", "POST"])
@editor_required
def new_stay(expert_id: int):
    expert = _live_expert(expert_id)
    form = StayForm()
    if form.validate_on_submit():
        stay = Stay(expert=expert)
        db.session.add(stay)
        apply_form(form, stay, StayForm.FIELDS)
        db.session.commit()
        flash(_("The stay was saved."), "success")
        return redirect(url_for("experts.show", expert_id=expert.id, _anchor="stays"), 303)
    return render_form_page(form, _("New stay of %(name)s", name=expert.name), url_for("experts.new_stay", expert_id=expert.id),
                            url_for("experts.show", expert_id=expert.id), _crumbs(expert))


@bp.route("/stays/<int:stay_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_stay(stay_id: int):
    stay = db.get_or_404(Stay, stay_id)
    expert = _live_expert(stay.expert_id)
    form = StayEditForm(obj=stay) if request.method == "GET" else StayEditForm()
    if form.validate_on_submit():
        form.ensure_current(stay)
        apply_form(form, stay, StayForm.FIELDS)
        db.session.commit()
        flash(_("The stay was saved."), "success")
        return redirect(url_for("experts.show", expert_id=expert.id, _anchor="stays"), 303)
    return render_form_page(form, _("Stay of %(name)s", name=expert.name), url_for("experts.edit_stay", stay_id=stay.id),
                            url_for("experts.show", expert_id=expert.id), _crumbs(expert))


# --- Permits: recorded, then renewed (with the new permit) or ended --------------------------


@bp.route("/<int:expert_id>/permits/new", methods=["GET", "POST"])
@editor_required
def new_permit(expert_id: int):
    expert = _live_expert(expert_id)
    form = PermitForm()
    if form.validate_on_submit():
        db.session.add(Permit(expert=expert, kind=form.kind.data, number=form.number.data or None,
                              category=form.category_value, issued_on=form.issued_on.data, expires_on=form.expires_on.data))
        db.session.commit()
        flash(_("The permit was saved."), "success")
        return redirect(url_for("experts.show", expert_id=expert.id, _anchor="permits"), 303)
    return render_form_page(form, _("New permit of %(name)s", name=expert.name), url_for("experts.new_permit", expert_id=expert.id),
                            url_for("experts.show", expert_id=expert.id), _crumbs(expert))


def _open_permit(permit_id: int) -> Permit:
    permit = db.get_or_404(Permit, permit_id)
    _live_expert(permit.expert_id)
    if not permit.is_open:
        abort(409, _("A decision has already been recorded for this permit."))
    return permit


@bp.route("/permits/<int:permit_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_permit(permit_id: int):
    permit = _open_permit(permit_id)
    if request.method == "GET":
        form = PermitEditForm(obj=permit, data={"category": permit.category.value if permit.category else ""})
        form.category.data = permit.category.value if permit.category else ""
    else:
        form = PermitEditForm()
    if form.validate_on_submit():
        form.ensure_current(permit)
        permit.number, permit.category = form.number.data or None, form.category_value
        permit.issued_on, permit.expires_on = form.issued_on.data, form.expires_on.data
        db.session.commit()
        flash(_("The permit was saved."), "success")
        return redirect(url_for("experts.show", expert_id=permit.expert_id, _anchor="permits"), 303)
    return render_form_page(form, _("%(permit)s of %(name)s", permit=permit.kind.label, name=permit.expert.name),
                            url_for("experts.edit_permit", permit_id=permit.id),
                            url_for("experts.show", expert_id=permit.expert_id), _crumbs(permit.expert))


@bp.route("/permits/<int:permit_id>/renew", methods=["GET", "POST"])
@editor_required
def renew_permit_view(permit_id: int):
    permit = _open_permit(permit_id)
    data = {"version": permit.version, "category": permit.category.value if permit.category else ""}
    form = PermitRenewForm(data=data, current=permit) if request.method == "GET" else PermitRenewForm(current=permit)
    if form.validate_on_submit():
        form.ensure_current(permit)
        new_permit = Permit(number=form.number.data or None, category=form.category_value,
                            issued_on=form.issued_on.data, expires_on=form.expires_on.data)
        renew_permit(permit, new_permit, form.decision_note.data, current_user.id)
        db.session.add(new_permit)
        db.session.commit()
        flash(_("The renewal was recorded."), "success")
        return redirect(_back_to(url_for("experts.show", expert_id=permit.expert_id, _anchor="permits")), 303)
    heading = _("Renew the %(permit)s of %(name)s", permit=permit.kind.label.lower(), name=permit.expert.name)
    intro = _("The current permit expires on %(date)s. Enter the new permit; the current one is then marked renewed.",
              date=local_date(permit.expires_on))
    return render_form_page(form, heading, url_for("experts.renew_permit_view", permit_id=permit.id, next=request.args.get("next")),
                            url_for("experts.show", expert_id=permit.expert_id), _crumbs(permit.expert), intro=intro)


@bp.route("/permits/<int:permit_id>/end", methods=["GET", "POST"])
@editor_required
def end_permit(permit_id: int):
    permit = _open_permit(permit_id)
    form = PermitEndForm(data={"version": permit.version}) if request.method == "GET" else PermitEndForm()
    if form.validate_on_submit():
        form.ensure_current(permit)
        decide_permit(permit, PermitDecision.ENDED, form.decision_note.data.strip(), current_user.id)
        db.session.commit()
        flash(_("The decision was recorded."), "success")
        return redirect(_back_to(url_for("experts.show", expert_id=permit.expert_id, _anchor="permits")), 303)
    heading = _("End the %(permit)s of %(name)s", permit=permit.kind.label.lower(), name=permit.expert.name)
    intro = _("Not renewed: nobody is reminded of it again.")
    return render_form_page(form, heading, url_for("experts.end_permit", permit_id=permit.id, next=request.args.get("next")),
                            url_for("experts.show", expert_id=permit.expert_id), _crumbs(permit.expert), intro=intro)


def _back_to(default: str) -> str:
    """After a decision taken from the renewals page, back there; otherwise `default`."""
    return url_for("renewals.index") if request.args.get("next") == "renewals" else default


# --- Documents ---------------------------------------------------------------------------------


def _visible_document(document_id: int) -> ExpertDocument:
    document = db.get_or_404(ExpertDocument, document_id)
    _live_expert(document.expert_id)
    return document


@bp.post("/<int:expert_id>/documents")
@editor_required
def upload(expert_id: int):
    expert = _live_expert(expert_id)
    form = ExpertDocumentForm()
    if form.validate_on_submit():
        try:
            document = store_document(
                form.file.data, lambda **stored: ExpertDocument(expert=expert, uploaded_by_id=current_user.id, **stored))
        except RefusedUpload as refusal:
            form.file.errors.append(str(refusal))
        else:
            flash(_("%(name)s was uploaded.", name=document.original_name), "success")
            return redirect(url_for("experts.show", expert_id=expert.id, _anchor="documents"), 303)
    return render_form_page(form, _("Upload a document"), url_for("experts.upload", expert_id=expert.id),
                            url_for("experts.show", expert_id=expert.id), _crumbs(expert), multipart=True)[0], 422


@bp.get("/documents/<int:expert_document_id>")
def download(expert_document_id: int):
    document = _visible_document(expert_document_id)
    return send_document(document)


@bp.post("/documents/<int:expert_document_id>/remove")
@editor_required
def remove(expert_document_id: int):
    document = _visible_document(expert_document_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    question = _("Remove %(name)s? The file is deleted.", name=document.original_name)
    if (asked := ask_first(form, question, back=url_for("experts.show", expert_id=document.expert_id, _anchor="documents"),
                          record=document.expert)) is not None:
        return asked
    expert_id, name = document.expert_id, document.original_name
    remove_document(document)
    flash(_("%(name)s was removed.", name=name), "success")
    return redirect(url_for("experts.show", expert_id=expert_id, _anchor="documents"), 303)
