"""Outcomes: entered in place on the agreement page (htmx) or on their own page (without
JavaScript), listed as the records behind a report's figure, and approved by the office; their
evidence files attached, downloaded and removed (crm/outcomes/evidence.py).

Every change answers htmx with 204 and the `outcomesChanged` event (the agreement's outcomes
section reloads itself), and a plain browser with a 303 back to the agreement page.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from crm.agreements.forms import optional_int
from crm.auth.permissions import editor_required
from crm.core.archiving import get_live_or_404
from crm.core.dates import office_today
from crm.core.forms import NOT_A_CHOICE, ConfirmForm, apply_form
from crm.core.navigation import nav_item
from crm.core.pagination import paginate
from crm.core.models import utcnow
from crm.core.uploads import document_or_404
from crm.extensions import db, htmx
from crm.outcomes.access import may_change, outcome_writer_required, status_for_new_entry
from crm.outcomes.forms import (
    OUTCOME_FIELDS,
    ApproveForm,
    EvidenceForm,
    OutcomeEditForm,
    OutcomeForm,
    QuotaForm,
    QuotaRemoveForm,
    ReturnForm,
)
from crm.outcomes.evidence import RefusedUpload, attach_evidence, remove_evidence, send_document
from crm.outcomes.models import (
    Outcome,
    OutcomeCategory,
    OutcomeEvidence,
    OutcomeStatus,
    Quota,
    report_year_of,
    year_label,
)
from crm.outcomes.queries import (
    OutcomeFilter,
    agreement_sums,
    live_agreement,
    outcome_list,
    outcomes_of_agreement,
    quotas_of,
    returned_outcomes_of_school,
    schools_without_outcomes,
    waiting_outcomes,
)
from crm.partners.models import Partner
from crm.schools.models import School

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
bp.add_app_template_global(may_change, "may_change_outcome")  # the rows' edit links ask the views' rule
nav_item("reports", "outcomes.review", _l("Outcomes to approve"), order=30,
         visible=lambda user: user.can_edit, active=("outcomes.review",))
nav_item("reports", "outcomes.mine", _l("My school's outcomes"), order=31,
         visible=lambda user: getattr(user, "is_liaison", False), active=("outcomes.mine",))

SECTION_ID = "outcomes"
NEW_ID = "outcome-new"
CHANGED_EVENT = "outcomesChanged"


def row_id(outcome: Outcome) -> str:
    return f"outcome-{outcome.id}"


def _agreement_or_404(agreement_id: int):
    agreement = live_agreement(agreement_id)
    if agreement is None:
        abort(404)
    return agreement


def _outcome_or_404(outcome_id: int) -> Outcome:
    return get_live_or_404(Outcome, outcome_id)


def _current_year() -> int:
    return report_year_of(office_today())


def _liaison_school() -> int | None:
    return None if current_user.can_edit else current_user.school_id


def _refuse_other_school(form: OutcomeForm) -> None:
    """A liaison enters outcomes for their own school only: anything else is refused (403)."""
    school = _liaison_school()
    if school is not None and request.method == "POST" and form.school_id.data != school:
        abort(403)


def back_url(agreement_id: int | None) -> str:
    """Where a change of an outcome leads back to: its agreement's outcomes, or the outcome lists."""
    if agreement_id is None:
        return url_for("outcomes.mine" if not current_user.can_edit else "outcomes.index")
    return url_for("agreements.show", agreement_id=agreement_id, _anchor=SECTION_ID)


def _back(agreement_id: int | None):
    return redirect(back_url(agreement_id), 303)


def _changed(agreement_id: int | None, message: str):
    if htmx:
        return "", 204, {"HX-Trigger": CHANGED_EVENT}
    flash(message, "success")
    return _back(agreement_id)


