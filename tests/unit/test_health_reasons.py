"""The health summary's reasons read as a person writes them, in both languages: whole numbers
without a decimal, "none" instead of a zero with a unit (never "0.0 名")."""
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from crm.outcomes.queries import CategoryYears
from crm.reports.health import agreement_health, per_year

NO_PARTNERS = SimpleNamespace(partners=[])  # no partner: no contact to look up


def _reasons(app, cells: dict, locale: str, years=(2023, 2024, 2025)) -> dict[str, str]:
    with app.test_request_context(), force_locale(locale):
        health = agreement_health(NO_PARTNERS, CategoryYears(years=list(years), cells=cells), [], today=date(2026, 11, 30))
        return {str(part.label): part.reason for part in health.parts}


@pytest.mark.parametrize(("value", "en", "zh"), [(4.0, "4", "4"), (2.5, "2.5", "2.5"), (1 / 3, "0.3", "0.3"), (1200.0, "1,200", "1,200")])
def test_a_yearly_average_is_a_whole_number_when_it_is_one(app, value, en, zh):
    with app.test_request_context():
        with force_locale("en"):
            assert per_year(value) == en
        with force_locale("zh_CN"):
            assert per_year(value) == zh


def test_no_students_no_staff_no_certificates_say_none_in_words(app):
    english = _reasons(app, {}, "en")
    assert english["Students each way"] == "no students sent or received"
    assert english["Staff exchanges"] == "no teachers or experts exchanged"
    assert english["Certificates"] == "no certificates earned"
    chinese = _reasons(app, {}, "zh_CN")
    assert all("0.0" not in reason and not reason.startswith("0") for reason in chinese.values())
    assert "名" not in chinese["双向学生交流"] and "个" not in chinese["证书"]


def test_students_per_year_are_whole_where_whole_and_one_way_says_none(app):
    english = _reasons(app, {"outbound_students": {2023: 4, 2024: 4, 2025: 4}, "inbound_students": {2024: 3}}, "en")
    assert english["Students each way"] == "4 a year sent, 1 a year received (balance 25%)"
    one_way = _reasons(app, {"outbound_students": {2023: 5, 2024: 2}}, "en")
    assert one_way["Students each way"] == "2.3 a year sent, none received"
    chinese = _reasons(app, {"outbound_students": {2023: 4, 2024: 4, 2025: 4}}, "zh_CN")
    assert "每年派出 4 名" in chinese["双向学生交流"] and "0.0" not in chinese["双向学生交流"]


def test_one_year_and_one_certificate_are_singular(app):
    english = _reasons(app, {"teachers_trained": {2025: 3}, "certificates_earned": {2025: 1}}, "en", years=(2025,))
    assert english["Staff exchanges"] == "3 teachers and experts in 1 year with records"
    assert english["Certificates"] == "1 certificate earned"
