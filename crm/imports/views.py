"""/import: upload a spreadsheet, confirm the column mapping, review the preview row by row,
import it in one transaction, undo it (admins); and /import/merge for duplicate partners."""
from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from crm.auth.permissions import admin_required, editor_required
from crm.core.confirming import ask_first
from crm.core.export import XLSX_MIMETYPE, content_disposition
from crm.core.navigation import nav_item
from crm.core.pagination import paginate
from crm.core.templating import local_date
from crm.extensions import db, htmx
from crm.imports import jobs
from crm.imports.commit import remove_upload, undo_batch, undo_blockers
from crm.imports.fields import KINDS
from crm.core.forms import validate_filters
from crm.imports.forms import (
    ADD_TO_PARTNER,
    ADD_TO_ROW,
    MERGE_FIELDS,
    MERGE_LABELS,
    BatchActionForm,
    MergeSearchForm,
    UploadForm,
    adds_to_candidates,
    allowed_actions,
    kind_or_404,
    mapping_form,
    merge_form,
    row_actions_form,
)
from crm.imports.merge import merge_partners, related_counts
from crm.imports.outcomes import items as outcome_items
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowAction, RowOutcome
from crm.imports.preview import inspect_upload, upload_folder
from crm.imports.reading import ImportFileError
from crm.imports.templates import template_workbook
from crm.agreements.models import Agreement
from crm.interactions.models import Interaction
from crm.outcomes.models import Outcome, OutcomeCategory, year_label
from crm.partners.models import Partner
from crm.partners.queries import search_condition

bp = Blueprint("imports", __name__, url_prefix="/import")


def _staff(user) -> bool:
    return getattr(user, "can_edit", False)  # staff and admins (viewers and anonymous: no)


def _admin(user) -> bool:
    return user.is_admin


nav_item("partners", "imports.index", _l("Import"), order=40, visible=_staff)

ROWS_PER_PAGE = 100
RECENT_BATCHES = 20
TEMPLATE_LANGUAGES = {"en": "en", "zh": "zh_CN"}


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status == BatchStatus.DISCARDED:
        abort(404)
    return batch


@bp.route("", methods=["GET", "POST"])
@editor_required
def index():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        suffix = re.sub(r"[^a-z0-9.]", "", Path(upload.filename or "").suffix.lower())[:8]
        batch = ImportBatch(kind=form.kind.data, file_name=(upload.filename or "upload")[:255],
                            stored_name=f"{secrets.token_hex(16)}{suffix}", created_by_id=current_user.id)
        path = upload_folder() / batch.stored_name
        upload.save(path)
        try:
            inspect_upload(batch)
        except ImportFileError as error:
            path.unlink(missing_ok=True)
            form.file.errors.append(str(error.message))
        else:
            db.session.add(batch)
            db.session.commit()
            return redirect(url_for("imports.mapping", batch_id=batch.id), 303)
    batches = db.session.scalars(
        select(ImportBatch).where(ImportBatch.status != BatchStatus.DISCARDED).options(joinedload(ImportBatch.created_by))
        .order_by(ImportBatch.id.desc()).limit(RECENT_BATCHES)
    ).all()
    status = 422 if form.errors else 200
    return render_template("imports/index.html", form=form, batches=batches, kinds=KINDS.values()), status