def section_context(agreement, quota_form: QuotaForm | None = None) -> dict:
    """What templates/outcomes/_agreement_section.html needs (the agreement page passes it too):
    the records, their sums, the quotas with promised vs delivered, and the health summary."""
    from crm.reports.health import agreement_health, quota_years
    from crm.reports.queries import promised_vs_delivered

    sums = agreement_sums(agreement.id)
    years = quota_years(agreement)
    promises = promised_vs_delivered(*years, agreement_id=agreement.id) if years else []
    return {
        "outcomes": outcomes_of_agreement(agreement.id),
        "outcome_sums": sums,
        "may_enter": current_user.can_edit or current_user.is_liaison,
        "quotas": quotas_of(agreement.id),
        "quota_years": years,
        "promised": promises,
        "health": agreement_health(agreement, sums, promises),
        "quota_form": quota_form or QuotaForm(prefix="quota"),
    }


@bp.get("/agreement/<int:agreement_id>")
def section(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    if htmx.target != SECTION_ID:
        return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor=SECTION_ID), 303)
    return render_template("outcomes/_agreement_section.html", agreement=agreement, **section_context(agreement))


def _new_form(agreement):
    school = _liaison_school()
    data = {"year": _current_year() - (0 if office_today().month >= 3 else 1)} if request.method == "GET" else None
    if data is not None and school is not None:
        data["school_id"] = school
    return OutcomeForm(data=data, agreement=agreement, current_year=_current_year(), liaison_school_id=school,
                       prefix="new-outcome")


def _create(form: OutcomeForm, agreement) -> Outcome:
    outcome = Outcome(agreement=agreement, entered_by_id=current_user.id, status=status_for_new_entry(current_user))
    apply_form(form, outcome, OUTCOME_FIELDS)
    db.session.add(outcome)
    db.session.commit()
    return outcome


