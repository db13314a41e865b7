"""Charts drawn on the server as SVG: readable without JavaScript, printable, no CDN, and each
with its table for screen readers (templates/core/_chart.html draws both).

Plain SVG from a template rather than a charting library: the charts here are bars and columns
with links, and a library's SVG would bring inline styles and scripts that the CSP forbids.

    chart = bar_chart(_("Partners by country"), [(name, count, url), ...])
    {% with chart=chart %}{% include "core/_chart.html" %}{% endwith %}

`bar_chart` draws horizontal bars (categories with long names: countries, partners);
`column_chart` draws vertical columns (a series in order: months, years). Both keep the first
`limit` items; the table lists the same items. `line_chart` draws a few series over the same
labels (a trend by year, one line per category): each series is styled by its index
(`app-chart-series-N`, CSS only), and its table has a column per series.
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
    kind: str  # "bars", "columns" or "lines"
    items: list[Item]
    value_label: str = ""
    width: int = WIDTH
    height: int = 0
    id: str = field(default_factory=lambda: f"chart-{next(_ids)}")
    series: list[Series] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    label_x: list[float] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        if self.kind == "lines":
            return not any(point.value for line in self.series for point in line.points)
        return not any(item.value for item in self.items)


@dataclass
class Series:
    name: str
    points: list[Item]
    index: int = 0

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if n == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for n, p in enumerate(self.points))


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


LINE_LEFT = 50
LINE_RIGHT = 50
MAX_SERIES = 8


def line_chart(title: str, labels: list[str], series: Iterable[tuple], *, value_label: str = "") -> Chart:
    """Lines over the same `labels` (left to right), one per (name, [values][, [hrefs]]); at most
    MAX_SERIES series. Each point sits at its label's x and its value's height above the baseline."""
    lines = []
    rows = list(series)[:MAX_SERIES]
    largest = max((value or 0 for row in rows for value in row[1]), default=0) or 1
    slot = (WIDTH - LINE_LEFT - LINE_RIGHT) / max(len(labels) - 1, 1)
    for index, row in enumerate(rows):
        name, values = row[0], list(row[1])
        hrefs = list(row[2]) if len(row) > 2 else [None] * len(values)
        points = []
        for n, value in enumerate(values[: len(labels)]):
            x = LINE_LEFT + (n * slot if len(labels) > 1 else (WIDTH - LINE_LEFT - LINE_RIGHT) / 2)
            y = 16 + COLUMN_AREA_HEIGHT - COLUMN_AREA_HEIGHT * (value or 0) / largest
            points.append(Item(labels[n], value or 0, hrefs[n], x=x, y=y))
        lines.append(Series(str(name), points, index))
    chart = Chart(title, "lines", [], value_label, height=16 + COLUMN_AREA_HEIGHT + AXIS_HEIGHT)
    chart.series, chart.labels = lines, [str(label) for label in labels]
    chart.label_x = [LINE_LEFT + (n * slot if len(labels) > 1 else (WIDTH - LINE_LEFT - LINE_RIGHT) / 2) for n in range(len(labels))]
    return chart


def month_label(start, *, with_year: bool = False) -> str:
    """A column's month in the user's language: "Mar" / "3月", with the year ("Jan 2026" /
    "2026年1月") on each January (or when asked), so that twelve columns fit side by side."""
    from babel.dates import format_date, format_skeleton
    from flask_babel import get_locale

    if with_year or start.month == 1:
        return format_skeleton("yMMM", start, locale=get_locale())
    return format_date(start, "LLL", locale=get_locale())
