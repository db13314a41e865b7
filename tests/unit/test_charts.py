"""The server-drawn charts: geometry proportional to the values, and an empty chart said so."""
from crm.core.charts import bar_chart, column_chart


def test_bars_are_proportional_to_their_values_and_keep_their_order():
    chart = bar_chart("Partners by country", [("Germany", 8, "/partners?country=DE"), ("Japan", 2), ("Malaysia", 4)])
    widths = {item.label: item.width for item in chart.items}
    assert [item.label for item in chart.items] == ["Germany", "Japan", "Malaysia"]
    assert widths["Germany"] == 4 * widths["Japan"] == 2 * widths["Malaysia"]
    assert chart.items[0].href == "/partners?country=DE" and chart.items[1].href is None
    assert chart.height == 3 * 24 + 4


def test_columns_grow_from_a_common_baseline_and_the_limit_applies():
    chart = column_chart("Contacts per month", [(f"M{i}", i) for i in range(30)], limit=12)
    assert len(chart.items) == 12
    assert {round(item.y + item.height, 6) for item in chart.items} == {16 + 180}
    assert chart.items[0].height == 0 and chart.items[-1].height == 180


def test_a_chart_of_zeros_is_empty():
    assert bar_chart("Nothing", [("A", 0), ("B", None)]).is_empty
    assert not column_chart("Something", [("A", 1)]).is_empty


def test_the_chart_template_draws_linked_bars_and_their_table(app):
    from flask import render_template_string

    chart = bar_chart("Partners by country", [("Germany <DE>", 8, "/partners?country=DE"), ("Japan", 2)])
    with app.test_request_context():
        html = render_template_string('{% with chart=chart %}{% include "core/_chart.html" %}{% endwith %}', chart=chart)
    assert html.count("<rect") == 2 and '<a href="/partners?country=DE"><title>Germany &lt;DE&gt;: 8</title>' in html
    assert 'aria-hidden="true" focusable' not in html  # the links stay reachable by keyboard
    assert "Germany &lt;DE&gt;" in html and "<DE>" not in html
    assert '<caption>Partners by country</caption>' in html and "<td>2</td>" in html


def test_a_line_chart_puts_each_series_on_the_same_labels_and_scale():
    from crm.core.charts import line_chart

    chart = line_chart("Trend", ["2023", "2024", "2025"], [("Students", [10, 20, 40], ["/a", "/b", "/c"]), ("Teachers", [0, 40, None])])
    assert chart.kind == "lines" and [s.name for s in chart.series] == ["Students", "Teachers"]
    students, teachers = chart.series
    assert [p.x for p in students.points] == [p.x for p in teachers.points]
    baseline = 16 + 180
    # the scale runs from 0 to the first round tick at or above the largest value (40 → 0, 10, … 40)
    assert [tick.value for tick in chart.ticks] == [0, 10, 20, 30, 40]
    assert students.points[2].y == teachers.points[1].y == chart.ticks[-1].y == 16
    assert chart.ticks[0].y == baseline
    assert baseline - students.points[0].y == (baseline - students.points[2].y) / 4
    assert teachers.points[2].value == 0 and students.points[1].href == "/b"
    assert students.path.startswith("M") and students.path.count("L") == 2
    assert not chart.is_empty and line_chart("None", ["2023"], [("A", [0])]).is_empty


def test_the_line_chart_template_draws_paths_and_a_table_per_series(app):
    from flask import render_template_string

    from crm.core.charts import line_chart

    chart = line_chart("Trend <by year>", ["2023", "2024"], [("Students", [1, 2]), ("Teachers", [3, 4])])
    with app.test_request_context():
        html = render_template_string('{% include "core/_chart.html" %}', chart=chart)
    # a line and its marks per series (the legend draws each series' line and mark once more)
    assert html.count("<path") == 2 + 2 and html.count("<circle") == 2 + 1 and html.count("<polygon") == 2 + 1
    assert "Trend &lt;by year&gt;" in html and "<th scope=\"col\">Teachers</th>" in html
    assert "style=" not in html


