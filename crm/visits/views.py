"""Foreign visitors (外宾来访): the list, one visit with its members, reception plan, gifts and
record, its documents, the reception plan on A4, and the visit in each partner's history."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.audit.recorder import note_after_the_fact
from crm.core.dates import after_the_fact, office_today
from crm.partners.picker import partners_named, picker_context
from crm.audit.queries import record_history
from crm.auth.permissions import editor_required
from crm.core.archiving import archive_confirmed
from crm.core.confirming import ask_first
from crm.core.children import add_child, remove_child, the_only_one
from crm.core.deadlines import deadline_source
from crm.core.forms import ConfirmForm, RecordActionForm, apply_form, validate_filters
from crm.core.navigation import nav_item
from crm.core.uploads import RefusedUpload, document_or_404, remove_document, send_document, store_document
from crm.core.models import utcnow
from crm.core.templating import local_date
from crm.extensions import db
from crm.interactions.models import InteractionKind
from crm.interactions.recording import record_interaction
from crm.partners.models import Partner
from crm.visits import queries
from crm.visits.forms import (
    RecordForm,
    ScheduleItemForm,
    VisitDocumentForm,
    VisitEditForm,
    VisitFilterForm,
    VisitForm,
    VisitorForm,
    VisitStatusForm,
)
from crm.visits.models import ScheduleItem, Visit, VisitDocument, VisitMember, VisitStatus

bp = Blueprint("visits", __name__, url_prefix="/visits")
nav_item("contact", "visits.index", _l("Foreign visits"), order=35)
deadline_source("visits")(queries.open_visit_deadlines)


def _visible_visit(visit_id: int) -> Visit:
    visit = queries.visit_for_page(visit_id)
    if visit is None or visit.is_archived:
        abort(404)
    return visit


def _section(visit: Visit, anchor: str) -> str:
    return url_for("visits.show", visit_id=visit.id, _anchor=anchor)


def _visit_of(child) -> Visit:
    return _visible_visit(child.visit_id)


@bp.get("")
def index():
    form = VisitFilterForm(request.args)
    valid = validate_filters(form)
    status = VisitStatus(form.status.data) if form.status.data else None
    visits = queries.visit_list(form.year.data, (form.q.data or "").strip(), status=status)
    return render_template("visits/index.html", form=form, visits=visits), 200 if valid else 422


@bp.get("/<int:visit_id>")
def show(visit_id: int):
    return _show(_visible_visit(visit_id))


def _show(visit: Visit, status: int = 200, **forms):
    today = office_today()
    context = {
        "visit": visit,
        "deadline": queries.record_deadline(visit),
        "may_mark_held": queries.may_mark_held(visit, today),
        "status_overdue": queries.status_overdue(visit, today),
        "status_form": forms.get("status_form") or VisitStatusForm(obj=visit),
        "visitor_form": forms.get("visitor_form") or VisitorForm(),
        "schedule_form": forms.get("schedule_form") or ScheduleItemForm(data={"day": visit.arrive_on}),
        "record_form": forms.get("record_form") or RecordForm(obj=visit, data={"recorded_on": visit.recorded_on or office_today()}),
        "document_form": forms.get("document_form") or VisitDocumentForm(),
        "history": record_history(visit),
        "store_passports": current_app.config["STORE_PASSPORT_NUMBERS"],
    }
    return render_template("visits/show.html", **context), status


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    form = VisitForm(data={"host_id": current_user.id, "requested_on": office_today()}) if request.method == "GET" else VisitForm()
    if form.find_partners.data:
        return _form_page(form, None)
    if form.validate_on_submit():
        visit = Visit()
        apply_form(form, visit, VisitForm.FIELDS)
        visit.partners = _partners(form.partners.data)
        db.session.add(visit)
        if after_the_fact(visit.leave_on, office_today()):
            # it took place (if not, its page offers "Back to planned"), as a past trip is saved made
            visit.status = VisitStatus.HELD
            note_after_the_fact(visit, db.session)
        db.session.commit()
        if visit.status == VisitStatus.HELD:
            flash(_("Visit %(title)s was saved as held, as its dates are past.", title=visit.title), "success")
        else:
            flash(_("Visit %(title)s was saved.", title=visit.title), "success")
        return redirect(url_for("visits.show", visit_id=visit.id), 303)
    return _form_page(form, None)


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(visit_id: int):
    visit = _visible_visit(visit_id)
    form = VisitEditForm(obj=visit) if request.method == "GET" else VisitEditForm()
    if form.find_partners.data:
        return _form_page(form, visit)
    if form.validate_on_submit():
        form.ensure_current(visit)
        if visit.status == VisitStatus.HELD and form.arrive_on.data > office_today():
            form.arrive_on.errors.append(_("A held visit cannot arrive after today: put it back to planned first."))
            return _form_page(form, visit)
        apply_form(form, visit, VisitForm.FIELDS)
        visit.partners = _partners(form.partners.data)
        db.session.commit()
        flash(_("Visit %(title)s was saved.", title=visit.title), "success")
        return redirect(url_for("visits.show", visit_id=visit.id), 303)
    return _form_page(form, visit)


def _form_page(form, visit):
    return render_template("visits/form.html", form=form, visit=visit, **picker_context(form)), (
        422 if form.errors else 200
    )


def _partners(ids: list[int]) -> list[Partner]:
    return [db.session.get(Partner, partner_id) for partner_id, _name in partners_named(ids)]


@bp.post("/<int:visit_id>/visitors")
@editor_required
def add_visitor(visit_id: int):
    visit = _visible_visit(visit_id)
    return add_child(visit, VisitorForm(), visit.members, _new_visitor, show=_show, form_name="visitor_form",
                     back=_section(visit, "visitors"))


def _new_visitor(visit: Visit, form: VisitorForm) -> VisitMember:
    if form.is_head.data:
        the_only_one(visit.members, "is_head")
    return VisitMember(
        name=form.name.data.strip(), position=(form.position.data or "").strip() or None,
        nationality=form.nationality.data or None, is_head=form.is_head.data,
        passport_number=(form.passport_number.data or None) if "passport_number" in form else None,
    )


@bp.post("/visitors/<int:member_id>/remove")
@editor_required
def remove_visitor(member_id: int):
    return remove_child(VisitMember, member_id, parent_of=_visit_of, back=lambda visit: _section(visit, "visitors"))


@bp.post("/<int:visit_id>/schedule")
@editor_required
def add_schedule_item(visit_id: int):
    visit = _visible_visit(visit_id)
    return add_child(visit, ScheduleItemForm(visit=visit), visit.schedule, _new_schedule_item, show=_show, form_name="schedule_form",
                     back=_section(visit, "reception-plan"))


def _new_schedule_item(visit: Visit, form: ScheduleItemForm) -> ScheduleItem:
    item = ScheduleItem()
    apply_form(form, item, ["day", "kind"])
    item.time = form.time.data or None
    item.what = form.what.data.strip()
    item.place = (form.place.data or "").strip() or None
    item.hosts = (form.hosts.data or "").strip() or None
    return item


@bp.post("/schedule/<int:item_id>/remove")
@editor_required
def remove_schedule_item(item_id: int):
    return remove_child(ScheduleItem, item_id, parent_of=_visit_of, back=lambda visit: _section(visit, "reception-plan"))


@bp.post("/<int:visit_id>/record")
@editor_required
def save_record(visit_id: int):
    visit = _visible_visit(visit_id)
    form = RecordForm()
    if not form.validate_on_submit():
        return _show(visit, 422, record_form=form)
    form.ensure_current(visit)
    visit.record = form.record.data.strip()
    visit.recorded_on = form.recorded_on.data
    db.session.commit()
    flash(_("The record was saved."), "success")
    return redirect(_section(visit, "visit-record"), 303)


@bp.post("/<int:visit_id>/status")
@editor_required
def set_status(visit_id: int):
    """Mark the visit held (once it has begun: then it counts as a delegation received), cancel it
    (asked first, with an optional reason), or put it back to planned."""
    visit = _visible_visit(visit_id)
    form = VisitStatusForm()
    if not form.validate_on_submit():
        return _show(visit, 422, status_form=form)
    form.ensure_current(visit)
    status = form.status.data
    if status == VisitStatus.HELD and visit.status != VisitStatus.HELD and not queries.may_mark_held(visit, office_today()):
        form.status.errors.append(_("A visit can be marked held once it has begun (%(date)s).", date=local_date(visit.arrive_on)))
        return _show(visit, 422, status_form=form)
    if status == VisitStatus.CANCELLED and visit.status != VisitStatus.CANCELLED:
        question = _("Cancel the visit %(title)s? It no longer counts as a delegation received, and its deadlines stop.",
                     title=visit.title)
        back = url_for("visits.show", visit_id=visit.id)
        if (asked := ask_first(form, question, back=back, button=_("Cancel the visit"), back_label=_("Keep the visit"))) is not None:
            return asked
    visit.status = status
    visit.cancel_reason = ((form.cancel_reason.data or "").strip() or None) if status == VisitStatus.CANCELLED else None
    db.session.commit()
    flash(_("Visit %(title)s: %(status)s.", title=visit.title, status=visit.status.label), "success")
    return redirect(url_for("visits.show", visit_id=visit.id), 303)


@bp.post("/<int:visit_id>/log")
@editor_required
def log(visit_id: int):
    """The visit becomes contact history (an incoming visit) with each of its partners: one step."""
    visit = _visible_visit(visit_id)
    form = RecordActionForm()
    if not form.validate_on_submit():
        abort(400)
    form.ensure_current(visit)
    if visit.logged_at is not None or not visit.partners or visit.status == VisitStatus.CANCELLED:
        abort(409)
    staff = [visit.host] if visit.host else []
    names = ", ".join(member.name for member in visit.members)
    summary = "\n".join(part for part in (visit.purpose, names and _("Visitors: %(names)s", names=names), visit.record) if part)
    for partner in visit.partners:
        record_interaction(
            partner.id, InteractionKind.INCOMING_VISIT, visit.arrive_on, visit.title, summary=summary or None,
            staff=staff, author_id=current_user.id,
        )
    visit.logged_at = utcnow()
    db.session.commit()
    flash(_("The visit is now in the contact history of its partners."), "success")
    return redirect(url_for("visits.show", visit_id=visit.id), 303)


@bp.post("/<int:visit_id>/documents")
@editor_required
def upload(visit_id: int):
    visit = _visible_visit(visit_id)
    form = VisitDocumentForm()
    if form.validate_on_submit():
        kind = form.kind.data
        try:
            document = store_document(
                form.file.data, lambda **stored: VisitDocument(visit=visit, kind=kind, uploaded_by_id=current_user.id, **stored)
            )
        except RefusedUpload as refusal:
            form.file.errors.append(str(refusal))
        else:
            flash(_("%(name)s was uploaded.", name=document.original_name), "success")
            return redirect(_section(visit, "documents"), 303)
    return _show(visit, 422, document_form=form)


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    return send_document(document_or_404(VisitDocument, document_id, "visit"))


@bp.post("/documents/<int:document_id>/remove")
@editor_required
def remove(document_id: int):
    document = document_or_404(VisitDocument, document_id, "visit")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    question = _("Remove %(name)s? The file is deleted.", name=document.original_name)
    if (asked := ask_first(form, question, back=url_for("visits.show", visit_id=document.visit_id, _anchor="documents"),
                          record=document.visit)) is not None:
        return asked
    visit_id = document.visit_id
    remove_document(document)
    return redirect(url_for("visits.show", visit_id=visit_id, _anchor="documents"), 303)


@bp.get("/<int:visit_id>/print")
def print_plan(visit_id: int):
    return render_template("visits/print.html", visit=_visible_visit(visit_id))


@bp.route("/<int:visit_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(visit_id: int):
    visit = _visible_visit(visit_id)
    form = RecordActionForm(obj=visit)
    archived = archive_confirmed(visit, form, _("Visit %(title)s was archived.", title=visit.title), url_for("visits.index"))
    if archived:
        return archived
    return render_template("visits/archive.html", visit=visit, form=form), 422 if form.errors else 200
