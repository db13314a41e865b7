from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.audit.queries import record_history
from crm.core.archiving import archive_confirmed, archive_page, get_live_or_404, refuse_archived_unless_admin, restore_archived
from crm.auth.permissions import admin_required, editor_required
from crm.consortia.forms import (
    ActivityEditForm,
    ActivityForm,
    ConsortiumEditForm,
    ConsortiumFilterForm,
    ConsortiumForm,
    MemberEditForm,
    MemberForm,
)
from crm.consortia.models import Consortium, ConsortiumActivity, ConsortiumMember
from crm.consortia.queries import (
    ACTIVITY_KINDS,
    activities_by_year,
    activity_counts_by_member,
    consortium_for_page,
    consortium_list,
    former_members,
    joining_members,
    kind_counts,
    members_by_role,
    yearly_report,
)
from crm.core.dates import office_today
from crm.core.export import list_page, xlsx_response
from crm.core.forms import RecordActionForm, apply_form, render_form_page
from crm.core.navigation import nav_item
from crm.core.punctuation import parens
from crm.core.templating import local_date
from crm.extensions import db

bp = Blueprint("consortia", __name__, url_prefix="/consortia")
archive_page(Consortium, lambda consortium: url_for("consortia.index", archived=1, q=consortium.name))
nav_item("partners", "consortia.index", _l("Consortia"), order=30)

RESULTS_ID = "consortium-results"


def _live_consortium(consortium_id: int) -> Consortium:
    return get_live_or_404(Consortium, consortium_id)


def _crumbs(consortium: Consortium | None = None):
    crumbs = [(url_for("consortia.index"), _("Consortia"))]
    if consortium is not None:
        crumbs.append((url_for("consortia.show", consortium_id=consortium.id), consortium.name))
    return crumbs


@bp.get("")
def index():
    form = ConsortiumFilterForm(request.args)
    refuse_archived_unless_admin(form.archived.data)
    return list_page(form, "consortia", RESULTS_ID, lambda form: consortium_list((form.q.data or "").strip(), bool(form.archived.data)))


@bp.get("/<int:consortium_id>")
def show(consortium_id: int):
    consortium = consortium_for_page(consortium_id)
    if consortium is None or consortium.is_archived:
        abort(404)
    today = office_today()
    return render_template(
        "consortia/show.html", consortium=consortium, today=today,
        roles=members_by_role(consortium, today), former=former_members(consortium, today),
        joining=joining_members(consortium, today),
        kinds=kind_counts(consortium, today), years=activities_by_year(consortium),
        taken_part=activity_counts_by_member(consortium), report=yearly_report(consortium),
        activity_kinds=ACTIVITY_KINDS, history=record_history(consortium),
    )


@bp.get("/<int:consortium_id>/report.xlsx")
def report_xlsx(consortium_id: int):
    """The yearly consortium report table, as on the page, for Excel."""
    consortium = consortium_for_page(consortium_id)
    if consortium is None or consortium.is_archived:
        abort(404)
    columns = [_("Year"), *(kind.label for kind in ACTIVITY_KINDS), _("Activities"), _("Member participations"),
               _("Members joined"), _("Members left"), _("Members at the year's end")]
    rows = [[row.year, *(row.activities[kind] for kind in ACTIVITY_KINDS), row.total, row.participations,
             row.joined, row.left, row.members_at_end] for row in yearly_report(consortium)]
    preamble = [[_("Yearly consortium report"), consortium.name], [_("Lead body"), consortium.lead_name], [_("Exported"), office_today()]]
    return xlsx_response(f"consortium-{consortium.id}-yearly-report.xlsx", preamble, columns, rows, sheet_title=_("Yearly report"))


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    form = ConsortiumForm()
    if form.validate_on_submit() and not form.find_partners.data:
        consortium = Consortium(lead_partner_id=form.lead_partner_id)
        apply_form(form, consortium, ConsortiumForm.FIELDS)
        db.session.add(consortium)
        db.session.commit()
        flash(_("%(name)s was saved.", name=consortium.name), "success")
        return redirect(url_for("consortia.show", consortium_id=consortium.id), 303)
    return render_form_page(form, _("New consortium"), url_for("consortia.new"), url_for("consortia.index"), _crumbs())


