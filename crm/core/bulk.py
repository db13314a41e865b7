"""Bulk edits (the partner list, /follow-ups): the same steps for every list.

1. The list is a plain form: a checkbox per row (`ids`), or "all N matching" (`all_matching`,
   the list's filters travel in the form's URL), and the change asked for.
2. The first POST answers a confirmation page naming the count and the records, and carrying
   each record as `id:version` (`targets`): what the user confirms is what gets changed.
3. The confirmed POST loads the targets, refuses with 409 (nothing written) when any of them
   changed or went away since, or else applies the change to each and commits once; the audit
   hook records each record's change.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, HiddenField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

MAX_BULK = 1000  # records changed at once; more are refused (narrow the list first)
_TARGET = re.compile(r"^(\d{1,9}):(\d{1,9})$")


class IdListField(Field):
    """Several integer ids from repeated inputs (`ids=3&ids=7`); anything else is an error."""

    widget = HiddenInput()

    def process_formdata(self, valuelist):
        self.data = []
        for value in valuelist[: MAX_BULK + 1]:
            if not str(value).isdigit() or len(str(value)) > 9:
                raise ValueError(_l("Not a record of this list."))
            self.data.append(int(value))

    def _value(self):
        return ""


class TargetListField(Field):
    """The confirmed records as `id:version` pairs → {id: version}."""

    widget = HiddenInput()

    def process_formdata(self, valuelist):
        self.data = {}
        for value in valuelist[: MAX_BULK + 1]:
            match = _TARGET.match(str(value))
            if not match:
                raise ValueError(_l("Not a record of this list."))
            self.data[int(match.group(1))] = int(match.group(2))

    def _value(self):
        return ""


class BulkSelection:
    """The fields every bulk form has (mixed into a FlaskForm)."""

    ids = IdListField()
    all_matching = BooleanField(_l("All matching"))
    targets = TargetListField()
    confirmed = HiddenField()

    def validate_ids(self, field):
        if len(field.data or []) > MAX_BULK:
            raise ValidationError(_l("At most %(num)d at once.", num=MAX_BULK))

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "1" and bool(self.targets.data)


def stale_among(records: Iterable, targets: dict[int, int]) -> list[int]:
    """The ids of `targets` that are gone, or whose version is not the one confirmed."""
    current = {record.id: record.version for record in records}
    return [record_id for record_id, version in targets.items() if current.get(record_id) != version]
