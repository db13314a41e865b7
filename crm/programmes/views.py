from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from crm.audit.queries import record_history
from crm.core.archiving import archive_confirmed, archive_page, get_live_or_404, refuse_archived_unless_admin, restore_archived
from crm.auth.permissions import admin_required, editor_required
from crm.core.dates import office_today
from crm.core.export import add_export_routes, list_export, list_page
from crm.core.forms import RecordActionForm, apply_form, render_form_page
from crm.core.i18n import country_name
from crm.core.navigation import nav_item
from crm.core.templating import local_date
from crm.extensions import db
from crm.outcomes.models import academic_year_of
from crm.partners.models import Partner
from crm.programmes import deadlines  # noqa: F401  (registers the approvals' deadline source)
from crm.programmes.changes import decide_approval, renew_approval
from crm.programmes.forms import (
    ApprovalEditForm,
    ApprovalEndForm,
    ApprovalForm,
    ApprovalRenewForm,
    EnrolmentForm,
    ProgrammeEditForm,
    ProgrammeFilterForm,
    ProgrammeForm,
)
from crm.programmes.models import Approval, ApprovalDecision, Enrolment, Programme
from crm.programmes.queries import (
    ProgrammeFilter,
    approval_act_by,
    programme_for_page,
    programme_list,
    programmes_for_export,
)

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
archive_page(Programme, lambda programme: url_for("programmes.index", archived=1, q=programme.name))
nav_item("cooperation", "programmes.index", _l("Joint programmes"), order=40)

RESULTS_ID = "programme-results"


def _live_programme(programme_id: int) -> Programme:
    return get_live_or_404(Programme, programme_id)


def _crumbs(programme: Programme | None = None):
    crumbs = [(url_for("programmes.index"), _("Joint programmes"))]
    if programme is not None:
        crumbs.append((url_for("programmes.show", programme_id=programme.id), programme.name))
    return crumbs


def _partners(ids: list[int]) -> list[Partner]:
    return db.session.scalars(select(Partner).where(Partner.id.in_(ids), Partner.archived_at.is_(None))).all()


# --- The list and its exports --------------------------------------------------------------


def _filter(form: ProgrammeFilterForm) -> ProgrammeFilter:
    refuse_archived_unless_admin(form.archived.data)
    return ProgrammeFilter(term=(form.q.data or "").strip(), status=form.status.data or "", archived=bool(form.archived.data))


@bp.get("")
def index():
    return list_page(ProgrammeFilterForm(request.args), "programmes", RESULTS_ID, lambda form: programme_list(_filter(form)))


def _export(fmt: str):
    columns = [_("Name"), _("Chinese name"), _("Kind"), _("Status"), _("Foreign partners"), _("Countries"), _("Majors"),
               _("Approved intake per year"), _("Approval number"), _("Approving authority"), _("Approved on"),
               _("Approval expires on"), _("Students enrolled (latest intake)"), _("Latest intake year")]
    return list_export(ProgrammeFilterForm(request.args), fmt, _("Joint programmes"), "joint-programmes", columns,
                       lambda form: [_export_row(programme) for programme in programmes_for_export(_filter(form))], index)


def _export_row(programme: Programme) -> list:
    approval = programme.current_approval
    latest = max((e.year for e in programme.enrolments), default=None)
    return [
        programme.name, programme.local_name, programme.kind.label, programme.status.label,
        "; ".join(p.name for p in programme.partners), "; ".join(sorted({country_name(p.country) for p in programme.partners})),
        "; ".join(programme.major_list), programme.approved_intake,
        approval.number if approval else None, approval.authority.label if approval else None,
        approval.approved_on if approval else None, approval.expires_on if approval else None,
        sum(e.enrolled for e in programme.enrolments if e.year == latest) if latest else None, latest,
    ]


add_export_routes(bp, _export)


# --- One programme -----------------------------------------------------------------------------


