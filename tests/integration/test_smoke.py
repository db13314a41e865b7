from crm.auth.models import Role


def test_every_main_page_renders_for_staff(client, auth, factory):
    auth.login(Role.STAFF)
    partner_id = factory.partner()
    agreement_id = factory.agreement([partner_id])
    proposal_id = factory.proposal(partner_id)
    factory.interaction(partner_id)
    for path in ["/", "/partners", f"/partners/{partner_id}", "/agreements", f"/agreements/{agreement_id}",
                 "/history", "/follow-ups", "/proposals", f"/proposals/{proposal_id}", "/account"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
