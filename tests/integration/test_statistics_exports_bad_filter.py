"""The Excel downloads of the yearly report and of the delegation statistics answer, on a bad
filter (a year that is not one, one out of range), as every list's export does: the page itself,
with the filter's message beside it (422), no file, instead of an error page."""
import pytest

REPORT_MESSAGE = "The report covers the years from"
RANGE_MESSAGE = "at most 30 years, the first not after the last"


@pytest.fixture
def staff(auth):
    return auth.login()


@pytest.mark.parametrize("query", ["year_from=abc", "year_from=1800", "year_to=2999", "focus=nonsense"])
@pytest.mark.parametrize("path", ["/reports", "/reports/export.xlsx"])
def test_the_report_and_its_download_answer_the_report_with_the_message(client, staff, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422
    assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
    assert REPORT_MESSAGE in response.text
    assert 'action="/reports"' in response.text  # the report's filter, to choose again
    assert 'aria-invalid="true"' in response.text
    assert 'app-report-filter-fold no-print" open>' in response.text  # a phone's folded filter opens on its message


@pytest.mark.parametrize(("query", "message"), [
    ("first=abc", "Not a valid integer value."), ("first=1800", "Number must be between 2000 and 2100."),
    ("first=2024&last=2020", RANGE_MESSAGE), ("first=2000&last=2040", RANGE_MESSAGE),
])
@pytest.mark.parametrize("path", ["/trips/statistics", "/trips/statistics.xlsx"])
def test_the_statistics_and_their_download_answer_the_page_with_the_message(client, staff, path, query, message):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422
    assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
    assert message in response.text
    assert "Delegations sent" in response.text  # the page, on the default years
    assert 'action="/trips/statistics"' in response.text


@pytest.mark.parametrize("path", ["/reports/export.xlsx", "/trips/statistics.xlsx?first=2022&last=2026"])
def test_a_good_filter_still_downloads(client, staff, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
