"""An administrator archives one of an agreement's two partners: the agreement's page names it
without a link (its page answers 404), marked archived, with the way to the archive page that
restores it; restored, the name is a link again."""
from playwright.sync_api import expect

from crm.agreements.models import Agreement, AgreementKind
from crm.auth.models import Role
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind


def test_an_archived_partner_is_named_on_the_agreement_page_and_restored_from_there(page, live_server, live_db, live_user, login):
    with live_db.app_context():
        gone = Partner(name="Ghent Polytechnic", kind=PartnerKind.VOCATIONAL, country="BE")
        stays = Partner(name="Live College", kind=PartnerKind.VOCATIONAL, country="DE")
        agreement = Agreement(title="Shared agreement", kind=AgreementKind.MOU, partners=[gone, stays])
        db.session.add(agreement)
        db.session.commit()
        gone_id, agreement_id = gone.id, agreement.id
    login(live_user(Role.ADMIN))
    page.goto(f"{live_server}/partners/{gone_id}/archive")
    page.get_by_role("button", name="Archive this partner").click()

    page.goto(f"{live_server}/agreements/{agreement_id}")
    partners = page.locator("dd").first
    expect(partners.get_by_role("link", name="Live College")).to_be_visible()
    expect(partners.get_by_role("link", name="Ghent Polytechnic", exact=True)).to_have_count(0)
    expect(partners.get_by_text("Ghent Polytechnic", exact=True)).to_be_visible()
    expect(partners.get_by_text("archived", exact=True)).to_be_visible()

    partners.get_by_role("link", name="Restore… Ghent Polytechnic").click()
    expect(page.get_by_role("heading", name="Archived partners")).to_be_visible()
    page.get_by_role("row", name="Ghent Polytechnic").get_by_role("button", name="Restore").click()

    page.goto(f"{live_server}/agreements/{agreement_id}")
    expect(page.locator("dd").first.get_by_role("link", name="Ghent Polytechnic")).to_be_visible()
    expect(page.get_by_text("archived", exact=True)).to_have_count(0)
