"""Agreements through the test client: list and filters, create and edit, renewals and decisions."""
import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from crm.agreements.models import Agreement, AgreementDecision, AgreementKind
from crm.auth.models import Role
from crm.extensions import db
from crm.partners.models import Partner

TODAY = date.today()


def form_data(token, partner_ids, **changes):
    data = {
        "csrf_token": token,
        "title": "Exchange with Hiroshima",
        "kind": "student_exchange",
        "partners": [str(p) for p in partner_ids],
        "signed_on": "2026-01-10",
        "valid_from": "2026-02-01",
        "valid_until": "2029-01-31",
        "notice_days": "90",
        "owner_id": "",
        "parent_id": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def expiring_fields(days_to_act_by=20, notice=30):
    return {"valid_until": TODAY + timedelta(days=days_to_act_by + notice), "notice_days": notice}


# --- The list ---------------------------------------------------------------------------------


def test_list_filters_by_derived_status_kind_country_and_search(client, auth, factory):
    auth.login(Role.VIEWER)
    de = factory.partner(name="EBG Bildungsgesellschaft", country="DE")
    au = factory.partner(name="Holmesglen Institute", country="AU")
    factory.agreement([de], title="CNC training", kind=AgreementKind.CERTIFICATE_TRAINING, **expiring_fields())
    factory.agreement([au], title="Teacher training")
    factory.agreement([au], title="Old MOU", kind=AgreementKind.MOU, valid_until=TODAY - timedelta(days=3))

    def titles(query):
        response = client.get("/agreements?" + query)
        assert response.status_code == 200
        return {t for t in ("CNC training", "Teacher training", "Old MOU") if f">{t}</a>" in response.text}

    assert titles("status=expiring") == {"CNC training"}
    assert titles("status=expired") == {"Old MOU"}
    assert titles("status=current") == {"CNC training", "Teacher training"}
    assert titles("kind=mou") == {"Old MOU"}
    assert titles("country=DE") == {"CNC training"}
    assert titles(f"partner={au}") == {"Teacher training", "Old MOU"}
    assert titles("q=holmes") == {"Teacher training", "Old MOU"}
    assert titles("q=CNC") == {"CNC training"}
    assert titles("act_within=30") == {"CNC training"}
    assert titles("has_document=yes") == set()


def test_list_sorts_by_act_by_date(client, auth, factory):
    auth.login(Role.VIEWER)
    factory.agreement(title="Later act-by", valid_until=TODAY + timedelta(days=100), notice_days=0)
    factory.agreement(title="Sooner act-by", valid_until=TODAY + timedelta(days=300), notice_days=280)
    text = client.get("/agreements?sort=act_by").text
    assert text.index("Sooner act-by") < text.index("Later act-by")
    text = client.get("/agreements?sort=valid_until").text
    assert text.index("Later act-by") < text.index("Sooner act-by")


def test_htmx_search_gets_only_the_results_fragment(client, auth, factory):
    auth.login()
    factory.agreement(title="Dual degree")
    response = client.get("/agreements?q=dual", headers={"HX-Request": "true", "HX-Target": "agreement-results"})
    assert response.status_code == 200
    assert "Dual degree" in response.text and "<html" not in response.text
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in client.get("/agreements?q=dual").text


@pytest.mark.parametrize(
    "query",
    ["q=' OR 1=1--", "q=%25", "q=_", "q='", "q=" + "x" * 10_000, "kind=nonsense", "status=bogus", "partner=abc",
     "owner=99999999999999", "act_within=-3", "act_within=abc", "page=-1", "page=abc", "page=99999999", "sort=evil"],
)
def test_bad_list_input_never_answers_500(client, auth, query):
    auth.login()
    assert client.get("/agreements?" + query).status_code in (200, 404, 422)


def test_the_list_runs_a_fixed_number_of_statements(client, auth, factory, count_statements):
    auth.login()
    partner = factory.partner()

    def statements():
        with count_statements() as counter:
            assert client.get("/agreements").status_code == 200
        return counter.count

    factory.agreement([partner])
    few = statements()
    for n in range(8):
        factory.agreement([partner, factory.partner(name=f"P{n}")], title=f"A{n}", owner_id=auth.user.id)
    assert statements() == few


# --- Exports ----------------------------------------------------------------------------------


def test_csv_export_neutralises_formulas_writes_the_filter_and_round_trips_text(client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner(name='Coleg "y" Cymoedd, Wales')
    factory.agreement([partner], title="=HYPERLINK(\"http://evil\")", notes="line one\nline, two", kind=AgreementKind.MOU)
    factory.agreement([partner], title="@SUM(A1)", kind=AgreementKind.OTHER)
    response = client.get("/agreements/export.csv?kind=mou")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Filter", "Kind"] and "Memorandum" in rows[1][2]
    header = rows.index(next(r for r in rows if r and r[0] == "Title"))
    data = rows[header + 1:]
    assert len(data) == 1
    assert data[0][0] == "'=HYPERLINK(\"http://evil\")"
    assert data[0][3] == 'Coleg "y" Cymoedd, Wales'
    assert data[0][-1] == "line one\nline, two"


def test_xlsx_export_holds_the_filtered_rows_as_text_not_formulas(client, auth, factory):
    auth.login(Role.VIEWER)
    factory.agreement(title="+1+2", kind=AgreementKind.MOU)
    factory.agreement(title="Hidden by the filter", kind=AgreementKind.OTHER)
    response = client.get("/agreements/export.xlsx?kind=mou")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "'+1+2" in flat and "Hidden by the filter" not in flat
    assert values[1][0] == "Filter"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- Create and edit ----------------------------------------------------------------------------


def test_staff_creates_an_agreement_with_several_partners(app, client, auth, factory):
    auth.login()
    a, b = factory.partner(name="BMW"), factory.partner(name="Bosch", country="DE")
    response = client.post("/agreements/new", data=form_data(auth.csrf("/agreements/new"), [a, b]))
    assert response.status_code == 303
    with app.app_context():
        agreement = db.session.query(Agreement).one()
        assert response.headers["Location"] == f"/agreements/{agreement.id}"
        assert sorted(p.name for p in agreement.partners) == ["BMW", "Bosch"]
        assert agreement.notice_days == 90 and agreement.valid_until == date(2029, 1, 31)


def test_new_agreement_form_lists_partners_as_checkboxes_that_work_without_javascript(client, auth, factory):
    auth.login()
    partner = factory.partner(name="Ivy Tech Community College")
    text = client.get(f"/agreements/new?partner={partner}").text
    assert f'type="checkbox" name="partners" value="{partner}" id="partner-option-{partner}" checked' in text


def test_partner_search_offers_matching_partners_not_yet_chosen(client, auth, factory):
    auth.login()
    a = factory.partner(name="Universiti Utara Malaysia", country="MY")
    b = factory.partner(name="Universiti Tun Hussein Onn Malaysia", country="MY")
    factory.partner(name="Hiroshima University", country="JP")
    text = client.get(f"/agreements/partner-options?partner_q=universiti&partners={a}").text
    assert "Tun Hussein" in text and "Utara" not in text and "Hiroshima" not in text
    assert f'value="{b}"' in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-30"}, "valid_until", "Valid until cannot be before valid from."),
        ({"notice_days": "-1"}, "notice_days", "Between 0 and 3650 days."),
        ({"partners": []}, "partners", "Choose at least one partner."),
        ({"valid_until": "2026-02-30"}, "valid_until", "Not a valid date value."),
        ({"title": "x" * 301}, "title", "Field cannot be longer than 300 characters."),
        ({"kind": "space_programme"}, "kind", "Invalid Choice"),
    ],
)
def test_invalid_agreement_answers_422_with_the_field_message(app, client, auth, factory, changes, field, message):
    auth.login()
    partner = factory.partner()
    response = client.post("/agreements/new", data=form_data(auth.csrf("/agreements/new"), [partner], **changes))
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert db.session.query(Agreement).count() == 0


