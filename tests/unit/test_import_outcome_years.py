"""The outcomes import reads years as the office counts them (crm.outcomes.models.year_kind)."""
import pytest

from crm.core.dates import office_today
from crm.imports.fields import CellError, ParseContext, parse_year
from crm.outcomes.models import report_year_of

CONTEXT = ParseContext()


@pytest.mark.parametrize(("cell", "year"), [
    ("2024-2025", "2024"), ("2024/25", "2024"), ("2024-2025学年", "2024"), (2024, "2024"), ("2024 – 2025", "2024"),
])
def test_academic_years_in_the_forms_offices_write(app, cell, year):
    assert parse_year(cell, CONTEXT) == year


@pytest.mark.parametrize("cell", ["2024-2026", "2024/24", "24-25", "last year"])
def test_what_is_not_an_academic_year_is_refused(app, cell):
    with pytest.raises(CellError, match="academic year"):
        parse_year(cell, CONTEXT)


def test_calendar_years_when_the_office_counts_calendar_years(app):
    app.config["REPORT_YEAR_KIND"] = "calendar"
    with app.app_context():
        assert parse_year("2024年", CONTEXT) == "2024" and parse_year(2024, CONTEXT) == "2024"
        with pytest.raises(CellError, match="not a year"):
            parse_year("2024-2025", CONTEXT)


def test_a_year_that_has_not_begun_is_refused(app):
    with pytest.raises(CellError, match="has not started yet"):
        parse_year(report_year_of(office_today()) + 1, CONTEXT)


@pytest.mark.parametrize("cell", ["1850", "1850-1851", 1989])
def test_a_year_before_the_first_is_refused_as_the_form_refuses_it(app, cell):
    """The import wrote its own 1990 (and said "not an academic year"); it asks the form's check_year."""
    with pytest.raises(CellError, match="Enter a year from 1990 on."):
        parse_year(cell, CONTEXT)
