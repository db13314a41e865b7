from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from crm.agreements.decisions import (
    DECIDABLE,
    can_be_decided,
    can_be_renewed,
    decide,
    drafted_renewal,
    link_renewal,
    offers_renewal,
    renewal_draft,
    settle_renewal,
)
from crm.agreements.documents import RefusedUpload, remove_document, send_document, store_document
from crm.core.dates import office_today
from crm.core.confirming import ask_first
from crm.core.uploads import document_or_404
from crm.agreements.forms import (
    AgreementEditForm,
    AmendForm,
    AgreementForm,
    DecisionForm,
    DocumentForm,
    ListFilterForm,
)
from crm.agreements.models import Agreement, Document
from crm.agreements.charts import renewals_chart
from crm.agreements.queries import (
    AgreementFilter,
    agreement_for_page,
    agreement_list,
    framework_choices,
    outlasts,
    renewal_chain,
    renewal_groups,
)
from crm.audit.queries import record_history
from crm.core.archiving import archive_page, get_live_or_404, refuse_archived_unless_admin, restore_archived
from crm.core.export import add_export_routes, list_page, table_response, valid_filters_or_list
from crm.auth.permissions import admin_required, editor_required
from crm.core.forms import ConfirmForm, RecordActionForm, apply_form
from crm.core.i18n import country_name
from crm.extensions import db
from crm.followups.queries import open_about
from crm.interactions.queries import interactions_about_agreement
from crm.partners.models import Partner
from crm.core.navigation import nav_item
from crm.partners.picker import picker_context
from crm.outcomes.views import section_context as outcome_section_context

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
archive_page(Agreement, lambda agreement: url_for("agreements.index", archived=1, q=agreement.title[:200]))
nav_item("cooperation", "agreements.index", _l("Agreements"), order=10)
nav_item("cooperation", "agreements.renewals", _l("Renewals"), order=20, active=("agreements.renewals",))
# The decision buttons (templates/agreements/_decisions.html) ask the rules, not the columns.
bp.add_app_template_global(offers_renewal)
bp.add_app_template_global(drafted_renewal)
bp.add_app_template_global(can_be_decided)


# --- The list and its exports ------------------------------------------------------------


def _filter_from(form: ListFilterForm) -> AgreementFilter:
    return AgreementFilter(
        term=(form.q.data or "").strip(),
        kind=form.kind.data or "",
        status=form.status.data or "",
        country=form.country.data or "",
        partner_id=form.partner.data,
        owner_id=form.owner.data,
        act_within=form.act_within.data,
        has_document=form.has_document.data or "",
        renewal=form.renewal.data or "",
        sort=form.sort.data or "valid_until",
        archived=bool(form.archived.data),
    )


@bp.get("")
def index():
    form = ListFilterForm(request.args)
    refuse_archived_unless_admin(form.archived.data)
    return list_page(form, "agreements", "agreement-results", lambda form: agreement_list(_filter_from(form)))


def _export(fmt: str):
    form = ListFilterForm(request.args)
    refuse_archived_unless_admin(form.archived.data)
    valid_filters_or_list(form, index)  # as every list's export (crm.core.export.list_export)
    today = office_today()
    agreements = db.session.scalars(agreement_list(_filter_from(form), today)).all()
    preamble = [[_("Agreements"), today], *_filter_description(form)]
    header = [
        _("Title"), _("Kind"), _("Status"), _("Partners"), _("Countries"), _("Signed on"), _("Valid from"),
        _("Valid until"), _("Decide by"), _("Notice period (days)"), _("Owner"), _("Subjects / majors"),
        _("Yearly quotas"), _("Notes"),
    ]
    rows = [
        [
            a.title, a.kind.label, a.status_on(today).label, "; ".join(p.name for p in a.partners),
            "; ".join(sorted({country_name(p.country) for p in a.partners})), a.signed_on, a.valid_from,
            a.valid_until, a.act_by, a.notice_days, a.owner.name if a.owner else None, a.subjects,
            a.yearly_quotas, a.notes,
        ]
        for a in agreements
    ]
    return table_response(fmt, f"agreements-{today.isoformat()}", preamble, header, rows, sheet_title=_("Agreements"))


add_export_routes(bp, _export)


