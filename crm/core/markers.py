"""The markers stored in place of an erased person's name: "[erased contact]" in a contact's
name and in the texts that named the person (crm/contacts/redaction.py), "[erased expert]" in an
expert's name. They are data, the same in every language; the reader sees them in their own
language wherever they are printed: on a page (the templates' `finalize`, crm/core/templating.py)
and in an export (crm.core.export.safe_cell)."""
from flask_babel import lazy_gettext as _l

ERASED_CONTACT = "[erased contact]"
ERASED_EXPERT = "[erased expert]"
_LABELS = {ERASED_CONTACT: _l("[erased contact]"), ERASED_EXPERT: _l("[erased expert]")}


def shown_markers(value):
    """`value` with the markers it holds in the reader's language; anything but plain text (a
    number, a form's widget, which must post the stored text back) as it is."""
    if type(value) is str and "[erased " in value:
        for marker, label in _LABELS.items():
            value = value.replace(marker, str(label))
    return value