@bp.route("/agreement/<int:agreement_id>/new", methods=["GET", "POST"])
@outcome_writer_required
def new(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    form = _new_form(agreement)
    _refuse_other_school(form)
    if form.validate_on_submit():
        outcome = _create(form, agreement)
        return _changed(agreement.id, _saved_message(outcome))
    status = 422 if form.errors else 200
    if htmx.target == NEW_ID:
        return render_template("outcomes/_new_form.html", agreement=agreement, outcome_form=form), status
    return render_template("outcomes/form.html", agreement=agreement, outcome=None, form=form), status


@bp.route("/new", methods=["GET", "POST"])
@outcome_writer_required
def new_standalone():
    """A quantity that belongs to no agreement (a teacher's office in a foreign organisation)."""
    form = _new_form(None)
    _refuse_other_school(form)
    if form.validate_on_submit():
        outcome = _create(form, None)
        flash(_saved_message(outcome), "success")
        return _back(None)
    status = 422 if form.errors else 200
    return render_template("outcomes/form.html", agreement=None, outcome=None, form=form), status


def _saved_message(outcome: Outcome) -> str:
    if outcome.is_waiting:
        return _("The outcome was saved; it counts in the reports once the office approves it.")
    return _("The outcome was saved.")


@bp.get("/<int:outcome_id>")
def row(outcome_id: int):
    outcome = _outcome_or_404(outcome_id)
    if htmx.target != row_id(outcome):
        return _back(outcome.agreement_id)
    return render_template("outcomes/_row.html", outcome=outcome, may_enter=current_user.can_edit or current_user.is_liaison)


@bp.route("/<int:outcome_id>/edit", methods=["GET", "POST"])
@outcome_writer_required
def edit(outcome_id: int):
    outcome = _outcome_or_404(outcome_id)
    if not may_change(current_user, outcome):
        abort(403)
    form = OutcomeEditForm(obj=outcome, agreement=outcome.agreement, current_year=_current_year(),
                           liaison_school_id=_liaison_school(), prefix=row_id(outcome))
    _refuse_other_school(form)
    if form.validate_on_submit():
        form.ensure_current(outcome)
        apply_form(form, outcome, OUTCOME_FIELDS)
        if not current_user.can_edit:  # a liaison's correction goes back to the office
            outcome.status = OutcomeStatus.PENDING
        db.session.commit()
        return _changed(outcome.agreement_id, _saved_message(outcome))
    status = 422 if form.errors else 200
    if htmx.target == row_id(outcome):
        return render_template("outcomes/_row_form.html", outcome=outcome, form=form), status
    return render_template("outcomes/form.html", agreement=outcome.agreement, outcome=outcome, form=form), status


# --- evidence files ----------------------------------------------------------------------------


def _changeable_or_403(outcome_id: int) -> Outcome:
    outcome = _outcome_or_404(outcome_id)
    if not may_change(current_user, outcome):
        abort(403)
    return outcome


def _evidence_page(outcome: Outcome, form: EvidenceForm, status: int = 200):
    """The outcome's evidence: in place of its row (htmx) or on a page of its own."""
    template = "outcomes/_row_evidence.html" if htmx.target == row_id(outcome) else "outcomes/evidence.html"
    return render_template(template, outcome=outcome, form=form, back=back_url(outcome.agreement_id),
                           can_change=may_change(current_user, outcome)), status


def _evidence_form(outcome: Outcome) -> EvidenceForm:
    return EvidenceForm(prefix=f"evidence-{outcome.id}")


@bp.get("/<int:outcome_id>/evidence")
@outcome_writer_required
def evidence(outcome_id: int):
    outcome = _changeable_or_403(outcome_id)
    return _evidence_page(outcome, _evidence_form(outcome))


@bp.post("/<int:outcome_id>/evidence")
@outcome_writer_required
def attach(outcome_id: int):
    outcome = _changeable_or_403(outcome_id)
    form = _evidence_form(outcome)
    if form.validate_on_submit():
        try:
            stored = attach_evidence(outcome, form.files.data, current_user)
        except RefusedUpload as refusal:
            form.files.errors.append(str(refusal))
        else:
            if htmx:
                return _evidence_page(outcome, _evidence_form(outcome))
            flash(_("%(names)s attached.", names=", ".join(e.original_name for e in stored)), "success")
            return redirect(url_for("outcomes.evidence", outcome_id=outcome.id), 303)
    return _evidence_page(outcome, form, 422)


@bp.get("/evidence/<int:evidence_id>")
def download_evidence(evidence_id: int):
    return send_document(document_or_404(OutcomeEvidence, evidence_id, "outcome"))


@bp.route("/evidence/<int:evidence_id>/remove", methods=["GET", "POST"])
@outcome_writer_required
def remove_evidence_file(evidence_id: int):
    evidence_file = document_or_404(OutcomeEvidence, evidence_id, "outcome")
    outcome = _changeable_or_403(evidence_file.outcome_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = evidence_file.original_name
        remove_evidence(evidence_file, current_user)
        if htmx:
            return _evidence_page(outcome, _evidence_form(outcome))
        flash(_("%(name)s was removed.", name=name), "success")
        return redirect(url_for("outcomes.evidence", outcome_id=outcome.id), 303)
    return render_template("outcomes/remove_evidence.html", form=form, evidence=evidence_file, outcome=outcome)


# --- the records behind a figure -------------------------------------------------------------


def _int_arg(name: str) -> int | None:
    value = optional_int(request.args.get(name, ""))
    if value is not None and (not isinstance(value, int) or value == NOT_A_CHOICE):  # "2025-2026", "-5"
        abort(404)
    return value


def filter_from_args() -> OutcomeFilter:
    category = request.args.get("category", "")
    if category and category not in {c.value for c in OutcomeCategory}:
        abort(404)
    status = request.args.get("status", OutcomeStatus.APPROVED.value)
    if status and status not in {s.value for s in OutcomeStatus}:
        abort(404)
    return OutcomeFilter(
        year_from=_int_arg("year_from"), year_to=_int_arg("year_to"), category=category,
        partner_id=_int_arg("partner"), agreement_id=_int_arg("agreement"), country=request.args.get("country", "")[:2].upper(),
        school_id=_int_arg("school"), indicator_id=_int_arg("indicator"), status=status,
    )


@bp.get("")
def index():
    """The outcome records behind a figure (the report's links land here)."""
    f = filter_from_args()
    page = paginate(outcome_list(f))
    partner = db.session.get(Partner, f.partner_id) if f.partner_id else None
    school = db.session.get(School, f.school_id) if f.school_id else None
    return render_template("outcomes/index.html", page=page, f=f, partner=partner, school=school,
                           category=OutcomeCategory(f.category) if f.category else None, year_label=year_label)


# --- approval --------------------------------------------------------------------------------


@bp.get("/review")
@editor_required
def review():
    this_year = _current_year()
    year = _int_arg("year") or this_year
    return render_template(
        "outcomes/review.html", waiting=waiting_outcomes(), year=year, this_year=this_year, year_label=year_label,
        silent_schools=schools_without_outcomes(year), approve_form=ApproveForm(),
    )


@bp.get("/mine")
@outcome_writer_required
def mine():
    """A liaison's page: their school's entries that wait or came back, and where to add more."""
    school_id = current_user.school_id
    if school_id is None:
        return redirect(url_for("outcomes.review"), 303)
    return render_template(
        "outcomes/mine.html", school=db.session.get(School, school_id), waiting=waiting_outcomes(school_id),
        returned=returned_outcomes_of_school(school_id),
    )


@bp.post("/<int:outcome_id>/approve")
@editor_required
def approve(outcome_id: int):
    outcome = _outcome_or_404(outcome_id)
    refusal = outcome.why_not_approved()
    if refusal:
        abort(409, refusal)
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(422)
    form.ensure_current(outcome)
    outcome.status = OutcomeStatus.APPROVED
    outcome.reviewed_by_id, outcome.reviewed_at, outcome.review_reason = current_user.id, utcnow(), None
    db.session.commit()
    flash(_("The outcome was approved; it counts in the reports."), "success")
    return redirect(url_for("outcomes.review"), 303)


@bp.route("/<int:outcome_id>/return", methods=["GET", "POST"])
@editor_required
def send_back(outcome_id: int):
    outcome = _outcome_or_404(outcome_id)
    refusal = outcome.why_not_sent_back()
    if refusal:
        abort(409, refusal)
    form = ReturnForm(data={"version": outcome.version} if request.method == "GET" else None)
    if form.validate_on_submit():
        form.ensure_current(outcome)
        outcome.status = OutcomeStatus.RETURNED
        outcome.reviewed_by_id, outcome.reviewed_at = current_user.id, utcnow()
        outcome.review_reason = form.reason.data.strip()
        db.session.commit()
        flash(_("The outcome was sent back to the school's liaison."), "success")
        return redirect(url_for("outcomes.review"), 303)
    return render_template("outcomes/return.html", outcome=outcome, form=form), 422 if form.errors else 200


# --- quotas: what an agreement promises each year -------------------------------------------------


@bp.post("/agreement/<int:agreement_id>/quotas")
@editor_required
def set_quota(agreement_id: int):
    """Sets the agreement's quota for a category (a second quota of the same category replaces it)."""
    agreement = _agreement_or_404(agreement_id)
    form = QuotaForm(prefix="quota")
    if form.validate_on_submit():
        quota = db.session.scalar(select(Quota).where(Quota.agreement_id == agreement.id, Quota.category == form.category.data))
        if quota is None:
            quota = Quota(agreement_id=agreement.id, category=form.category.data)
            db.session.add(quota)
        quota.per_year, quota.note = form.per_year.data, (form.note.data or "").strip() or None
        db.session.commit()
        return _changed(agreement.id, _("The quota was saved."))
    if htmx:
        return render_template("outcomes/_agreement_section.html", agreement=agreement,
                               **section_context(agreement, quota_form=form)), 422
    return render_template("outcomes/quota_form.html", agreement=agreement, form=form), 422


@bp.post("/quotas/<int:quota_id>/remove")
@editor_required
def remove_quota(quota_id: int):
    quota = db.get_or_404(Quota, quota_id)
    agreement = _agreement_or_404(quota.agreement_id)
    form = QuotaRemoveForm()
    if not form.validate_on_submit():
        abort(422)
    form.ensure_current(quota)
    db.session.delete(quota)
    db.session.commit()
    return _changed(agreement.id, _("The quota was removed."))
