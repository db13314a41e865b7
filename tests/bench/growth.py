"""How each request's cost grows with the rows, from `make bench` JSON files.

`run.py --compare small.json large.json` prints, per request, the p50 of both runs, their ratio
and a class; `run.py --table a.json b.json ...` prints a Markdown table for the README (one
column per run: database and scale, then the growth per database and PostgreSQL over SQLite
per scale).

The class compares the time ratio t with the rows ratio r (the scales' ratio, 10 between
scale 1 and scale 10) through the exponent k in t = r**k:

- constant: k <= 0.18 (at 10x rows: at most 1.5x the time)
- logarithmic: k <= 0.48 (at most 3x; log2 of 10x the rows is about 1.3x log2 of the rows)
- between logarithmic and linear: 0.48 < k < 0.70 (3x to 5x)
- linear: k >= 0.70 (5x or more: a scan that visits a share of the rows)
- worse than linear: k > 1.2 (more than 16x)

Below 1 ms both runs' noise is of the figure's size, so such requests are called constant only
if they stay below 1 ms. Load averages differ between runs: the bare baseline (no database,
no layout) shows the machine's drift, which is printed with the comparison.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

# Exponents k in time ratio = rows ratio ** k; at 10x rows: 1.5x, 3x, 5x, 16x.
CONSTANT = math.log10(1.5)
LOGARITHMIC = math.log10(3)
LINEAR = math.log10(5)
WORSE = 1.2
DRIFT_REQUEST = "baseline: table without layout"
# The goal: search and list figures at scale 10 at most 2x their scale-1 figures.
SEARCH_AND_LISTS = ("partner search", "partner list")


def classify(time_ratio: float, rows_ratio: float) -> str:
    if rows_ratio <= 1:
        raise ValueError("compare a run with one on more rows")

    def bound(exponent: float) -> float:  # the time ratio at the exponent, past float rounding
        return rows_ratio ** exponent * (1 + 1e-9)

    if time_ratio <= bound(CONSTANT):
        return "constant"
    if time_ratio <= bound(LOGARITHMIC):
        return "logarithmic"
    if time_ratio < rows_ratio ** LINEAR * (1 - 1e-9):
        return "between log and linear"
    if time_ratio <= bound(WORSE):
        return "linear"
    return "worse than linear"


def load(path: Path | str) -> dict:
    report = json.loads(Path(path).read_text())
    report.setdefault("database", "sqlite")  # runs from before the database was recorded
    return report


def label(report: dict) -> str:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(report["database"], report["database"])
    return f"{name} ×{report['scale']:g}"


def growth(small: dict, large: dict) -> list[dict]:
    """Per request of both runs: the p50s, the ratio and the class."""
    rows_ratio = large["scale"] / small["scale"]
    lines = []
    for name, before in small["results"].items():
        after = large["results"].get(name)
        if after is None:
            continue
        ratio = after["p50_ms"] / before["p50_ms"] if before["p50_ms"] else float("inf")
        kind = "constant" if max(before["p50_ms"], after["p50_ms"]) < 1 else classify(ratio, rows_ratio)
        lines.append({"request": name, "small_ms": before["p50_ms"], "large_ms": after["p50_ms"], "ratio": ratio,
                      "class": kind, "sql": (before["statements"], after["statements"]),
                      "status": (before["status"], after["status"])})
    return lines


def compare(small_path, large_path) -> str:
    small, large = load(small_path), load(large_path)
    if large["scale"] < small["scale"]:
        small, large = large, small
    rows_ratio = large["scale"] / small["scale"]
    lines = growth(small, large)
    out = [f"{label(small)} → {label(large)}: {rows_ratio:g}x the rows "
           f"(load average {small.get('load_average', '?')} → {large.get('load_average', '?')})",
           f"{'request':44} {'p50 ms':>9} {'p50 ms':>9} {'ratio':>7} {'SQL':>9}  growth"]
    for line in lines:
        sql = f"{line['sql'][0]}→{line['sql'][1]}"
        status = "" if line["status"] == (200, 200) else f"  (status {line['status'][0]}→{line['status'][1]})"
        out.append(f"{line['request'][:44]:44} {line['small_ms']:>9} {line['large_ms']:>9} {line['ratio']:>6.1f}x "
                   f"{sql:>9}  {line['class']}{status}")
    at_ten = ", ".join(f"{name} ≤ {rows_ratio ** k:.1f}x" for name, k in
                       (("constant", CONSTANT), ("logarithmic", LOGARITHMIC)))
    out.append(f"classes at {rows_ratio:g}x the rows: {at_ten}, linear ≥ {rows_ratio ** LINEAR:.1f}x "
               f"(between: between log and linear), worse than linear > {rows_ratio ** WORSE:.0f}x; "
               "below 1 ms in both runs: constant")
    drift = next((line for line in lines if line["request"] == DRIFT_REQUEST), None)
    if drift:
        out.append(f"machine drift: the bare baseline (no database) ran {drift['ratio']:.1f}x in the second run")
    linear = [line["request"] for line in lines if line["class"] in ("linear", "worse than linear")]
    out.append("grows linearly in rows: " + ("; ".join(linear) if linear else "none"))
    over = [f"{line['request']} ({line['ratio']:.1f}x)" for line in lines
            if line["request"].startswith(SEARCH_AND_LISTS) and line["ratio"] > 2]
    out.append("search and list requests over 2x (the issue's goal): " + ("; ".join(over) if over else "none"))
    changed_sql = [line["request"] for line in lines if line["sql"][0] != line["sql"][1]]
    if changed_sql:
        out.append("SQL statement count changed with the rows (should not): " + "; ".join(changed_sql))
    return "\n".join(out)


def table(paths) -> str:
    """A Markdown table: p50 (p95) ms per run, growth per database, PostgreSQL over SQLite."""
    reports = sorted((load(path) for path in paths), key=lambda r: (r["database"] != "sqlite", r["database"], r["scale"]))
    names = list(dict.fromkeys(name for report in reports for name in report["results"]))
    by_database: dict[str, list[dict]] = {}
    for report in reports:
        by_database.setdefault(report["database"], []).append(report)
    pairs = [(runs[0], runs[-1]) for runs in by_database.values() if len(runs) > 1 and runs[-1]["scale"] > runs[0]["scale"]]
    scales = sorted({report["scale"] for report in reports})
    versus = [(s, by_scale["sqlite"], by_scale["postgresql"]) for s in scales
              if {"sqlite", "postgresql"} <= (by_scale := {r["database"]: r for r in reports if r["scale"] == s}).keys()]

    header = ["request"] + [f"{label(r)} p50 (p95) ms" for r in reports]
    header += [f"{label(a).split(' ×')[0]} ×{a['scale']:g} → ×{b['scale']:g}" for a, b in pairs]
    header += [f"PostgreSQL / SQLite ×{s:g}" for s, _sqlite, _pg in versus]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    growths = [{line["request"]: line for line in growth(a, b)} for a, b in pairs]
    for name in names:
        cells = [name]
        for report in reports:
            figures = report["results"].get(name)
            cells.append(f"{figures['p50_ms']:.1f} ({figures['p95_ms']:.1f})" if figures else "")
        for by_name in growths:
            line = by_name.get(name)
            cells.append(f"{line['ratio']:.1f}x {line['class']}" if line else "")
        for _scale, sqlite, pg in versus:
            a, b = sqlite["results"].get(name), pg["results"].get(name)
            cells.append(f"{b['p50_ms'] / a['p50_ms']:.1f}x" if a and b and a["p50_ms"] else "")
        lines.append("| " + " | ".join(cells) + " |")
    loads = "; ".join(f"{label(r)} {r.get('load_average', '?')}" for r in reports)
    lines.append("")
    lines.append(f"Load average (1/5/15 min) at each run: {loads}.")
    return "\n".join(lines)
