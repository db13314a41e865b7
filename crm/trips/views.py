"""Trips abroad (因公出国（境）): the list, the annual plan, one trip from plan to closed, its
documents, its print-out, and the delegation statistics (trips sent and visits received)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user

from crm.core.dates import office_today
from crm.partners.picker import partners_named, picker_context
from crm.audit.queries import record_history
from crm.auth.permissions import editor_required
from crm.core.archiving import archive_confirmed
from crm.core.confirming import ask_first
from crm.core.children import add_child, remove_child, the_only_one
from crm.core.deadlines import deadline_source
from crm.core.export import xlsx_response
from crm.core.forms import ConfirmForm, RecordActionForm, apply_form, validate_filters
from crm.core.i18n import country_name
from crm.core.navigation import nav_item
from crm.core.uploads import RefusedUpload, document_or_404, remove_document, send_document, store_document
from crm.core.workdays import LAST_YEAR
from crm.extensions import db
from crm.interactions.models import InteractionKind
from crm.interactions.recording import record_interaction
from crm.partners.models import Partner
from crm.trips import queries, steps
from crm.trips.forms import (
    RECORD_FORMS,
    STEP_FORMS,
    LegForm,
    MadeForm,
    MemberForm,
    NewTripForm,
    TripDocumentForm,
    TripEditForm,
    TripFilterForm,
    TripForm,
    YearRangeForm,
)
from crm.trips.models import DelegationPurpose, Trip, TripDocument, TripLeg, TripMember, TripStatus
from crm.auth.models import User

bp = Blueprint("trips", __name__, url_prefix="/trips")
nav_item("contact", "trips.index", _l("Trips abroad"), order=30)
nav_item("reports", "trips.statistics", _l("Delegation statistics"), order=40, active=("trips.statistics",))
deadline_source("trips")(queries.open_trip_deadlines)


def _visible_trip(trip_id: int) -> Trip:
    trip = queries.trip_for_page(trip_id)
    if trip is None or trip.is_archived:
        abort(404)
    return trip


def _section(trip: Trip, anchor: str) -> str:
    return url_for("trips.show", trip_id=trip.id, _anchor=anchor)


def _trip_of(child) -> Trip:
    return _visible_trip(child.trip_id)


@bp.get("")
def index():
    form = TripFilterForm(request.args)
    valid = validate_filters(form)
    status = TripStatus(form.status.data) if form.status.data else None
    trips = queries.trip_list(form.year.data, status, (form.q.data or "").strip())
    return render_template("trips/index.html", form=form, trips=trips), 200 if valid else 422


@bp.get("/plan")
def plan():
    year = request.args.get("year", type=int) or office_today().year + (1 if office_today().month >= 10 else 0)
    if not 2000 <= year <= 2100:
        abort(404)
    return render_template("trips/plan.html", year=year, trips=queries.plan_of_year(year), years=queries.plan_years())


# --- One trip ----------------------------------------------------------------------------------


@bp.get("/<int:trip_id>")
def show(trip_id: int):
    return _show(_visible_trip(trip_id))


def _show(trip: Trip, status: int = 200, **forms):
    step = steps.next_step(trip)
    today = office_today()
    may_record_as_made = steps.may_record_as_made(trip, today)
    context = {
        "trip": trip,
        "made_form": forms.get("made_form") or (MadeForm(data={"version": trip.version}) if may_record_as_made else None),
        "deadlines": queries.deadlines_of(trip),
        "calendar_ends": LAST_YEAR,
        "step": step,
        "blockers": steps.blockers(trip, step, today) if step else [],
        "step_form": forms.get("step_form") or (STEP_FORMS[step](data=_step_defaults(trip, step)) if step else None),
        "record_forms": {
            name: forms.get(f"{name}_form") or cls(data={"version": trip.version})
            for name, cls in RECORD_FORMS.items() if trip.status in steps.RECORDS[name]
        },
        "member_form": forms.get("member_form") or MemberForm(),
        "leg_form": forms.get("leg_form") or LegForm(trip=trip, data={"country": trip.country}),
        "document_form": forms.get("document_form") or TripDocumentForm(),
        "history": record_history(trip),
        "store_passports": current_app.config["STORE_PASSPORT_NUMBERS"],
    }
    return render_template("trips/show.html", **context), status


def _step_defaults(trip: Trip, step: str) -> dict:
    data = {"version": trip.version}
    if step == "approve":
        config = current_app.config
        data["approver"] = trip.approver or config["TRIP_APPROVER_HMT" if trip.track.value == "hmt" else "TRIP_APPROVER_ABROAD"]
    if step == "return":
        data["return_on"] = trip.return_on
    return data


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    in_plan = request.args.get("outside") != "1"
    if request.method == "GET":
        year = request.args.get("year", type=int) or office_today().year
        form = NewTripForm(data={"year": year, "owner_id": current_user.id})
    else:
        form = NewTripForm()
    if form.find_partners.data:
        return _form_page(form, None, in_plan)
    if form.validate_on_submit():
        trip = Trip(in_plan=in_plan, status=TripStatus.PLANNED)
        apply_form(form, trip, TripForm.FIELDS)
        trip.partners = _partners(form.partners.data)
        db.session.add(trip)
        made = form.recorded_as_made() and steps.may_record_as_made(trip, office_today())
        if made:
            # entered after the fact, as a past visit is saved held
            steps.record_as_made(trip, form.made_status.data, (form.approval_number.data or "").strip() or None)
        db.session.commit()
        if made:
            flash(_("Trip %(title)s was saved as made (%(status)s), as its dates are past.",
                    title=trip.title, status=trip.status.label), "success")
        else:
            flash(_("Trip %(title)s was saved.", title=trip.title), "success")
        return redirect(url_for("trips.show", trip_id=trip.id), 303)
    return _form_page(form, None, in_plan)


@bp.route("/<int:trip_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(trip_id: int):
    trip = _visible_trip(trip_id)
    form = TripEditForm(obj=trip) if request.method == "GET" else TripEditForm()
    if form.find_partners.data:
        return _form_page(form, trip, trip.in_plan)
    if form.validate_on_submit():
        form.ensure_current(trip)
        if trip.status in queries.MADE and form.depart_on.data and form.depart_on.data > office_today():
            form.depart_on.errors.append(_("A trip already made cannot depart after today."))
            return _form_page(form, trip, trip.in_plan)
        apply_form(form, trip, TripForm.FIELDS)
        trip.partners = _partners(form.partners.data)
        db.session.commit()
        flash(_("Trip %(title)s was saved.", title=trip.title), "success")
        return redirect(url_for("trips.show", trip_id=trip.id), 303)
    return _form_page(form, trip, trip.in_plan)


def _form_page(form, trip, in_plan: bool):
    return render_template(
        "trips/form.html", form=form, trip=trip, in_plan=in_plan, **picker_context(form)
    ), 422 if form.errors else 200


def _partners(ids: list[int]) -> list[Partner]:
    return [db.session.get(Partner, partner_id) for partner_id, _name in partners_named(ids)]


def step(trip_id: int, step: str):
    """POST /trips/<id>/apply, /approve, /depart, /return, /close (endpoints trips.apply …)."""
    trip = _visible_trip(trip_id)
    form = STEP_FORMS[step](trip=trip)
    if not form.validate_on_submit():
        return _show(trip, 422, step_form=form)
    form.ensure_current(trip)
    reasons = steps.blockers(trip, step, office_today())
    if reasons:
        abort(409, " ".join(str(reason) for reason in reasons))
    steps.take_step(trip, step, form.data, office_today())
    db.session.commit()
    flash(_("Trip %(title)s: %(status)s.", title=trip.title, status=trip.status.label), "success")
    return redirect(url_for("trips.show", trip_id=trip.id), 303)


def record(trip_id: int, name: str):
    """POST /trips/<id>/notice, /passports (endpoints trips.notice, trips.passports): the date of
    the 公示 or of the passports' return."""
    trip = _visible_trip(trip_id)
    if trip.status not in steps.RECORDS[name]:
        abort(409)
    form = RECORD_FORMS[name](trip=trip)
    if not form.validate_on_submit():
        return _show(trip, 422, **{f"{name}_form": form})
    form.ensure_current(trip)
    field = {"notice": "notice_posted_on", "passports": "passports_returned_on"}[name]
    setattr(trip, field, form[field].data)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(_section(trip, "deadlines"), 303)


