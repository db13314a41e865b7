"""Contacts, edited inline on the partner page (htmx) or on their own pages (without JavaScript).

The blueprint is nested in the partners blueprint: /partners/<partner_id>/contacts/…, endpoints
`partners.contacts.*`. Every change answers htmx with 204 and the `contactsChanged` event (the
contacts section reloads itself), and a plain browser with a 303 back to the partner page.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from crm.core.dates import office_today
from crm.core.models import utcnow
from crm.core.templating import local_datetime
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from flask_login import current_user
from sqlalchemy import select

from crm.auth.permissions import admin_required, editor_required
from crm.contacts.changes import erase_contact, keep_one_primary
from crm.contacts.forms import CONTACT_FIELDS, ContactEditForm, ContactForm, EraseContactForm
from crm.contacts.redaction import mentions_of, redact_mentions
from crm.contacts.models import Contact
from crm.core.archiving import get_live_or_404
from crm.core.export import table_response
from crm.core.forms import RecordActionForm, apply_form
from crm.extensions import db, htmx
from crm.partners.models import Partner

bp = Blueprint("contacts", __name__, url_prefix="/<int:partner_id>/contacts")

SECTION_ID = "contacts"
NEW_ID = "contact-new"
CHANGED_EVENT = "contactsChanged"


def row_id(contact: Contact) -> str:
    return f"contact-{contact.id}"


def _contact_or_404(partner_id: int, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.partner_id != partner_id or contact.erased or contact.partner.is_archived:
        abort(404)
    return contact


def live_contacts(partner_id: int) -> list[Contact]:
    """The partner's contacts as the section lists them: primary first, then by name; not erased."""
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.partner_id == partner_id, ~Contact.erased)
            .order_by(Contact.is_primary.desc(), Contact.active.desc(), Contact.name)
        )
    )


def _changed(partner_id: int, message: str):
    """After a change: htmx reloads the section; a plain browser goes back to the partner page."""
    if htmx:
        return "", 204, {"HX-Trigger": CHANGED_EVENT}
    flash(message, "success")
    return redirect(url_for("partners.show", partner_id=partner_id, _anchor=SECTION_ID), 303)


@bp.get("")
def section(partner_id: int):
    partner = get_live_or_404(Partner, partner_id)
    if htmx.target != SECTION_ID:
        return redirect(url_for("partners.show", partner_id=partner_id, _anchor=SECTION_ID), 303)
    return render_template("partners/_contacts.html", partner=partner, contacts=live_contacts(partner_id))


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new(partner_id: int):
    partner = get_live_or_404(Partner, partner_id)
    form = ContactForm(prefix="new-contact")
    if form.validate_on_submit():
        contact = Contact(partner=partner)
        apply_form(form, contact, CONTACT_FIELDS)
        db.session.add(contact)
        keep_one_primary(contact)
        db.session.commit()
        return _changed(partner_id, _("Contact %(name)s was added.", name=contact.name))
    status = 422 if form.errors else 200
    if htmx.target == NEW_ID:
        return render_template("contacts/_new_form.html", partner=partner, contact_form=form), status
    return render_template("contacts/form.html", partner=partner, contact=None, form=form), status


@bp.get("/<int:contact_id>")
def row(partner_id: int, contact_id: int):
    contact = _contact_or_404(partner_id, contact_id)
    if htmx.target != row_id(contact):
        return redirect(url_for("partners.show", partner_id=partner_id, _anchor=row_id(contact)), 303)
    return render_template("contacts/_row.html", partner=contact.partner, contact=contact,
                           action_form=RecordActionForm(obj=contact))


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(partner_id: int, contact_id: int):
    contact = _contact_or_404(partner_id, contact_id)
    form = ContactEditForm(obj=contact, prefix=row_id(contact))
    if form.validate_on_submit():
        form.ensure_current(contact)
        apply_form(form, contact, CONTACT_FIELDS + ["active"])
        keep_one_primary(contact)
        db.session.commit()
        return _changed(partner_id, _("Contact %(name)s was saved.", name=contact.name))
    status = 422 if form.errors else 200
    if htmx.target == row_id(contact):
        return render_template("contacts/_row_form.html", partner=contact.partner, contact=contact, form=form), status
    return render_template("contacts/form.html", partner=contact.partner, contact=contact, form=form), status


def _set_active(partner_id: int, contact_id: int, active: bool):
    contact = _contact_or_404(partner_id, contact_id)
    form = RecordActionForm()
    if not form.validate_on_submit():
        abort(422)
    form.ensure_current(contact)
    contact.active = active
    if not active:
        contact.is_primary = False
    db.session.commit()
    if active:
        return _changed(partner_id, _("%(name)s is an active contact again.", name=contact.name))
    return _changed(partner_id, _("%(name)s was marked as no longer there.", name=contact.name))


@bp.post("/<int:contact_id>/deactivate")
@editor_required
def deactivate(partner_id: int, contact_id: int):
    return _set_active(partner_id, contact_id, False)


@bp.post("/<int:contact_id>/activate")
@editor_required
def activate(partner_id: int, contact_id: int):
    return _set_active(partner_id, contact_id, True)


@bp.route("/<int:contact_id>/erase", methods=["GET", "POST"])
@admin_required
def erase(partner_id: int, contact_id: int):
    contact = _contact_or_404(partner_id, contact_id)
    mentions = mentions_of(contact)
    form = EraseContactForm(obj=contact)
    form.redact.choices = [(mention.key, mention.key) for mention in mentions]
    if request.method == "GET":
        form.redact.data = [mention.key for mention in mentions]  # all offered, the admin unticks
    if form.validate_on_submit():
        form.ensure_current(contact)
        former_name = contact.name
        chosen = [mention for mention in mentions if mention.key in set(form.redact.data or ())]
        erase_contact(contact)
        redacted = redact_mentions(chosen, former_name)
        db.session.commit()
        flash(ngettext("The personal data of the contact was deleted, also from the change history, and their name was redacted in %(num)d text.",
                       "The personal data of the contact was deleted, also from the change history, and their name was redacted in %(num)d texts.",
                       redacted), "success")
        return redirect(url_for("partners.show", partner_id=partner_id, _anchor=SECTION_ID), 303)
    status = 422 if form.errors else 200
    return render_template("contacts/erase.html", partner=contact.partner, contact=contact, form=form, mentions=mentions), status


@bp.get("/export.csv")
def export_csv(partner_id: int):
    return _export(partner_id, "csv")


@bp.get("/export.xlsx")
def export_xlsx(partner_id: int):
    return _export(partner_id, "xlsx")


def _export(partner_id: int, fmt: str):
    partner = get_live_or_404(Partner, partner_id)
    contacts = live_contacts(partner_id)
    header_rows = [
        [_("Contacts of %(partner)s", partner=partner.name),
         _("exported %(when)s by %(name)s", when=local_datetime(utcnow()), name=current_user.name)],
        [_("Filter"), _("all contacts of the partner, including those who left")],
    ]
    columns = [pgettext("person", "Name"), _("Position"), _("Department"), _("E-mail"), _("Phone"), _("Messaging"),
               _("Preferred language"), _("Primary contact"), _("Active"), _("Notes")]
    rows = (
        [c.name, c.position, c.department, c.email, c.phone, c.messaging, c.preferred_language,
         _("yes") if c.is_primary else "", _("yes") if c.active else _("no"), c.notes]
        for c in contacts
    )
    filename = f"contacts-{partner.short_name or partner.name}-{office_today().isoformat()}"
    return table_response(fmt, filename, header_rows, columns, rows, sheet_title=_("Contacts"))
