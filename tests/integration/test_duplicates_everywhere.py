"""Issue 10 item 5: every path that creates a partner runs the same similar-partner check
(crm/partners/duplicates.py: similar_partners) and shows the same choice."""
from sqlalchemy import func, select

from crm.extensions import db
from crm.partners.duplicates import similar_partners
from crm.partners.models import Partner, PartnerStatus
from crm.proposals.models import Proposal


def _new_proposal(client, auth, **fields):
    data = {"csrf_token": auth.csrf("/proposals/new"), "title": "Summer school", "kind": "mou",
            "proposed_by": "partner", "owner_id": "None", "stage": "idea", "institution": "new",
            "new_name": "Hiroshima Univ.", "new_country": "JP", "new_kind": "university"}
    return client.post("/proposals/new", data=data | fields)


def _counts(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Partner.id))), db.session.scalar(select(func.count(Proposal.id)))


def test_a_new_proposal_for_a_new_institution_warns_of_a_similar_partner_before_creating_it(app, client, auth, factory):
    existing = factory.partner(name="Hiroshima University", local_name="広島大学", country="JP")
    auth.login()
    warning = _new_proposal(client, auth)
    assert warning.status_code == 200
    assert "This partner may exist already" in warning.text
    assert f'href="/partners/{existing}"' in warning.text
    assert "It is a different partner: create it" in warning.text
    assert _counts(app) == (1, 0)


def test_confirming_creates_the_prospect_and_the_proposal(app, client, auth, factory):
    factory.partner(name="Hiroshima University", country="JP")
    auth.login()
    response = _new_proposal(client, auth, create_anyway="y")
    assert response.status_code == 303
    assert _counts(app) == (2, 1)
    with app.app_context():
        created = db.session.scalar(select(Partner).where(Partner.name == "Hiroshima Univ."))
        assert created.status == PartnerStatus.PROSPECT


def test_a_new_institution_with_nothing_similar_is_created_at_once(app, client, auth, factory):
    factory.partner(name="Hiroshima University", country="JP")
    auth.login()
    assert _new_proposal(client, auth, new_name="Tokyo Metropolitan College").status_code == 303
    assert _counts(app) == (2, 1)


def test_the_partner_form_and_the_proposal_form_find_the_same_similar_partners(app, client, auth, factory):
    existing = factory.partner(name="Coleg y Cymoedd", country="GB")
    auth.login()
    proposal = _new_proposal(client, auth, new_name="coleg y cymoedd", new_country="GB")
    partner = client.post("/partners/new", data={
        "csrf_token": auth.csrf("/partners/new"), "name": "coleg y cymoedd", "kind": "college", "country": "GB",
        "status": "active", "owner_id": "",
    })
    for response in (proposal, partner):
        assert "This partner may exist already" in response.text and f'href="/partners/{existing}"' in response.text


def test_similar_partners_is_one_function_an_importer_can_call(app, factory):
    hiroshima = factory.partner(name="Hiroshima University", local_name="広島大学", short_name="HU", country="JP")
    holmesglen = factory.partner(name="Holmesglen Institute", country="AU", website="https://www.holmesglen.edu.au")
    archived = factory.partner(name="Hiroshima City University", country="JP")
    with app.app_context():
        db.session.get(Partner, archived).archive()
        db.session.commit()
        assert [p.id for p in similar_partners("Hiroshima Univ.", country="JP")] == [hiroshima]
        assert [p.id for p in similar_partners("Daigaku", local_name="広島大学", country="JP")] == [hiroshima]
        assert [p.id for p in similar_partners("HU", country="JP")] == [hiroshima]
        assert [p.id for p in similar_partners("Other", website="holmesglen.edu.au/x", country="NZ")] == [holmesglen]
        assert similar_partners("Hiroshima Univ.", country="DE") == []
