"""`make bench`: every main request at the scale of a large office, against a bare baseline.

Builds (or reuses) a generated database under .bench/, drives the real WSGI app through the
test client, and reports for each request p50/p95 server time, SQL statements and response
size, with the time as a ratio to a baseline. Two baselines, both routes that render a fixed
50-row table from a compiled template (as every page does) and no database of their own: the
table in the real layout (base.html: menus, counters, search box), which the ratio is to, and
the same table without it, so the layout's own cost shows. Prints the machine's load average
(a busy machine slows every figure alike) and writes the figures as JSON for comparing runs.
`--profile PATH` shows where one request's time goes instead.

`--scale 10` measures an office ten times larger; `--database-url` (or DATABASE_URL) a
PostgreSQL database, in which an empty one gets the office built (migrations, generator,
ANALYZE). `--compare A.json B.json` and `--table RUN.json...` read runs' figures (growth.py).
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from flask import Blueprint, g, render_template
from sqlalchemy import event, make_url, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crm import create_app  # noqa: E402
from crm.auth.models import User  # noqa: E402
from crm.config import normalise_database_url  # noqa: E402
from crm.demo.generate import Sizes  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.partners.models import Partner  # noqa: E402

BASELINES = ("bench_baseline.layout", "bench_baseline.bare")
LAYOUT_BASELINE = "baseline: table in the layout (no database)"


def _uri(target) -> str:
    """A Path is a SQLite file; a string is a database URL (PostgreSQL)."""
    return f"sqlite:///{target}" if isinstance(target, Path) else normalise_database_url(target)


def _heads() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return set(ScriptDirectory.from_config(config).get_heads())


def database_state(target, scale: float) -> str:
    """"empty", "ready" (a bench office of this scale at the migrations' heads), or why not."""
    from sqlalchemy import create_engine, inspect, text

    if isinstance(target, Path) and not target.exists():
        return "empty"
    engine = create_engine(_uri(target))
    try:
        with engine.connect() as connection:
            if "partner" not in inspect(connection).get_table_names():
                return "empty"
            partners = connection.scalar(text("SELECT count(*) FROM partner"))
            if not partners:
                return "empty"
            bench = connection.scalar(text("SELECT count(*) FROM \"user\" WHERE email LIKE '%@bench.cqipc.edu.cn'"))
            if not bench:
                return "not a bench office (no generated users): give the bench an empty database"
            revisions = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
    finally:
        engine.dispose()
    if revisions != _heads():
        return f"built at migrations {sorted(revisions)}, the code is at {sorted(_heads())}"
    if partners != Sizes.scaled(scale).partners:
        return f"a bench office of {partners} partners, not scale {scale:g}"
    return "ready"


def build_database(target, scale: float) -> dict[str, int]:
    """The generated office at `scale`: migrations (every branch's head), `generate()` (which
    analyses what it filled on PostgreSQL). `target`: a SQLite file (a Path; built under a
    temporary name and renamed when complete) or an empty database's URL."""
    from flask_migrate import upgrade

    from crm.demo.generate import generate

    building = target.with_name(target.name + ".building") if isinstance(target, Path) else target
    if isinstance(building, Path):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": _uri(building)})
    with app.app_context():
        started = time.perf_counter()
        upgrade(directory=str(ROOT / "migrations"), revision="heads")  # every branch's head
        migrated = time.perf_counter()
        counts = generate(Sizes.scaled(scale))
        generated = time.perf_counter()
        db.session.remove()
        db.engine.dispose()  # SQLite: the last connection's close folds the WAL into the file
    print(f"built scale {scale:g}: migrations {migrated - started:.1f} s, generate (and ANALYZE) "
          f"{generated - migrated:.1f} s, load average {_load()}; {counts}", file=sys.stderr)
    if isinstance(target, Path):
        os.replace(building, target)
        print(f"{target}: {target.stat().st_size / 2**20:,.0f} MiB", file=sys.stderr)
    return counts


def drop_bench_office(url: str) -> None:
    """PostgreSQL `--rebuild`: drop every table of a database that holds a bench office (and
    only of such a database: its users are the generator's)."""
    from sqlalchemy import create_engine, inspect, text

    state = database_state(url, 0)
    if state.startswith("not a bench office"):
        raise SystemExit(f"the database: {state}; refusing to drop its tables")
    engine = create_engine(_uri(url))
    with engine.begin() as connection:
        quote = connection.dialect.identifier_preparer.quote
        tables = inspect(connection).get_table_names()
        if tables:
            connection.execute(text(f"DROP TABLE {', '.join(quote(name) for name in tables)} CASCADE"))
    engine.dispose()


def bench_app(target):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": _uri(target),
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

    def block(target):  # a block the page asks for once it is scrolled into view
        return {"HX-Request": "true", "HX-Target": target}

    return [
        ("baseline: table without layout", "/_bench/bare", {}),
        (LAYOUT_BASELINE, "/_bench/layout", {}),
        ("partner list: first page", "/partners", {}),
        ("partner search: English term", "/partners?q=University", htmx),
        ("partner search: Chinese term", "/partners?q=重庆", htmx),
        ("partner search: contact name", "/partners?q=Müller", htmx),
        ("partner search: country", f"/partners?country={country}", htmx),
        ("partner page", f"/partners/{partner_id}", {}),
        ("partner page: its lower block", f"/partners/{partner_id}/work", block("partner-work")),
        ("renewals", "/agreements/renewals", {}),
        ("history", "/history", {}),
        ("follow-ups", "/follow-ups", {}),
        ("proposals", "/proposals", {}),
        ("home", "/", {}),
        ("home: quiet partners, deadlines", "/home/watch", block("home-watch")),
        ("home: the office's figures", "/home/office", block("home-office")),
        ("yearly report (last 3 years and this one)", "/reports", {}),
        ("yearly report (last 10 years)", "/reports?last=10", {}),
        ("yearly report: all countries", "/reports/countries", {}),
        ("yearly report Excel", "/reports/export.xlsx", {}),
        ("international-influence table", "/reports/international-influence", {}),
    ]


def measure(client, engine, path, headers, runs, budget: float = 60.0):
    """p50/p95 of `runs` requests after up to 3 warm-up ones; a slow request (at scale 10 an
    export can take seconds) stops after `budget` seconds with at least 5 measured runs, or
    after 3 budgets with fewer (one run of a request that takes minutes)."""
    counter = {"n": 0}

    def count(*args):
        counter["n"] += 1

    times, cpu_times, statements, size, status = [], [], 0, 0, None
    warm_ups, started_all = 3, time.perf_counter()
    while len(times) < runs:
        counter["n"] = 0
        event.listen(engine, "before_cursor_execute", count)
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.get(path, headers=headers)
        body = response.get_data()
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
        event.remove(engine, "before_cursor_execute", count)
        statements, size, status = counter["n"], len(body), response.status_code
        if warm_ups and elapsed < budget / 20:  # the first runs warm caches and templates
            warm_ups -= 1
            continue
        warm_ups = 0  # a slow request's first run counts: what it warms is small beside it
        times.append(elapsed * 1000)
        cpu_times.append(cpu * 1000)
        spent = time.perf_counter() - started_all
        if spent > budget and (len(times) >= 5 or spent > 3 * budget):
            break
    times.sort()
    return {
        "status": status,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[math.ceil(len(times) * 0.95) - 1], 2),  # nearest rank: never below the p50
        # the CPU this thread spent (SQLite runs in it; PostgreSQL's server does not): on a
        # busy machine the steadier figure to compare two versions of the code with
        "cpu_p50_ms": round(statistics.median(cpu_times), 2),
        "statements": statements,
        "bytes": size,
        "runs": len(times),
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


def choose_database(args) -> Path | str:
    """PostgreSQL when `--database-url` or DATABASE_URL names one; else a SQLite file per scale
    under the folder."""
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        return url
    if args.database_url:
        raise SystemExit("--database-url: a PostgreSQL URL (SQLite files live under --folder)")
    args.folder.mkdir(exist_ok=True)
    return args.folder.resolve() / f"bench-{args.scale:g}.sqlite3"  # absolute: a sqlite:/// URL


def prepare(target, scale: float, rebuild: bool) -> None:
    """Build the office unless the target already holds this scale's, at the code's migrations."""
    state = "rebuild asked" if rebuild else database_state(target, scale)
    if state == "ready":
        return
    if state != "empty":
        if isinstance(target, Path):
            print(f"{target}: {state}; building it again", file=sys.stderr)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        elif rebuild or state.startswith(("built at", "a bench office")):
            print(f"the database: {state}; dropping the bench office's tables", file=sys.stderr)
            drop_bench_office(target)
        else:
            raise SystemExit(f"the database: {state}")
    build_database(target, scale)


def _describe(app) -> dict:
    """The database's kind, version and main row counts, for the JSON report."""
    from sqlalchemy import func

    from crm.interactions.models import Interaction

    with app.app_context():
        engine = db.engine
        version = db.session.scalar(select(func.version())) if engine.dialect.name == "postgresql" else (
            db.session.scalar(select(func.sqlite_version())))
        rows = {"partners": db.session.scalar(select(func.count()).select_from(Partner)),
                "interactions": db.session.scalar(select(func.count()).select_from(Interaction))}
    return {"database": engine.dialect.name, "database_version": version, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 partners, 200,000 interactions")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds per request (then at least 5 runs, or whatever 3 budgets allow): slow exports at scale 10")
    parser.add_argument("--folder", type=Path, default=ROOT / ".bench")
    parser.add_argument("--database-url", default=None,
                        help="measure on this PostgreSQL database (default: DATABASE_URL when it is PostgreSQL, "
                             "else a SQLite file under --folder); an empty one gets the office built in it")
    parser.add_argument("--skip", action="append", default=[], metavar="TEXT",
                        help="leave out the requests whose name contains TEXT (repeatable), e.g. --skip Excel")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="measure only the requests whose name holds TEXT (and the baselines)")
    parser.add_argument("--rebuild", action="store_true", help="build the office again (PostgreSQL: drops a bench office's tables)")
    parser.add_argument("--build-only", action="store_true", help="build the office (if needed) and stop")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures")
    parser.add_argument("--profile", metavar="PATH", help="profile this request instead (cProfile, --runs times)")
    parser.add_argument("--htmx", metavar="TARGET", help="with --profile: ask for this fragment (HX-Target)")
    parser.add_argument("--callers", metavar="NAME", help="with --profile: who calls the functions matching NAME")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("SMALL.json", "LARGE.json"),
                        help="how each request grows between two runs' figures (no measuring)")
    parser.add_argument("--table", nargs="+", type=Path, metavar="RUN.json",
                        help="the README's Markdown table from runs' figures (no measuring)")
    args = parser.parse_args()

    if args.compare or args.table:
        import growth

        print(growth.compare(*args.compare) if args.compare else growth.table(args.table))
        return 0

    target = choose_database(args)
    print(f"database: {target if isinstance(target, Path) else make_url(_uri(target)).render_as_string()}, "
          f"scale {args.scale:g}", file=sys.stderr)
    prepare(target, args.scale, args.rebuild)
    if args.build_only:
        return 0

    app = bench_app(target)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == "staff").order_by(User.id).limit(1))
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
        if not name.startswith("baseline") and any(text in name for text in args.skip):
            continue
        if args.only and not name.startswith("baseline") and not any(text in name for text in args.only):
            continue
        results[name] = {"path": path, **measure(client, engine, path, headers, args.runs, args.budget)}
    baseline = results[LAYOUT_BASELINE]["p50_ms"] or 1
    for figures in results.values():
        figures["x_baseline"] = round(figures["p50_ms"] / baseline, 1)

    described = _describe(app)
    print(f"{'request':44} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'x base':>7} {'SQL':>5} {'KB':>7} {'runs':>5}")
    for name, f in results.items():
        print(f"{name:44} {f['status']:>6} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['cpu_p50_ms']:>8} {f['x_baseline']:>7} {f['statements']:>5} "
              f"{f['bytes'] / 1024:>7.1f} {f['runs']:>5}")
    print(f"x base: p50 over the layout baseline's; {described['database']} at scale {args.scale:g}; "
          f"load average {_load()} (compare ratios and SQL between runs)")
    report = {"scale": args.scale, "runs": args.runs, **described, "machine": platform.platform(),
              "python": platform.python_version(), "load_average": _load(),
              "taken_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "results": results}
    out = args.json or args.folder / f"bench-{described['database']}-{args.scale:g}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
