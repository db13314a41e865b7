from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from crm.core.dates import office_today
from crm.core.models import utcnow
from crm.core.templating import local_dates, local_datetime
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from crm.agreements.queries import agreements_of_partner
from crm.audit.queries import record_history
from crm.auth.permissions import admin_required, editor_required
from crm.contacts.views import bp as contacts_bp
from crm.core.archiving import archive_page, get_live_or_404, refuse_archived_unless_admin, restore_archived
from crm.core.blocks import block_or_page
from crm.core.bulk import MAX_BULK, stale_among
from crm.core.capped import COUNT_CAP
from crm.core.charts import bar_chart
from crm.interactions.forms import assignee_choices
from crm.core.export import add_export_routes, table_response, valid_filters_or_list
from crm.core.forms import RecordActionForm, apply_form, validate_filters
from crm.core.i18n import country_name, country_names, current_locale_code
from crm.core.pagination import page_number
from crm.extensions import db, htmx
from crm.interactions.queries import timeline_of_partner
from crm.outcomes.queries import outcomes_of_partner, partner_sums
from crm.partners.forms import (
    BULK_ACTIONS,
    PARTNER_FIELDS,
    PartnerCreateForm,
    PartnerEditForm,
    PartnerBulkForm,
    PartnerFilterForm,
)
from crm.partners.activity import activity_of_partner
from crm.partners.duplicates import similar_partners
from crm.partners.brief import brief_of
from crm.partners.bulk import apply_change, chosen_partners
from crm.partners.models import Partner, PartnerKind, PartnerStatus, Tag
from crm.partners.picker import partner_matches
from crm.partners.queries import (
    countries_overview,
    owner_choices,
    partner_by_id,
    partner_page,
    partners_for_export,
    tag_names,
)
from crm.proposals.queries import proposals_of_partner
from crm.consortia.queries import consortia_of_partner
from crm.experts.queries import experts_sent_by
from crm.programmes.queries import programmes_of_partner
from crm.trips.queries import trips_of_partner
from crm.visits.queries import visits_of_partner
from crm.core.navigation import nav_item

bp = Blueprint("partners", __name__, url_prefix="/partners")
archive_page(Partner, lambda partner: url_for("partners.index", archived=1, q=partner.name))
bp.register_blueprint(contacts_bp)

nav_item("partners", "partners.index", _l("Partners"), order=10)
nav_item("partners", "partners.countries", _l("Countries"), order=20, active=("partners.countries",))

RESULTS_ID = "partner-results"
MORE_ID = "partner-more"


def _filter_form(with_choices: bool) -> PartnerFilterForm:
    if with_choices:
        return PartnerFilterForm(request.args, tags=tag_names(), owners=owner_choices())
    return PartnerFilterForm(request.args)


FILTER_NAMES = ("q", "country", "kind", "status", "tag", "owner", "quiet", "archived", "sort")


def _filter_args() -> dict[str, str]:
    """The list's filters in use, as the query string carries them (nothing else passes)."""
    args = {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}
    if args.get("sort") == "name":  # the default
        del args["sort"]
    return args


def list_url(endpoint: str = "partners.index", **changes) -> str:
    """A URL of the list (or its export) with the current filters, some changed (None removes one).

    A page asks for a dozen (facets, exports, next page): the filters and each endpoint's path
    are read once per request."""
    cache = g.setdefault("partner_list_urls", {})
    if (path := cache.get(endpoint)) is None:
        path = cache[endpoint] = url_for(endpoint)
    if "partner_list_args" not in g:
        g.partner_list_args = _filter_args()
    args = dict(g.partner_list_args)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return f"{path}?{urlencode(args, quote_via=quote)}" if args else path


