"""`make bench-pair`: SQLite and PostgreSQL side by side, their requests interleaved.

On a shared machine the load changes from one minute to the next, so two runs made one after
the other (`make bench`, then `make bench-postgres`) compare the machine as much as the
databases. Here one process serves both offices (run.py's, scale 1 unless `--scale`) and asks
each request of each database in turn, alternating which goes first, so that whatever slows
the machine slows both alike; the ratio of their p50s is the figure to compare between runs.
Also the CPU time of this thread (SQLite's work runs in it, PostgreSQL's server's does not)
and each request's SQL statements on both.

    make bench-pair PAIR_ARGS="--database-url postgresql://postgres@127.0.0.1:54351/crm_bench"
    tests/bench/with-postgres .venv/bin/python tests/bench/pair.py --only home

The requests are the partner list's (issue 16's "search and list figures") unless `--only`
names others (by a part of their names in run.py)."""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

from crm.auth.models import User  # noqa: E402
from crm.extensions import db  # noqa: E402

PARTNER_LIST = ("partner list", "partner search")


def client_for(target):
    """The bench app on `target`, its test client logged in as run.py's user, and its engine."""
    app = run.bench_app(target)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == "staff").order_by(User.id).limit(1))
        db.session.expunge(user)
        engine = db.engine
    app.config["BENCH_USER"] = user
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return app, client, engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="the PostgreSQL database (or DATABASE_URL)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", action="append", default=[], metavar="TEXT", help="requests whose names hold TEXT")
    parser.add_argument("--folder", type=Path, default=run.ROOT / ".bench")
    args = parser.parse_args()
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        raise SystemExit("--database-url (or DATABASE_URL): the PostgreSQL database to set beside SQLite's")
    args.folder.mkdir(exist_ok=True)
    targets = {"SQLite": args.folder.resolve() / f"bench-{args.scale:g}.sqlite3", "PostgreSQL": url}
    for target in targets.values():
        run.prepare(target, args.scale, rebuild=False)
    served = {name: client_for(target) for name, target in targets.items()}
    wanted = tuple(args.only) or PARTNER_LIST
    requests = [(name, path, headers) for name, path, headers in run.requests_to_measure(served["SQLite"][0])
                if any(text in name for text in wanted) and name != "partner page: its lower block"
                and (args.only or name != "partner page")]
    times = {(name, db_name): [] for name, _path, _headers in requests for db_name in targets}
    cpu = {key: [] for key in times}
    statements = {}
    for db_name, (_app, client, _engine) in served.items():  # warm caches and templates
        for _name, path, headers in requests:
            for _ in range(3):
                client.get(path, headers=headers).get_data()
    for round_ in range(args.runs):
        for name, path, headers in requests:
            order = list(targets) if round_ % 2 == 0 else list(reversed(targets))
            for db_name in order:
                _app, client, engine = served[db_name]
                counter = {"n": 0}

                def count(*_args, counter=counter):
                    counter["n"] += 1

                event.listen(engine, "before_cursor_execute", count)
                started, cpu_started = time.perf_counter(), time.thread_time()
                response = client.get(path, headers=headers)
                response.get_data()
                times[(name, db_name)].append((time.perf_counter() - started) * 1000)
                cpu[(name, db_name)].append((time.thread_time() - cpu_started) * 1000)
                event.remove(engine, "before_cursor_execute", count)
                statements[(name, db_name)] = counter["n"]
                if response.status_code != 200:
                    raise SystemExit(f"{name} on {db_name}: {response.status_code}")
    print(f"{'request':40} {'SQLite p50':>10} {'PG p50':>8} {'PG/SQLite':>9} {'CPU p50 S/PG':>13} {'SQL S/PG':>9}")
    for name, _path, _headers in requests:
        lite, pg = (statistics.median(times[(name, db_name)]) for db_name in targets)
        lite_cpu, pg_cpu = (statistics.median(cpu[(name, db_name)]) for db_name in targets)
        print(f"{name:40} {lite:10.1f} {pg:8.1f} {pg / lite:8.2f}x {lite_cpu:6.1f}/{pg_cpu:<6.1f} "
              f"{statements[(name, 'SQLite')]:>4}/{statements[(name, 'PostgreSQL')]:<4}")
    print(f"{args.runs} rounds, scale {args.scale:g}, requests interleaved; load average {run._load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