@bp.post("/<int:trip_id>/made")
@editor_required
def record_made(trip_id: int):
    """A trip not yet under way whose dates are past, recorded as made without the steps between."""
    trip = _visible_trip(trip_id)
    form = MadeForm(trip=trip)
    if not form.validate_on_submit():
        return _show(trip, 422, made_form=form)
    form.ensure_current(trip)
    if not steps.may_record_as_made(trip, office_today()):
        abort(409)
    steps.record_as_made(trip, form.made_status.data, (form.approval_number.data or "").strip() or None)
    db.session.commit()
    flash(_("Trip %(title)s: %(status)s.", title=trip.title, status=trip.status.label), "success")
    return redirect(url_for("trips.show", trip_id=trip.id), 303)


def _bound(view, name: str):
    """`view` for one step or record: its own endpoint (trips.<name>) and URL, staff only."""
    def bound(trip_id: int):
        return view(trip_id, name)
    bound.__name__ = name
    return editor_required(bound)


for _name in (*STEP_FORMS, *RECORD_FORMS):
    bp.add_url_rule(f"/<int:trip_id>/{_name}", _name, _bound(step if _name in STEP_FORMS else record, _name), methods=["POST"])


@bp.post("/<int:trip_id>/members")
@editor_required
def add_member(trip_id: int):
    trip = _visible_trip(trip_id)
    return add_child(trip, MemberForm(), trip.members, _new_member, show=_show, form_name="member_form",
                     back=_section(trip, "members"))


