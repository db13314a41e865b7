"""The admin's rows of the 国际影响表 (/reports/indicators): a wrong entry answers 422 with a message
on its field and changes nothing, never the error page."""
import pytest
from sqlalchemy import select

from crm.auth.models import Role
from crm.extensions import db
from crm.outcomes.models import Indicator

YEAR = 2025
CODE_TAKEN = "already has a row with this code"
YEAR_OUT_OF_RANGE = "Number must be between 1990 and 2100."


@pytest.fixture
def rows(app):
    with app.app_context():
        first = Indicator(year=YEAR, position=1, code="intl_students", label_zh="留学生", label_en="International students", unit="人")
        second = Indicator(year=YEAR, position=2, code="teachers_abroad", label_zh="教师出国", label_en="Teachers abroad", unit="人次")
        db.session.add_all([first, second])
        db.session.commit()
        return first.id, second.id


def _rows(app) -> list[tuple]:
    with app.app_context():
        return [(i.id, i.year, i.code, i.label_zh, i.label_en, i.unit, i.version)
                for i in db.session.scalars(select(Indicator).order_by(Indicator.id))]


def _fields(**fields) -> dict:
    return {"year": YEAR, "position": 3, "code": "joint_programmes", "label_zh": "合作办学", "label_en": "Joint programmes",
            "unit": "个", **fields}


def _add(client, auth, **fields):
    return client.post("/reports/indicators", data={"csrf_token": auth.csrf(), **_fields(**fields)})


def _edit(app, client, auth, indicator_id: int, **fields):
    """Post the edit form with the row's current version."""
    [version] = [r[6] for r in _rows(app) if r[0] == indicator_id]
    return client.post(f"/reports/indicators/{indicator_id}/edit",
                       data={"csrf_token": auth.csrf(), "version": version, **_fields(**fields)})


@pytest.mark.parametrize(("fields", "message"), [
    ({"code": "teachers_abroad", "position": 1}, CODE_TAKEN),  # the year's second row has it
    ({"code": "intl_students", "year": "99999999999999999999"}, YEAR_OUT_OF_RANGE),
])
def test_an_edited_row_with_a_taken_code_or_a_year_out_of_range_answers_422_with_a_message(app, client, auth, rows, fields, message):
    first_id, _second_id = rows
    auth.login(Role.ADMIN)
    before = _rows(app)
    assert client.get(f"/reports/indicators/{first_id}/edit").status_code == 200
    response = _edit(app, client, auth, first_id, **fields)
    assert response.status_code == 422
    assert message in response.text
    assert _rows(app) == before


def test_a_row_keeps_its_own_code_and_another_year_may_reuse_it(app, client, auth, rows):
    first_id, _second_id = rows
    auth.login(Role.ADMIN)
    saved = _edit(app, client, auth, first_id, code="intl_students", label_en="Foreign students")
    added = _add(client, auth, year=YEAR + 1, code="intl_students")
    assert saved.status_code == 303 and added.status_code == 303
    assert [(r[1], r[2]) for r in _rows(app)] == [(YEAR, "intl_students"), (YEAR, "teachers_abroad"), (YEAR + 1, "intl_students")]


@pytest.mark.parametrize(("fields", "message"), [
    ({"code": "intl_students"}, CODE_TAKEN),  # the year's first row has it
    ({"year": "99999999999999999999"}, YEAR_OUT_OF_RANGE),  # too large for the database
    ({"year": "-5"}, YEAR_OUT_OF_RANGE), ({"year": "1989"}, YEAR_OUT_OF_RANGE), ({"year": "2101"}, YEAR_OUT_OF_RANGE),
])
def test_a_new_row_with_a_taken_code_or_a_year_out_of_range_answers_422_with_a_message(app, client, auth, rows, fields, message):
    auth.login(Role.ADMIN)
    before = _rows(app)
    response = _add(client, auth, **fields)
    assert response.status_code == 422
    assert message in response.text
    assert _rows(app) == before


@pytest.mark.parametrize("field", ["code", "label_zh", "label_en", "unit"])
def test_a_row_whose_words_are_spaces_only_is_not_saved(app, client, auth, rows, field):
    first_id, _second_id = rows
    auth.login(Role.ADMIN)
    before = _rows(app)
    added = _add(client, auth, **{field: "   "})
    edited = _edit(app, client, auth, first_id, **{"code": "intl_students", field: "  "})
    assert added.status_code == 422 and edited.status_code == 422
    assert "This field is required." in added.text and "This field is required." in edited.text
    assert _rows(app) == before


def test_the_code_clash_is_told_in_chinese(app, client, auth, make_user, rows):
    auth.login(user=make_user(Role.ADMIN, locale="zh_CN"))
    response = _add(client, auth, code="intl_students")
    assert response.status_code == 422
    assert "2025-2026年度已有使用此代码的指标行。" in response.text or "2025年度已有使用此代码的指标行。" in response.text


def test_the_usual_rows_are_offered_while_some_are_missing_and_adding_them_twice_says_so(app, client, auth, rows):
    """The button stayed on a year that had every usual row, and pressing it said "The usual rows
    were added." while nothing was."""
    from crm.reports.influence import STANDARD_INDICATORS

    auth.login(Role.ADMIN)
    button = "Add the usual rows for 2025-2026"
    assert button in client.get(f"/reports/indicators?year={YEAR}").text
    added = client.post("/reports/indicators/standard", data={"csrf_token": auth.csrf(), "year": YEAR}, follow_redirects=True)
    assert "The usual rows were added." in added.text
    assert len(_rows(app)) == 2 + len(STANDARD_INDICATORS)
    assert button not in added.text
    again = client.post("/reports/indicators/standard", data={"csrf_token": auth.csrf(), "year": YEAR}, follow_redirects=True)
    assert "already has all the usual rows: nothing was added." in again.text
    assert len(_rows(app)) == 2 + len(STANDARD_INDICATORS)
