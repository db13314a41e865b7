"""Agreements through the test client: list and filters, create and edit, renewals and decisions."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from crm.agreements.models import Agreement, AgreementDecision, AgreementKind
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.partners.models import Partner

TODAY = office_today()


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
    # Act within 30 days: the act-by date comes within 30 days or has passed with no decision
    # (the expired Old MOU is overdue until someone decides).
    assert titles("act_within=30") == {"CNC training", "Old MOU"}
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
    sheet, about = load_workbook(io.BytesIO(response.data)).worksheets
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert values[0][0] == "Title"
    assert "'+1+2" in flat and "Hidden by the filter" not in flat
    assert [row[0].value for row in about.iter_rows()][1] == "Filter"
    assert all(cell.data_type != "f" for ws in (sheet, about) for row in ws.iter_rows() for cell in row)


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
    text = client.get(f"/partners/picker-options?partner_q=universiti&partners={a}").text
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
        # the same rule as a proposal's conversion into an agreement and the import
        ({"signed_on": (TODAY + timedelta(days=3)).isoformat(), "valid_from": "", "valid_until": ""}, "signed_on",
         "The signing date cannot be in the future."),
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



def test_a_stale_edit_shows_both_versions_as_the_form_does_not_as_stored_codes(app, client, auth, factory, make_user):
    """The 409 page listed kind "student_exchange", partners "[<Partner 1>]", owner "3", dates
    as 2026-01-10, a picker's search box and every row marked as changed."""
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    partner = factory.partner(name="Hiroshima University", country="JP")
    agreement_id = factory.agreement([partner], title="Original")
    token = auth.csrf(f"/agreements/{agreement_id}/edit")
    assert client.post(f"/agreements/{agreement_id}/edit", data=form_data(token, [partner], title="First save", version="1")).status_code == 303
    stale = client.post(f"/agreements/{agreement_id}/edit", data=form_data(token, [partner], title="Second save", version="1"))
    assert stale.status_code == 409
    table = re.search(r'<table class="table table-sm mt-2 mb-0 app-conflict">.*?</table>', stale.text, re.S).group(0)
    assert "学生交流" in table and "Hiroshima University" in table and "2026年1月10日" in table
    for raw in ("student_exchange", "&lt;Partner", "2026-01-10", "None", "False"):
        assert raw not in table
    changed = re.findall(r'<tr class="table-warning">\s*<th scope="row">([^<]*)</th>', table)
    assert changed == ["标题"]


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
    home = client.get("/home/office").text
    card = home[home.index('data-figure="renewals"'):]
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


# --- At the scale of a large office: bounded pages, fixed statements ------------------------------


def test_each_renewal_group_shows_its_first_agreements_by_act_by_and_links_to_all_of_them(client, auth, factory):
    from crm.agreements.queries import RENEWALS_PER_GROUP

    auth.login()
    partner = factory.partner()
    for n in range(RENEWALS_PER_GROUP + 2):
        factory.agreement([partner], title=f"Soon {n:02d}", **expiring_fields(days_to_act_by=n))
    factory.agreement([partner], title="Later one", **expiring_fields(150))
    text = client.get("/agreements/renewals").text
    within30 = text[text.index('id="renewals-within-30"'):text.index('id="renewals-within-90"')]
    assert f'<span class="badge text-bg-light">{RENEWALS_PER_GROUP + 2}</span>' in within30
    shown = [n for n in range(RENEWALS_PER_GROUP + 2) if f">Soon {n:02d}</a>" in within30]
    assert shown == list(range(RENEWALS_PER_GROUP))
    assert f"Show all {RENEWALS_PER_GROUP + 2}" in within30
    assert 'href="/agreements?renewal=within-30&amp;sort=act_by"' in within30
    assert "Show all" not in text[text.index('id="renewals-within-180"'):]  # one agreement: nothing hidden
    listed = client.get("/agreements?renewal=within-30&sort=act_by").text
    assert f"{RENEWALS_PER_GROUP + 2} agreements" in listed
    assert all(f">Soon {n:02d}</a>" in listed for n in range(RENEWALS_PER_GROUP + 2))
    assert "Later one" not in listed
    assert client.get("/agreements?renewal=bogus").status_code == 422


def test_the_renewals_view_and_home_run_a_fixed_number_of_statements(client, auth, factory, count_statements):
    auth.login()
    partner = factory.partner()

    def statements(path):
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    factory.agreement([partner], owner_id=auth.user.id, **expiring_fields(5))  # a decision of mine on the home page
    few = statements("/agreements/renewals"), statements("/")
    for n in range(6):
        other = factory.partner(name=f"P{n}")
        old = factory.agreement([other], title=f"Old {n}", decision=AgreementDecision.RENEWED)
        factory.agreement([partner, other], title=f"A{n}", owner_id=auth.user.id, **expiring_fields(-3 + 40 * n))
        factory.agreement([other], title=f"Renewal of {n}", predecessor_id=old)
    assert (statements("/agreements/renewals"), statements("/")) == few


