"""The consortium, expert and programme pages run the same number of SQL statements whatever
the number of consortia, members, activities, experts, stays, permits, programmes and approvals."""
from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from crm import create_app
from crm.auth.models import Role, User
from crm.consortia.models import Consortium
from crm.demo.generate import Sizes, generate
from crm.demo.generate_international import generate_international
from crm.experts.models import Expert, Permit
from crm.extensions import db
from crm.partners.models import Partner
from crm.programmes.models import Programme
from tests.conftest import TEST_DATABASE_URL

SIZES = Sizes(partners=60, countries=8, contacts=60, agreements=30, interactions=60, follow_ups=20, proposals=10, users=3)
TODAY = date(2026, 11, 25)

REQUESTS = [
    ("/consortia", {}),
    ("/consortia?q=Consortium", {"HX-Request": "true", "HX-Target": "consortium-results"}),
    ("/consortia/{consortium_id}", {}),
    ("/consortia/{consortium_id}/report.xlsx", {}),
    ("/experts", {}),
    ("/experts?q=a", {"HX-Request": "true", "HX-Target": "expert-results"}),
    ("/experts/{expert_id}", {}),
    ("/experts/export.csv", {}),
    ("/programmes", {}),
    ("/programmes/{programme_id}", {}),
    ("/programmes/export.xlsx", {}),
    ("/renewals", {}),
    ("/partners/{partner_id}", {}),
]


def _counts(tmp_path, name, extra_rounds):
    if TEST_DATABASE_URL:
        pytest.skip("runs on SQLite files; the count does not depend on the database")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}"})
    with app.app_context():
        db.create_all()
        generate(SIZES, seed=5, today=TODAY)
        partner_ids = db.session.scalars(select(Partner.id)).all()
        users = db.session.scalars(select(User.id)).all()
        for round_ in range(extra_rounds):  # more of everything, linked to the same partners
            generate_international(100 + round_, TODAY, partner_ids, users, datetime(2026, 11, 25))
        db.session.commit()
        user = db.session.scalar(select(User).where(User.role == Role.STAFF).limit(1))
        # The busiest records, so that every section has rows to render.
        ids = {
            "consortium_id": db.session.scalar(select(Consortium.id).order_by(Consortium.id).limit(1)),
            "expert_id": db.session.scalar(select(Permit.expert_id).order_by(Permit.id).limit(1)),
            "programme_id": db.session.scalar(select(Programme.id).order_by(Programme.id).limit(1)),
            "partner_id": db.session.scalar(select(Expert.partner_id).where(Expert.partner_id.is_not(None)).limit(1)),
        }
        session_id, engine = user.get_id(), db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    counts = {}
    for path, headers in REQUESTS:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        response = client.get(path.format(**ids), headers=headers)
        event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, path
        counts[path, tuple(headers)] = len(statements)
    return counts


def test_statement_counts_do_not_grow_with_the_data(tmp_path):
    small = _counts(tmp_path, "small.sqlite3", 0)
    large = _counts(tmp_path, "large.sqlite3", 3)
    assert small == large
    own_pages = [count for (path, _headers), count in small.items() if not path.startswith("/partners")]
    assert max(own_pages) <= 10
