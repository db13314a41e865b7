"""The report's page reads only the largest partners (ranked in SQL, the partners with records
among the candidates); they are the same partners, with the same figures, as in the full report."""
from datetime import date

import pytest

from crm import create_app
from crm.demo.generate import Sizes, generate
from crm.extensions import db
from crm.reports.queries import build_report
from tests.conftest import TEST_DATABASE_URL

SIZES = Sizes(partners=60, countries=10, contacts=60, agreements=120, interactions=100, follow_ups=20, proposals=10, users=3)


@pytest.mark.parametrize("focus", ["", "outbound_students", "experts_hosted"])
def test_the_largest_partners_are_those_of_the_full_report(tmp_path, focus):
    if TEST_DATABASE_URL:
        pytest.skip("generates into its own SQLite file")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ranking.sqlite3'}"})
    with app.app_context():
        db.create_all()
        generate(SIZES, seed=5, today=date(2026, 11, 25))
    with app.test_request_context():
        full = build_report(2020, 2026)
        top = build_report(2020, 2026, partner_limit=5, focus=focus)
        assert len(full.partners_ranked()) > 5 and top.more_partners
        for category in {"", focus}:
            expected = full.partners_ranked(category)[:5]
            assert top.partners_ranked(category)[:5] == expected
            assert all(top.by_partner[pid] == full.by_partner[pid] for pid, _total in expected)
        assert top.by_category == full.by_category and top.by_country == full.by_country