def _new_member(trip: Trip, form: MemberForm) -> TripMember:
    user = db.session.get(User, form.user_id.data) if form.user_id.data else None
    if form.is_leader.data:
        the_only_one(trip.members, "is_leader")
    return TripMember(
        name=(form.name.data or "").strip() or user.name, position=(form.position.data or "").strip() or None,
        user=user, is_leader=form.is_leader.data,
        passport_number=(form.passport_number.data or None) if "passport_number" in form else None,
    )


@bp.post("/members/<int:member_id>/remove")
@editor_required
def remove_member(member_id: int):
    return remove_child(TripMember, member_id, parent_of=_trip_of, back=lambda trip: _section(trip, "members"))


@bp.post("/<int:trip_id>/legs")
@editor_required
def add_leg(trip_id: int):
    trip = _visible_trip(trip_id)
    return add_child(trip, LegForm(trip=trip), trip.legs, _new_leg, show=_show, form_name="leg_form",
                     back=_section(trip, "itinerary"))


def _new_leg(trip: Trip, form: LegForm) -> TripLeg:
    leg = TripLeg()
    apply_form(form, leg, ["country", "arrive_on", "leave_on", "partner_id"])
    leg.city = (form.city.data or "").strip() or None
    leg.agenda = (form.agenda.data or "").strip() or None
    return leg


@bp.post("/legs/<int:leg_id>/remove")
@editor_required
def remove_leg(leg_id: int):
    return remove_child(TripLeg, leg_id, parent_of=_trip_of, back=lambda trip: _section(trip, "itinerary"))


@bp.post("/legs/<int:leg_id>/log")
@editor_required
def log_leg(leg_id: int):
    """The meeting of a leg becomes contact history (an outgoing visit) with its partner: one step."""
    leg = db.get_or_404(TripLeg, leg_id)
    trip = _trip_of(leg)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if leg.partner is None or leg.partner.is_archived or leg.interaction_id is not None:
        abort(409)
    staff = [member.user for member in trip.members if member.user is not None]
    place = ", ".join(part for part in (leg.city, country_name(leg.country)) if part)
    leg.interaction = record_interaction(
        leg.partner_id, InteractionKind.OUTGOING_VISIT, leg.arrive_on or trip.depart_on or office_today(),
        trip.title, summary=leg.agenda or trip.purpose, location=place, staff=staff, author_id=current_user.id,
    )
    db.session.commit()
    flash(_("The meeting with %(name)s is now in its contact history.", name=leg.partner.name), "success")
    return redirect(_section(trip, "itinerary"), 303)


@bp.post("/<int:trip_id>/documents")
@editor_required
def upload(trip_id: int):
    trip = _visible_trip(trip_id)
    form = TripDocumentForm()
    if form.validate_on_submit():
        kind = form.kind.data
        try:
            steps.record_report(trip, kind, office_today())
            document = store_document(
                form.file.data, lambda **stored: TripDocument(trip=trip, kind=kind, uploaded_by_id=current_user.id, **stored)
            )
        except RefusedUpload as refusal:
            db.session.rollback()
            form.file.errors.append(str(refusal))
        else:
            flash(_("%(name)s was uploaded.", name=document.original_name), "success")
            return redirect(_section(trip, "documents"), 303)
    return _show(_visible_trip(trip_id), 422, document_form=form)


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    return send_document(document_or_404(TripDocument, document_id, "trip"))


