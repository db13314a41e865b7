"""Who may enter and change outcomes: office staff any; a school's liaison only their school's,
and only while the office has not approved them. (Reading follows the app's rule: every user.)"""
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from crm.outcomes.models import Outcome, OutcomeStatus


def may_enter_outcomes(user) -> bool:
    return user.is_authenticated and (user.can_edit or user.is_liaison)


def may_change(user, outcome: Outcome) -> bool:
    if user.can_edit:
        return True
    return user.is_liaison and outcome.school_id == user.school_id and outcome.status != OutcomeStatus.APPROVED


def outcome_writer_required(view):
    """Staff, admins and liaisons; viewers are refused before anything is read or written."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not may_enter_outcomes(current_user):
            current_app.logger.warning("refused: %s %s needs a staff or liaison role", request.method, request.path)
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def status_for_new_entry(user) -> OutcomeStatus:
    """The office's own entries count at once; a liaison's wait for approval."""
    return OutcomeStatus.APPROVED if user.can_edit else OutcomeStatus.PENDING
