"""The renewals view's chart: the decisions ahead, month by month (crm/core/charts.py draws it)."""
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l

from crm.agreements.queries import renewals_by_month
from crm.core.charts import Chart, column_chart, month_label


def renewals_chart(today: date, months: int = 12) -> Chart:
    """Renewals to decide by month of their act-by date for the next `months` months, after a
    column of those whose act-by date has passed (it links to them in the agreement list)."""
    data = []
    for month in renewals_by_month(today, months):
        if month.start is None:
            data.append((_l("Overdue"), month.count, url_for("agreements.index", renewal="overdue", sort="act_by")))
        else:
            data.append((month_label(month.start), month.count))
    return column_chart(_l("Renewals to decide, by month of the act-by date"), data, value_label=_l("Renewals"))