def test_an_archived_partner_cannot_be_chosen(app, client, auth, factory):
    from crm.core.models import utcnow

    auth.login()
    partner = factory.partner(archived_at=utcnow())
    response = client.post("/agreements/new", data=form_data(auth.csrf("/agreements/new"), [partner]))
    assert response.status_code == 422


def test_viewer_cannot_create_and_nothing_changes(app, client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner()
    assert client.get("/agreements/new").status_code == 403
    response = client.post("/agreements/new", data=form_data(auth.csrf(), [partner]))
    assert response.status_code == 403
    with app.app_context():
        assert db.session.query(Agreement).count() == 0


def test_extra_fields_are_ignored(app, client, auth, factory):
    auth.login()
    partner = factory.partner()
    data = form_data(auth.csrf("/agreements/new"), [partner], id="999", version="7", archived_at="2020-01-01",
                     decision="terminated", predecessor_id="1")
    assert client.post("/agreements/new", data=data).status_code == 303
    with app.app_context():
        agreement = db.session.query(Agreement).one()
        assert (agreement.id, agreement.version, agreement.archived_at, agreement.decision, agreement.predecessor_id) == (1, 1, None, None, None)


def test_a_stale_edit_answers_409_and_overwrites_nothing(app, client, auth, factory):
    auth.login()
    partner = factory.partner()
    agreement_id = factory.agreement([partner], title="Original")
    token = auth.csrf(f"/agreements/{agreement_id}/edit")
    fresh = client.post(f"/agreements/{agreement_id}/edit", data=form_data(token, [partner], title="First save", version="1"))
    assert fresh.status_code == 303
    stale = client.post(f"/agreements/{agreement_id}/edit", data=form_data(token, [partner], title="Second save", version="1"))
    assert stale.status_code == 409
    assert "First save" in stale.text and "Second save" in stale.text
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).title == "First save"


