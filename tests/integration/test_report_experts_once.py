"""An expert counts once in a year, however many stays (short and long) they had in it."""
from datetime import date

from crm.auth.models import Role
from crm.experts.models import Expert, Stay, StayTerm
from crm.extensions import db
from crm.reports.queries import build_report


def test_an_expert_with_a_short_and_a_long_stay_in_one_year_counts_once(app, client, auth, factory):
    partner = factory.partner(name="Ivy Tech Community College", country="US")
    with app.app_context():
        expert = Expert(name="Jane Miller", nationality="US", partner_id=partner)
        db.session.add(expert)
        db.session.flush()
        # a two-week visit in autumn, then a semester's contract: both in 2024-2025
        db.session.add_all([Stay(expert_id=expert.id, starts_on=date(2024, 10, 7), ends_on=date(2024, 10, 18), term=StayTerm.SHORT),
                            Stay(expert_id=expert.id, starts_on=date(2025, 2, 24), ends_on=date(2025, 7, 4), term=StayTerm.LONG)])
        db.session.commit()
    with app.test_request_context():
        report = build_report(2024, 2024)
        assert report.total("experts_hosted") == 1
        assert report.by_country["US"]["experts_hosted"] == 1 and report.by_partner[partner]["experts_hosted"] == 1
    auth.login(Role.VIEWER)
    page = client.get("/reports?year_from=2024&year_to=2024&focus=experts_hosted")
    assert "hosted 1 foreign teacher or expert." in page.text.replace('<span class="app-figure" data-exact="1">1</span>', "1")