@bp.get("/<int:programme_id>")
def show(programme_id: int):
    programme = programme_for_page(programme_id)
    if programme is None or programme.is_archived:
        abort(404)
    years: dict[int, dict[str, int]] = {}
    for enrolment in programme.enrolments:
        years.setdefault(enrolment.year, {})[enrolment.major] = enrolment.enrolled
    majors = programme.major_list + sorted({e.major for e in programme.enrolments} - set(programme.major_list))
    return render_template(
        "programmes/show.html", programme=programme, today=office_today(), act_by=approval_act_by,
        enrolment_majors=majors, enrolment_years=sorted(years.items(), reverse=True), history=record_history(programme),
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    form = ProgrammeForm()
    if form.validate_on_submit() and not form.find_partners.data:
        programme = Programme()
        apply_form(form, programme, ProgrammeForm.FIELDS)
        programme.partners = _partners(form.partners.data)
        db.session.add(programme)
        db.session.commit()
        flash(_("%(name)s was saved.", name=programme.name), "success")
        return redirect(url_for("programmes.show", programme_id=programme.id), 303)
    return render_form_page(form, _("New joint programme"), url_for("programmes.new"), url_for("programmes.index"), _crumbs())


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(programme_id: int):
    programme = _live_programme(programme_id)
    if request.method == "GET":
        form = ProgrammeEditForm(obj=programme, data={"partners": [p.id for p in programme.partners]})
    else:
        form = ProgrammeEditForm()
    if form.validate_on_submit() and not form.find_partners.data:
        form.ensure_current(programme)
        apply_form(form, programme, ProgrammeForm.FIELDS)
        programme.partners = _partners(form.partners.data)
        db.session.commit()
        flash(_("%(name)s was saved.", name=programme.name), "success")
        return redirect(url_for("programmes.show", programme_id=programme.id), 303)
    return render_form_page(form, _("Edit %(name)s", name=programme.name), url_for("programmes.edit", programme_id=programme.id),
                            url_for("programmes.show", programme_id=programme.id), _crumbs(programme))


@bp.route("/<int:programme_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(programme_id: int):
    programme = _live_programme(programme_id)
    form = RecordActionForm(obj=programme)
    archived = archive_confirmed(programme, form, _("%(name)s was archived.", name=programme.name), url_for("programmes.index"))
    if archived:
        return archived
    intro = _("An archived programme leaves the lists and owes no more approval deadlines; an administrator can restore it.")
    return render_form_page(form, _("Archive %(name)s?", name=programme.name), url_for("programmes.archive", programme_id=programme.id),
                            url_for("programmes.show", programme_id=programme.id), _crumbs(programme), intro=intro,
                            submit_label=_("Archive"))


@bp.post("/<int:programme_id>/restore")
@admin_required
def restore(programme_id: int):
    programme = restore_archived(Programme, programme_id)
    db.session.commit()
    flash(_("%(name)s was restored.", name=programme.name), "success")
    return redirect(url_for("programmes.show", programme_id=programme.id), 303)


# --- Approvals: recorded, then renewed (with the new approval) or ended ------------------------


@bp.route("/<int:programme_id>/approvals/new", methods=["GET", "POST"])
@editor_required
def new_approval(programme_id: int):
    programme = _live_programme(programme_id)
    form = ApprovalForm()
    if form.validate_on_submit():
        approval = Approval(programme=programme)
        db.session.add(approval)
        form.apply_to(approval)
        db.session.commit()
        flash(_("The approval was saved."), "success")
        return redirect(url_for("programmes.show", programme_id=programme.id, _anchor="approvals"), 303)
    return render_form_page(form, _("New approval of %(name)s", name=programme.name),
                            url_for("programmes.new_approval", programme_id=programme.id),
                            url_for("programmes.show", programme_id=programme.id), _crumbs(programme))


def _open_approval(approval_id: int) -> Approval:
    approval = db.get_or_404(Approval, approval_id)
    _live_programme(approval.programme_id)
    if not approval.is_open:
        abort(409, _("A decision has already been recorded for this approval."))
    return approval


def _back_to(default: str) -> str:
    return url_for("renewals.index") if request.args.get("next") == "renewals" else default


@bp.route("/approvals/<int:approval_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_approval(approval_id: int):
    approval = _open_approval(approval_id)
    if request.method == "GET":
        form = ApprovalEditForm(obj=approval, data={"number": approval.number})
        form.number.data = approval.number
    else:
        form = ApprovalEditForm()
    if form.validate_on_submit():
        form.ensure_current(approval)
        form.apply_to(approval)
        db.session.commit()
        flash(_("The approval was saved."), "success")
        return redirect(url_for("programmes.show", programme_id=approval.programme_id, _anchor="approvals"), 303)
    programme = approval.programme
    return render_form_page(form, _("Approval of %(name)s", name=programme.name),
                            url_for("programmes.edit_approval", approval_id=approval.id),
                            url_for("programmes.show", programme_id=programme.id), _crumbs(programme),
                            history=record_history(approval))


@bp.route("/approvals/<int:approval_id>/renew", methods=["GET", "POST"])
@editor_required
def renew_approval_view(approval_id: int):
    approval = _open_approval(approval_id)
    if request.method == "GET":
        form = ApprovalRenewForm(data={"version": approval.version, "authority": approval.authority.value}, current=approval)
    else:
        form = ApprovalRenewForm(current=approval)
    if form.validate_on_submit():
        form.ensure_current(approval)
        new_approval = Approval()
        form.apply_to(new_approval)
        renew_approval(approval, new_approval, form.decision_note.data, current_user.id)
        db.session.add(new_approval)
        db.session.commit()
        flash(_("The renewal was recorded."), "success")
        return redirect(_back_to(url_for("programmes.show", programme_id=approval.programme_id, _anchor="approvals")), 303)
    programme = approval.programme
    intro = _("The current approval %(number)s expires on %(date)s. Enter the new approval; the current one is then marked renewed.",
              number=approval.number, date=local_date(approval.expires_on))
    return render_form_page(form, _("Renew the approval of %(name)s", name=programme.name),
                            url_for("programmes.renew_approval_view", approval_id=approval.id, next=request.args.get("next")),
                            url_for("programmes.show", programme_id=programme.id), _crumbs(programme), intro=intro)


@bp.route("/approvals/<int:approval_id>/end", methods=["GET", "POST"])
@editor_required
def end_approval(approval_id: int):
    approval = _open_approval(approval_id)
    form = ApprovalEndForm(data={"version": approval.version}) if request.method == "GET" else ApprovalEndForm()
    if form.validate_on_submit():
        form.ensure_current(approval)
        decide_approval(approval, ApprovalDecision.ENDED, form.decision_note.data.strip(), current_user.id)
        db.session.commit()
        flash(_("The decision was recorded."), "success")
        return redirect(_back_to(url_for("programmes.show", programme_id=approval.programme_id, _anchor="approvals")), 303)
    programme = approval.programme
    return render_form_page(form, _("End the approval of %(name)s", name=programme.name),
                            url_for("programmes.end_approval", approval_id=approval.id, next=request.args.get("next")),
                            url_for("programmes.show", programme_id=programme.id), _crumbs(programme),
                            intro=_("Not renewed: nobody is reminded of it again."))


# --- Enrolment per year and major ----------------------------------------------------------------


@bp.route("/<int:programme_id>/enrolment", methods=["GET", "POST"])
@editor_required
def enrolment(programme_id: int):
    """Record (or correct) the students enrolled in one intake year and major."""
    programme = _live_programme(programme_id)
    # the latest intake (intakes start in September): in March 2027 that of September 2026, not 2027
    latest_intake = academic_year_of(office_today())
    form = EnrolmentForm(majors=programme.major_list, data={"year": latest_intake} if request.method == "GET" else None)
    intro = None if programme.major_list else _("Add the programme's majors first (edit the programme).")
    status = None
    if form.validate_on_submit():
        row = db.session.scalar(select(Enrolment).where(
            Enrolment.programme_id == programme.id, Enrolment.year == form.year.data, Enrolment.major == form.major.data))
        if row is not None and form.replaces.data != str(row.version):
            # Recorded already (or changed since the page showed it): show the figure, replace it on the next save.
            form.replaces.data = str(row.version)
            intro = _("%(major)s, %(year)s: %(count)d students are recorded already. Save again to replace that figure with this one.",
                      major=row.major, year=row.year, count=row.enrolled)
            status = 409
        else:
            if row is None:
                row = Enrolment(programme=programme, year=form.year.data, major=form.major.data, enrolled=form.enrolled.data)
                db.session.add(row)
            else:
                row.enrolled = form.enrolled.data
            db.session.commit()
            flash(_("The enrolment was saved."), "success")
            return redirect(url_for("programmes.show", programme_id=programme.id, _anchor="enrolment"), 303)
    page, form_status = render_form_page(form, _("Enrolment in %(name)s", name=programme.name),
                                         url_for("programmes.enrolment", programme_id=programme.id),
                                         url_for("programmes.show", programme_id=programme.id), _crumbs(programme), intro=intro)
    return page, status or form_status
