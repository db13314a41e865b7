"""The renewals view's chart: the decisions ahead counted by the month of their act-by date."""
import re
from datetime import date, timedelta

from crm.agreements.models import AgreementDecision
from crm.core.dates import office_today

TODAY = office_today()


def _expiring(act_in_days: int, notice_days: int = 30) -> dict:
    return {"valid_until": TODAY + timedelta(days=act_in_days + notice_days), "notice_days": notice_days}


def _chart_rows(html: str) -> tuple[str, list[tuple[str, str]]]:
    chart = html[html.index('<figure class="app-chart"'):]
    chart = chart[:chart.index("</figure>")]
    return chart, re.findall(r'<tr><th scope="row">(.*?)</th><td>(\d+)</td></tr>', chart)


def _months_to(day: date) -> int:
    return (day.year - TODAY.year) * 12 + day.month - TODAY.month


def test_the_renewals_view_charts_the_decisions_by_month_with_the_overdue_first(client, auth, factory):
    auth.login()
    partner = factory.partner()
    factory.agreement([partner], title="Overdue", **_expiring(-5))
    factory.agreement([partner], title="This month", **_expiring(0))
    factory.agreement([partner], title="In two months", **_expiring(62))
    factory.agreement([partner], title="Too far", **_expiring(500))
    factory.agreement([partner], title="Decided", decision=AgreementDecision.RENEWED, **_expiring(10))
    chart, rows = _chart_rows(client.get("/agreements/renewals").text)
    # the overdue, then this month to the month in which the lists' 180 days end
    assert len(rows) == 1 + _months_to(TODAY + timedelta(days=180)) + 1
    assert rows[0][0] == "Overdue" and '<a href="/agreements?renewal=overdue&amp;sort=act_by"><title>Overdue: 1</title>' in chart
    counts = [int(count) for _label, count in rows]
    assert counts[0] == 1 and counts[1] == 1 and sum(counts) == 3
    assert counts[_months_to(TODAY + timedelta(days=62)) + 1] == 1


def test_the_chart_counts_exactly_the_agreements_the_lists_below_show(client, auth, factory):
    auth.login()
    partner = factory.partner()
    factory.agreement([partner], title="Within the window", **_expiring(170))
    factory.agreement([partner], title="Eleven months out", **_expiring(335))
    factory.agreement([partner], title="Just past the window", **_expiring(181))
    html = client.get("/agreements/renewals").text
    _chart, rows = _chart_rows(html)
    assert sum(int(count) for _label, count in rows) == 1
    assert "Within the window" in html and "Eleven months out" not in html and "Just past the window" not in html


def test_each_month_of_the_chart_says_its_year(client, auth, factory):
    auth.login()
    factory.agreement([factory.partner()], title="Soon", **_expiring(5))
    _chart, rows = _chart_rows(client.get("/agreements/renewals").text)
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label) for label, _count in rows[1:])
    assert rows[1][0].endswith(str(TODAY.year))
