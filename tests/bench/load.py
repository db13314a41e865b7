"""`make bench-load`: concurrent clients against the production server setup on the generated office.

Copies the generated database of `make bench` (.bench/bench-<scale>.sqlite3, built if missing)
so that the run's writes never touch it, gives a few staff users a password, starts the server
the README's production steps start (waitress with threads by default; `--server gthread` or
`sync` to compare) on loopback, logs each client in through /login and lets the clients
(threads, each with its own keep-alive connection) send a mix of searches, page views (each
followed by the overdue counter's request, as htmx sends it) and writes for a fixed time. Part-way through, another connection holds SQLite's write lock for `--lock-seconds` (as a
long import would), and the reads that start meanwhile are reported on their own: they show
whether reads keep flowing while a write waits.

Reports requests per second, p50/p95/p99 per kind and overall, and errors (5xx, timeouts,
"database is locked"); writes the figures as JSON. Bounded: at most 100 clients and 600
seconds; it stops the server and itself at the end.
"""
import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PASSWORD = "load-run password 2026"
SEARCH_TERMS = ["University", "Hochschule", "Müller", "重庆", "大学", "Smith", "Tokyo", "DE", "col", "Wang"]
PAGES = ["/", "/partners", "/follow-ups", "/history", "/agreements/renewals", "/proposals"]
MIX = (("search", 45), ("page", 40), ("write", 15))


def servers(port: int, workers: int, threads: int) -> dict[str, list[str]]:
    """The README's production commands (step 4), on a free loopback port."""
    bind = f"127.0.0.1:{port}"
    return {
        "gthread": [str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", str(workers),
                    "--threads", str(threads), "--bind", bind, "wsgi:app"],
        "sync": [str(BIN / "gunicorn"), "--workers", str(workers + 1), "--bind", bind, "wsgi:app"],
        "waitress": [str(BIN / "waitress-serve"), f"--threads={threads * workers}", "--host=127.0.0.1",
                     f"--port={port}", "wsgi:app"],
    }