@bp.get("/template.xlsx")
@editor_required
def template():
    """?kind=partners&language=zh: a blank file with that kind's column titles in that language."""
    kind = request.args.get("kind", "")
    language = request.args.get("language", "")
    import_kind = kind_or_404(kind)
    locale = TEMPLATE_LANGUAGES.get(language) or abort(404)
    response = current_app.response_class(template_workbook(import_kind, locale), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(f"import-{kind}-{language}.xlsx")
    return response


@bp.route("/<int:batch_id>/mapping", methods=["GET", "POST"])
@editor_required
def mapping(batch_id: int):
    batch = _batch_or_404(batch_id)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.PREVIEW, BatchStatus.FAILED) or not batch.stored_name:
        return redirect(url_for("imports.show", batch_id=batch.id), 303)
    kind = KINDS[batch.kind]
    form = mapping_form(kind, batch.headers, batch.mapping, formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        batch.mapping = form.mapping()
        batch.status = BatchStatus.ANALYSING
        batch.processed_rows = 0
        batch.message = None
        db.session.commit()
        jobs.run_step(batch.id, current_user.id, jobs.analyse_step)
        return redirect(url_for("imports.show", batch_id=batch.id), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("imports/mapping.html", batch=batch, kind=kind, form=form), status


def _preview_rows(batch: ImportBatch, outcome: str | None):
    statement = select(ImportRow).where(ImportRow.batch_id == batch.id).order_by(ImportRow.number)
    if outcome:
        statement = statement.where(ImportRow.outcome == RowOutcome(outcome))
    return paginate(statement, per_page=ROWS_PER_PAGE)


def _outcome_filter() -> str | None:
    outcome = request.args.get("outcome") or None
    if outcome is not None and outcome not in {o.value for o in RowOutcome}:
        abort(404)
    return outcome


@bp.get("/<int:batch_id>")
@editor_required
def show(batch_id: int):
    batch = _batch_or_404(batch_id)
    outcome = _outcome_filter()
    page = _preview_rows(batch, outcome) if batch.status in (BatchStatus.PREVIEW, BatchStatus.COMMITTED, BatchStatus.UNDONE) else None
    rows_form = row_actions_form(page.items) if page is not None and batch.status == BatchStatus.PREVIEW else None
    return render_template("imports/show.html", batch=batch, kind=KINDS[batch.kind], page=page, outcome=outcome,
                           rows_form=rows_form, action_form=BatchActionForm(), allowed_actions=allowed_actions,
                           progress=jobs.progress_of(batch.id), choice_counts=_choice_counts(batch),
                           **_row_names(batch, page))


def _row_names(batch: ImportBatch, page) -> dict:
    """What the preview's rows show besides their values: partner names, and for outcomes the
    agreement titles, the year labels and the category labels (one statement each)."""
    names: dict = {"partner_names": _partner_names(batch, page), "out_of_sight": _out_of_sight(batch, page),
                   "stored_date": _stored_date}
    if batch.kind == "outcomes":
        ids = {int(row.values["agreement_id"]) for row in (page.items if page else [])
               if row.values.get("agreement_id", "").isdigit()}
        names["agreement_titles"] = dict(db.session.execute(
            select(Agreement.id, Agreement.title).where(Agreement.id.in_(ids))).all()) if ids else {}
        names |= {"outcome_items": outcome_items, "outcome_year": year_label,
                  "outcome_category": lambda key: OutcomeCategory(key).label}
    return names


def _out_of_sight(batch: ImportBatch, page) -> dict[int, Partner | Agreement]:
    """The records that a committed page's rows wrote and that are out of sight since (their pages
    answer 404): record id → the archived partner or agreement that hides it (itself, an
    interaction's partner, an outcome's agreement). One statement."""
    ids = {row.record_id for row in page.items if row.record_id} if page is not None and batch.status == BatchStatus.COMMITTED else set()
    if not ids:
        return {}
    if batch.kind == "partners":
        statement = select(Partner.id, Partner).where(Partner.id.in_(ids), Partner.archived_at.is_not(None))
    elif batch.kind == "agreements":
        statement = select(Agreement.id, Agreement).where(Agreement.id.in_(ids), Agreement.archived_at.is_not(None))
    elif batch.kind == "history":
        statement = (select(Interaction.id, Partner).join(Partner, Interaction.partner_id == Partner.id)
                     .where(Interaction.id.in_(ids), Partner.archived_at.is_not(None)))
    else:
        statement = (select(Outcome.id, Agreement).join(Agreement, Outcome.agreement_id == Agreement.id)
                     .where(Outcome.id.in_(ids), Agreement.archived_at.is_not(None)))
    return dict(db.session.execute(statement).all())


def _stored_date(value: str | None) -> str:
    """A date the preview stores as ISO text ("2028-02-29", "2028-02-29 14:30") in the page's
    language: 29 Feb 2028 14:30 / 2028年2月29日 14:30."""
    return local_date(date.fromisoformat(value[:10])) + value[10:] if value else ""


def _partner_names(batch: ImportBatch, page) -> dict[int, str]:
    """The names of the partners an agreements page's rows name (one statement)."""
    if page is None or batch.kind == "partners":
        return {}
    ids = {int(pid) for row in page.items
           for pid in (row.values.get("partner_ids") or row.values.get("partner_id") or "").split(",") if pid}
    return dict(db.session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(ids))).all()) if ids else {}


