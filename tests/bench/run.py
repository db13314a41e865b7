"""`make bench`: every main request at the scale of a large office, against a bare baseline.

Builds (or reuses) a generated database under .bench/, drives the real WSGI app through the
test client, and reports for each request p50/p95 server time, SQL statements and response
size, with the time as a ratio to a baseline. Two baselines, both routes that render a fixed
50-row table from a compiled template (as every page does) and no database of their own: the
table in the real layout (base.html: menus, counters, search box), which the ratio is to, and
the same table without it, so the layout's own cost shows. Prints the machine's load average
(a busy machine slows every figure alike) and writes the figures as JSON for comparing runs.
`--profile PATH` shows where one request's time goes instead.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from flask import Blueprint, g, render_template
from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crm import create_app  # noqa: E402
from crm.auth.models import User  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.partners.models import Partner  # noqa: E402

BASELINES = ("bench_baseline.layout", "bench_baseline.bare")
LAYOUT_BASELINE = "baseline: table in the layout (no database)"


def build_database(path: Path, scale: float) -> None:
    from flask_migrate import upgrade

    from crm.demo.generate import Sizes, generate

    sizes = Sizes(**{name: max(1, int(value * scale)) if name != "countries" else value
                     for name, value in Sizes().__dict__.items()})
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")  # every branch's head
        started = time.perf_counter()
        counts = generate(sizes)
        print(f"generated {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def bench_app(path: Path):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "WTF_CSRF_ENABLED": False})
    # Compiled once and cached by Jinja like every page's template (tests/bench/templates/bench/).
    baseline = Blueprint("bench_baseline", __name__, template_folder="templates")

    @baseline.get("/_bench/layout")
    def layout():
        return render_template("bench/layout.html", rows=range(50))

    @baseline.get("/_bench/bare")
    def bare():
        return render_template("bench/bare.html", rows=range(50))

    app.register_blueprint(baseline)

    @app.before_request
    def _baseline_without_database():
        # The baselines' user is a fixed object: the routes themselves touch no database (what
        # the layout asks of it, e.g. a counter, is the layout's cost and is counted).
        from flask import request

        if request.endpoint in BASELINES:
            g._login_user = app.config["BENCH_USER"]

    app.before_request_funcs[None].insert(0, app.before_request_funcs[None].pop())
    return app


def requests_to_measure(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        partner_id = db.session.scalar(select(Partner.id).order_by(Partner.id).limit(1))
        country = db.session.scalar(select(Partner.country).group_by(Partner.country).order_by(db.func.count().desc()).limit(1))
    htmx = {"HX-Request": "true", "HX-Target": "partner-results"}
    return [
        ("baseline: table without layout", "/_bench/bare", {}),
        (LAYOUT_BASELINE, "/_bench/layout", {}),
        ("partner list: first page", "/partners", {}),
        ("partner search: English term", "/partners?q=University", htmx),
        ("partner search: Chinese term", "/partners?q=重庆", htmx),
        ("partner search: contact name", "/partners?q=Müller", htmx),
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
        ("international-influence table", "/reports/international-influence", {}),
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


def profile(client, path: str, target: str | None, runs: int, callers: str | None = None) -> int:
    """Where one request's time goes: cProfile over `runs` requests (after 3 warm-up ones),
    the functions with most time of their own and most time in all, for the one request."""
    import cProfile
    import pstats

    headers = {"HX-Request": "true", "HX-Target": target} if target else {}
    for _ in range(3):
        client.get(path, headers=headers)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(path, headers=headers).get_data()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{path} ({target or 'page'}), {runs} runs: divide the times by {runs}")
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(45)
    if callers:
        stats.print_callers(callers)
    return 0


def _load() -> str:
    """The machine's 1/5/15-minute load average: a busy machine slows every figure alike."""
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 partners, 200,000 interactions")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--folder", type=Path, default=ROOT / ".bench")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures")
    parser.add_argument("--profile", metavar="PATH", help="profile this request instead (cProfile, --runs times)")
    parser.add_argument("--htmx", metavar="TARGET", help="with --profile: ask for this fragment (HX-Target)")
    parser.add_argument("--callers", metavar="NAME", help="with --profile: who calls the functions matching NAME")
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

    if args.profile:
        return profile(client, args.profile, args.htmx, args.runs, args.callers)
    with app.app_context():
        engine = db.engine
    results = {}
    for name, path, headers in requests_to_measure(app):
        results[name] = {"path": path, **measure(client, engine, path, headers, args.runs)}
    baseline = results[LAYOUT_BASELINE]["p50_ms"] or 1
    for figures in results.values():
        figures["x_baseline"] = round(figures["p50_ms"] / baseline, 1)

    print(f"{'request':44} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7} {'SQL':>5} {'KB':>7}")
    for name, f in results.items():
        print(f"{name:44} {f['status']:>6} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['x_baseline']:>7} {f['statements']:>5} {f['bytes'] / 1024:>7.1f}")
    print(f"x base: p50 over the layout baseline's; load average {_load()} (compare ratios and SQL between runs)")
    report = {"scale": args.scale, "runs": args.runs, "machine": platform.platform(),
              "python": platform.python_version(), "load_average": _load(), "results": results}
    out = args.json or args.folder / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
