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
(`app-chart-series-N`, CSS only: a colour of the Okabe-Ito palette, which colour-blind readers
tell apart, a dash pattern and a marker shape, so no two series of a chart look alike, in colour,
in grey or on paper), and its table has a column per series. A line chart has a value axis with a
few round ticks (`nice_ticks`); bars and columns carry their value at their end.

A chart may carry a `note` (what it leaves out, or why its bars add up to more than the total),
shown under it, and a `value_label` (the unit of its values), named in its table.

The template prints what Python draws: each item's or point's SVG (`Chart.drawn`: its shapes,
their coordinates, its short label and its accessible name), written out in one pass when the
page renders (in the page's language: its name's words are looked up once per chart), so a chart
costs the template a few dozen prints rather than a macro and several filters per point.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import count
from math import ceil, floor, log10

from markupsafe import Markup, escape

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
    ticks: list[Tick] = field(default_factory=list)  # the value axis (line charts)
    note: str = ""

    @property
    def is_empty(self) -> bool:
        if self.kind == "lines":
            return not any(point.value for line in self.series for point in line.points)
        return not any(item.value for item in self.items)

    @cached_property
    def drawn(self) -> list[tuple]:
        """Each bar or column as (item, its accessible name "label: value", its shapes' SVG); of a
        line chart, each series as (series, [(point, its marker's SVG named "series, label: value")]).
        Drawn when the page renders, in its language."""
        from flask_babel import gettext

        if self.kind == "lines":
            named = gettext("%(series)s, %(label)s: %(value)s")
            return [(line, [(point, mark(line.marker, point.x, point.y,
                                         named % {"series": line.name, "label": point.label, "value": point.value}))
                            for point in line.points])
                    for line in self.series]
        named = gettext("%(label)s: %(value)s")
        draw = _bar if self.kind == "bars" else _column
        return [(item, named % {"label": item.label, "value": item.value}, draw(item, self.height)) for item in self.items]


@dataclass
class Tick:
    value: int
    y: float

    @property
    def label(self) -> str:
        return f"{self.value:,}"


MARKERS = ("circle", "square", "diamond", "triangle")


@dataclass
class Series:
    name: str
    points: list[Item]
    index: int = 0

    @property
    def marker(self) -> str:
        """The shape of its points: a series is told apart by its shape as well as its colour."""
        return MARKERS[self.index % len(MARKERS)]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if n == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for n, p in enumerate(self.points))

    @property
    def key_mark(self) -> Markup:
        """Its marker in the legend."""
        return mark(self.marker, 14, 6)


def truncate(text: str, length: int) -> str:
    """Jinja's `truncate(length, True, "…")`: the text, or (longer than `length` and its leeway of 5)
    its first `length - 1` characters and "…"."""
    return text if len(text) <= length + 5 else text[: length - 1] + "…"


def mark(shape: str, x: float, y: float, title: str = "") -> Markup:
    """A point's marker (MARKERS) at (x, y), with its accessible name as its <title>."""
    x, y = round(x, 1), round(y, 1)
    if shape == "square":
        start = f'<polygon class="app-chart-mark" points="{x - 3.5},{y - 3.5} {x + 3.5},{y - 3.5} {x + 3.5},{y + 3.5} {x - 3.5},{y + 3.5}">'
    elif shape == "diamond":
        start = f'<polygon class="app-chart-mark" points="{x},{y - 5} {x + 5},{y} {x},{y + 5} {x - 5},{y}">'
    elif shape == "triangle":
        start = f'<polygon class="app-chart-mark" points="{x},{y - 5} {x + 5},{y + 4} {x - 5},{y + 4}">'
    else:
        start = f'<circle class="app-chart-mark" cx="{x}" cy="{y}" r="4">'
    named = f"<title>{escape(title)}</title>" if title else ""
    return Markup(start + named + ("</circle>" if shape == "circle" else "</polygon>"))


def _bar(item: Item, _height: float) -> Markup:
    """A bar: its label left of it, its value at its end."""
    middle = item.y + item.height / 2
    return Markup(
        f'<text class="app-chart-label" x="{item.x - 8}" y="{middle}" text-anchor="end" dominant-baseline="middle">'
        f'{escape(truncate(item.label, 22))}</text>\n'
        f'      <rect x="{item.x}" y="{item.y}" width="{round(item.width, 1)}" height="{item.height}" rx="2"></rect>\n'
        f'      <text class="app-chart-value" x="{item.x + item.width + 6}" y="{middle}" dominant-baseline="middle">{escape(item.value)}</text>')


