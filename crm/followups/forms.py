from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField

from crm.core.bulk import BulkSelection
from crm.core.forms import VersionedForm, optional_int
from crm.interactions.forms import NOBODY


class FollowUpDoneForm(VersionedForm):
    """Mark done (or open again); `next` is where a page without JavaScript goes back to."""

    next = HiddenField()
    submit = SubmitField(_l("Done"))


class FollowUpAssignForm(VersionedForm):
    next = HiddenField()
    assignee_id = SelectField(_l("Assignee"), coerce=optional_int, choices=[NOBODY])
    submit = SubmitField(_l("Reassign"))


class AssigneeFilterForm(FlaskForm):
    """The admin's view of someone's follow-ups (GET)."""

    class Meta:
        csrf = False

    assignee = SelectField(_l("Assignee"))
    submit = SubmitField(_l("Apply"))



class FollowUpBulkForm(BulkSelection, FlaskForm):
    """/follow-ups' bulk change: mark the chosen done, or give them to someone."""

    action = SelectField(_l("Change"), choices=[("done", _l("Mark done")), ("reassign", _l("Reassign to"))])
    assignee_id = SelectField(_l("Assignee"), coerce=optional_int, choices=[NOBODY])
