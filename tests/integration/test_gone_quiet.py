"""Gone quiet, one rule (issue 10, item 4): one setting (QUIET_AFTER_DAYS, 180 by default) for the
home page, the partner list and the digest; a contact, a signed agreement or a proposal step
within that time keeps a partner from being quiet."""
from datetime import date, datetime, timedelta

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.models import utcnow
from crm.proposals.models import ProposalStage, ProposalStageChange

TODAY = office_today()
OLD = {"signed_on": TODAY - timedelta(days=400), "valid_from": TODAY - timedelta(days=400)}


def _home_card(client) -> str:
    home = client.get("/home/watch", headers={"HX-Request": "true", "HX-Target": "home-watch"}).text
    return home[home.index('id="dormant-heading"'):]


def _quiet_list(client) -> str:
    return client.get("/partners?quiet=1", headers={"HX-Request": "true", "HX-Target": "partner-results"}).text


def test_a_partner_whose_agreement_was_signed_yesterday_is_neither_quiet_nor_never_contacted(client, auth, factory):
    me = auth.login()  # the home page lists the user's own partners
    partner = factory.partner(name="Hiroshima University", owner_id=me.id)
    factory.agreement([partner], signed_on=TODAY - timedelta(days=1), valid_from=TODAY - timedelta(days=1))
    assert "Hiroshima University" not in _home_card(client)
    assert "Hiroshima University" not in _quiet_list(client)


def test_home_and_list_use_the_same_number_of_days(app, client, auth, factory):
    me = auth.login()  # the home page lists the user's own partners
    quiet = factory.partner(name="Quiet For 181 Days", owner_id=me.id)
    factory.agreement([quiet], **OLD)
    factory.interaction(quiet, occurred_at=utcnow() - timedelta(days=181))
    recent = factory.partner(name="Talked 170 Days Ago", owner_id=me.id)
    factory.agreement([recent], **OLD)
    factory.interaction(recent, occurred_at=utcnow() - timedelta(days=170))
    for page in (_home_card(client), _quiet_list(client)):
        assert "Quiet For 181 Days" in page and "Talked 170 Days Ago" not in page
    app.config["QUIET_AFTER_DAYS"] = 100
    for page in (_home_card(client), _quiet_list(client)):
        assert "Quiet For 181 Days" in page and "Talked 170 Days Ago" in page
    assert "Gone quiet (100 days)" in client.get("/partners").text


def test_a_proposal_step_keeps_a_partner_from_being_quiet(app, client, auth, factory):
    me = auth.login()  # the home page lists the user's own partners
    partner = factory.partner(name="Ivy Tech Community College", owner_id=me.id)
    factory.agreement([partner], **OLD)
    proposal = factory.proposal(partner, stage=ProposalStage.NEGOTIATING)
    assert "Ivy Tech Community College" in _home_card(client)
    with app.app_context():
        from crm.extensions import db

        db.session.add(ProposalStageChange(proposal_id=proposal, from_stage=ProposalStage.SUBMITTED,
                                           to_stage=ProposalStage.NEGOTIATING, changed_at=utcnow() - timedelta(days=3)))
        db.session.commit()
    assert "Ivy Tech Community College" not in _home_card(client)
    assert "Ivy Tech Community College" not in _quiet_list(client)


def test_the_home_card_shows_the_last_activity_not_never_contacted(client, auth, factory):
    me = auth.login()  # the home page lists the user's own partners
    partner = factory.partner(name="Coleg y Cymoedd", owner_id=me.id)
    factory.agreement([partner], signed_on=date(2025, 3, 3), valid_from=date(2025, 3, 3))
    card = _home_card(client)
    assert "Coleg y Cymoedd" in card and "never contacted" not in card
    assert "last activity 3 Mar 2025" in card


def test_the_digest_lists_the_owners_quiet_partners_by_the_same_setting(app, make_user, factory):
    from crm.reminders.digest import build_digests, compose

    li = make_user(Role.STAFF, email="li.wei@cqipc.edu.cn", name="Li Wei")
    quiet = factory.partner(name="Quiet For 181 Days", owner_id=li.id)
    factory.agreement([quiet], owner_id=li.id, valid_until=TODAY + timedelta(days=40), notice_days=30, **OLD)
    factory.interaction(quiet, occurred_at=utcnow() - timedelta(days=181))
    recent = factory.partner(name="Talked 170 Days Ago", owner_id=li.id)
    factory.agreement([recent], **OLD)
    factory.interaction(recent, occurred_at=utcnow() - timedelta(days=170))
    with app.app_context():
        (digest,) = build_digests(TODAY)
        assert [item.partner.name for item in digest.quiet_partners] == ["Quiet For 181 Days"]
        body = compose(digest, TODAY).get_content()
        assert "Quiet For 181 Days" in body and "Talked 170 Days Ago" not in body
        app.config["QUIET_AFTER_DAYS"] = 100
        (digest,) = build_digests(TODAY)
        assert {item.partner.name for item in digest.quiet_partners} == {"Quiet For 181 Days", "Talked 170 Days Ago"}


def test_the_partner_page_shows_the_last_contact_and_whether_the_partner_has_gone_quiet(client, auth, factory):
    me = auth.login()  # the home page lists the user's own partners
    quiet = factory.partner(name="Quiet One", owner_id=me.id)
    factory.agreement([quiet], **OLD)
    factory.interaction(quiet, occurred_at=datetime(2025, 3, 3, 2))
    page = client.get(f"/partners/{quiet}").text
    facts = page[page.index('class="app-facts"'):page.index("</dl>")]
    assert "3 Mar 2025" in facts and "Gone quiet" in facts
    lively = factory.partner(name="Lively One", owner_id=me.id)
    factory.interaction(lively, occurred_at=utcnow() - timedelta(days=2))
    page = client.get(f"/partners/{lively}").text
    assert "Gone quiet" not in page[page.index('class="app-facts"'):page.index("</dl>")]


def test_the_list_s_gone_quiet_box_is_ticked_when_the_filter_is_on(client, auth):
    import re

    auth.login()
    box = re.compile(r'<input type="checkbox" class="form-check-input" id="quiet" name="quiet" value="y"( checked)?>')
    assert box.search(client.get("/partners").text).group(1) is None
    assert box.search(client.get("/partners?quiet=y").text).group(1) == " checked"
    assert '<label class="form-check-label" for="quiet">Gone quiet (180 days)</label>' in client.get("/partners").text