def _choice_counts(batch: ImportBatch) -> dict[str, int]:
    counts = dict(db.session.execute(select(ImportRow.action, func.count()).where(ImportRow.batch_id == batch.id)
                                     .group_by(ImportRow.action)).all())
    return {action.value: counts.get(action, 0) for action in RowAction}


@bp.get("/<int:batch_id>/progress")
@editor_required
def progress(batch_id: int):
    batch = _batch_or_404(batch_id)
    response = current_app.make_response(render_template(
        "imports/_progress.html", batch=batch, progress=jobs.progress_of(batch.id)))
    if htmx and not batch.is_running:
        response.headers["HX-Redirect"] = url_for("imports.show", batch_id=batch.id)
    response.vary.add("HX-Request")
    return response


@bp.post("/<int:batch_id>/rows")
@editor_required
def choose(batch_id: int):
    batch = _batch_or_404(batch_id)
    if batch.status != BatchStatus.PREVIEW:
        abort(409)
    outcome = _outcome_filter()
    page = _preview_rows(batch, outcome)
    form = row_actions_form(page.items, formdata=request.form)
    if not form.validate_on_submit():
        if htmx:
            return "", 422
        return render_template("imports/show.html", batch=batch, kind=KINDS[batch.kind], page=page, outcome=outcome,
                               rows_form=form, action_form=BatchActionForm(), allowed_actions=allowed_actions,
                               progress=None, choice_counts=_choice_counts(batch),
                               **_row_names(batch, page)), 422
    for row, field in form.row_fields():
        if field.raw_data:  # htmx sends the one select that changed
            choose_action(row, field.data)
    db.session.commit()
    if htmx:
        response = current_app.make_response(render_template(
            "imports/_choice_counts.html", batch=batch, choice_counts=_choice_counts(batch)))
        response.vary.add("HX-Request")
        return response
    flash(_("Your choices were saved."), "success")
    return redirect(url_for("imports.show", batch_id=batch.id, outcome=outcome, page=page.page), 303)


def choose_action(row: ImportRow, choice: str) -> None:
    """Set the row's action from its select (one of `allowed_actions`); adding a possible
    duplicate to a partner records that partner, at its version now, as the row's match."""
    if choice.startswith(ADD_TO_PARTNER):
        partner_id = int(choice.removeprefix(ADD_TO_PARTNER))
        row.action, row.match_row = RowAction.UPDATE, None
        row.match_id = partner_id
        row.match_version = db.session.scalar(select(Partner.version).where(Partner.id == partner_id))
    elif choice.startswith(ADD_TO_ROW):
        row.action, row.match_id, row.match_version = RowAction.UPDATE, None, None
        row.match_row = int(choice.removeprefix(ADD_TO_ROW))
    else:
        row.action = RowAction(choice)
        if adds_to_candidates(row):
            row.match_id = row.match_version = row.match_row = None


@bp.post("/<int:batch_id>/commit")
@editor_required
def commit(batch_id: int):
    batch = _batch_or_404(batch_id)
    form = BatchActionForm()
    if not form.validate_on_submit():
        abort(400)
    # One UPDATE decides, so that two people pressing Import at once start one commit.
    started = db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == BatchStatus.PREVIEW)
        .values(status=BatchStatus.COMMITTING, message=None)
    ).rowcount
    db.session.commit()
    if not started:
        abort(409)
    jobs.run_step(batch.id, current_user.id, jobs.commit_step(current_user.id))
    return redirect(url_for("imports.show", batch_id=batch.id), 303)


