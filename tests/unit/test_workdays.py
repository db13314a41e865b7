"""Working days by the Chinese calendar: holidays off, make-up working days (调休) on."""
from datetime import date

import pytest

from crm.core.workdays import LAST_YEAR, WorkdayCalendar, parse_dates

CALENDAR = WorkdayCalendar()


def test_the_2026_spring_festival_is_off_and_its_saturday_make_up_days_are_worked():
    assert not CALENDAR.is_workday(date(2026, 2, 16))  # Monday in the holiday
    assert CALENDAR.is_workday(date(2026, 2, 14))  # Saturday worked (调休)
    assert CALENDAR.is_workday(date(2026, 2, 28))
    assert not CALENDAR.is_workday(date(2026, 2, 21))  # an ordinary Saturday inside the holiday


def test_five_working_days_after_a_return_before_the_spring_festival_skip_the_holiday_and_count_the_make_up_saturday():
    # Friday 13 Feb 2026: Sat 14 (worked) is 1, 15-23 off, Tue 24 .. Fri 27 are 2..5.
    assert CALENDAR.add_workdays(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_five_working_days_after_a_return_before_national_day_count_the_make_up_saturday_10_october():
    # Wed 30 Sep 2026: 1-7 Oct off; Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13.
    assert CALENDAR.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)


def test_a_public_notice_five_working_days_before_departure_counts_backwards_over_the_holiday():
    # Departure Mon 12 Oct 2026: Sat 10, Fri 9, Thu 8, Wed 30 Sep, Tue 29 Sep.
    assert CALENDAR.add_workdays(date(2026, 10, 12), -5) == date(2026, 9, 29)


def test_zero_working_days_is_the_day_itself_and_a_friday_plus_one_is_monday():
    assert CALENDAR.add_workdays(date(2026, 11, 27), 0) == date(2026, 11, 27)
    assert CALENDAR.add_workdays(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_working_days_between_two_dates_skip_the_holiday():
    assert CALENDAR.workdays_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert CALENDAR.workdays_between(date(2026, 10, 13), date(2026, 9, 30)) == 0


def test_past_the_packages_last_year_the_calendar_is_monday_to_friday_and_says_it_is_not_covered():
    after = date(LAST_YEAR + 1, 3, 1)
    assert not CALENDAR.covers(after)
    assert CALENDAR.covers(date(2026, 10, 1))
    monday = date(2027, 2, 8)  # the 2027 Spring Festival, unknown to the package
    assert CALENDAR.is_workday(monday) and not CALENDAR.is_workday(date(2027, 2, 6))


def test_the_offices_settings_add_a_published_schedule_and_cover_its_year():
    calendar = WorkdayCalendar(parse_dates("2027-02-08, 2027-02-09"), parse_dates(["2027-02-20"]))
    assert calendar.covers(date(2027, 5, 1))
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday worked


def test_a_malformed_date_in_the_settings_is_refused():
    with pytest.raises(ValueError):
        parse_dates("2027-13-01")
