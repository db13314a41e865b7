"""Fixtures for every layer: an app with a fresh database per test, a client, logins, factories."""
import gc
import io
import os
import re
import shutil
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from werkzeug.routing.rules import Rule

from crm import create_app
from crm.agreements.models import Agreement, AgreementKind
from crm.auth.accounts import create_user
from crm.config import normalise_database_url
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.core.dates import office_today
from crm.extensions import db, limiter
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind
from crm.proposals.models import Proposal

PASSWORD = "correct horse battery staple"


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker empties its database before every test, so each gets a
    PostgreSQL database of its own: TEST_DATABASE_URL's name with the worker's id (crm_test_gw0,
    …), made on the worker's first use. Without workers, TEST_DATABASE_URL itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    shared = make_url(normalise_database_url(url))
    own = shared.set(database=f"{shared.database}_{worker}")
    engine = create_engine(shared, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database})
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


# TEST_DATABASE_URL (a PostgreSQL URL) runs the suite against PostgreSQL; default: SQLite files.
TEST_DATABASE_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))


def pytest_unconfigure(config):
    # Every test's app stays in memory until the process ends (over a gigabyte by the end of
    # the suite), and Python's exit then spent minutes of garbage collection on it; frozen
    # objects are skipped by those collections, and the process's memory goes back at exit.
    gc.freeze()


def _cache_url_builders() -> None:
    """Every test makes its own app, and werkzeug compiles two URL-builder functions per route
    (about 190 routes) with `compile()`: three quarters of create_app's time. The generated code
    depends only on the rule's text, its parsed parts and its defaults' names (not on the app),
    so the functions are shared between apps with the same routes. Rules with a default for a
    variable of their own path (whose code holds the converted value) are compiled as before."""
    original = Rule._compile_builder
    if getattr(original, "cached_for_tests", False):
        return
    builders = {}

    def compile_builder(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
            return original(self, append_unknown)
        key = (append_unknown, self.rule, tuple(self._trace), tuple(defaults))
        if key not in builders:
            builders[key] = original(self, append_unknown)
        return builders[key]

    compile_builder.cached_for_tests = True
    Rule._compile_builder = compile_builder


_cache_url_builders()


def _database_uri(tmp_path) -> str:
    if TEST_DATABASE_URL:
        return normalise_database_url(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _empty_schema(tmp_path_factory):
    """SQLite: a database file with the empty schema, built once (per xdist worker); each test
    gets a copy (a file copy instead of create_all's 45 CREATE TABLEs each time)."""
    if TEST_DATABASE_URL:
        return None
    template = tmp_path_factory.mktemp("schema") / "empty.sqlite3"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}",
                      "UPLOAD_FOLDER": str(template.parent / "uploads")})
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()  # the last connection checkpoints the WAL into the file
    return template


_postgresql_schema_made = False


def _empty_postgresql_database(app) -> None:
    """PostgreSQL: emptying every table is much cheaper than dropping and creating them. The
    schema is made afresh by the session's first test (a database kept from an older run may
    hold older tables) and whenever tables are missing (after the migration tests, which drop
    everything)."""
    from crm.reports.summary import list_kept_ranges

    global _postgresql_schema_made
    with app.app_context():
        tables = db.metadata.sorted_tables
        if _postgresql_schema_made and set(inspect(db.engine).get_table_names()) >= {table.name for table in tables}:
            names = ", ".join(db.engine.dialect.identifier_preparer.format_table(table) for table in tables)
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                list_kept_ranges(connection)  # as a new database lists them
        else:
            db.drop_all()
            db.create_all()
            _postgresql_schema_made = True


@pytest.fixture
def app(tmp_path, _empty_schema):
    """An app over a fresh database of its own: a copy of the empty schema (SQLite), or the
    emptied PostgreSQL test database."""
    if _empty_schema is not None:
        shutil.copyfile(_empty_schema, tmp_path / "test.sqlite3")
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": _database_uri(tmp_path),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    if TEST_DATABASE_URL:
        _empty_postgresql_database(app)
    limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    def make(role: Role = Role.STAFF, email: str | None = None, name: str | None = None, locale="en") -> User:
        with app.app_context():
            count = db.session.query(User).count()
            user = create_user(email or f"{role.value}{count}@cqipc.edu.cn", name or f"{role.value.title()} {count}", role, PASSWORD, locale)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