def test_ticks_are_round_whole_steps_from_zero_to_at_least_the_largest_value():
    from crm.core.charts import nice_ticks

    assert nice_ticks(412) == [0, 100, 200, 300, 400, 500]
    assert nice_ticks(40) == [0, 10, 20, 30, 40]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(3) == [0, 1, 2, 3]  # whole numbers: the charts count people and things
    assert nice_ticks(0) == [0, 1]
    for largest in (1, 9, 13, 99, 173, 1001, 64_000):
        ticks = nice_ticks(largest)
        assert ticks[0] == 0 and ticks[-2] < largest <= ticks[-1] and len(ticks) - 1 <= 5
        assert len({b - a for a, b in zip(ticks, ticks[1:])}) == 1


def test_no_two_series_of_a_line_chart_look_alike_and_the_axis_is_labelled(app):
    from flask import render_template_string

    from crm.core.charts import MAX_SERIES, line_chart

    chart = line_chart("Trend", ["2023", "2024"], [(f"S{n}", [n, n + 1]) for n in range(MAX_SERIES + 2)], note="Left out: X.")
    assert len(chart.series) == MAX_SERIES
    assert len({(line.index, line.marker) for line in chart.series}) == MAX_SERIES
    assert len({line.marker for line in chart.series}) == 4  # shapes as well as colours and dashes
    with app.test_request_context():
        html = render_template_string('{% include "core/_chart.html" %}', chart=chart)
    assert all(f"app-chart-series-{n}" in html for n in range(MAX_SERIES))
    for tick in chart.ticks:  # the value axis says what the heights mean
        assert f'class="app-chart-tick" x="38" y="{tick.y:.1f}" text-anchor="end" dominant-baseline="middle">{tick.label}</text>' in html
    assert '<p class="app-chart-note">Left out: X.</p>' in html
    assert "style=" not in html


def test_the_series_colours_are_distinct_in_the_stylesheet():
    import re
    from pathlib import Path

    from crm.core.charts import MAX_SERIES

    css = (Path(__file__).parents[2] / "static/css/app.css").read_text()
    colours = [re.search(rf"\.app-chart-series-{n} path {{ stroke: (#[0-9a-f]{{6}})", css).group(1) for n in range(MAX_SERIES)]
    assert len(set(colours)) == MAX_SERIES


def test_a_line_chart_points_links_stay_reachable_by_keyboard_and_named(app):
    import re

    from flask import render_template_string

    from crm.core.charts import line_chart

    chart = line_chart("Trend", ["2023", "2024"], [("Students", [1, 2], ["/a", "/b"])])
    with app.test_request_context():
        html = render_template_string('{% include "core/_chart.html" %}', chart=chart)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="group" aria-label="Trend"' in svg
    # no link sits inside a part hidden from assistive technology
    for hidden in re.findall(r'<g aria-hidden="true">.*?</g>', svg, re.S):
        assert "<a " not in hidden
    assert '<a href="/a"><circle class="app-chart-mark"' in svg and "<title>Students, 2023: 1</title>" in svg


def test_the_drawn_names_are_in_the_language_of_the_page_that_renders_them_and_escaped(app):
    """A chart drawn before its page renders names its items and points in the page's language
    (their words are looked up when the page renders), with labels escaped."""
    from flask import render_template_string
    from flask_babel import force_locale

    from crm.core.charts import line_chart

    bars = bar_chart("By country", [("Germany <DE>", 8, "/x")])
    lines = line_chart("Trend", ["2023"], [("A&B", [1], ["/a"])])
    with app.test_request_context(), force_locale("zh_CN"):
        html = render_template_string('{% for chart in charts %}{% include "core/_chart.html" %}{% endfor %}', charts=[bars, lines])
    assert '<a href="/x"><title>Germany &lt;DE&gt;：8</title>' in html
    assert "<title>A&amp;B，2023：1</title></circle>" in html and "<DE>" not in html
