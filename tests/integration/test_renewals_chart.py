"""The renewals view's chart: the decisions ahead counted by the month of their act-by date."""
import re
from datetime import date, timedelta

from crm.agreements.models import AgreementDecision

TODAY = date.today()


def _expiring(act_in_days: int, notice_days: int = 30) -> dict:
    return {"valid_until": TODAY + timedelta(days=act_in_days + notice_days), "notice_days": notice_days}


def test_the_renewals_view_charts_the_decisions_by_month_with_the_overdue_first(client, auth, factory):
    auth.login()
    partner = factory.partner()
    factory.agreement([partner], title="Overdue", **_expiring(-5))
    factory.agreement([partner], title="This month", **_expiring(0))
    factory.agreement([partner], title="In two months", **_expiring(62))
    factory.agreement([partner], title="Too far", **_expiring(500))
    factory.agreement([partner], title="Decided", decision=AgreementDecision.RENEWED, **_expiring(10))
    html = client.get("/agreements/renewals").text
    chart = html[html.index('<figure class="app-chart"'):]
    chart = chart[:chart.index("</figure>")]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(\d+)</td></tr>', chart)
    assert len(rows) == 13  # the overdue, then this month and the next eleven
    assert rows[0][0] == "Overdue" and '<a href="/agreements?renewal=overdue&amp;sort=act_by"><title>Overdue: 1</title>' in chart
    counts = [int(count) for _label, count in rows]
    assert counts[0] == 1 and counts[1] == 1 and sum(counts) == 3
    assert counts[(TODAY + timedelta(days=62)).month - TODAY.month + (12 if (TODAY + timedelta(days=62)).year > TODAY.year else 0) + 1] == 1