class Auth:
    """Logs a test client in as a user of a given role, through the real login form."""

    def __init__(self, client, make_user):
        self.client = client
        self.make_user = make_user
        self.user: User | None = None

    def login(self, role: Role = Role.STAFF, user: User | None = None) -> User:
        self.user = user or self.make_user(role)
        page = self.client.get("/login")
        response = self.client.post(
            "/login",
            data={"email": self.user.email, "password": PASSWORD, "csrf_token": csrf_token_from(page.text)},
        )
        assert response.status_code == 303, response.text
        return self.user

    def csrf(self, path: str = "/") -> str:
        return csrf_token_from(self.client.get(path).text)


@pytest.fixture
def auth(client, make_user):
    return Auth(client, make_user)


@pytest.fixture
def factory(app):
    """Small builders of domain records, committed, returned detached with their ids."""

    class Factory:
        def _save(self, record, partner_ids=()):
            with app.app_context():
                if partner_ids:
                    record.partners = [db.session.get(Partner, pid) for pid in partner_ids]
                db.session.add(record)
                db.session.commit()
                db.session.refresh(record)
                record_id = record.id
                db.session.expunge_all()
            return record_id

        def partner(self, **fields) -> int:
            defaults = {"name": "Holmesglen Institute", "kind": PartnerKind.VOCATIONAL, "country": "AU"}
            return self._save(Partner(**(defaults | fields)))

        def contact(self, partner_id: int, **fields) -> int:
            return self._save(Contact(partner_id=partner_id, **({"name": "Jane Doe"} | fields)))

        def agreement(self, partner_ids: list[int] = (), **fields) -> int:
            today = office_today()
            defaults = {
                "title": "Teacher training agreement",
                "kind": AgreementKind.TEACHER_TRAINING,
                "signed_on": today - timedelta(days=400),
                "valid_from": today - timedelta(days=400),
                "valid_until": today + timedelta(days=700),
                "notice_days": 60,
            }
            return self._save(Agreement(**(defaults | fields)), partner_ids)

        def interaction(self, partner_id: int, **fields) -> int:
            defaults = {"occurred_at": datetime(2026, 10, 1, 10), "kind": InteractionKind.MEETING, "subject": "Visit"}
            return self._save(Interaction(partner_id=partner_id, **(defaults | fields)))

        def follow_up(self, **fields) -> int:
            return self._save(FollowUp(**({"title": "Send the draft"} | fields)))

        def proposal(self, partner_id: int, **fields) -> int:
            defaults = {"title": "Joint programme", "kind": AgreementKind.JOINT_PROGRAMME}
            return self._save(Proposal(partner_id=partner_id, **(defaults | fields)))

    return Factory()


class StatementCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(app):
    """Counts the SQL statements run inside `with count_statements() as counter:`."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = StatementCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


def import_contact_history(client, auth, rows: list[list[str]]) -> tuple[int, str]:
    """Import `rows` (a header row, then entries) as contact history through /import, taking
    the proposed mapping: the batch's id and the CSRF token, for its undo."""
    token = auth.csrf("/import")
    upload = client.post("/import", data={"csrf_token": token, "kind": "history",
                                          "file": (io.BytesIO("\r\n".join(",".join(r) for r in rows).encode()), "history.csv")},
                         content_type="multipart/form-data")
    batch_id = int(re.search(r"/import/(\d+)/mapping", upload.headers["Location"]).group(1))
    mapping = client.get(f"/import/{batch_id}/mapping").text
    data = {"csrf_token": token}
    data.update(re.findall(r'<select[^>]*name="(column_\d+)"[^>]*>.*?<option selected value="([^"]*)"', mapping, re.S))
    for name in re.findall(r'name="(column_\d+)"', mapping):
        data.setdefault(name, "")
    assert client.post(f"/import/{batch_id}/mapping", data=data).status_code == 303
    assert client.post(f"/import/{batch_id}/commit", data={"csrf_token": token}).status_code in (200, 303)
    return batch_id, token
