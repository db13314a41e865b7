"""全日制国（境）外留学生人数 counts only the outcomes tagged with it (full-time students), not every
international student received: the demo's 24 received in the last year are a summer programme and
a study tour (short stays, counted in person-days toward 非全日制国（境）外人员培训量), so the row is 0,
and the table names the report's 24 beside it, with the reason, instead of leaving a bare 0."""
import re

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.demo.loader import load_demo
from crm.extensions import db
from crm.outcomes.models import Indicator, Outcome, OutcomeCategory, report_year_of
from crm.reports.influence import influence_table

LAST_YEAR = report_year_of(office_today()) - 1
YEAR = 2022


def _row(page: str, label: str) -> str:
    match = re.search(r"<tr><td>\d+</td><th scope=\"row\">" + re.escape(label) + r".*?</tr>", page, re.S)
    assert match, label
    return match.group(0)


def test_the_demo_row_of_full_time_students_is_0_and_names_the_short_stays_beside_it(app, client, auth):
    with app.app_context():
        load_demo()
        rows = {row.indicator.code: row for row in influence_table(LAST_YEAR)}
        received = db.session.scalars(db.select(Outcome).where(
            Outcome.year == LAST_YEAR, Outcome.category == OutcomeCategory.INBOUND_STUDENTS)).all()
    # The 24 received are short stays (the demo's own details), and none is tagged as full-time.
    assert sum(o.count for o in received) == 24
    assert {o.detail for o in received} <= {"summer programme", "study tour"} and not any(o.indicator_id for o in received)
    assert rows["intl_students_full_time"].value == 0 and rows["intl_students_full_time"].category_total == 24
    assert rows["intl_training_part_time"].value == 168  # the summer programme, in person-days
    auth.login(Role.VIEWER)
    page = client.get(f"/reports/international-influence?year={LAST_YEAR}").text
    full_time = _row(page, "全日制国（境）外留学生人数")
    assert ">0</a>" in full_time and "The yearly report counts 24 under “International students received”" in full_time
    assert f"/outcomes?category=inbound_students&amp;year_from={LAST_YEAR}&amp;year_to={LAST_YEAR}" in full_time
    assert "The yearly report counts" not in _row(page, "非全日制国（境）外人员培训量")


def test_international_students_tagged_as_full_time_count_in_the_row(app, client, auth, factory):
    partner = factory.partner(name="Ivy Tech Community College", country="US")
    agreement = factory.agreement([partner], title="Exchange")
    with app.app_context():
        indicator = Indicator(year=YEAR, position=1, code="intl_students_full_time", label_zh="全日制国（境）外留学生人数",
                              label_en="Full-time international students", unit="人")
        db.session.add_all([
            indicator,
            Outcome(year=YEAR, category=OutcomeCategory.INBOUND_STUDENTS, count=9, detail="exchange semester",
                    agreement_id=agreement, indicator=indicator),
            Outcome(year=YEAR, category=OutcomeCategory.INBOUND_STUDENTS, count=12, detail="summer programme", agreement_id=agreement),
        ])
        db.session.commit()
        row = influence_table(YEAR)[0]
    assert (row.value, row.category_total) == (9, 21)
    auth.login(Role.VIEWER)
    page = client.get(f"/reports/international-influence?year={YEAR}").text
    assert ">9</a>" in _row(page, "全日制国（境）外留学生人数")
