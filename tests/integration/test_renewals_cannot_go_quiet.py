"""Renewals that cannot go quiet (issue 10, item 2): a renewal counts once it is signed, expired
agreements without a decision stay overdue, agreements not yet started are not in force, and
Amend is a decision with its date and note."""
from datetime import timedelta

from crm.agreements.models import Agreement, AgreementDecision, AgreementStatus
from crm.core.dates import office_today
from crm.extensions import db
from tests.integration.test_agreements import expiring_fields, form_data

TODAY = office_today()


def _group(text: str, key: str) -> str:
    start = text.index(f'id="renewals-{key}"')
    end = text.find('id="renewals-', start + 10)
    return text[start:end if end != -1 else len(text)]


def test_an_unsigned_renewal_keeps_the_old_agreement_in_the_renewals_view_with_a_link_to_the_draft(app, client, auth, factory):
    auth.login()
    partner = factory.partner(name="EBG")
    old = factory.agreement([partner], title="EBG CNC training", **expiring_fields(20))
    response = client.post(
        f"/agreements/new?renews={old}",
        data=form_data(auth.csrf(), [partner], title="EBG CNC training 2027", signed_on=""),
    )
    assert response.status_code == 303
    with app.app_context():
        draft = db.session.query(Agreement).filter_by(title="EBG CNC training 2027").one()
        previous = db.session.get(Agreement, old)
        assert draft.predecessor_id == old and draft.signed_on is None
        assert previous.decision is None
        assert previous.status_on(TODAY) == AgreementStatus.EXPIRING
        draft_id = draft.id
    row = _group(client.get("/agreements/renewals").text, "within-30")
    assert "EBG CNC training</a>" in row
    assert "Renewal drafted" in row and f'href="/agreements/{draft_id}"' in row
    assert f"/agreements/new?renews={old}" not in row
    page = client.get(f"/agreements/{old}").text
    assert "Renewal drafted" in page and "Renewed" not in page


def test_signing_the_drafted_renewal_marks_the_old_agreement_renewed(app, client, auth, factory):
    user = auth.login()
    partner = factory.partner(name="EBG")
    old = factory.agreement([partner], title="EBG CNC training", **expiring_fields(20))
    client.post(f"/agreements/new?renews={old}", data=form_data(auth.csrf(), [partner], title="Renewal", signed_on=""))
    with app.app_context():
        draft = db.session.query(Agreement).filter_by(title="Renewal").one()
        draft_id, version = draft.id, draft.version
    token = auth.csrf(f"/agreements/{draft_id}/edit")
    response = client.post(
        f"/agreements/{draft_id}/edit",
        data=form_data(token, [partner], title="Renewal", signed_on=TODAY.isoformat(), version=str(version)),
    )
    assert response.status_code == 303
    with app.app_context():
        previous = db.session.get(Agreement, old)
        assert previous.decision == AgreementDecision.RENEWED and previous.decided_by_id == user.id
    assert "EBG CNC training</a>" not in client.get("/agreements/renewals").text


def test_an_expired_agreement_without_a_decision_stays_overdue_until_someone_decides(client, auth, factory):
    auth.login()
    partner = factory.partner(name="Coleg y Cymoedd")
    agreement_id = factory.agreement(
        [partner], title="Student exchange and study tours",
        valid_from=TODAY - timedelta(days=1125), valid_until=TODAY - timedelta(days=45), notice_days=90,
    )
    text = client.get("/agreements/renewals").text
    assert "Student exchange and study tours" in _group(text, "overdue")
    assert '<span class="badge text-bg-light">1</span>' in _group(text, "overdue")
    token = auth.csrf(f"/agreements/{agreement_id}/lapse")
    response = client.post(f"/agreements/{agreement_id}/lapse", data={"csrf_token": token, "version": "1", "reason": "Replaced by a new plan"})
    assert response.status_code == 303, response.text[-3000:]
    assert "Student exchange and study tours</a>" not in client.get("/agreements/renewals").text


