"""Fixtures for every layer: an app with a fresh database per test, a client, logins, factories."""
import os
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event

from crm import create_app
from crm.agreements.models import Agreement, AgreementKind
from crm.auth.accounts import create_user
from crm.config import normalise_database_url
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.extensions import db, limiter
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind
from crm.proposals.models import Proposal

PASSWORD = "correct horse battery staple"

# TEST_DATABASE_URL (a PostgreSQL URL) runs the suite against PostgreSQL; default: SQLite files.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _database_uri(tmp_path) -> str:
    if TEST_DATABASE_URL:
        return normalise_database_url(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": _database_uri(tmp_path),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        if TEST_DATABASE_URL:
            db.drop_all()
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
            today = date.today()
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
