from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from crm.auth.accounts import (
    create_user,
    deactivate,
    end_sessions_at_logout,
    find_user,
    record_login,
    would_remove_last_admin,
)
from crm.auth.forms import LanguageForm, LoginForm, PasswordChangeForm, UserCreateForm, UserEditForm
from crm.auth.lockout import record_failure, seconds_locked
from crm.auth.models import Role, User
from crm.auth.permissions import admin_required
from crm.audit.queries import record_history
from crm.core.i18n import SESSION_LOCALE_KEY, normalise_locale
from crm.core.logging import clean
from crm.core.security import safe_next_url
from crm.extensions import db, limiter, login_manager
from crm.core.navigation import nav_item

bp = Blueprint("auth", __name__)
nav_item("admin", "auth.users", _l("Users"), order=10, visible=lambda user: user.is_admin,
         active=("auth.users", "auth.edit", "auth.create"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _login_attempt_failed(response) -> bool:
    return response.status_code != 303


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_login_attempt_failed)
def login():
    if lang := normalise_locale(request.args.get("lang")):
        session[SESSION_LOCALE_KEY] = lang
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"), 303)
    form = LoginForm()
    if form.validate_on_submit():
        if wait := seconds_locked(form.email.data):
            current_app.logger.warning("login refused, account locked: %s", clean(form.email.data))
            raise TooManyRequests(retry_after=wait)
        user = find_user(form.email.data)
        if user is not None and user.active and user.check_password(form.password.data):
            next_url = safe_next_url(request.args.get("next"))
            session.clear()  # a new session at login
            login_user(user)
            record_login(user)
            db.session.commit()
            current_app.logger.info("login ok: %s", user.email)
            return redirect(next_url or url_for("dashboard.home"), 303)
        current_app.logger.warning("login failed: %s", clean(form.email.data))
        record_failure(form.email.data, request.remote_addr)
        form.password.errors.append(_("The e-mail or password is not right."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    end_sessions_at_logout(current_user)
    db.session.commit()
    current_app.logger.info("logout: %s", current_user.email)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        current_user.locale = form.locale.data
        db.session.commit()
    return redirect(safe_next_url(request.args.get("next")) or url_for("dashboard.home"), 303)


@bp.route("/account", methods=["GET", "POST"])
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            current_user.set_password(form.new_password.data)  # ends every other session
            db.session.commit()
            login_user(current_user._get_current_object())  # this session goes on with the new token
            flash(_("Your password was changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.account"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/account.html", form=form, language_form=LanguageForm(locale=current_user.locale)), status


@bp.get("/admin/users")
@admin_required
def users():
    all_users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("auth/users.html", users=all_users, form=UserCreateForm())


@bp.post("/admin/users")
@admin_required
def create():
    form = UserCreateForm()
    if not form.validate_on_submit():
        all_users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
        return render_template("auth/users.html", users=all_users, form=form), 422
    user = create_user(form.email.data, form.name.data, form.role.data, form.password.data, form.locale.data,
                       form.school_id.data)
    db.session.commit()
    flash(_("User %(name)s was created.", name=user.name), "success")
    return redirect(url_for("auth.users"), 303)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        form.ensure_current(user)
        if would_remove_last_admin(user, form.role.data, form.active.data):
            form.role.errors.append(_("At least one active administrator must remain."))
        else:
            user.name = form.name.data
            user.role = form.role.data
            user.school_id = form.school_id.data if form.role.data == Role.LIAISON else None
            if user.active and not form.active.data:
                deactivate(user)
            user.active = form.active.data
            db.session.commit()
            flash(_("User %(name)s was saved.", name=user.name), "success")
            return redirect(url_for("auth.users"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/user_edit.html", user=user, form=form, history=record_history(user)), status

