"""Server-side authorisation: decide before anything is written."""
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user


def _refuse():
    current_app.logger.warning("refused: %s %s needs a higher role", request.method, request.path)
    abort(403)


def editor_required(view):
    """Staff and admins write; viewers read and export only."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.can_edit:
            _refuse()
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            _refuse()
        return view(*args, **kwargs)

    return wrapped
