"""The yearly report's "promised and delivered": a quota applies only in the years its agreement is
signed and valid, so a report of other years (or of a draft) shows no promise and no shortfall."""
import re
from datetime import date

import pytest

from crm.auth.models import Role
from crm.extensions import db
from crm.outcomes.models import Quota, OutcomeCategory
from crm.reports.queries import promised_vs_delivered


@pytest.fixture
def quotas(app, factory):
    """An agreement valid 2023-12 to 2027-04 (academic years 2023 to 2026) promising 60
    certificates a year, and a draft promising 25 students a year."""
    partner = factory.partner(name="EBG Germany", country="DE")
    signed = factory.agreement([partner], title="AHK training", signed_on=date(2023, 11, 17),
                               valid_from=date(2023, 12, 2), valid_until=date(2027, 4, 30))
    draft = factory.agreement([partner], title="Top-up draft", signed_on=None,
                              valid_from=date(2023, 9, 1), valid_until=date(2028, 8, 31))
    with app.app_context():
        db.session.add_all([Quota(agreement_id=signed, category=OutcomeCategory.CERTIFICATES_EARNED, per_year=60),
                            Quota(agreement_id=draft, category=OutcomeCategory.OUTBOUND_STUDENTS, per_year=25)])
        db.session.commit()
    return signed, draft


def _promised(app, first: int, last: int) -> dict[str, int]:
    with app.test_request_context():
        return {p.agreement_title: p.promised for p in promised_vs_delivered(first, last)}


def test_a_quota_counts_only_the_years_its_agreement_is_valid(app, quotas):
    assert _promised(app, 2023, 2025) == {"AHK training": 180}
    assert _promised(app, 2021, 2024) == {"AHK training": 120}  # 2021 and 2022: not yet signed
    assert _promised(app, 2026, 2028) == {"AHK training": 60}  # it ends in 2026-2027
    assert _promised(app, 2016, 2016) == {}


def test_a_report_of_a_year_before_the_agreement_shows_no_shortfall(app, client, auth, quotas):
    auth.login(Role.VIEWER)
    page = client.get("/reports?year_from=2016&year_to=2016")
    assert page.status_code == 200
    assert "AHK training" not in page.text and "Top-up draft" not in page.text
    page = client.get("/reports?year_from=2023&year_to=2023")
    row = re.search(r"AHK training.*?</tr>", page.text, re.S).group(0)
    assert re.findall(r'app-number">(\d+)<', row)[:2] == ["60", "0"]
    assert "Top-up draft" not in page.text
