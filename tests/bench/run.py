"""`make bench`: every main request at the scale of a large office, against a bare baseline.

Builds (or reuses) a generated database under .bench/, drives the real WSGI app through the
test client, and reports for each request p50/p95 server time, SQL statements and response
size, with the time as a ratio to a bare route that renders the same base template with fixed
rows and no database. Writes the figures as JSON for comparing two runs.
"""
import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from flask import Blueprint, g, render_template_string
from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crm import create_app  # noqa: E402
from crm.auth.models import User  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.partners.models import Partner  # noqa: E402

BASELINE_TEMPLATE = """{% extends "base.html" %}{% block title %}Baseline{% endblock %}{% block content %}
<table class="table table-sm app-table"><tbody>
{% for n in rows %}<tr><td><a href="/partners/{{ n }}">Partner {{ n }}</a></td><td>Germany</td><td>City</td><td>University</td><td>Active</td><td>Owner</td></tr>{% endfor %}
</tbody></table>{% endblock %}"""


def build_database(path: Path, scale: float) -> None:
    from flask_migrate import upgrade

    from crm.demo.generate import Sizes, generate

    sizes = Sizes(**{name: max(1, int(value * scale)) if name != "countries" else value
                     for name, value in Sizes().__dict__.items()})
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        counts = generate(sizes)
        print(f"generated {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def bench_app(path: Path):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "WTF_CSRF_ENABLED": False})
    baseline = Blueprint("bench_baseline", __name__)

    @baseline.get("/_bench/baseline")
    def bare():
        return render_template_string(BASELINE_TEMPLATE, rows=range(50))

    app.register_blueprint(baseline)

    @app.before_request
    def _baseline_without_database():
        # The baseline's user is a fixed object: the bare route touches no database at all.
        from flask import request

        if request.endpoint == "bench_baseline.bare":
            g._login_user = app.config["BENCH_USER"]

    app.before_request_funcs[None].insert(0, app.before_request_funcs[None].pop())
    return app


def requests_to_measure(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        partner_id = db.session.scalar(select(Partner.id).order_by(Partner.id).limit(1))
        country = db.session.scalar(select(Partner.country).group_by(Partner.country).order_by(db.func.count().desc()).limit(1))
    htmx = {"HX-Request": "true", "HX-Target": "partner-results"}
    return [
        ("baseline (bare route, no database)", "/_bench/baseline", {}),
        ("partner search: English term", "/partners?q=University", htmx),
        ("partner search: Chinese term", "/partners?q=重庆", htmx),
        ("partner search: country", f"/partners?country={country}", htmx),
        ("partner page", f"/partners/{partner_id}", {}),
        ("renewals", "/agreements/renewals", {}),
        ("history", "/history", {}),
        ("follow-ups", "/follow-ups", {}),
        ("proposals", "/proposals", {}),
        ("home", "/", {}),
        ("yearly report (last 3 years and this one)", "/reports", {}),
        ("yearly report (last 10 years)", "/reports?last=10", {}),
        ("yearly report Excel", "/reports/export.xlsx", {}),
    ]


def measure(client, engine, path, headers, runs):
    counter = {"n": 0}

    def count(*args):
        counter["n"] += 1

    times, statements, size, status = [], 0, 0, None
    for run in range(runs + 3):
        counter["n"] = 0
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        body = response.get_data()
        elapsed = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", count)
        if run >= 3:  # the first runs warm caches and templates
            times.append(elapsed * 1000)
        statements, size, status = counter["n"], len(body), response.status_code
    times.sort()
    return {
        "status": status,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "statements": statements,
        "bytes": size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 partners, 200,000 interactions")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--folder", type=Path, default=ROOT / ".bench")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures")
    args = parser.parse_args()

    args.folder.mkdir(exist_ok=True)
    database = args.folder / f"bench-{args.scale:g}.sqlite3"
    if not database.exists():
        build_database(database, args.scale)

    app = bench_app(database)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == "staff").limit(1))
        db.session.expunge(user)
    app.config["BENCH_USER"] = user
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True

    with app.app_context():
        engine = db.engine
    results = {}
    for name, path, headers in requests_to_measure(app):
        results[name] = {"path": path, **measure(client, engine, path, headers, args.runs)}
    baseline = results["baseline (bare route, no database)"]["p50_ms"] or 1
    for figures in results.values():
        figures["x_baseline"] = round(figures["p50_ms"] / baseline, 1)

    print(f"{'request':38} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7} {'SQL':>5} {'KB':>7}")
    for name, f in results.items():
        print(f"{name:38} {f['status']:>6} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['x_baseline']:>7} {f['statements']:>5} {f['bytes'] / 1024:>7.1f}")
    report = {"scale": args.scale, "runs": args.runs, "machine": platform.platform(),
              "python": platform.python_version(), "results": results}
    out = args.json or args.folder / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