def _filter_description(form: ListFilterForm) -> list[list]:
    """One row per filter in use: its label and the value as the user chose it."""
    lines = []
    for name in ("q", "kind", "status", "country", "partner", "owner", "act_within", "has_document", "renewal"):
        field = form[name]
        if field.data in (None, ""):
            continue
        shown = form.partner_name if name == "partner" else field.data
        if hasattr(field, "choices") and field.choices:
            shown = dict((str(value), label) for value, label in field.choices).get(str(field.data), field.data)
        lines.append([_("Filter"), str(field.label.text), str(shown)])
    if form.archived.data:
        lines.append([_("Filter"), str(form.archived.label.text), _("yes")])
    if not lines:
        lines.append([_("Filter"), _("none: every agreement that is not archived")])
    return lines


# --- Renewals ---------------------------------------------------------------------------------


@bp.get("/renewals")
def renewals():
    today = office_today()
    groups = renewal_groups(today)
    # The chart's overdue column is the overdue group: counted once (it is most of the rows).
    overdue = next(group.total for group in groups if group.key == "overdue")
    return render_template("agreements/renewals.html", groups=groups, renewals_chart=renewals_chart(today, overdue))


# --- One agreement ------------------------------------------------------------------------------


@bp.get("/<int:agreement_id>")
def show(agreement_id: int):
    agreement = agreement_for_page(agreement_id)
    if agreement is None or agreement.is_archived:
        abort(404)
    children = [child for child in agreement.children if not child.is_archived]
    parent = agreement.parent if agreement.parent and not agreement.parent.is_archived else None
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        chain=renewal_chain(agreement),
        children=children,
        outlasting={child.id for child in children if outlasts(child, agreement)},
        parent=parent,
        outlasts_parent=parent is not None and outlasts(agreement, parent),
        follow_ups=open_about(agreement_id=agreement.id),
        interactions=interactions_about_agreement(agreement.id),
        document_form=DocumentForm(),
        history=record_history(agreement),
        **outcome_section_context(agreement),
    )


def _renewed_agreement() -> Agreement | None:
    """The agreement named by `?renews=`; 404 if it is not a visible agreement id."""
    raw = request.args.get("renews")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        abort(404)
    return get_live_or_404(Agreement, int(raw))


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    old = _renewed_agreement()
    if old is not None and not can_be_renewed(old):
        abort(409, _("This agreement has already been renewed or terminated."))
    if request.method == "GET":
        data = renewal_draft(old) if old else {}
        partner = request.args.get("partner", "")
        if old is None and partner.isascii() and partner.isdigit() and len(partner) < 10:
            data["partners"] = [int(partner)]
        form = AgreementForm(data=data)
    else:
        form = AgreementForm()
    if form.find_partners.data:
        return _form_page(form, None, old)
    if form.validate_on_submit():
        agreement = Agreement()
        apply_form(form, agreement, AgreementForm.FIELDS)
        agreement.partners = _partners(form.partners.data)
        if old is not None:
            link_renewal(old, agreement, current_user.id)
        db.session.add(agreement)
        db.session.commit()
        flash(_("Agreement %(title)s was saved.", title=agreement.title), "success")
        return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)
    return _form_page(form, None, old)


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(agreement_id: int):
    agreement = get_live_or_404(Agreement, agreement_id)
    if request.method == "GET":
        form = AgreementEditForm(obj=agreement, agreement=agreement)
    else:
        form = AgreementEditForm(agreement=agreement)
    if form.find_partners.data:
        return _form_page(form, agreement, None)
    if form.validate_on_submit():
        form.ensure_current(agreement)
        apply_form(form, agreement, AgreementForm.FIELDS)
        agreement.partners = _partners(form.partners.data)
        settle_renewal(agreement, current_user.id)
        db.session.commit()
        flash(_("Agreement %(title)s was saved.", title=agreement.title), "success")
        return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)
    return _form_page(form, agreement, None)


def _form_page(form: AgreementForm, agreement: Agreement | None, renews: Agreement | None):
    """The agreement form, with the partner picker's first matches (the search term, if any)."""
    return render_template(
        "agreements/form.html", form=form, agreement=agreement, renews=renews, **picker_context(form)
    ), 422 if form.errors else 200