@bp.route("/<int:consortium_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(consortium_id: int):
    consortium = _live_consortium(consortium_id)
    if request.method == "GET":
        form = ConsortiumEditForm(obj=consortium, data={"led_by_us": consortium.lead_partner_id is None,
                                                        "partner_id": consortium.lead_partner_id})
    else:
        form = ConsortiumEditForm()
    if form.validate_on_submit() and not form.find_partners.data:
        form.ensure_current(consortium)
        apply_form(form, consortium, ConsortiumForm.FIELDS)
        consortium.lead_partner_id = form.lead_partner_id
        db.session.commit()
        flash(_("%(name)s was saved.", name=consortium.name), "success")
        return redirect(url_for("consortia.show", consortium_id=consortium.id), 303)
    return render_form_page(form, _("Edit %(name)s", name=consortium.name), url_for("consortia.edit", consortium_id=consortium.id),
                            url_for("consortia.show", consortium_id=consortium.id), _crumbs(consortium))


@bp.route("/<int:consortium_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(consortium_id: int):
    consortium = _live_consortium(consortium_id)
    form = RecordActionForm(obj=consortium)
    archived = archive_confirmed(consortium, form, _("%(name)s was archived.", name=consortium.name), url_for("consortia.index"))
    if archived:
        return archived
    return render_form_page(form, _("Archive %(name)s?", name=consortium.name), url_for("consortia.archive", consortium_id=consortium.id),
                            url_for("consortia.show", consortium_id=consortium.id), _crumbs(consortium),
                            intro=_("An archived consortium leaves the lists; an administrator can restore it."), submit_label=_("Archive"))


@bp.post("/<int:consortium_id>/restore")
@admin_required
def restore(consortium_id: int):
    consortium = restore_archived(Consortium, consortium_id)
    db.session.commit()
    flash(_("%(name)s was restored.", name=consortium.name), "success")
    return redirect(url_for("consortia.show", consortium_id=consortium.id), 303)


# --- Members -----------------------------------------------------------------------------------


@bp.route("/<int:consortium_id>/members/new", methods=["GET", "POST"])
@editor_required
def new_member(consortium_id: int):
    consortium = _live_consortium(consortium_id)
    form = MemberForm(consortium=consortium)
    if form.validate_on_submit() and not form.find_partners.data:
        member = ConsortiumMember(consortium=consortium, partner_id=None if form.our_college.data else form.partner_id.data)
        apply_form(form, member, MemberForm.FIELDS)
        db.session.add(member)
        db.session.commit()
        flash(_("%(name)s was added to the members.", name=member.name), "success")
        return redirect(url_for("consortia.show", consortium_id=consortium.id, _anchor="members"), 303)
    return render_form_page(form, _("New member of %(name)s", name=consortium.name),
                            url_for("consortia.new_member", consortium_id=consortium.id),
                            url_for("consortia.show", consortium_id=consortium.id), _crumbs(consortium))


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_member(member_id: int):
    member = db.get_or_404(ConsortiumMember, member_id)
    consortium = _live_consortium(member.consortium_id)
    form = MemberEditForm(obj=member) if request.method == "GET" else MemberEditForm()
    if form.validate_on_submit():
        form.ensure_current(member)
        apply_form(form, member, MemberForm.FIELDS)
        db.session.add(member)
        db.session.commit()
        flash(_("%(name)s was saved.", name=member.name), "success")
        return redirect(url_for("consortia.show", consortium_id=consortium.id, _anchor="members"), 303)
    return render_form_page(form, _("Member: %(name)s", name=member.name), url_for("consortia.edit_member", member_id=member.id),
                            url_for("consortia.show", consortium_id=consortium.id), _crumbs(consortium),
                            intro=_("A member that leaves keeps its history: enter the date it left."), history=record_history(member))


# --- Activities --------------------------------------------------------------------------------


def _offered_members(consortium: Consortium, keep: set[int] = frozenset()) -> list[ConsortiumMember]:
    """The members an activity can name: every member that has joined, a former one too (an
    activity is often entered after the fact; the form checks the members on its day), our college
    first, current members before former ones."""
    today = office_today()
    return sorted((m for m in consortium.members if m.has_joined(today) or m.id in keep),
                  key=lambda m: (m.partner_id is not None, m.has_left(today), m.name))


def _member_choices(members: list[ConsortiumMember]) -> list[tuple[int, str]]:
    today = office_today()
    names = Counter(m.name for m in members)

    def label(member: ConsortiumMember) -> str:
        text = member.name + parens(member.role.label) if names[member.name] > 1 else member.name
        if member.has_left(today):
            text += parens(_("left %(date)s", date=local_date(member.left_on)))
        return text

    return [(m.id, label(m)) for m in members]


def _chosen_members(consortium: Consortium, ids: list[int]) -> list[ConsortiumMember]:
    return db.session.scalars(select(ConsortiumMember).where(
        ConsortiumMember.consortium_id == consortium.id, ConsortiumMember.id.in_(ids or [-1]))).all()


@bp.route("/<int:consortium_id>/activities/new", methods=["GET", "POST"])
@editor_required
def new_activity(consortium_id: int):
    consortium = _live_consortium(consortium_id)
    offered = _offered_members(consortium)
    form = ActivityForm(member_choices=_member_choices(offered), members=offered)
    if form.validate_on_submit():
        activity = ConsortiumActivity(consortium=consortium)
        db.session.add(activity)
        apply_form(form, activity, ActivityForm.FIELDS)
        activity.members = _chosen_members(consortium, form.members.data)
        db.session.commit()
        flash(_("%(title)s was saved.", title=activity.title), "success")
        return redirect(url_for("consortia.show", consortium_id=consortium.id, _anchor="activities"), 303)
    return render_form_page(form, _("New activity of %(name)s", name=consortium.name),
                            url_for("consortia.new_activity", consortium_id=consortium.id),
                            url_for("consortia.show", consortium_id=consortium.id), _crumbs(consortium))


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_activity(activity_id: int):
    activity = db.get_or_404(ConsortiumActivity, activity_id)
    consortium = _live_consortium(activity.consortium_id)
    offered = _offered_members(consortium, keep={m.id for m in activity.members})
    if request.method == "GET":
        form = ActivityEditForm(obj=activity, member_choices=_member_choices(offered), members=offered)
        form.members.data = [m.id for m in activity.members]
    else:
        form = ActivityEditForm(member_choices=_member_choices(offered), members=offered)
    if form.validate_on_submit():
        form.ensure_current(activity)
        apply_form(form, activity, ActivityForm.FIELDS)
        activity.members = _chosen_members(consortium, form.members.data)
        db.session.commit()
        flash(_("%(title)s was saved.", title=activity.title), "success")
        return redirect(url_for("consortia.show", consortium_id=consortium.id, _anchor="activities"), 303)
    return render_form_page(form, _("Activity: %(title)s", title=activity.title),
                            url_for("consortia.edit_activity", activity_id=activity.id),
                            url_for("consortia.show", consortium_id=consortium.id), _crumbs(consortium),
                            history=record_history(activity))