@bp.get("")
def index():
    target = htmx.target if htmx else None
    fragment = target in (RESULTS_ID, MORE_ID)
    form = _filter_form(with_choices=not fragment)
    valid = validate_filters(form)
    filters = form.filters()
    refuse_archived_unless_admin(filters.archived)
    page = partner_page(filters, page_number(), current_app.config["PAGE_SIZE"],
                        current_app.config.get("PARTNER_COUNT_CAP", COUNT_CAP))
    if page is None:
        abort(404)
    context = {"form": form, "page": page, "filters": filters, "list_url": list_url, "bulk_choices": _bulk_choices(filters),
               # looked up once for every row and facet: country names, labels, dates
               "country_label": country_names(current_locale_code()),
               "kind_label": {kind: kind.label for kind in PartnerKind},
               "status_label": {status: status.label for status in PartnerStatus},
               "dates": local_dates([row.last_contact for row in page.rows] + [row.next_renewal for row in page.rows])}
    status = 200 if valid else 422
    if target == MORE_ID:
        return render_template("partners/_rows.html", **context), status
    if target == RESULTS_ID:
        headers = {"HX-Push-Url": list_url()}
        return render_template("partners/_results.html", **context), status, headers
    return render_template("partners/index.html", **context), status


@dataclass(frozen=True)
class BulkChoices:
    """What the list's bulk bar offers (PartnerBulkForm reads the answer, in `bulk`): its
    choices only, without building the form on every keystroke of a search."""

    actions: list
    owners: list
    statuses: list


def _bulk_choices(filters) -> BulkChoices | None:
    """The list's bulk change, for those who may edit (not on the archived list)."""
    if not current_user.can_edit or filters.archived:
        return None
    return BulkChoices(BULK_ACTIONS, assignee_choices(), PartnerStatus.choices())


def _filter_description(form: PartnerFilterForm) -> list[list[str]]:
    filters = form.filters()
    described = []
    if filters.q:
        described.append([str(form.q.label.text), filters.q])
    if filters.country:
        described.append([str(form.country.label.text), f"{country_name(filters.country)} ({filters.country})"])
    if filters.kind:
        described.append([str(form.kind.label.text), filters.kind.label])
    if filters.status:
        described.append([str(form.status.label.text), filters.status.label])
    if filters.tag:
        described.append([str(form.tag.label.text), filters.tag])
    if filters.owner_id:
        owners = dict(owner_choices())
        described.append([str(form.owner.label.text), owners.get(filters.owner_id, str(filters.owner_id))])
    if filters.quiet:
        described.append([str(form.quiet.label.text), _("yes")])
    if filters.archived:
        described.append([str(form.archived.label.text), _("yes")])
    return described or [[_("Filter"), _("all partners")]]


def _export(fmt: str):
    form = _filter_form(with_choices=False)
    valid_filters_or_list(form, index)
    filters = form.filters()
    refuse_archived_unless_admin(filters.archived)
    rows = partners_for_export(filters)
    header_rows = [
        [_("Partners"), _("exported %(when)s by %(name)s", when=local_datetime(utcnow()), name=current_user.name)],
        *_filter_description(form),
        [_("Partners found"), len(rows)],
        [_("Contacts"), _("One row per active contact: a partner with several contacts has several rows. "
                          "The import (partners with contacts) reads this file back.")],
    ]
    columns = [
        _("Name"), _("Local-language name"), _("Short name"), _("Country"), _("Country code"), _("City"),
        _("Kind"), _("Status"), _("Owner"), _("Tags"), _("Website"), _("Active agreements"),
        _("Last contact"), _("Next renewal"),
        # The contact's columns, titled as the import reads them (crm/imports/fields.py: PARTNER_IMPORT).
        _("Contact"), _("Position"), _("Department"), _("E-mail"), _("Phone"), _("Messaging"),
    ]
    data = (
        [
            row.partner.name, row.partner.local_name, row.partner.short_name, country_name(row.partner.country),
            row.partner.country, row.partner.city, row.partner.kind.label, row.partner.status.label,
            row.partner.owner.name if row.partner.owner else "", ", ".join(tag.name for tag in row.partner.tags),
            row.partner.website, row.active_agreements, row.last_contact.date() if row.last_contact else None,
            row.next_renewal,
            *((contact.name, contact.position, contact.department, contact.email, contact.phone, contact.messaging)
              if contact else ()),
        ]
        for row in rows
        for contact in ([c for c in row.partner.contacts if c.active] or [None])
    )
    return table_response(fmt, f"partners-{office_today().isoformat()}", header_rows, columns, data, sheet_title=_("Partners"))


add_export_routes(bp, _export)