def _column(item: Item, height: float) -> Markup:
    """A column: its value above it, its label under the chart."""
    centre = round(item.x + item.width / 2, 1)
    value = (f'<text class="app-chart-value" x="{centre}" y="{round(item.y - 4, 1)}" text-anchor="middle">{escape(item.value)}</text>'
             if item.value else "")
    return Markup(
        f'<rect x="{round(item.x, 1)}" y="{round(item.y, 1)}" width="{round(item.width, 1)}" height="{round(item.height, 1)}" rx="2"></rect>\n'
        f'{value}      <text class="app-chart-label" x="{centre}" y="{height - 18}" text-anchor="middle">{escape(truncate(item.label, 10))}</text>')


def _items(data: Iterable[tuple], limit: int) -> list[Item]:
    return [Item(str(row[0]), row[1] or 0, row[2] if len(row) > 2 else None) for row in list(data)[:limit]]


def bar_chart(title: str, data: Iterable[tuple], *, value_label: str = "", limit: int = 15, note: str = "") -> Chart:
    """Horizontal bars, one per (label, value[, href]), in the order given."""
    items = _items(data, limit)
    largest = max((item.value for item in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 50
    for index, item in enumerate(items):
        item.x, item.y = LABEL_WIDTH, index * ROW_HEIGHT + 4
        item.width, item.height = max(room * item.value / largest, 1 if item.value else 0), ROW_HEIGHT - 8
    return Chart(title, "bars", items, value_label, height=len(items) * ROW_HEIGHT + 4, note=note)


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


def nice_ticks(largest: float, count: int = 5) -> list[int]:
    """0 and round steps (1, 2 or 5 × 10ⁿ, whole numbers: the charts count things) up to the first
    at or above `largest`, at most `count` steps: 412 → 0, 100, … 500; 7 → 0, 2, 4, 6, 8."""
    if largest <= 0:
        return [0, 1]
    raw = largest / count
    magnitude = 10 ** floor(log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * n for n in range(ceil(largest / step) + 1)]


LINE_LEFT = 70  # the first point; the value axis and its labels sit left of it
AXIS_X = 44
LINE_RIGHT = 40
PLOT_TOP = 16
MAX_SERIES = 8


def line_chart(title: str, labels: list[str], series: Iterable[tuple], *, value_label: str = "", note: str = "") -> Chart:
    """Lines over the same `labels` (left to right), one per (name, [values][, [hrefs]]); at most
    MAX_SERIES series. Each point sits at its label's x and its value's height above the baseline,
    on a scale from 0 to the first round tick at or above the largest value."""
    lines = []
    rows = list(series)[:MAX_SERIES]
    ticks = nice_ticks(max((value or 0 for row in rows for value in row[1]), default=0))
    largest = ticks[-1]
    slot = (WIDTH - LINE_LEFT - LINE_RIGHT) / max(len(labels) - 1, 1)
    for index, row in enumerate(rows):
        name, values = row[0], list(row[1])
        hrefs = list(row[2]) if len(row) > 2 else [None] * len(values)
        points = []
        for n, value in enumerate(values[: len(labels)]):
            x = LINE_LEFT + (n * slot if len(labels) > 1 else (WIDTH - LINE_LEFT - LINE_RIGHT) / 2)
            points.append(Item(labels[n], value or 0, hrefs[n], x=x, y=_height_of(value or 0, largest)))
        lines.append(Series(str(name), points, index))
    chart = Chart(title, "lines", [], value_label, height=PLOT_TOP + COLUMN_AREA_HEIGHT + AXIS_HEIGHT, note=note)
    chart.series, chart.labels = lines, [str(label) for label in labels]
    chart.ticks = [Tick(tick, _height_of(tick, largest)) for tick in ticks]
    chart.label_x = [LINE_LEFT + (n * slot if len(labels) > 1 else (WIDTH - LINE_LEFT - LINE_RIGHT) / 2) for n in range(len(labels))]
    return chart


def _height_of(value: float, top: float) -> float:
    """The y of a value on a scale from 0 (the baseline) to `top` (the top of the plot)."""
    return PLOT_TOP + COLUMN_AREA_HEIGHT - COLUMN_AREA_HEIGHT * value / top


def month_label(start, *, with_year: bool = False) -> str:
    """A column's month in the user's language: "Mar" / "3月", with the year ("Jan 2026" /
    "2026年1月") on each January (or when asked), so that twelve columns fit side by side."""
    from babel.dates import format_date, format_skeleton
    from flask_babel import get_locale

    if with_year or start.month == 1:
        return format_skeleton("yMMM", start, locale=get_locale())
    return format_date(start, "LLL", locale=get_locale())
