"""The cost of writes that change the report's summary (crm/reports/summary.py), at a bench scale.

Works on a copy: give it a bench database (a copy of .bench/bench-1.sqlite3 in a folder of your
own, without an old copy's -wal and -shm files beside it, which SQLite would read into it; the
writes change it). Each write goes through the real form as a logged-in admin or staff member
(the edit page read, one field changed, posted back; two values alternated), and prints p50 wall
time, thread CPU and SQL statements of the POST; `--check` then sums the summary again and says
how many rows the writes left different (0: kept right):

    python tests/bench/writes.py /tmp/me/bench-1.sqlite3 --runs 7 --check
"""
import argparse
from datetime import timedelta
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import event, func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crm import create_app  # noqa: E402
from crm.auth.models import Role, User  # noqa: E402
from crm.experts.models import Expert, Stay  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.partners.models import Partner  # noqa: E402
from crm.programmes.models import programme_partner  # noqa: E402
from crm.trips.models import Trip  # noqa: E402
from crm.trips.queries import MADE  # noqa: E402
from crm.visits.models import visit_partner  # noqa: E402


class _Form(HTMLParser):
    """The fields of the page's form that holds `field` (name → value, as a browser posts them)."""

    def __init__(self, field: str):
        super().__init__()
        self.field, self.forms, self.current, self.select, self.textarea = field, [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.current[attrs["name"]] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
            self.current.setdefault(self.select, None)
        elif tag == "option" and self.select:
            if self.current[self.select] is None or "selected" in attrs:
                self.current[self.select] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None

    def fields(self) -> dict:
        return next(form for form in self.forms if self.field in form)


def _post_edited(client, page: str, field: str, value) -> tuple:
    form = _Form(field)
    form.feed(client.get(page).text)
    data = form.fields()
    data[field] = value
    return page, data


def writes(app) -> list[tuple[str, callable]]:
    """(name, a function of the run number returning (path, form data)) for each write measured."""
    with app.app_context():
        stay = db.session.scalar(select(Stay).where(Stay.ends_on.is_not(None)).order_by(Stay.id.desc()).limit(1))
        stay_id, ends_on = stay.id, stay.ends_on
        expert_id = db.session.scalar(select(Stay.expert_id).order_by(Stay.id.desc()).limit(1))
        nationality = db.session.get(Expert, expert_id).nationality
        trip_id = db.session.scalar(select(Trip.id).where(Trip.status.in_(MADE), Trip.archived_at.is_(None))
                                    .order_by(Trip.id.desc()).limit(1))
        linked = (select(visit_partner.c.partner_id.label("id")).union_all(select(programme_partner.c.partner_id))).subquery()
        partner_id = db.session.scalar(select(linked.c.id).group_by(linked.c.id).order_by(func.count().desc()).limit(1))
        country = db.session.get(Partner, partner_id).country
    other = "FR" if nationality != "FR" else "DE"
    moved = "JP" if country != "JP" else "KR"

    def stay_edit(n):
        return _post_edited(client_of[0], f"/experts/stays/{stay_id}/edit", "ends_on",
                            (ends_on + timedelta(days=n % 2)).isoformat())  # a day later, then back: never before the start

    def nationality_edit(n):
        return _post_edited(client_of[0], f"/experts/{expert_id}/edit", "nationality", nationality if n % 2 else other)

    def member_added(n):
        return f"/trips/{trip_id}/members", {"name": f"Bench member {n}", "user_id": "", "position": ""}

    def country_edit(n):
        return _post_edited(client_of[0], f"/partners/{partner_id}/edit", "country", country if n % 2 else moved)

    return [("a stay's dates", stay_edit), ("an expert's nationality", nationality_edit),
            ("a trip's headcount (a member added)", member_added), ("a partner's country", country_edit)]


client_of: list = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", type=Path, help="a bench SQLite file (changed by the writes: a copy)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="then sum the summary again: the rows the writes left different")
    args = parser.parse_args()
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.database.resolve()}",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        # an admin, else a staff member (the bench office has no admin): both may write
        admin = db.session.scalar(select(User).where(User.role.in_((Role.ADMIN, Role.STAFF)), User.active.is_(True))
                                  .order_by(User.role, User.id).limit(1))
        admin_id, engine = admin.get_id(), db.engine
    client = app.test_client()
    client_of.append(client)
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin_id, True
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    print(f"{'write':40} {'p50 ms':>8} {'CPU p50':>8} {'SQL':>5}")
    for name, write in writes(app):
        times, cpus, statements = [], [], []
        for n in range(args.runs + 1):
            path, data = write(n)
            counter["n"] = 0
            event.listen(engine, "before_cursor_execute", count)
            started, cpu_started = time.perf_counter(), time.thread_time()
            response = client.post(path, data=data)
            elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
            event.remove(engine, "before_cursor_execute", count)
            if response.status_code != 303:
                raise SystemExit(f"{name}: {response.status_code} {response.text[:2000]}")
            if n:  # the first run warms
                times.append(elapsed * 1000)
                cpus.append(cpu * 1000)
                statements.append(counter["n"])
        print(f"{name:40} {statistics.median(times):8.1f} {statistics.median(cpus):8.1f} {statistics.median(statements):5.0f}")
    if args.check:
        from crm.reports.summary import store_summary

        with app.app_context():
            print(f"rows that summing the summary again changes: {store_summary()}")
            db.session.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