@bp.get("/countries")
def countries():
    rows = countries_overview()
    by_name = request.args.get("sort") == "name"
    if by_name:
        from crm.core.i18n import country_choices

        order = {code: rank for rank, (code, _name) in enumerate(country_choices())}
        rows.sort(key=lambda row: order.get(row.code, len(order)))
    return render_template("partners/countries.html", rows=rows, by_name=by_name, charts=country_charts(rows))


def country_charts(rows) -> list:
    """Partners and agreements in force by country, the most first; each bar opens its list."""
    by_partners = sorted(rows, key=lambda row: (-row.partners, country_name(row.code)))
    by_agreements = sorted((row for row in rows if row.active_agreements), key=lambda row: (-row.active_agreements, country_name(row.code)))
    return [
        bar_chart(_("Partners by country"),
                  [(country_name(row.code), row.partners, url_for("partners.index", country=row.code)) for row in by_partners],
                  value_label=_("Partners")),
        bar_chart(_("Agreements in force by country"),
                  [(country_name(row.code), row.active_agreements, url_for("agreements.index", country=row.code, status="current"))
                   for row in by_agreements],
                  value_label=_("Agreements in force")),
    ]


PICKER_FIELDS = ("partners", "partner_id")


@bp.get("/picker-options")
def picker_options():
    """The partner picker's search-as-you-type answer (templates/partners/_picker.html): the
    partners matching `partner_q`, those already chosen (`?<field>=id`) left out."""
    field_name = request.args.get("field", "partners")
    if field_name not in PICKER_FIELDS:
        abort(400)
    chosen = [int(v) for v in request.args.getlist(field_name)[:500] if v.isascii() and v.isdigit() and len(v) < 10]
    options, more = partner_matches(request.args.get("partner_q", ""), chosen)
    input_type = "radio" if request.args.get("input") == "radio" else "checkbox"
    return render_template(
        "partners/_picker_options.html", options=options, more=more, field_name=field_name, input_type=input_type
    )


@bp.get("/<int:partner_id>")
def show(partner_id: int):
    partner = partner_by_id(partner_id)
    if partner is None or partner.is_archived:
        abort(404)
    return render_template(
        "partners/show.html",
        partner=partner,
        contacts=[contact for contact in partner.contacts if not contact.erased],
        agreements=agreements_of_partner(partner.id),
        interactions=timeline_of_partner(partner.id),
        activity=activity_of_partner(partner),
        proposals=proposals_of_partner(partner.id),
    )


WORK_ID = "partner-work"


@bp.get("/<int:partner_id>/work")
def work(partner_id: int):
    """The partner page's lower sections: outcomes and their figures, consortia, experts,
    programmes, delegations sent and received, the change history. The page answers with what
    the user acts on first (contacts, agreements, contact history, proposals); this block, half
    its statements, comes once it comes into view (htmx), or as a page of its own (its link
    without JavaScript)."""
    partner = get_live_or_404(Partner, partner_id)
    context = {
        "partner": partner, "work_loaded": True, "today": office_today(),
        "outcomes": outcomes_of_partner(partner.id), "outcome_sums": partner_sums(partner.id),
        "consortia": consortia_of_partner(partner.id), "experts": experts_sent_by(partner.id),
        "programmes": programmes_of_partner(partner.id),
        "trips": trips_of_partner(partner.id), "visits": visits_of_partner(partner.id),
        "history": record_history(partner),
    }
    return block_or_page("partners/_work.html", "partners/work.html", WORK_ID, **context)


@bp.post("/bulk")
@editor_required
def bulk():
    """Change the chosen partners (or all the list's, its filters in the URL) together: a
    confirmation naming the count first, then one transaction, refused (409) when any of them
    changed since the confirmation (crm/core/bulk.py)."""
    form = PartnerBulkForm()
    form.owner.choices = assignee_choices()
    back = list_url()
    if not form.validate_on_submit():
        return render_template("partners/bulk.html", form=form, partners=[], back=back), 422
    if form.is_confirmed:
        partners = chosen_partners(list(form.targets.data), None)
        stale = stale_among(partners, form.targets.data)
        if stale:
            return render_template("partners/bulk.html", form=form, partners=[], back=back, stale=len(stale)), 409
    else:
        filters = None
        if form.all_matching.data:
            list_form = _filter_form(with_choices=False)
            list_form.validate()
            filters = list_form.filters()
        partners = chosen_partners(form.ids.data, filters)
        if not partners or len(partners) > MAX_BULK:
            return render_template("partners/bulk.html", form=form, partners=partners, back=back,
                                   too_many=len(partners) > MAX_BULK, max_bulk=MAX_BULK), 422
        return render_template("partners/bulk.html", form=form, partners=partners, back=back, confirming=True)
    tag = tags_named([form.tag.data.strip()])[0] if form.action.data in ("add_tag", "remove_tag") else None
    changed = apply_change(partners, form.action.data, tag=tag, owner_id=form.owner.data, status=form.status.data)
    db.session.commit()
    flash(ngettext("%(num)d partner changed.", "%(num)d partners changed.", changed), "success")
    return redirect(back, 303)