def _partners(ids: list[int]) -> list[Partner]:
    return db.session.scalars(select(Partner).where(Partner.id.in_(ids), Partner.archived_at.is_(None))).all()


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.args.getlist(name) if v.isascii() and v.isdigit() and len(v) < 10]


@bp.get("/framework-options")
def framework_options():
    """The framework agreement <option>s for the partners chosen so far (the form asks as they change)."""
    keep = (_ids("parent_id") or [None])[0]
    choices = framework_choices(_ids("partners")[:100], keep=keep, exclude=(_ids("agreement") or [None])[0])
    return render_template("agreements/_framework_options.html", choices=choices, selected=keep)


@bp.route("/<int:agreement_id>/lapse", methods=["GET", "POST"])
@editor_required
def lapse(agreement_id: int):
    return _decision(agreement_id, "lapse")


@bp.route("/<int:agreement_id>/terminate", methods=["GET", "POST"])
@editor_required
def terminate(agreement_id: int):
    return _decision(agreement_id, "terminate")


@bp.route("/<int:agreement_id>/amend", methods=["GET", "POST"])
@editor_required
def amend(agreement_id: int):
    return _decision(agreement_id, "amend")


def _decision(agreement_id: int, kind: str):
    agreement = get_live_or_404(Agreement, agreement_id)
    if not can_be_decided(agreement):
        abort(409, _("A decision has already been recorded for this agreement."))
    data = {"version": agreement.version, "valid_until": agreement.valid_until} if request.method == "GET" else None
    form = AmendForm(data=data, agreement=agreement) if kind == "amend" else DecisionForm(data=data)
    if form.validate_on_submit():
        form.ensure_current(agreement)
        decide(agreement, DECIDABLE[kind], form.reason.data.strip(), current_user.id)
        if kind == "amend":
            agreement.valid_until = form.valid_until.data
        db.session.commit()
        flash(_("The decision on %(title)s was recorded.", title=agreement.title), "success")
        return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)
    status = 422 if form.errors else 200
    return render_template("agreements/decision.html", form=form, agreement=agreement, kind=kind), status


@bp.route("/<int:agreement_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(agreement_id: int):
    agreement = get_live_or_404(Agreement, agreement_id)
    form = RecordActionForm(obj=agreement)
    if form.validate_on_submit():
        form.ensure_current(agreement)
        agreement.archive()
        settle_renewal(agreement, current_user.id)
        db.session.commit()
        flash(_("Agreement %(title)s was archived.", title=agreement.title), "success")
        return redirect(url_for("agreements.index"), 303)
    status = 422 if form.errors else 200
    return render_template("agreements/archive.html", agreement=agreement, form=form), status


@bp.post("/<int:agreement_id>/restore")
@admin_required
def restore(agreement_id: int):
    agreement = restore_archived(Agreement, agreement_id)
    settle_renewal(agreement, current_user.id)
    db.session.commit()
    flash(_("Agreement %(title)s was restored.", title=agreement.title), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)


# --- Documents -----------------------------------------------------------------------------------


@bp.post("/<int:agreement_id>/documents")
@editor_required
def upload(agreement_id: int):
    agreement = get_live_or_404(Agreement, agreement_id)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            document = store_document(agreement, form.file.data, current_user.id)
        except RefusedUpload as refusal:
            form.file.errors.append(str(refusal))
        else:
            flash(_("%(name)s was uploaded.", name=document.original_name), "success")
            return redirect(url_for("agreements.show", agreement_id=agreement.id, _anchor="documents"), 303)
    return render_template("agreements/upload.html", form=form, agreement=agreement), 422


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    return send_document(document_or_404(Document, document_id, "agreement"))


@bp.route("/documents/<int:document_id>/remove", methods=["GET", "POST"])
@editor_required
def remove(document_id: int):
    document = document_or_404(Document, document_id, "agreement")
    form = ConfirmForm()
    if form.validate_on_submit():
        agreement_id = document.agreement_id
        name = document.original_name
        back = url_for("agreements.show", agreement_id=agreement_id, _anchor="documents")
        if (asked := ask_first(form, _("Remove %(name)s? The file is deleted.", name=name), back=back,
                                      record=document.agreement)) is not None:
            return asked
        remove_document(document)
        flash(_("%(name)s was removed.", name=name), "success")
        return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor="documents"), 303)
    return render_template("agreements/remove_document.html", form=form, document=document)
