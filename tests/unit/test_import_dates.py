"""The dates an office's spreadsheet holds, in every form its staff and its systems write them
(crm.imports.fields.parse_date_value)."""
import datetime

import pytest

from crm.imports.fields import parse_date_value


@pytest.mark.parametrize("cell", [
    datetime.datetime(2023, 9, 1), datetime.date(2023, 9, 1), 45170, 45170.5, "45170",
    "2023-09-01", "2023-9-1", "2023/9/1", "2023.09.01", "2023年9月1日", "2023 年 9 月 1 日", "２０２３年９月１日",
    "2023年9月1号", "20230901", "2023/9/1 0:00", "2023/09/01 00:00:00", "2023-09-01T00:00:00", "2023-09-01 08:30",
])
def test_a_date_in_any_form_an_office_writes_it_is_read(cell):
    assert parse_date_value(cell) == datetime.date(2023, 9, 1)