@bp.get("/<int:partner_id>/brief")
def brief(partner_id: int):
    """The briefing sheet: one printable page about the partner before a visit."""
    partner = partner_by_id(partner_id)
    if partner is None or partner.is_archived:
        abort(404)
    return render_template("partners/brief.html", brief=brief_of(partner, office_today()))


def tags_named(names: list[str]) -> list[Tag]:
    """The Tag rows for these names, created when new (a name matches case-insensitively)."""
    if not names:
        return []
    folded = {name.casefold() for name in names}
    existing = {tag.name.casefold(): tag for tag in db.session.scalars(select(Tag)) if tag.name.casefold() in folded}
    tags = []
    for name in names:
        tag = existing.get(name.casefold())
        if tag is None:
            tag = existing[name.casefold()] = Tag(name=name)
        tags.append(tag)
    return tags


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    form = PartnerCreateForm(owners=owner_choices())
    duplicates: list[Partner] = []
    if form.validate_on_submit():
        if not form.create_anyway.data:
            duplicates = similar_partners(
                form.name.data, form.local_name.data, form.short_name.data, form.website.data, country=form.country.data
            )
        if not duplicates:
            partner = Partner(created_by_id=current_user.id, updated_by_id=current_user.id)
            apply_form(form, partner, PARTNER_FIELDS)
            partner.tags = tags_named(form.tag_names)
            db.session.add(partner)
            db.session.commit()
            flash(_("Partner %(name)s was created.", name=partner.name), "success")
            return redirect(url_for("partners.show", partner_id=partner.id), 303)
    elif request.method == "GET" and not form.owner_id.data:
        form.owner_id.data = current_user.id
    status = 422 if form.errors else 200
    return render_template("partners/form.html", form=form, partner=None, duplicates=duplicates), status


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(partner_id: int):
    partner = get_live_or_404(Partner, partner_id)
    form = PartnerEditForm(obj=partner, owners=owner_choices())
    if request.method == "GET":
        form.tags.data = ", ".join(tag.name for tag in partner.tags)
    if form.validate_on_submit():
        form.ensure_current(partner)
        tags = tags_named(form.tag_names)  # before any change: its query must not flush half an edit
        apply_form(form, partner, PARTNER_FIELDS)
        partner.tags = tags
        partner.updated_by_id = current_user.id
        db.session.commit()
        flash(_("Partner %(name)s was saved.", name=partner.name), "success")
        return redirect(url_for("partners.show", partner_id=partner.id), 303)
    status = 422 if form.errors else 200
    return render_template("partners/form.html", form=form, partner=partner, duplicates=[]), status


@bp.route("/<int:partner_id>/archive", methods=["GET", "POST"])
@editor_required
def archive(partner_id: int):
    partner = get_live_or_404(Partner, partner_id)
    form = RecordActionForm(obj=partner)
    if form.validate_on_submit():
        form.ensure_current(partner)
        partner.archive()
        partner.updated_by_id = current_user.id
        db.session.commit()
        flash(_("Partner %(name)s was archived.", name=partner.name), "success")
        return redirect(url_for("partners.index"), 303)
    status = 422 if form.errors else 200
    return render_template("partners/archive.html", partner=partner, form=form), status


@bp.post("/<int:partner_id>/restore")
@admin_required
def restore(partner_id: int):
    partner = restore_archived(Partner, partner_id)
    partner.updated_by_id = current_user.id
    db.session.commit()
    flash(_("Partner %(name)s was restored.", name=partner.name), "success")
    return redirect(url_for("partners.show", partner_id=partner.id), 303)