def test_the_decision_buttons_of_the_renewals_view_are_plain_links(client, auth, factory):
    auth.login()
    agreement_id = factory.agreement([factory.partner()], title="EBG", **expiring_fields(5))
    text = client.get("/agreements/renewals").text
    for href in (f"/agreements/new?renews={agreement_id}", f"/agreements/{agreement_id}/amend", f"/agreements/{agreement_id}/lapse"):
        assert f'href="{href}"' in text
    assert f"/agreements/{agreement_id}/terminate" not in text


def test_the_list_filters_by_a_partner_id_showing_its_name_and_never_lists_every_partner(client, auth, factory):
    auth.login(Role.VIEWER)
    chosen = factory.partner(name="Universiti Utara Malaysia", country="MY")
    factory.partner(name="Hiroshima University", country="JP")
    factory.agreement([chosen], title="Exchange")
    text = client.get(f"/agreements?partner={chosen}").text
    assert "Universiti Utara Malaysia" in text and f'name="partner" type="hidden" value="{chosen}"' in text
    assert 'href="/agreements">Any partner</a>' in text
    assert "Hiroshima" not in client.get("/agreements").text
    missing = client.get("/agreements?partner=99999")
    assert missing.status_code == 422 and "There is no such partner." in missing.text
    export = client.get(f"/agreements/export.csv?partner={chosen}").get_data(as_text=True)
    assert "Universiti Utara Malaysia" in export.splitlines()[1]


def test_the_partner_page_links_to_its_agreements_in_the_list(client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner()
    factory.agreement([partner])
    assert f'href="/agreements?partner={partner}"' in client.get(f"/partners/{partner}").text


def test_the_agreement_form_offers_the_first_partners_only_and_finds_others_without_javascript(app, client, auth, factory):
    from crm.partners.picker import PICKER_LIMIT

    auth.login()
    for n in range(PICKER_LIMIT + 5):
        factory.partner(name=f"College {n:03d}")
    wanted = factory.partner(name="Zhejiang Institute")
    form = client.get("/agreements/new").text
    assert form.count('name="partners"') == PICKER_LIMIT
    assert "Zhejiang" not in form and f"Only the first {PICKER_LIMIT} are listed" in form
    found = client.post("/agreements/new", data=form_data(auth.csrf("/agreements/new"), [], partner_q="zhej", find_partners="1"))
    assert found.status_code == 200
    assert f'value="{wanted}" id="partner-option-{wanted}">' in found.text
    assert 'value="Exchange with Hiroshima"' in found.text  # what was typed stays
    kept = client.post("/agreements/new", data=form_data(auth.csrf(), [wanted], partner_q="college 00", find_partners="1"))
    assert f'value="{wanted}" id="partner-option-{wanted}" checked' in kept.text
    with app.app_context():
        assert db.session.query(Agreement).count() == 0


def test_the_framework_select_offers_the_agreements_of_the_chosen_partners(app, client, auth, factory):
    auth.login()
    ours, other = factory.partner(name="EBG"), factory.partner(name="BMW")
    framework = factory.agreement([ours], title="EBG framework", kind=AgreementKind.MOU)
    elsewhere = factory.agreement([other], title="BMW framework", kind=AgreementKind.MOU)
    form = client.get(f"/agreements/new?partner={ours}").text
    assert "EBG framework" in form and "BMW framework" not in form
    options = client.get(f"/agreements/framework-options?partners={other}&parent_id={framework}").text
    assert "BMW framework" in options and f'<option value="{framework}" selected>EBG framework' in options
    # Any visible agreement is accepted; an archived or missing one is not.
    response = client.post("/agreements/new", data=form_data(auth.csrf("/agreements/new"), [ours], parent_id=str(elsewhere)))
    assert response.status_code == 303
    for bad in ("99999", "abc"):
        refused = client.post("/agreements/new", data=form_data(auth.csrf(), [ours], title="Bad", parent_id=bad))
        assert refused.status_code == 422 and "Not a valid choice." in refused.text
    with app.app_context():
        assert db.session.query(Agreement).filter_by(title="Exchange with Hiroshima").one().parent_id == elsewhere


def test_the_agreement_form_and_page_run_a_fixed_number_of_statements(client, auth, factory, count_statements):
    auth.login()
    partner = factory.partner()
    agreement_id = factory.agreement([partner], title="Framework")

    def statements():
        counts = []
        for path in ("/agreements/new", f"/agreements/{agreement_id}/edit", f"/agreements/{agreement_id}"):
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            counts.append(counter.count)
        return counts

    def add(n):
        other = factory.partner(name=f"P{n}")
        factory.agreement([partner, other], title=f"Programme {n}", parent_id=agreement_id)
        factory.follow_up(title=f"F{n}", agreement_id=agreement_id)
        factory.interaction(other, subject=f"Talk {n}", agreement_id=agreement_id)

    add(0)
    few = statements()
    for n in range(1, 6):
        add(n)
    previous = agreement_id
    for n in range(4):  # a renewal chain of five
        previous = factory.agreement([partner], title=f"Renewal {n}", predecessor_id=previous)
    assert statements() == few
    text = client.get(f"/agreements/{agreement_id}").text
    positions = [text.index("<strong>Framework</strong>")] + [text.index(f">Renewal {n}</a>") for n in range(4)]
    assert positions == sorted(positions)