@bp.post("/documents/<int:document_id>/remove")
@editor_required
def remove(document_id: int):
    document = document_or_404(TripDocument, document_id, "trip")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    question = _("Remove %(name)s? The file is deleted.", name=document.original_name)
    if (asked := ask_first(form, question, back=url_for("trips.show", trip_id=document.trip_id, _anchor="documents"),
                          record=document.trip)) is not None:
        return asked
    trip_id = document.trip_id
    remove_document(document)
    return redirect(url_for("trips.show", trip_id=trip_id, _anchor="documents"), 303)


@bp.get("/<int:trip_id>/print")
def print_application(trip_id: int):
    return render_template("trips/print.html", trip=_visible_trip(trip_id), deadlines=None)


@bp.route("/<int:trip_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(trip_id: int):
    trip = _visible_trip(trip_id)
    form = RecordActionForm(obj=trip)
    archived = archive_confirmed(trip, form, _("Trip %(title)s was archived.", title=trip.title), url_for("trips.index"))
    if archived:
        return archived
    return render_template("trips/archive.html", trip=trip, form=form), 422 if form.errors else 200


# --- Statistics ------------------------------------------------------------------------------------

MAX_STATISTICS_YEARS = 30


def _year_range():
    """The years asked for. A year not valid is dropped (the default years shown) and its message
    kept beside its box (`validate_filters`); `form.valid` False: the page, and its Excel download,
    which answers the page then, are answered 422."""
    form = YearRangeForm(request.args)
    form.valid = validate_filters(form)
    this_year = office_today().year
    last = form.last.data or this_year
    first = form.first.data or last - 4
    if first > last or last - first > MAX_STATISTICS_YEARS:
        form.valid = False
        form.last.errors = [*form.last.errors, _("From the first year to the last: at most %(num)d years, the first not after the last.",
                                                 num=MAX_STATISTICS_YEARS)]
        last, first = this_year, this_year - 4
    form.first.data, form.last.data = first, last
    return form, first, last


def _statistics(first: int, last: int) -> dict:
    from crm.visits.queries import received_visits

    sent, received = queries.made_trips(first, last), received_visits(first, last)
    tables = {
        direction: {by: queries.summarise(records, by) for by in ("country", "partner", "purpose")}
        for direction, records in (("sent", sent), ("received", received))
    }
    partner_ids = {row.key for direction in tables.values() for row in direction["partner"] if row.key}
    return {"tables": tables, "partner_names": dict(partners_named(list(partner_ids)))}


def _key_label(by: str, key, partner_names: dict) -> str:
    if by == "country":
        return country_name(key)
    if by == "purpose":
        return DelegationPurpose(key).label if key else ""
    return partner_names.get(key, _("no partner")) if key else _("no partner")


@bp.get("/statistics")
def statistics():
    form, first, last = _year_range()
    data = _statistics(first, last)
    page = render_template("trips/statistics.html", form=form, first=first, last=last, key_label=_key_label, **data)
    return page, 200 if form.valid else 422


@bp.get("/statistics.xlsx")
def statistics_xlsx():
    form, first, last = _year_range()
    if not form.valid:
        return statistics()  # the page with the filter's message, as every list's export answers its list
    data = _statistics(first, last)
    directions = {"sent": _("Delegations sent"), "received": _("Delegations received")}
    groups = {"country": _("Country or region"), "partner": _("Partner"), "purpose": _("Purpose")}
    rows = [
        [directions[direction], groups[by], row.year, _key_label(by, row.key, data["partner_names"]), row.count, row.headcount]
        for direction, tables in data["tables"].items() for by, table in tables.items() for row in table
    ]
    header = [[_("Delegation statistics"), f"{first}–{last}"]]
    # Not _("By"): that is the import list's "imported by" (导入人).
    columns = [pgettext("delegations", "Sent or received"), pgettext("delegations", "Counted by"), _("Year"), _("Name"),
               _("Delegations"), _("People")]
    return xlsx_response(f"delegations-{first}-{last}.xlsx", header, columns, rows, sheet_title=_("Delegations"))
