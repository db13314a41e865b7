"""The report's statements on its summary are built once per process and shape
(crm/core/statements.py): a report of other years runs the same statements with its own values,
and its figures are those of its years, its countries and partners."""
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory
from crm.reports import sources
from crm.reports.queries import build_report

STATEMENTS = (sources._totals_statement, sources._country_sums_statement, sources._country_cells_statement,
              sources._partner_cells_statement, sources._largest_in_focus_statement, sources._typed_subjects_statement)


def test_a_report_of_other_years_reuses_the_statements_with_its_own_values(app, factory):
    with app.app_context():
        germany = factory.partner(name="EBG Germany", country="DE")
        japan = factory.partner(name="Kyoto College", country="JP")
        db.session.add_all([
            Outcome(year=2021, category=OutcomeCategory.OUTBOUND_STUDENTS, count=3, agreement_id=factory.agreement([germany])),
            Outcome(year=2022, category=OutcomeCategory.OUTBOUND_STUDENTS, count=5, agreement_id=factory.agreement([japan])),
        ])
        db.session.commit()

    def report(year):
        with app.test_request_context():
            return build_report(year, year, partner_limit=15, focus="outbound_students", country_limit=10, rank_overall=False)

    first = report(2021)
    built = [statement.cache_info().currsize for statement in STATEMENTS]
    second = report(2022)
    assert [statement.cache_info().currsize for statement in STATEMENTS] == built  # nothing built again
    assert first.by_category == {"outbound_students": 3} and second.by_category == {"outbound_students": 5}
    assert first.by_country == {"DE": {"outbound_students": 3}} and second.by_country == {"JP": {"outbound_students": 5}}
    assert first.by_partner == {germany: {"outbound_students": 3}} and second.by_partner == {japan: {"outbound_students": 5}}
    assert first.by_category_subject == {("outbound_students", (germany,)): 3}
    assert second.by_category_subject == {("outbound_students", (japan,)): 5}
