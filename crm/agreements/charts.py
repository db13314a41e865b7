"""The renewals view's chart: the decisions ahead, month by month (crm/core/charts.py draws it)."""
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l

from crm.agreements.queries import RENEWAL_HORIZON_DAYS, renewals_by_month
from crm.core.charts import Chart, column_chart, month_label


def renewals_chart(today: date, overdue: int | None = None) -> Chart:
    """The renewals the view lists (crm/agreements/queries.py: the same rule and window), by
    month of their act-by date (each month with its year), after a column of those whose
    act-by date has passed (it links to them in the agreement list; `overdue`: their number
    when the caller has counted them already)."""
    data = []
    for month in renewals_by_month(today, overdue=overdue):
        if month.start is None:
            data.append((_l("Overdue"), month.count, url_for("agreements.index", renewal="overdue", sort="act_by")))
        else:
            data.append((month_label(month.start, with_year=True), month.count))
    return column_chart(
        _l("Renewals to decide within %(days)d days, by month of the decide-by date", days=RENEWAL_HORIZON_DAYS),
        data, value_label=_l("Renewals"),
    )