@bp.post("/<int:batch_id>/discard")
@editor_required
def discard(batch_id: int):
    batch = _batch_or_404(batch_id)
    form = BatchActionForm()
    if not form.validate_on_submit():
        abort(400)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.PREVIEW, BatchStatus.FAILED):
        abort(409)
    db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch.id))
    remove_upload(batch)
    batch.status = BatchStatus.DISCARDED
    db.session.commit()
    flash(_("The file %(name)s was discarded; nothing was imported.", name=batch.file_name), "success")
    return redirect(url_for("imports.index"), 303)


@bp.post("/<int:batch_id>/undo")
@admin_required
def undo(batch_id: int):
    batch = _batch_or_404(batch_id)
    form = BatchActionForm()
    if not form.validate_on_submit():
        abort(400)
    if batch.status != BatchStatus.COMMITTED:
        abort(409)
    question = _("Undo the import of %(name)s? The records it created are removed.", name=batch.file_name)
    if (asked := ask_first(form, question, back=url_for("imports.show", batch_id=batch.id), button=_("Undo this import"))) is not None:
        return asked
    blockers = undo_blockers(batch)
    if blockers:
        return render_template("imports/undo_blocked.html", batch=batch, blockers=blockers), 409
    undo_batch(batch, current_user.id)
    db.session.commit()
    flash(_("The import of %(name)s was undone.", name=batch.file_name), "success")
    return redirect(url_for("imports.show", batch_id=batch.id), 303)


# --- Merging duplicate partners (admins) -----------------------------------------------------

nav_item("admin", "imports.merge", _l("Merge partners"), order=60, visible=_admin, active=("imports.merge",))

MERGE_SEARCH_LIMIT = 30


def _live_partner(partner_id) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.is_archived:
        abort(404)
    return partner


def _picked_ids() -> list[int]:
    raw = request.args.getlist("p")
    if not all(value.isascii() and value.isdigit() and len(value) < 10 for value in raw):
        abort(404)
    return list(dict.fromkeys(int(value) for value in raw))


@bp.route("/merge", methods=["GET", "POST"])
@admin_required
def merge():
    picked = _picked_ids()
    if len(picked) != 2:
        search = MergeSearchForm(request.args)
        status = 200 if validate_filters(search) else 422
        q = (search.q.data or "").strip()
        condition = search_condition(q) if q else None
        found = db.session.scalars(
            select(Partner).where(Partner.archived_at.is_(None), condition).order_by(func.lower(Partner.name))
            .limit(MERGE_SEARCH_LIMIT)
        ).all() if condition is not None else []
        return render_template("imports/merge_pick.html", q=q, form=search, found=found, picked=picked), status
    first, second = (_live_partner(pid) for pid in picked)
    labels = {key: str(label) for key, label in MERGE_LABELS.items()}
    form = merge_form(labels, version_a=first.version, version_b=second.version)
    if form.validate_on_submit():
        if int(form.version_a.data) != first.version or int(form.version_b.data) != second.version:
            abort(409)
        survivor, other = (first, second) if form.survivor.data == "a" else (second, first)
        chosen = {key: getattr(first if form[f"take_{key}"].data == "a" else second, key) for key in MERGE_FIELDS}
        merge_partners(survivor, other, chosen, current_user.id)
        db.session.commit()
        flash(_("%(other)s was merged into %(survivor)s.", other=other.name, survivor=survivor.name), "success")
        return redirect(url_for("partners.show", partner_id=survivor.id), 303)
    if request.method == "GET":
        for key in MERGE_FIELDS:  # by default the first's value, or the second's where the first has none
            form[f"take_{key}"].data = "b" if getattr(first, key) in (None, "") and getattr(second, key) not in (None, "") else "a"
    related = related_counts([first.id, second.id])
    status = 422 if form.errors else 200
    return render_template("imports/merge.html", form=form, first=first, second=second, labels=labels,
                           fields=MERGE_FIELDS, related=related), status
