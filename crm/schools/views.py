"""The college's schools (二级学院), kept by administrators: names in both languages."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.audit.queries import record_history
from crm.auth.models import Role, User
from crm.auth.permissions import admin_required
from crm.core.forms import apply_form
from crm.core.navigation import nav_item
from crm.extensions import db
from crm.schools.forms import SCHOOL_FIELDS, SchoolEditForm, SchoolForm
from crm.schools.models import School
from crm.schools.queries import active_schools

bp = Blueprint("schools", __name__, url_prefix="/admin/schools")
nav_item("admin", "schools.index", _l("Schools"), order=50, visible=lambda user: user.is_admin)


def _page(form, status=200):
    liaisons = db.session.scalars(select(User).where(User.role == Role.LIAISON, User.active.is_(True))).all()
    by_school: dict[int, list[User]] = {}
    for user in liaisons:
        by_school.setdefault(user.school_id, []).append(user)
    return render_template("schools/index.html", schools=active_schools(), form=form, liaisons=by_school), status


@bp.route("", methods=["GET", "POST"])
@admin_required
def index():
    form = SchoolForm()
    if form.validate_on_submit():
        school = School()
        apply_form(form, school, SCHOOL_FIELDS)
        db.session.add(school)
        db.session.commit()
        flash(_("School %(name)s was added.", name=school.name), "success")
        return redirect(url_for("schools.index"), 303)
    return _page(form, 422 if form.errors else 200)


@bp.route("/<int:school_id>", methods=["GET", "POST"])
@admin_required
def edit(school_id: int):
    school = db.get_or_404(School, school_id)
    form = SchoolEditForm(obj=school)
    form.school_id = school.id
    if form.validate_on_submit():
        form.ensure_current(school)
        apply_form(form, school, SCHOOL_FIELDS)
        db.session.commit()
        flash(_("School %(name)s was saved.", name=school.name), "success")
        return redirect(url_for("schools.index"), 303)
    return render_template("schools/edit.html", school=school, form=form, history=record_history(school)), 422 if form.errors else 200