def prepare_database(scale: float, folder: Path) -> tuple[Path, dict]:
    """A fresh copy of the generated office, with a password for a few staff users."""
    source = folder / f"bench-{scale:g}.sqlite3"
    from run import prepare

    folder.mkdir(exist_ok=True)
    prepare(source, scale, rebuild=False)  # built if missing, again if its migrations are old
    target = folder / f"load-{scale:g}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)

    from crm import create_app
    from crm.auth.models import User
    from crm.extensions import db
    from crm.partners.models import Partner
    from sqlalchemy import select

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    with app.app_context():
        users = db.session.scalars(select(User).where(User.role == "staff", User.active.is_(True)).order_by(User.id).limit(5)).all()
        for user in users:
            user.set_password(PASSWORD)
        emails = [user.email for user in users]
        db.session.commit()
        partners = db.session.scalars(select(Partner.id).where(Partner.archived_at.is_(None)).order_by(Partner.id).limit(2000)).all()
        db.session.remove()
        db.engine.dispose()  # the server's processes open their own connections
    return target, {"emails": emails, "partners": partners}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One person's browser: a keep-alive connection, the session cookie and the CSRF token."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.connection = None
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a server may close an idle keep-alive connection
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        if token := re.search(r'"X-CSRFToken": "([^"]+)"', text) or re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text):
            self.csrf = token.group(1)
        return response.status, text

    def log_in(self, email: str) -> None:
        status, text = self.request("GET", "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', text)
        status, _ = self.request("POST", "/login", {"csrf_token": token.group(1), "email": email, "password": PASSWORD})
        if status != 303:
            raise RuntimeError(f"login of {email} answered {status}")
        self.request("GET", "/")  # the page's CSRF token for the writes

    def close(self):
        if self.connection is not None:
            self.connection.close()


def log_in(client: "Client", email: str, results: list, lock: threading.Lock) -> None:
    try:
        client.log_in(email)
    except Exception as error:  # noqa: BLE001 - reported as an error of the run
        with lock:
            results.append(("login", time.perf_counter(), 0.0, None, repr(error)))
        client.csrf = ""


def run_client(number: int, client: "Client", partners: list[int], deadline: float, results: list, lock: threading.Lock):
    if not client.csrf:  # its login failed
        return
    rng = random.Random(number)
    kinds, weights = zip(*MIX, strict=True)
    while time.perf_counter() < deadline:
        kind = rng.choices(kinds, weights)[0]
        if kind == "search":
            term = rng.choice(SEARCH_TERMS)
            method, path, body = "GET", f"/partners?q={quote(term)}", None
            headers = {"HX-Request": "true", "HX-Target": "partner-results"}
        elif kind == "page":
            page = rng.choice(PAGES + ["partner"] * 3)
            path = f"/partners/{rng.choice(partners)}" if page == "partner" else page
            method, body, headers = "GET", None, {}
        else:
            partner = rng.choice(partners)
            method, path, headers = "POST", f"/partners/{partner}/interactions/new", {}
            body = {"csrf_token": client.csrf, "occurred_at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
                    "kind": "phone_call", "subject": f"Load run call {number}"}
        started = time.perf_counter()
        error = None
        try:
            status, text = client.request(method, path, body, headers)
            if status >= 500 or "database is locked" in text:
                error = f"{status}: {text[:120]!r}"
            elif kind == "write" and status != 303:
                error = f"write answered {status}"
        except Exception as failure:  # noqa: BLE001 - timeouts and refused connections are errors
            status, error = None, repr(failure)
            client.close()
            client.connection = None
        elapsed = time.perf_counter() - started
        with lock:
            results.append((kind, started, elapsed * 1000, status, error))
        if kind == "page" and status == 200:
            counter(client, results, lock)  # what a browser asks right after each page
    client.close()


def counter(client: "Client", results: list, lock: threading.Lock) -> None:
    """The navigation's overdue counter, which htmx loads after every full page."""
    started = time.perf_counter()
    error = None
    try:
        status, text = client.request("GET", "/follow-ups/overdue-count", None, {"HX-Request": "true", "HX-Target": "overdue-count"})
        if status != 200:
            error = f"counter answered {status}"
    except Exception as failure:  # noqa: BLE001
        status, error = None, repr(failure)
        client.close()
        client.connection = None
    with lock:
        results.append(("counter", started, (time.perf_counter() - started) * 1000, status, error))


def hold_write_lock(database: Path, at: float, seconds: float, window: dict):
    """At `at`, take SQLite's write lock (BEGIN IMMEDIATE) for `seconds`, as a long write would."""
    time.sleep(max(0.0, at - time.perf_counter()))
    connection = sqlite3.connect(database, isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")
    window["start"] = time.perf_counter()
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    window["end"] = time.perf_counter()
    connection.close()


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    values = sorted(values)

    def at(share):
        return round(values[min(len(values) - 1, int(len(values) * share))], 1)

    return {"n": len(values), "p50_ms": round(statistics.median(values), 1), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "max_ms": round(values[-1], 1)}


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not answer /healthz in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("waitress", "gthread", "sync"), default="waitress")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (sync gets one more)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gthread worker (waitress: workers x threads)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--lock-seconds", type=float, default=4, help="0: no held write lock")
    parser.add_argument("--timeout", type=float, default=30, help="a request slower than this is an error")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--folder", type=Path, default=ROOT / ".bench")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    clients, seconds = min(args.clients, 100), min(args.seconds, 600)

    args.folder.mkdir(exist_ok=True)
    database, data = prepare_database(args.scale, args.folder)
    port = free_port()
    command = servers(port, args.workers, args.threads)[args.server]
    env = {**os.environ, "SECRET_KEY": "load-run-" + os.urandom(8).hex(), "CRM_ENV": "production",
           "DATABASE_URL": f"sqlite:///{database}", "SECURE_COOKIES": "0",  # plain HTTP on loopback
           "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute", "LOG_LEVEL": "WARNING"}
    env.pop("TRUSTED_HOSTS", None)
    print(f"server: {' '.join(command[:1] + command[1:])}", file=sys.stderr)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    results, lock, window = [], threading.Lock(), {}
    try:
        wait_until_up(port, server)
        # Everybody logs in first (a password hash is slow by design), then the clock starts.
        people = [Client(port, args.timeout) for _ in range(clients)]
        logins = [threading.Thread(target=log_in, daemon=True, args=(person, data["emails"][n % len(data["emails"])], results, lock))
                  for n, person in enumerate(people)]
        for thread in logins:
            thread.start()
        for thread in logins:
            thread.join(timeout=120)
        started = time.perf_counter()
        deadline = started + seconds
        threads = [threading.Thread(target=run_client, daemon=True, args=(n, person, data["partners"], deadline, results, lock))
                   for n, person in enumerate(people)]
        if args.lock_seconds > 0:
            threads.append(threading.Thread(target=hold_write_lock, daemon=True,
                                            args=(database, started + seconds / 2, args.lock_seconds, window)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + args.timeout + 30)
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            _, server_errors = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            _, server_errors = server.communicate()

    requests = [r for r in results if r[0] != "login"]
    errors = [r for r in results if r[4]]
    report = {
        "server": args.server, "command": " ".join(command[1:]), "clients": clients, "seconds": round(elapsed, 1),
        "load_average": " ".join(f"{v:.1f}" for v in os.getloadavg()), "cpus": os.cpu_count(),
        "requests": len(requests), "requests_per_s": round(len(requests) / elapsed, 1),
        "errors": len(errors), "error_samples": sorted({e[4] for e in errors})[:5],
        "all": percentiles([r[2] for r in requests]),
        "by_kind": {kind: percentiles([r[2] for r in requests if r[0] == kind]) for kind in [k for k, _ in MIX] + ["counter"]},
    }
    if window.get("end"):
        during = [r for r in requests if r[0] != "write" and window["start"] <= r[1] < window["end"]]
        report["reads_during_write_lock"] = {"lock_seconds": args.lock_seconds, **percentiles([r[2] for r in during])}
    if b"database is locked" in (server_errors or b""):
        report["errors"] += 1
        report["error_samples"].append("server log: database is locked")

    print(f"{report['server']} ({report['command']}), {clients} clients, {report['seconds']} s, "
          f"load average {report['load_average']} on {report['cpus']} CPUs")
    print(f"{report['requests']} requests, {report['requests_per_s']} requests/s, {report['errors']} errors")
    print(f"{'kind':28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    rows = [("all", report["all"])] + list(report["by_kind"].items())
    if "reads_during_write_lock" in report:
        rows.append((f"reads during a {args.lock_seconds:g} s write lock", report["reads_during_write_lock"]))
    for name, f in rows:
        print(f"{name:28} {f['n']:>6} {f.get('p50_ms', '-'):>8} {f.get('p95_ms', '-'):>8} {f.get('p99_ms', '-'):>8} {f.get('max_ms', '-'):>8}")
    for sample in report["error_samples"]:
        print(f"error: {sample}")
    out = args.json or args.folder / f"load-{args.server}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"figures written to {out}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
