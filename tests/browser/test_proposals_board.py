"""The proposals board as a person uses it: move a card, see its history, turn it into an agreement."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from crm.agreements.models import AgreementKind
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind
from crm.proposals.models import Proposal, ProposalStage


@pytest.fixture
def proposal(live_db):
    def make(title: str, stage: ProposalStage, **fields) -> int:
        with live_db.app_context():
            partner = db.session.query(Partner).filter_by(name="Coleg y Cymoedd").one_or_none() or Partner(
                name="Coleg y Cymoedd", kind=PartnerKind.COLLEGE, country="GB"
            )
            record = Proposal(title=title, partner=partner, kind=AgreementKind.STUDENT_EXCHANGE, stage=stage, **fields)
            db.session.add(record)
            db.session.commit()
            return record.id

    return make


def column(page, label: str):
    return page.get_by_role("region", name=re.compile(f"^{label}"))


def test_a_card_moves_from_submitted_to_negotiating_with_its_button_and_the_history_shows_it(page, live_server, live_user, login, proposal):
    proposal("Two-way student exchange", ProposalStage.SUBMITTED)
    login(live_user())
    page.goto(f"{live_server}/proposals")
    card = column(page, "Submitted").get_by_role("article", name="Two-way student exchange")
    card.get_by_role("button", name="Move on to Negotiating").click()
    expect(column(page, "Negotiating").get_by_role("article", name="Two-way student exchange")).to_be_visible()
    expect(column(page, "Submitted").get_by_role("article")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("moved to Negotiating")
    page.get_by_role("link", name="Two-way student exchange").click()
    history = page.get_by_role("region", name="Stage history")
    expect(history.get_by_role("listitem").first).to_contain_text("Submitted → Negotiating")
    expect(history).to_contain_text("Li Wei")


def test_a_card_dragged_onto_another_column_moves_there(page, live_server, live_user, login, proposal):
    proposal("Two-way student exchange", ProposalStage.SUBMITTED)
    login(live_user())
    page.goto(f"{live_server}/proposals")
    card = column(page, "Submitted").get_by_role("article", name="Two-way student exchange")
    card.drag_to(column(page, "Negotiating"))
    expect(column(page, "Negotiating").get_by_role("article", name="Two-way student exchange")).to_be_visible()
    expect(column(page, "Submitted").get_by_role("article")).to_have_count(0)
    page.get_by_role("link", name="Two-way student exchange").click()
    expect(page.get_by_role("region", name="Stage history")).to_contain_text("Submitted → Negotiating")


def test_declining_from_a_card_asks_for_a_reason_on_the_move_page_and_returns_to_the_board(page, live_server, live_user, login, proposal):
    proposal("Two-way student exchange", ProposalStage.NEGOTIATING)
    login(live_user())
    page.goto(f"{live_server}/proposals?kind=student_exchange")
    page.get_by_role("article", name="Two-way student exchange").get_by_role("link", name="Stage…").click()
    page.get_by_label("Move to").select_option("declined")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("Say why the proposal is declined or withdrawn.")).to_be_visible()
    page.get_by_label("Reason").fill("No funding this year")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page).to_have_url(re.compile(r"/proposals\?kind=student_exchange$"))
    expect(page.get_by_role("article", name="Two-way student exchange")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Declined"))).to_contain_text("1")


def test_an_approved_proposal_becomes_an_agreement_and_the_browser_lands_on_it(page, live_server, live_user, login, proposal):
    proposal("Dual associate degree in finance", ProposalStage.APPROVED, expected_start=date(2027, 9, 1))
    login(live_user())
    page.goto(f"{live_server}/proposals")
    column(page, "Approved").get_by_role("link", name="Create agreement").click()
    expect(page.get_by_label("Title")).to_have_value("Dual associate degree in finance")
    expect(page.get_by_label("Valid from")).to_have_value("2027-09-01")
    page.get_by_label("Valid until").fill("2030-08-31")
    page.get_by_label("Notice period (days)").fill("90")
    page.get_by_role("button", name="Create agreement").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    expect(page.get_by_role("heading", name="Dual associate degree in finance")).to_be_visible()


def test_a_proposal_for_a_new_institution_creates_a_prospect_partner(page, live_server, live_user, login):
    login(live_user())
    page.goto(f"{live_server}/proposals")
    page.get_by_role("link", name="New proposal").click()
    expect(page.get_by_label("Name of the institution")).to_be_hidden()
    page.get_by_label("A new institution (becomes a prospect)").check()
    expect(page.get_by_role("group", name="Partner", exact=True)).to_be_hidden()
    page.get_by_label("Name of the institution").fill("Universiti Tun Hussein Onn Malaysia")
    country = page.get_by_role("combobox", name="Country")  # the picker, once its script has run
    country.fill("MY")
    country.press("Enter")  # the country picker: the code matches Malaysia
    page.get_by_label("Kind of institution").select_option("university")
    page.get_by_label("Title").fill("Top-up degree in mechanical engineering")
    page.get_by_label("Kind", exact=True).select_option("top_up")
    page.get_by_role("button", name="Create proposal").click()
    expect(page.get_by_role("heading", name="Top-up degree in mechanical engineering")).to_be_visible()
    expect(page.get_by_text("Prospect")).to_be_visible()
    expect(page.get_by_role("region", name="Stage history")).to_contain_text("Created in Idea")


def test_a_new_proposal_finds_its_partner_by_typing_and_picks_one(page, live_server, live_user, login, proposal):
    proposal("Earlier idea", ProposalStage.IDEA)  # and its partner, Coleg y Cymoedd
    login(live_user())
    page.goto(f"{live_server}/proposals/new")
    expect(page.get_by_role("button", name="Find")).to_have_count(0)
    page.get_by_role("searchbox", name="Find a partner").fill("cymoedd")
    page.get_by_role("radio", name="Coleg y Cymoedd").check()
    page.get_by_label("Title").fill("Exchange in nursing")
    page.get_by_role("button", name="Create proposal").click()
    expect(page.get_by_role("heading", name="Exchange in nursing")).to_be_visible()
    expect(page.get_by_role("link", name="Coleg y Cymoedd").first).to_be_visible()
