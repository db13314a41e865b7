"""What a list formats once per language (dates, enum labels, the locale code) stays right when
languages alternate in one process."""
from datetime import date, datetime

from flask_babel import force_locale

from crm.core.i18n import country_name, current_locale_code
from crm.core.templating import local_date
from crm.partners.models import PartnerStatus


def test_dates_labels_and_country_names_follow_the_language_each_time(app):
    day = date(2026, 3, 5)
    with app.test_request_context("/"):
        for _ in range(2):  # the second round is served by the caches
            with force_locale("en"):
                assert (local_date(day), current_locale_code(), country_name("DE")) == ("5 Mar 2026", "en", "Germany")
                english = PartnerStatus.ACTIVE.label
            with force_locale("zh_CN"):
                assert (local_date(day), current_locale_code(), country_name("DE")) == ("2026年3月5日", "zh_CN", "德国")
                chinese = PartnerStatus.ACTIVE.label
            assert english == "Active" and chinese != english


def test_a_date_time_is_shown_as_its_local_day(app):
    with app.test_request_context("/"), force_locale("en"):
        # 23:30 UTC is the next morning in the office's time zone (Asia/Shanghai by default).
        assert local_date(datetime(2026, 3, 5, 23, 30)) == local_date(date(2026, 3, 6))
        assert local_date(None) == ""
