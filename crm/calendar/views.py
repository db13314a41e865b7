import secrets

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.core.forms import ConfirmForm
from crm.calendar.feed import calendar_for, user_for_token
from crm.extensions import db

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """Public (no session): calendar apps cannot log in. The secret token is the key."""
    user = user_for_token(token)
    if user is None:
        abort(404)
    return calendar_for(user), 200, {"Content-Type": "text/calendar; charset=utf-8"}


@bp.post("/account/calendar")
def new_address():
    """Create the feed address, or replace it: the old address stops working at once."""
    if ConfirmForm().validate_on_submit():
        current_user.calendar_token = secrets.token_urlsafe(32)
        db.session.commit()
        flash(_("Your calendar address was created. Any older address no longer works."), "success")
    return redirect(url_for("auth.account", _anchor="calendar"), 303)


@bp.post("/account/calendar/off")
def revoke():
    if ConfirmForm().validate_on_submit():
        current_user.calendar_token = None
        db.session.commit()
        flash(_("Your calendar address was turned off."), "success")
    return redirect(url_for("auth.account", _anchor="calendar"), 303)