def test_an_agreement_cannot_become_its_own_ancestor(client, auth, factory):
    auth.login()
    partner = factory.partner()
    parent = factory.agreement([partner], title="Framework")
    child = factory.agreement([partner], title="Programme", parent_id=parent)
    data = form_data(auth.csrf(), [partner], title="Framework", parent_id=str(child), version="1")
    response = client.post(f"/agreements/{parent}/edit", data=data)
    assert response.status_code == 422
    assert "cannot sit under one of its own programme agreements" in response.text


# --- The agreement page -------------------------------------------------------------------------


def test_agreement_page_shows_chain_children_with_outlasting_warning_and_follow_ups(client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner()
    first = factory.agreement([partner], title="MOU 2019", decision=AgreementDecision.RENEWED,
                              valid_until=TODAY - timedelta(days=300))
    second = factory.agreement([partner], title="MOU 2024", predecessor_id=first, valid_until=TODAY + timedelta(days=300))
    factory.agreement([partner], title="Study tours", parent_id=second, valid_until=TODAY + timedelta(days=900))
    factory.follow_up(title="Ask for the signed copy", agreement_id=second)
    factory.interaction(partner, subject="Renewal talk", agreement_id=second)
    text = client.get(f"/agreements/{second}").text
    assert "Renewal chain" in text and text.index("MOU 2019") < text.index("<strong>MOU 2024</strong>")
    assert "Study tours" in text and "valid after this framework agreement ends" in text
    assert "Ask for the signed copy" in text and "Renewal talk" in text
    assert "Change history" in text


@pytest.mark.parametrize("path", ["/agreements/999", "/agreements/abc", "/agreements/-1", "/agreements/documents/5"])
def test_missing_agreements_answer_404(client, auth, path):
    auth.login()
    assert client.get(path).status_code == 404


def test_archived_agreement_answers_404(client, auth, factory):
    from crm.core.models import utcnow

    auth.login()
    agreement_id = factory.agreement(archived_at=utcnow())
    assert client.get(f"/agreements/{agreement_id}").status_code == 404
    assert client.get(f"/agreements/{agreement_id}/edit").status_code == 404


def test_user_typed_text_is_escaped(client, auth, factory):
    auth.login()
    agreement_id = factory.agreement(title="<script>alert(1)</script>", notes='<img src=x onerror="alert(2)">')
    text = client.get(f"/agreements/{agreement_id}").text
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text
    assert "<img src=x" not in text


# --- Renewals and decisions ---------------------------------------------------------------------


def test_renewals_view_groups_agreements_and_the_home_card_counts_them(client, auth, factory):
    auth.login()
    partner = factory.partner()
    factory.agreement([partner], title="Overdue one", valid_until=TODAY + timedelta(days=10), notice_days=30)
    factory.agreement([partner], title="Soon one", **expiring_fields(20))
    factory.agreement([partner], title="Later one", **expiring_fields(150))
    factory.agreement([partner], title="Far one", **expiring_fields(400))
    factory.agreement([partner], title="Lapsing one", decision=AgreementDecision.LAPSE, **expiring_fields(20))
    text = client.get("/agreements/renewals").text
    overdue, within30, within90, within180 = (text.index(f'id="renewals-{key}"') for key in ("overdue", "within-30", "within-90", "within-180"))
    assert overdue < text.index("Overdue one") < within30 < text.index("Soon one") < within90 < within180 < text.index("Later one")
    assert "Far one" not in text and "Lapsing one" not in text
    home = client.get("/").text
    assert 'href="/agreements/renewals"' in home
    card = home[home.index('href="/agreements/renewals"'):]
    assert '<span class="app-card-count">3</span>' in card[:200]


def test_renewing_prefills_the_form_and_saving_links_the_chain(app, client, auth, factory):
    user = auth.login()
    partner = factory.partner(name="EBG")
    old = factory.agreement([partner], title="EBG CNC training", subjects="CNC, mechatronics", **expiring_fields())
    form = client.get(f"/agreements/new?renews={old}")
    assert form.status_code == 200
    assert 'value="EBG CNC training"' in form.text and "CNC, mechatronics" in form.text
    assert f'value="{partner}" id="partner-option-{partner}" checked' in form.text
    response = client.post(f"/agreements/new?renews={old}", data=form_data(auth.csrf(), [partner], title="EBG CNC training 2027"))
    assert response.status_code == 303
    with app.app_context():
        new = db.session.query(Agreement).filter_by(title="EBG CNC training 2027").one()
        previous = db.session.get(Agreement, old)
        assert new.predecessor_id == old
        assert previous.decision == AgreementDecision.RENEWED
        assert previous.decided_by_id == user.id and previous.decided_at is not None
    again = client.post(f"/agreements/new?renews={old}", data=form_data(auth.csrf(), [partner], title="Twice"))
    assert again.status_code == 409


@pytest.mark.parametrize("renews", ["abc", "999", "-1"])
def test_renewing_an_unknown_agreement_answers_404(client, auth, renews):
    auth.login()
    assert client.get(f"/agreements/new?renews={renews}").status_code == 404


def test_letting_lapse_needs_a_reason_and_records_who_when_why(app, client, auth, factory):
    user = auth.login()
    agreement_id = factory.agreement(**expiring_fields())
    page = client.get(f"/agreements/{agreement_id}/lapse")
    assert page.status_code == 200
    token = auth.csrf(f"/agreements/{agreement_id}/lapse")
    assert client.post(f"/agreements/{agreement_id}/lapse", data={"csrf_token": token, "version": "1", "reason": ""}).status_code == 422
    response = client.post(
        f"/agreements/{agreement_id}/lapse", data={"csrf_token": token, "version": "1", "reason": "Exchange paused on their side"}
    )
    assert response.status_code == 303
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.decision == AgreementDecision.LAPSE
        assert agreement.decision_reason == "Exchange paused on their side"
        assert agreement.decided_by_id == user.id
    assert "Exchange paused" in client.get(f"/agreements/{agreement_id}").text
    assert f"/agreements/{agreement_id}\"" not in client.get("/agreements/renewals").text


def test_viewer_cannot_decide_and_nothing_changes(app, client, auth, factory):
    auth.login(Role.VIEWER)
    agreement_id = factory.agreement(**expiring_fields())
    response = client.post(f"/agreements/{agreement_id}/terminate", data={"csrf_token": auth.csrf(), "version": "1", "reason": "x"})
    assert response.status_code == 403
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.decision is None and agreement.version == 1


def test_a_post_without_csrf_token_changes_nothing(app, client, auth, factory):
    auth.login()
    agreement_id = factory.agreement()
    response = client.post(f"/agreements/{agreement_id}/lapse", data={"version": "1", "reason": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).decision is None


def test_the_partner_page_lists_its_agreements(client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner()
    factory.agreement([partner], title="Teacher training 2025")
    with client.application.app_context():
        assert db.session.get(Partner, partner) is not None
    assert "Teacher training 2025" in client.get(f"/partners/{partner}").text
