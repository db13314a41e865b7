"""The change history of one record, as people read it: labels of enum values, names of linked
records instead of ids, dates in the user's language; in a fixed number of statements."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.audit.models import AuditEntry
from crm.contacts.models import ERASED_LABEL, ERASED_NAME
from crm.core.i18n import LANGUAGE_NAMES, country_name
from crm.core.templating import local_date, local_datetime
from crm.extensions import db

HISTORY_LIMIT = 200
# What names a linked record in the history, by its table ("[erased contact]" is translated below).
DISPLAY_COLUMN = {
    "user": "name",
    "partner": "name",
    "contact": "name",
    "agreement": "title",
    "proposal": "title",
    "interaction": "subject",
    "follow_up": "title",
    "document": "original_name",
    "consortium": "name",
    "programme": "name",
    "school": "name_zh",
}


@dataclass(frozen=True)
class HistoryLine:
    entry: AuditEntry
    old: str
    new: str


def record_history(record, limit: int = HISTORY_LIMIT) -> list[HistoryLine]:
    """The audit entries of one record, newest first, readable: one statement for the entries
    (with their authors) and one per kind of linked record they name (users, partners, ...)."""
    entries = db.session.scalars(
        select(AuditEntry)
        .options(joinedload(AuditEntry.user))
        .where(AuditEntry.record_type == type(record).__tablename__, AuditEntry.record_id == record.id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ).all()
    columns = type(record).__table__.columns
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if (target := _linked_table(columns, entry.field)) is not None:
            wanted[target].update(int(v) for v in (entry.old, entry.new) if v and v.isdigit())
    names = {table: _names_of(table, ids) for table, ids in wanted.items() if ids}
    return [
        HistoryLine(entry, _readable(columns, entry.field, entry.old, names), _readable(columns, entry.field, entry.new, names))
        for entry in entries
    ]


def _linked_table(columns, field: str | None) -> str | None:
    """The table a foreign-key column points at, if it has a name to show."""
    column = columns.get(field) if field else None
    if column is None:
        return None
    for foreign_key in column.foreign_keys:
        if foreign_key.column.table.name in DISPLAY_COLUMN:
            return foreign_key.column.table.name
    return None


def _names_of(table_name: str, ids: set[int]) -> dict[int, str]:
    table = db.metadata.tables[table_name]
    label = table.c[DISPLAY_COLUMN[table_name]]
    return {row_id: _display(table_name, name) for row_id, name in db.session.execute(select(table.c.id, label).where(table.c.id.in_(ids)))}


def _display(table_name: str, name: str | None) -> str:
    if table_name == "contact":
        if name == ERASED_NAME:
            return str(ERASED_LABEL)
    return name or ""


def _readable(columns, field: str | None, value: str | None, names: dict[str, dict[int, str]]) -> str:
    if value is None:
        return ""
    if value == "True":
        return _("yes")
    if value == "False":
        return _("no")
    column = columns.get(field) if field else None
    if column is None:
        return value
    if (target := _linked_table(columns, field)) is not None and value.isdigit():
        return names.get(target, {}).get(int(value), f"#{value}")
    column_type = column.type
    enum_class = getattr(column_type, "enum_class", None)
    if isinstance(column_type, sa.Enum) and enum_class is not None:
        try:
            member = enum_class(value)
        except ValueError:
            return value
        return getattr(member, "label", value)
    try:
        if isinstance(column_type, sa.DateTime):
            return local_datetime(datetime.fromisoformat(value))
        if isinstance(column_type, sa.Date):
            return local_date(date.fromisoformat(value))
    except ValueError:
        return value
    if field in ("country", "nationality"):  # ISO codes: an expert's or visitor's nationality too
        return country_name(value)
    if field in ("locale", "preferred_language") and value in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value]
    return value
