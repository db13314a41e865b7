"""Outcomes entered on the agreement page: with and without htmx, validated (422), stale-safe (409),
refused to viewers (403, nothing written); liaisons enter for their school and wait for approval."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from crm.auth.models import Role, User
from crm.core.dates import office_today
from crm.extensions import db
from crm.outcomes.models import Indicator, Outcome, OutcomeStatus, report_year_of
from crm.schools.models import School

HTMX = {"HX-Request": "true"}
THIS_YEAR = report_year_of(office_today())
LAST_YEAR = THIS_YEAR - 1


@pytest.fixture
def partner_id(factory):
    return factory.partner(name="EBG Germany", country="DE")


@pytest.fixture
def agreement_id(factory, partner_id):
    return factory.agreement([partner_id], title="AHK certificate training")


@pytest.fixture
def schools(app):
    with app.app_context():
        mech = School(name_zh="机械工程学院", name_en="School of Mechanical Engineering")
        auto = School(name_zh="车辆工程学院", name_en="School of Automotive Engineering")
        db.session.add_all([mech, auto])
        db.session.commit()
        return mech.id, auto.id


def _form(prefix="new-outcome", **fields) -> dict:
    values = {"year": LAST_YEAR, "category": "certificates_earned", "count": 54, "detail": "AHK, students",
              "school_id": "", "indicator_id": "", "note": "54 passed of 57", **fields}
    return {f"{prefix}-{key}": value for key, value in values.items()}


def _outcomes(app) -> list[Outcome]:
    with app.app_context():
        rows = db.session.scalars(select(Outcome).order_by(Outcome.id)).all()
        db.session.expunge_all()
        return rows


def test_staff_enters_an_outcome_without_javascript_and_it_counts_everywhere(app, client, auth, agreement_id, partner_id):
    auth.login()
    page = client.get(f"/outcomes/agreement/{agreement_id}/new")
    assert page.status_code == 200 and "<html" in page.text
    response = client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form()})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/agreements/{agreement_id}#outcomes"
    [outcome] = _outcomes(app)
    assert (outcome.count, outcome.year, outcome.status) == (54, LAST_YEAR, OutcomeStatus.APPROVED)
    assert ">54<" in client.get(f"/agreements/{agreement_id}").text
    assert ">54</a>" in client.get(f"/partners/{partner_id}/work").text
    report = client.get(f"/reports?year_from={LAST_YEAR}&year_to={THIS_YEAR}&exact=y")
    assert 'data-exact="54"' in report.text and "EBG Germany" in report.text
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?year_from={LAST_YEAR}&year_to={THIS_YEAR}").data))
    summary = workbook.worksheets[1]
    assert [cell.value for cell in summary[2]] == ["Certificates earned", 54]


def test_staff_enters_an_outcome_with_htmx_and_the_section_reloads(app, client, auth, agreement_id):
    auth.login()
    form = client.get(f"/outcomes/agreement/{agreement_id}/new", headers={**HTMX, "HX-Target": "outcome-new"})
    assert "<html" not in form.text and 'id="outcome-new"' in form.text
    response = client.post(f"/outcomes/agreement/{agreement_id}/new", data=_form(count=7),
                           headers={**HTMX, "HX-Target": "outcome-new", "X-CSRFToken": auth.csrf()})
    assert response.status_code == 204 and response.headers["HX-Trigger"] == "outcomesChanged"
    section = client.get(f"/outcomes/agreement/{agreement_id}", headers={**HTMX, "HX-Target": "outcomes"})
    assert section.text.lstrip().startswith("<section") and ">7<" in section.text


@pytest.mark.parametrize(("fields", "reason"), [
    ({"count": -3}, "from 0 to"),
    ({"count": "many"}, "whole number"),
    ({"count": ""}, "whole number"),
    ({"year": THIS_YEAR + 1}, "has not started yet"),
    ({"year": 2001}, "lies outside it"),
    ({"category": "bribes"}, "new-outcome-category-error"),
    # an "other quantity" without its indicator was saved and then counted nowhere
    ({"category": "other", "indicator_id": ""}, "Choose the 国际影响表 row this quantity counts toward."),
])
def test_bad_input_answers_422_with_the_reason_and_writes_nothing(app, client, auth, agreement_id, fields, reason):
    auth.login()
    response = client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form(**fields)})
    assert response.status_code == 422
    assert reason in response.text
    assert _outcomes(app) == []


def test_a_viewer_reads_and_exports_but_cannot_enter_outcomes(app, client, auth, agreement_id):
    auth.login(Role.VIEWER)
    assert client.get("/reports").status_code == 200
    assert client.get("/reports/export.xlsx").status_code == 200
    assert client.get("/reports/international-influence.xlsx").status_code == 200
    assert client.get(f"/outcomes/agreement/{agreement_id}/new").status_code == 403
    response = client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form()})
    assert response.status_code == 403
    assert _outcomes(app) == []
    assert "Add outcome" not in client.get(f"/agreements/{agreement_id}").text


def test_editing_in_place_and_a_stale_edit_answers_409(app, client, auth, agreement_id):
    auth.login()
    client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form()})
    [outcome] = _outcomes(app)
    prefix = f"outcome-{outcome.id}"
    row_form = client.get(f"/outcomes/{outcome.id}/edit", headers={**HTMX, "HX-Target": prefix})
    assert row_form.text.lstrip().startswith("<tr") and f"{prefix}-count" in row_form.text
    data = {**_form(prefix, count=57), f"{prefix}-version": outcome.version}
    saved = client.post(f"/outcomes/{outcome.id}/edit", data=data, headers={**HTMX, "HX-Target": prefix, "X-CSRFToken": auth.csrf()})
    assert saved.status_code == 204
    stale = client.post(f"/outcomes/{outcome.id}/edit", data={**data, f"{prefix}-count": 99, "csrf_token": auth.csrf()})
    assert stale.status_code == 409
    assert [o.count for o in _outcomes(app)] == [57]
    # both versions as the form shows them: the category's label, not its stored code
    assert "<td>Certificates earned</td>" in stale.text and "certificates_earned" not in stale.text


def _liaison(app, make_user, school_id) -> User:
    user = make_user(Role.LIAISON)
    with app.app_context():
        db.session.get(User, user.id).school_id = school_id
        db.session.commit()
    user.school_id = school_id
    return user


def test_a_liaison_enters_for_their_school_only_and_it_counts_once_approved(app, client, auth, make_user, agreement_id, schools):
    mech, auto = schools
    with app.app_context():
        indicator = Indicator(year=LAST_YEAR, position=1, code="teacher_office_abroad", unit="人",
                              label_zh="在国（境）外组织担任职务的专任教师人数", label_en="Teachers holding office abroad")
        db.session.add(indicator)
        db.session.commit()
        indicator_id = indicator.id
    auth.login(user=_liaison(app, make_user, mech))
    other = client.post(f"/outcomes/agreement/{agreement_id}/new",
                        data={"csrf_token": auth.csrf(), **_form(school_id=auto)})
    assert other.status_code == 403 and _outcomes(app) == []
    mine = client.post(f"/outcomes/agreement/{agreement_id}/new",
                       data={"csrf_token": auth.csrf(), **_form(school_id=mech, count=3, category="other",
                                                                indicator_id=indicator_id)})
    assert mine.status_code == 303
    [outcome] = _outcomes(app)
    assert outcome.status == OutcomeStatus.PENDING and outcome.school_id == mech
    assert client.get("/outcomes/review").status_code == 403  # approving is the office's
    report = client.get(f"/reports?year_from={LAST_YEAR}&year_to={LAST_YEAR}")
    assert "No approved outcomes" in report.text

    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login()  # office staff
    queue = client.get("/outcomes/review")
    assert "School of Mechanical Engineering" in queue.text and f"waiting-{outcome.id}" in queue.text
    assert "School of Automotive Engineering" in queue.text  # has not reported
    approved = client.post(f"/outcomes/{outcome.id}/approve", data={"csrf_token": auth.csrf(), "version": outcome.version})
    assert approved.status_code == 303
    assert _outcomes(app)[0].status == OutcomeStatus.APPROVED
    report = client.get(f"/reports?year_from={LAST_YEAR}&year_to={LAST_YEAR}")
    assert "No approved outcomes" not in report.text
    table = client.get(f"/reports/international-influence?year={LAST_YEAR}")
    assert "在国（境）外组织担任职务的专任教师人数" in table.text and ">3</a>" in table.text
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/international-influence.xlsx?year={LAST_YEAR}").data)).active
    assert [cell.value for cell in sheet[4]][:4] == [1, "在国（境）外组织担任职务的专任教师人数", "人", 3]


def test_the_schools_not_reported_are_asked_by_academic_year_and_a_typed_label_is_no_year(app, client, auth, schools):
    """The year was a free number box: "2025-2026" typed as the page shows years listed every
    school "not reported for -1-0"."""
    auth.login()
    page = client.get("/outcomes/review").text
    assert f'<option value="{THIS_YEAR}" selected>{THIS_YEAR}-{THIS_YEAR + 1}</option>' in page
    assert f'<option value="{LAST_YEAR}">{LAST_YEAR}-{LAST_YEAR + 1}</option>' in page
    assert client.get(f"/outcomes/review?year={LAST_YEAR}").status_code == 200
    for typed in ("2025-2026", "-5"):
        assert client.get(f"/outcomes/review?year={typed}").status_code == 404
        assert client.get(f"/outcomes?year_from={typed}").status_code == 404


def test_the_office_sends_an_entry_back_with_a_reason(app, client, auth, make_user, agreement_id, schools):
    mech, _auto = schools
    liaison = _liaison(app, make_user, mech)
    auth.login(user=liaison)
    client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form(school_id=mech)})
    [outcome] = _outcomes(app)
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login()
    empty = client.post(f"/outcomes/{outcome.id}/return", data={"csrf_token": auth.csrf(), "version": outcome.version, "reason": ""})
    assert empty.status_code == 422
    sent = client.post(f"/outcomes/{outcome.id}/return",
                       data={"csrf_token": auth.csrf(), "version": outcome.version, "reason": "Attach the exam list."})
    assert sent.status_code == 303
    [outcome] = _outcomes(app)
    assert outcome.status == OutcomeStatus.RETURNED and outcome.review_reason == "Attach the exam list."
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(user=liaison)
    assert "Attach the exam list." in client.get("/outcomes/mine").text


def _outcome_in(app, agreement_id, **fields) -> Outcome:
    with app.app_context():
        outcome = Outcome(agreement_id=agreement_id, year=LAST_YEAR, category="certificates_earned", count=5, **fields)
        db.session.add(outcome)
        db.session.commit()
        db.session.refresh(outcome)
        db.session.expunge(outcome)
        return outcome


@pytest.mark.parametrize("state, refusal, refusal_zh", [
    ("approved", "Only an outcome waiting for approval can be sent back; this one is: Approved.", "只有待批准的成果可以退回"),
    ("returned", "Only an outcome waiting for approval can be sent back; this one is: Sent back.", "只有待批准的成果可以退回"),
    ("no school", "This outcome belongs to no school, so no liaison would see it sent back.", "该成果未归属任何二级学院"),
])
def test_only_an_entry_waiting_for_approval_and_of_a_school_is_sent_back(app, client, auth, agreement_id, schools, state,
                                                                          refusal, refusal_zh):
    """The office could send back an approved outcome (it left the reports) or one of no school
    (no liaison would ever see it): either is refused (409, said why, in both languages), nothing changed."""
    mech, _auto = schools
    status = {"approved": OutcomeStatus.APPROVED, "returned": OutcomeStatus.RETURNED}.get(state, OutcomeStatus.PENDING)
    outcome = _outcome_in(app, agreement_id, status=status, school_id=None if state == "no school" else mech)
    auth.login()
    asked = client.get(f"/outcomes/{outcome.id}/return")
    assert asked.status_code == 409 and refusal in asked.text and "<form method=\"post\" novalidate" not in asked.text
    sent = client.post(f"/outcomes/{outcome.id}/return",
                       data={"csrf_token": auth.csrf(), "version": outcome.version, "reason": "Attach the exam list."})
    assert sent.status_code == 409 and refusal in sent.text
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    in_chinese = client.post(f"/outcomes/{outcome.id}/return",
                             data={"csrf_token": auth.csrf(), "version": outcome.version, "reason": "x"})
    assert in_chinese.status_code == 409 and refusal_zh in in_chinese.text
    [after] = _outcomes(app)
    assert (after.status, after.version, after.review_reason, after.reviewed_by_id) == (status, outcome.version, None, None)
    queue = client.get("/outcomes/review").text
    assert f"/outcomes/{outcome.id}/return" not in queue  # the queue offers it only when it may go back


@pytest.mark.parametrize("status, refusal", [
    (OutcomeStatus.APPROVED, "Only an outcome waiting for approval can be approved; this one is: Approved."),
    (OutcomeStatus.RETURNED, "Only an outcome waiting for approval can be approved; this one is: Sent back."),
])
def test_only_an_entry_waiting_for_approval_is_approved(app, client, auth, agreement_id, schools, status, refusal):
    """An entry already approved or sent back could be approved again (a returned one went back into
    the reports behind its liaison's back): refused (409, said why, in both languages), nothing changed,
    and the queue offers Approve only where the rule allows it."""
    mech, _auto = schools
    outcome = _outcome_in(app, agreement_id, status=status, school_id=mech)
    auth.login()
    approved = client.post(f"/outcomes/{outcome.id}/approve", data={"csrf_token": auth.csrf(), "version": outcome.version})
    assert approved.status_code == 409 and refusal in approved.text
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    in_chinese = client.post(f"/outcomes/{outcome.id}/approve", data={"csrf_token": auth.csrf(), "version": outcome.version})
    assert in_chinese.status_code == 409 and "只有待批准的成果可以批准" in in_chinese.text
    [after] = _outcomes(app)
    assert (after.status, after.version, after.reviewed_by_id) == (status, outcome.version, None)
    waiting = _outcome_in(app, agreement_id, status=OutcomeStatus.PENDING, school_id=mech)
    queue = client.get("/outcomes/review").text
    assert f"/outcomes/{waiting.id}/approve" in queue and f"/outcomes/{outcome.id}/approve" not in queue


def test_the_records_behind_a_figure_are_listed(app, client, auth, agreement_id):
    auth.login()
    client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form()})
    client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form(category="experts_hosted", count=2)})
    listed = client.get(f"/outcomes?category=certificates_earned&year_from={LAST_YEAR}&year_to={LAST_YEAR}")
    assert listed.status_code == 200 and "54 passed of 57" in listed.text and "Foreign teachers" not in listed.text
    assert client.get("/outcomes?category=nonsense").status_code == 404


def test_an_administrator_keeps_the_schools_and_makes_a_user_their_liaison(app, client, auth, make_user):
    auth.login(Role.ADMIN)
    data = {"csrf_token": auth.csrf("/admin/schools"), "name_zh": "机械工程学院", "name_en": "School of Mechanical Engineering"}
    assert client.post("/admin/schools", data=data).status_code == 303
    assert client.post("/admin/schools", data=data).status_code == 422  # the same name again
    # the same English name under another Chinese one: English pages could not tell them apart
    same_english = {**data, "name_zh": "机械学院", "name_en": "school of mechanical engineering "}
    assert client.post("/admin/schools", data=same_english).status_code == 422
    with app.app_context():
        school_id = db.session.scalar(select(School.id))
    renamed = {**data, "name_en": "School of Mechanical and Electrical Engineering", "version": "1"}
    assert client.post(f"/admin/schools/{school_id}", data=renamed).status_code == 303
    history = client.get(f"/admin/schools/{school_id}").text.split('id="history-heading"')[1]  # who renamed it?
    assert "School of Mechanical Engineering" in history and "School of Mechanical and Electrical Engineering" in history
    user = make_user(Role.STAFF)
    page = client.get(f"/admin/users/{user.id}")
    version = page.text.split('name="version" type="hidden" value="')[1].split('"')[0]
    form = {"csrf_token": auth.csrf(), "version": version, "name": user.name, "role": "liaison", "active": "y"}
    assert client.post(f"/admin/users/{user.id}", data={**form, "school_id": ""}).status_code == 422
    assert client.post(f"/admin/users/{user.id}", data={**form, "school_id": school_id}).status_code == 303
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.role, saved.school_id, saved.is_liaison) == (Role.LIAISON, school_id, True)
    history = client.get(f"/admin/users/{user.id}").text.split('id="history-heading"')[1]
    assert "<td>School</td>" in history and "机械工程学院" in history  # not "school id" and a number


def test_a_viewer_cannot_change_the_schools(app, client, auth):
    auth.login(Role.VIEWER)
    response = client.post("/admin/schools", data={"csrf_token": auth.csrf(), "name_zh": "x", "name_en": "x"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(School)) == 0


def test_structured_quotas_show_promised_delivered_and_the_health_parts(app, client, auth, agreement_id):
    auth.login()
    client.post(f"/outcomes/agreement/{agreement_id}/new", data={"csrf_token": auth.csrf(), **_form(count=20)})
    bad = client.post(f"/outcomes/agreement/{agreement_id}/quotas",
                      data={"csrf_token": auth.csrf(), "quota-category": "certificates_earned", "quota-per_year": "-1"})
    assert bad.status_code == 422
    saved = client.post(f"/outcomes/agreement/{agreement_id}/quotas",
                        data={"csrf_token": auth.csrf(), "quota-category": "certificates_earned", "quota-per_year": "60"})
    assert saved.status_code == 303
    page = client.get(f"/agreements/{agreement_id}").text
    assert "Certificates earned: 60 a year" in page
    assert 'class="app-shortfall"' in page  # 20 delivered of at least 60 promised
    health = page.split('id="health"')[1].split("</table>")[0]
    for part in ("Students each way", "Staff exchanges", "Certificates", "Promised vs delivered", "Last contact"):
        assert part in health
    assert "/ 10</strong>" in health


def test_a_viewer_cannot_set_quotas(app, client, auth, agreement_id):
    auth.login(Role.VIEWER)
    response = client.post(f"/outcomes/agreement/{agreement_id}/quotas",
                           data={"csrf_token": auth.csrf(), "quota-category": "certificates_earned", "quota-per_year": "60"})
    assert response.status_code == 403
    with app.app_context():
        from crm.outcomes.models import Quota
        assert db.session.scalar(select(func.count()).select_from(Quota)) == 0


def test_a_liaison_is_offered_edit_only_where_the_edit_is_allowed(app, client, auth, make_user, agreement_id, schools):
    """The rows' edit link asks the views' own rule (crm.outcomes.access.may_change), not a copy of it."""
    mech, auto = schools
    waiting = _outcome_in(app, agreement_id, status=OutcomeStatus.PENDING, school_id=mech)
    approved = _outcome_in(app, agreement_id, status=OutcomeStatus.APPROVED, school_id=mech)
    other = _outcome_in(app, agreement_id, status=OutcomeStatus.PENDING, school_id=auto)
    auth.login(user=_liaison(app, make_user, mech))
    page = client.get(f"/agreements/{agreement_id}").text
    offered = {outcome.id for outcome in (waiting, approved, other) if f"/outcomes/{outcome.id}/edit" in page}
    assert offered == {waiting.id}
    for outcome in (waiting, approved, other):
        allowed = client.get(f"/outcomes/{outcome.id}/edit").status_code == 200
        assert allowed == (outcome.id in offered)


def test_outcomes_of_an_archived_agreement_leave_the_liaisons_and_the_offices_queues(app, client, auth, make_user, factory,
                                                                                     partner_id, agreement_id, schools):
    """A returned outcome whose agreement was archived stayed on the liaison's home page (as plain
    text) and on /outcomes/mine, counted, though its edit page answers 404: nothing to do, so it
    is not listed (nor a waiting one, in the office's queue, whose Approve answered 404 too)."""
    from crm.agreements.models import Agreement

    mech, _auto = schools
    archived_id = factory.agreement([partner_id], title="Ended cooperation")
    _outcome_in(app, agreement_id, status=OutcomeStatus.RETURNED, school_id=mech, review_reason="Fix the live one.")
    gone_back = _outcome_in(app, archived_id, status=OutcomeStatus.RETURNED, school_id=mech, review_reason="Fix the archived one.")
    gone_waiting = _outcome_in(app, archived_id, status=OutcomeStatus.PENDING, school_id=mech, note="Waiting on the archived one.")
    with app.app_context():
        db.session.get(Agreement, archived_id).archive()
        db.session.commit()
    liaison = _liaison(app, make_user, mech)
    auth.login(user=liaison)
    assert client.get(f"/outcomes/{gone_back.id}/edit").status_code == 404
    home = client.get("/").text
    assert "Fix the live one." in home and "Fix the archived one." not in home
    assert re.search(r'<strong>1</strong> outcome sent back to you', home)
    mine = client.get("/outcomes/mine").text
    assert "Fix the live one." in mine and "Fix the archived one." not in mine and "Waiting on the archived one." not in mine
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login()
    queue = client.get("/outcomes/review").text
    assert f"waiting-{gone_waiting.id}" not in queue
    assert client.post(f"/outcomes/{gone_waiting.id}/approve",
                       data={"csrf_token": auth.csrf(), "version": gone_waiting.version}).status_code == 404
    with app.app_context():
        db.session.get(Agreement, archived_id).archived_at = None  # restored: back in the queues
        db.session.commit()
    assert f"waiting-{gone_waiting.id}" in client.get("/outcomes/review").text
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(user=liaison)
    assert "Fix the archived one." in client.get("/outcomes/mine").text