def test_an_agreement_not_yet_started_is_signed_not_in_force_and_offers_no_renewal(client, auth, factory):
    auth.login()
    partner = factory.partner(name="Hiroshima University")
    factory.agreement([partner], title="Running one")
    starts = TODAY + timedelta(days=76)
    future = factory.agreement(
        [partner], title="Next one", signed_on=TODAY - timedelta(days=3), valid_from=starts,
        valid_until=starts + timedelta(days=1095),
    )
    page = client.get(f"/agreements/{future}").text
    assert "Signed, starts on" in page and "app-agreement-signed" in page
    assert f"/agreements/new?renews={future}" not in page
    home = client.get("/home/office").text
    card = home[home.index("Agreements in force") - 120:home.index("Agreements in force")]
    assert '<span class="app-card-count">1</span>' in card
    listed = client.get("/agreements?status=current").text
    assert "Running one" in listed and "Next one" not in listed
    partners = client.get("/partners").text
    assert "Hiroshima University" in partners


def test_amend_is_recorded_as_a_decision_with_its_date_and_note_and_may_move_the_end(app, client, auth, factory):
    user = auth.login()
    agreement_id = factory.agreement([factory.partner()], title="EBG", **expiring_fields(5))
    page = client.get(f"/agreements/{agreement_id}/amend")
    assert page.status_code == 200
    token = auth.csrf(f"/agreements/{agreement_id}/amend")
    assert client.post(f"/agreements/{agreement_id}/amend", data={"csrf_token": token, "version": "1", "reason": ""}).status_code == 422
    new_end = TODAY + timedelta(days=800)
    response = client.post(
        f"/agreements/{agreement_id}/amend",
        data={"csrf_token": token, "version": "1", "reason": "Quota raised to 30; extended two years", "valid_until": new_end.isoformat()},
    )
    assert response.status_code == 303
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.decision == AgreementDecision.AMEND
        assert agreement.decision_reason == "Quota raised to 30; extended two years"
        assert agreement.decided_by_id == user.id and agreement.decided_at is not None
        assert agreement.valid_until == new_end
        assert agreement.status_on(TODAY) == AgreementStatus.ACTIVE
    shown = client.get(f"/agreements/{agreement_id}").text
    assert "Amended" in shown and "Quota raised to 30" in shown
    # An amendment does not settle the renewal: the agreement can still be renewed or let lapse.
    assert f"/agreements/new?renews={agreement_id}" in shown and f"/agreements/{agreement_id}/lapse" in shown


def test_an_amendment_that_keeps_the_end_date_leaves_the_agreement_in_the_renewals_view(client, auth, factory):
    auth.login()
    agreement_id = factory.agreement([factory.partner()], title="EBG", **expiring_fields(5))
    token = auth.csrf(f"/agreements/{agreement_id}/amend")
    until = (TODAY + timedelta(days=35)).isoformat()
    client.post(f"/agreements/{agreement_id}/amend", data={"csrf_token": token, "version": "1", "reason": "New contact person", "valid_until": until})
    assert "EBG</a>" in _group(client.get("/agreements/renewals").text, "within-30")


def test_a_viewer_cannot_amend_and_nothing_changes(app, client, auth, factory):
    from crm.auth.models import Role

    auth.login(Role.VIEWER)
    agreement_id = factory.agreement(**expiring_fields())
    response = client.post(f"/agreements/{agreement_id}/amend", data={"csrf_token": auth.csrf(), "version": "1", "reason": "x"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).decision is None


def test_the_demo_offices_renewals_view_shows_the_coleg_y_cymoedd_agreement_as_overdue(app, client, auth):
    from crm.demo.loader import load_demo

    with app.app_context():
        load_demo(today=TODAY)
    auth.login()
    overdue = _group(client.get("/agreements/renewals").text, "overdue")
    assert "Student exchange and study tours" in overdue and "CyC" in overdue
