"""Charts drawn on the server as SVG: readable without JavaScript, printable, no CDN, and each
with its table for screen readers (templates/core/_chart.html draws both).

Plain SVG from a template rather than a charting library: the charts here are bars and columns
with links, and a library's SVG would bring inline styles and scripts that the CSP forbids.

    chart = bar_chart(_("Partners by country"), [(name, count, url), ...])
    {% with chart=chart %}{% include "core/_chart.html" %}{% endwith %}

`bar_chart` draws horizontal bars (categories with long names: countries, partners);
`column_chart` draws vertical columns (a series in order: months, years). Both keep the first
`limit` items; the table lists the same items.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count

# Geometry in SVG user units; the SVG scales to its container's width.
WIDTH = 640
ROW_HEIGHT = 24
LABEL_WIDTH = 190
COLUMN_AREA_HEIGHT = 180
AXIS_HEIGHT = 34

_ids = count(1)


@dataclass
class Item:
    label: str
    value: float
    href: str | None = None
    # geometry, filled by the chart
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Chart:
    title: str
    kind: str  # "bars" or "columns"
    items: list[Item]
    value_label: str = ""
    width: int = WIDTH
    height: int = 0
    id: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    @property
    def is_empty(self) -> bool:
        return not any(item.value for item in self.items)


def _items(data: Iterable[tuple], limit: int) -> list[Item]:
    return [Item(str(row[0]), row[1] or 0, row[2] if len(row) > 2 else None) for row in list(data)[:limit]]


def bar_chart(title: str, data: Iterable[tuple], *, value_label: str = "", limit: int = 15) -> Chart:
    """Horizontal bars, one per (label, value[, href]), in the order given."""
    items = _items(data, limit)
    largest = max((item.value for item in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 50
    for index, item in enumerate(items):
        item.x, item.y = LABEL_WIDTH, index * ROW_HEIGHT + 4
        item.width, item.height = max(room * item.value / largest, 1 if item.value else 0), ROW_HEIGHT - 8
    return Chart(title, "bars", items, value_label, height=len(items) * ROW_HEIGHT + 4)


def column_chart(title: str, data: Iterable[tuple], *, value_label: str = "", limit: int = 24) -> Chart:
    """Vertical columns, one per (label, value[, href]), left to right in the order given."""
    items = _items(data, limit)
    largest = max((item.value for item in items), default=0) or 1
    slot = WIDTH / max(len(items), 1)
    for index, item in enumerate(items):
        item.height = max(COLUMN_AREA_HEIGHT * item.value / largest, 1 if item.value else 0)
        item.x, item.width = index * slot + slot * 0.15, slot * 0.7
        item.y = 16 + COLUMN_AREA_HEIGHT - item.height
    return Chart(title, "columns", items, value_label, height=16 + COLUMN_AREA_HEIGHT + AXIS_HEIGHT)


def month_label(start, *, with_year: bool = False) -> str:
    """A column's month in the user's language: "Mar" / "3月", with the year ("Jan 2026" /
    "2026年1月") on each January (or when asked), so that twelve columns fit side by side."""
    from babel.dates import format_date, format_skeleton
    from flask_babel import get_locale

    if with_year or start.month == 1:
        return format_skeleton("yMMM", start, locale=get_locale())
    return format_date(start, "LLL", locale=get_locale())
