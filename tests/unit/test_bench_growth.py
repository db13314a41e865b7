"""`make bench`'s growth report: each request classed by how its time grows with the rows."""
import importlib.util
import json
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("bench_growth", Path(__file__).parents[1] / "bench" / "growth.py")
growth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(growth)


@pytest.mark.parametrize(("ratio", "kind"), [
    (0.8, "constant"), (1.5, "constant"), (1.6, "logarithmic"), (3.0, "logarithmic"),
    (4.0, "between log and linear"), (5.0, "linear"), (10.0, "linear"), (40.0, "worse than linear"),
])
def test_ten_times_the_rows_classes_a_time_ratio_by_the_stated_thresholds(ratio, kind):
    assert growth.classify(ratio, 10) == kind


def test_the_thresholds_follow_the_rows_ratio():
    assert growth.classify(2.0, 100) == "constant"  # 100x rows: up to 100 ** 0.18 = 2.25x
    assert growth.classify(5.0, 100) == "logarithmic"
    assert growth.classify(30, 100) == "linear"


def _run(tmp_path, name, database, scale, figures):
    path = tmp_path / name
    results = {request: {"status": 200, "p50_ms": p50, "p95_ms": p50 * 1.2, "statements": 3} for request, p50 in figures.items()}
    path.write_text(json.dumps({"scale": scale, "database": database, "load_average": "0.1 0.1 0.1", "results": results}))
    return path


def test_compare_names_the_linear_requests_and_the_searches_over_twice(tmp_path):
    small = _run(tmp_path, "s1.json", "sqlite", 1, {"baseline: table without layout": 0.5, "partner search: English term": 10,
                                                     "renewals": 20, "history": 30})
    large = _run(tmp_path, "s10.json", "sqlite", 10, {"baseline: table without layout": 0.6, "partner search: English term": 25,
                                                       "renewals": 150, "history": 33})
    report = growth.compare(large, small)  # either order
    assert "SQLite ×1 → SQLite ×10: 10x the rows" in report
    assert "grows linearly in rows: renewals" in report
    assert "over 2x (the issue's goal): partner search: English term (2.5x)" in report
    history = next(line for line in report.splitlines() if line.startswith("history"))
    assert history.endswith("constant")


def test_the_table_puts_databases_and_scales_side_by_side(tmp_path):
    paths = [_run(tmp_path, f"{db}{scale}.json", db, scale, {"home": p50})
             for db, scale, p50 in [("postgresql", 10, 40.0), ("sqlite", 1, 10.0), ("sqlite", 10, 12.0), ("postgresql", 1, 20.0)]]
    lines = growth.table(paths).splitlines()
    assert lines[0] == ("| request | SQLite ×1 p50 (p95) ms | SQLite ×10 p50 (p95) ms | PostgreSQL ×1 p50 (p95) ms | "
                        "PostgreSQL ×10 p50 (p95) ms | SQLite ×1 → ×10 | PostgreSQL ×1 → ×10 | PostgreSQL / SQLite ×1 | "
                        "PostgreSQL / SQLite ×10 |")
    assert lines[2] == "| home | 10.0 (12.0) | 12.0 (14.4) | 20.0 (24.0) | 40.0 (48.0) | 1.2x constant | 2.0x logarithmic | 2.0x | 3.3x |"
