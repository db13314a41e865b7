"""The proposals pipeline over HTTP: board, list, moves, new proposals, conversion, bad input."""
import re
from datetime import date, timedelta

import pytest

from crm.auth.models import Role
from crm.agreements.models import Agreement
from crm.core.dates import office_today
from crm.core.models import utcnow
from crm.extensions import db
from crm.partners.models import Partner, PartnerStatus
from crm.proposals.models import Proposal, ProposalStage, ProposalStageChange
from crm.proposals.queries import COLUMN_LIMIT, NEEDING_ACTION_LIMIT

HTMX_BOARD = {"HX-Request": "true", "HX-Target": "proposals-view"}


def _proposal(app, proposal_id) -> Proposal:
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        db.session.expunge(proposal)
        return proposal


def _changes(app, proposal_id) -> list[tuple]:
    with app.app_context():
        return [
            (c.from_stage, c.to_stage, c.reason, c.changed_by_id)
            for c in db.session.query(ProposalStageChange).filter_by(proposal_id=proposal_id).order_by(ProposalStageChange.id)
        ]


def _column(html: str, stage: str) -> str:
    match = re.search(rf'<section class="app-column" data-stage="{stage}".*?</section>', html, re.S)
    assert match, f"no column {stage}"
    return match.group(0)


@pytest.fixture
def partner_id(factory):
    return factory.partner(name="Coleg y Cymoedd", country="GB", kind="college")


# --- the board and the list ---

def test_the_board_has_a_column_per_open_stage_with_counts_and_a_closed_summary(client, auth, factory, partner_id):
    auth.login()
    factory.proposal(partner_id, title="Automotive exchange", stage=ProposalStage.SUBMITTED)
    factory.proposal(partner_id, title="Dropped idea", stage=ProposalStage.WITHDRAWN)
    page = client.get("/proposals")
    assert page.status_code == 200
    for stage in ("idea", "drafting", "submitted", "negotiating", "approved"):
        assert f'data-stage="{stage}"' in page.text
    assert 'data-stage="withdrawn"' not in page.text
    submitted = _column(page.text, "submitted")
    assert "Automotive exchange" in submitted and ">1</span>" in submitted
    assert "Dropped idea" not in page.text
    assert re.search(r"Withdrawn</span> 1", page.text)
    assert "No proposal in this stage." in _column(page.text, "drafting") and "No proposal in this stage." not in submitted


def test_a_card_shows_partner_country_owner_next_step_overdue_days_and_stale(app, client, auth, factory, partner_id):
    user = auth.login()
    factory.proposal(
        partner_id, title="Automotive exchange", stage=ProposalStage.SUBMITTED, owner_id=user.id,
        next_step="Chase them", next_step_on=office_today() - timedelta(days=3),
        stage_changed_at=utcnow() - timedelta(days=40),
    )
    card = _column(client.get("/proposals").text, "submitted")
    for text in ("Coleg y Cymoedd", "United Kingdom", user.name, "Chase them", "overdue", "40 days in this stage", "stale"):
        assert text in card
    assert "app-overdue-text" in card


def test_the_stale_mark_follows_the_configured_days(app, client, auth, factory, partner_id):
    auth.login()
    factory.proposal(partner_id, stage=ProposalStage.IDEA, stage_changed_at=utcnow() - timedelta(days=12))
    assert "app-stale-badge" not in client.get("/proposals").text
    app.config["PROPOSAL_STALE_DAYS"] = 10
    assert "app-stale-badge" in client.get("/proposals").text


def test_htmx_asking_for_the_view_gets_the_fragment_only(client, auth, factory, partner_id):
    auth.login()
    factory.proposal(partner_id, title="Automotive exchange")
    response = client.get("/proposals?view=list", headers=HTMX_BOARD)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="proposals-view"')
    assert "<html" not in response.text and "Automotive exchange" in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_the_list_filters_by_stage_kind_country_owner_and_stale(client, auth, factory, make_user):
    user = auth.login()
    other = make_user()
    de = factory.partner(name="EBG Germany", country="DE", kind="company")
    au = factory.partner(name="Holmesglen Institute", country="AU")
    factory.proposal(de, title="AHK centre", kind="certificate_training", stage=ProposalStage.DRAFTING, owner_id=user.id)
    factory.proposal(au, title="Cohort", kind="teacher_training", stage=ProposalStage.NEGOTIATING, owner_id=other.id,
                     stage_changed_at=utcnow() - timedelta(days=60))
    factory.proposal(au, title="Declined tour", kind="short_visit", stage=ProposalStage.DECLINED)

    def titles(query):
        html = client.get(f"/proposals?view=list&{query}").text
        return {t for t in ("AHK centre", "Cohort", "Declined tour") if f">{t}</a>" in html}

    assert titles("") == {"AHK centre", "Cohort", "Declined tour"}
    assert titles("stage=declined") == {"Declined tour"}
    assert titles("kind=certificate_training") == {"AHK centre"}
    assert titles("country=AU") == {"Cohort", "Declined tour"}
    assert titles(f"owner={other.id}") == {"Cohort"}
    assert titles("stale=1") == {"Cohort"}


def test_the_list_sorts_by_the_chosen_column(client, auth, factory, partner_id):
    auth.login()
    factory.proposal(partner_id, title="Bravo", stage=ProposalStage.IDEA)
    factory.proposal(partner_id, title="Alpha", stage=ProposalStage.APPROVED)
    html = client.get("/proposals?view=list&sort=title").text
    assert html.index(">Alpha<") < html.index(">Bravo<")
    html = client.get("/proposals?view=list&sort=stage").text
    assert html.index(">Bravo<") < html.index(">Alpha<")


@pytest.mark.parametrize("query", [
    "view=nonsense", "stage=bogus", "kind=%27%20OR%201%3D1--", "country=%25", "owner=abc", "owner=99999999999999999999",
    "sort=__class__", "stale=yes", "page=-1&view=list", "view=list&page=abc",
])
def test_bad_filter_values_never_fail_the_board(client, auth, query):
    auth.login()
    assert client.get(f"/proposals?{query}").status_code in (200, 404)


def test_the_board_and_the_list_run_a_fixed_number_of_statements(app, client, auth, factory, count_statements, make_user):
    auth.login()

    def add(n):
        for i in range(n):
            owner = make_user()
            partner = factory.partner(name=f"Partner {i} {owner.id}")
            factory.proposal(partner, title=f"P{owner.id}", owner_id=owner.id, stage=list(ProposalStage)[i % 8])

    def counts():
        result = []
        for path in ("/proposals", "/proposals?view=list", "/"):
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            result.append(counter.count)
        return result

    add(3)
    small = counts()
    add(12)
    assert counts() == small


def test_the_boards_stage_totals_lead_to_their_columns(client, auth, factory, partner_id):
    auth.login()
    factory.proposal(partner_id, title="An idea")
    html = client.get("/proposals").text
    assert '<a class="app-board-total" href="#column-idea">Idea <strong>1</strong></a>' in html
    assert 'id="column-idea"' in html


def test_what_users_typed_is_escaped_on_the_board(client, auth, factory):
    auth.login()
    partner = factory.partner(name="<img src=x onerror=alert(1)>")
    factory.proposal(partner, title='<script>alert("t")</script>', next_step='<b hx-get="/x">go</b>')
    html = client.get("/proposals").text
    assert "<script>alert" not in html and "<img src=x" not in html and '<b hx-get' not in html
    assert "&lt;script&gt;" in html


def test_a_column_shows_its_most_urgent_cards_its_true_count_and_a_link_to_all_of_them(client, auth, factory, partner_id):
    auth.login()
    today = office_today()
    for n in range(COLUMN_LIMIT):
        factory.proposal(partner_id, title=f"Due {n:02d}", stage=ProposalStage.DRAFTING, next_step_on=today + timedelta(days=n))
    factory.proposal(partner_id, title="Stalled, no date", stage=ProposalStage.DRAFTING, stage_changed_at=utcnow() - timedelta(days=90))
    factory.proposal(partner_id, title="Quiet, no date", stage=ProposalStage.DRAFTING)
    factory.proposal(partner_id, title="Overdue", stage=ProposalStage.DRAFTING, next_step_on=today - timedelta(days=4))
    html = client.get("/proposals?kind=joint_programme").text
    column = _column(html, "drafting")
    assert column.count("<article") == COLUMN_LIMIT
    titles = re.findall(r'-title"><a href="[^"]+">([^<]+)</a>', column)
    assert titles[0] == "Overdue" and titles[1] == "Due 00"
    assert "Quiet, no date" not in column and "Stalled, no date" not in column
    total = COLUMN_LIMIT + 3
    assert f'aria-label="{total} proposals">{total}</span>' in column
    assert f"The first {COLUMN_LIMIT} of {total}." in column
    link = re.search(r'<a href="([^"]+)">Show all (\d+)<', column)
    assert link.group(2) == str(total)
    assert link.group(1).replace("&amp;", "&") == "/proposals?kind=joint_programme&view=list&stage=drafting"
    listed = client.get(link.group(1).replace("&amp;", "&")).text
    assert f"{total} proposals" in listed and "Quiet, no date" in listed and "Stalled, no date" in listed
    assert "Show all" not in _column(html, "idea")


def test_without_a_next_step_the_longest_stalled_cards_come_first(client, auth, factory, partner_id):
    auth.login()
    for n in range(COLUMN_LIMIT + 1):
        factory.proposal(partner_id, title=f"Moved {n} days ago", stage=ProposalStage.IDEA, stage_changed_at=utcnow() - timedelta(days=n))
    column = _column(client.get("/proposals").text, "idea")
    assert f"Moved {COLUMN_LIMIT} days ago" in column and "Moved 0 days ago" not in column
    assert column.index(f"Moved {COLUMN_LIMIT} days ago") < column.index("Moved 1 days ago")


def test_a_card_carries_one_small_form_and_links_to_the_move_page_for_other_stages(client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, title="Automotive exchange", stage=ProposalStage.SUBMITTED)
    card = _column(client.get("/proposals?kind=joint_programme").text, "submitted")
    assert card.count("<form") == 1 and "<select" not in card and "<textarea" not in card
    assert 'name="stage" value="drafting"' in card and 'name="stage" value="negotiating"' in card
    move_url = f"/proposals/{proposal_id}/move?kind=joint_programme"
    assert f'action="{move_url}"' in card and f'data-move-url="{move_url}"' in card
    assert f'<a class="btn btn-link btn-sm" href="{move_url}">Stage…</a>' in card
    assert f'href="/proposals/{proposal_id}"' in card and f'href="/partners/{partner_id}"' in card
    move_page = client.get(move_url)
    assert move_page.status_code == 200 and "<select" in move_page.text and 'name="reason"' in move_page.text
    assert 'href="/proposals?kind=joint_programme">Cancel</a>' in move_page.text


def test_a_declined_move_through_the_move_page_returns_to_the_board_with_its_filters(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.NEGOTIATING)
    refused = _move(client, auth, proposal_id, "declined", query="?kind=joint_programme")
    assert refused.status_code == 422 and "Say why" in refused.text and "<textarea" in refused.text
    response = _move(client, auth, proposal_id, "declined", reason="No funding", query="?kind=joint_programme")
    assert response.status_code == 303 and response.headers["Location"] == "/proposals?kind=joint_programme"
    assert _proposal(app, proposal_id).stage == ProposalStage.DECLINED


def test_the_list_shows_only_proposals_needing_action_when_asked(client, auth, factory, partner_id):
    auth.login()
    factory.proposal(partner_id, title="Overdue one", next_step_on=office_today() - timedelta(days=2))
    factory.proposal(partner_id, title="Stalled one", stage_changed_at=utcnow() - timedelta(days=50))
    factory.proposal(partner_id, title="Fine one", next_step_on=office_today() + timedelta(days=9))
    factory.proposal(partner_id, title="Closed one", stage=ProposalStage.DECLINED, next_step_on=office_today() - timedelta(days=2))
    html = client.get("/proposals?view=list&action=1").text
    assert ">Overdue one<" in html and ">Stalled one<" in html
    assert ">Fine one<" not in html and ">Closed one<" not in html
    assert re.search(r'<input checked[^>]* name="action"', html)


# --- moving ---

def _move(client, auth, proposal_id, stage, version=1, reason=None, headers=None, query=""):
    data = {"csrf_token": auth.csrf("/proposals"), "stage": stage, "version": version}
    if reason is not None:
        data["reason"] = reason
    return client.post(f"/proposals/{proposal_id}/move{query}", data=data, headers=headers or {})


def test_moving_without_javascript_redirects_back_to_the_board_with_its_filters(app, client, auth, factory, partner_id):
    user = auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.SUBMITTED)
    response = _move(client, auth, proposal_id, "negotiating", reason="They answered", query="?view=board&kind=joint_programme")
    assert response.status_code == 303
    assert response.headers["Location"] == "/proposals?view=board&kind=joint_programme"
    assert _proposal(app, proposal_id).stage == ProposalStage.NEGOTIATING
    assert _changes(app, proposal_id) == [(ProposalStage.SUBMITTED, ProposalStage.NEGOTIATING, "They answered", user.id)]


def test_moving_with_htmx_re_renders_the_board_with_the_card_in_its_new_column(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, title="Automotive exchange", stage=ProposalStage.SUBMITTED)
    response = _move(client, auth, proposal_id, "negotiating", headers=HTMX_BOARD)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="proposals-view"')
    assert "Automotive exchange" in _column(response.text, "negotiating")
    assert "Automotive exchange" not in _column(response.text, "submitted")
    assert "moved to Negotiating" in response.text


def test_moving_from_the_proposal_page_returns_to_it(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.IDEA)
    response = _move(client, auth, proposal_id, "drafting", query="?back=show")
    assert response.status_code == 303 and response.headers["Location"] == f"/proposals/{proposal_id}"


@pytest.mark.parametrize("stage", ["declined", "withdrawn"])
def test_declining_or_withdrawing_without_a_reason_is_refused_with_422(app, client, auth, factory, partner_id, stage):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.NEGOTIATING)
    response = _move(client, auth, proposal_id, stage, reason="  ")
    assert response.status_code == 422
    assert "Say why the proposal is declined or withdrawn." in response.text
    htmx = _move(client, auth, proposal_id, stage, headers=HTMX_BOARD)
    assert htmx.status_code == 422 and htmx.text.lstrip().startswith('<div id="proposals-view"')
    assert "was not moved: Say why the proposal is declined or withdrawn." in htmx.text
    assert _proposal(app, proposal_id).stage == ProposalStage.NEGOTIATING and _changes(app, proposal_id) == []
    assert _move(client, auth, proposal_id, stage, reason="No funding this year").status_code == 303
    assert _changes(app, proposal_id)[0][1:3] == (ProposalStage(stage), "No funding this year")


def test_a_move_from_a_stale_board_answers_409_with_the_board_as_it_is(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, title="Automotive exchange", stage=ProposalStage.SUBMITTED)
    assert _move(client, auth, proposal_id, "negotiating", version=1).status_code == 303  # someone else, first
    for headers in (HTMX_BOARD, {}):
        response = _move(client, auth, proposal_id, "approved", version=1, headers=headers)
        assert response.status_code == 409
        assert "Someone moved" in response.text
        assert "Automotive exchange" in _column(response.text, "negotiating")
    proposal = _proposal(app, proposal_id)
    assert proposal.stage == ProposalStage.NEGOTIATING and proposal.version == 2
    assert len(_changes(app, proposal_id)) == 1


@pytest.mark.parametrize(("stage", "version"), [("signedx", 1), ("negotiating", "abc"), ("negotiating", "")])
def test_a_move_with_nonsense_is_refused_and_changes_nothing(app, client, auth, factory, partner_id, stage, version):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.SUBMITTED)
    assert _move(client, auth, proposal_id, stage, version=version).status_code in (400, 422)
    assert _proposal(app, proposal_id).stage == ProposalStage.SUBMITTED


def test_a_proposal_without_its_agreement_is_not_moved_to_signed(app, client, auth, factory, partner_id):
    """The card offers an approved proposal "Create agreement", not "Signed"; the move page and a
    drop moved it to signed with no agreement, and the conversion was then refused for good."""
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.APPROVED)
    refused = _move(client, auth, proposal_id, "signed")
    assert refused.status_code == 422 and "use Create agreement" in refused.text
    on_board = _move(client, auth, proposal_id, "signed", headers={"HX-Request": "true", "HX-Target": "proposals-view"})
    assert on_board.status_code == 422 and "was not moved" in on_board.text
    assert _proposal(app, proposal_id).stage == ProposalStage.APPROVED
    assert _convert(client, auth, proposal_id, partners=[partner_id]).status_code == 303
    assert _proposal(app, proposal_id).stage == ProposalStage.SIGNED


def test_a_viewer_cannot_move_and_sees_no_move_buttons(app, client, auth, factory, partner_id):
    auth.login(Role.VIEWER)
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.SUBMITTED)
    board = client.get("/proposals").text
    assert "Move on to" not in board and 'draggable="true"' not in board and "New proposal" not in board
    assert _move(client, auth, proposal_id, "negotiating").status_code == 403
    assert _proposal(app, proposal_id).version == 1 and _changes(app, proposal_id) == []


def test_a_move_without_a_csrf_token_is_refused(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.SUBMITTED)
    response = client.post(f"/proposals/{proposal_id}/move", data={"stage": "negotiating", "version": 1})
    assert response.status_code == 400
    assert _proposal(app, proposal_id).stage == ProposalStage.SUBMITTED


def test_archived_and_missing_proposals_answer_404(client, auth, factory, partner_id):
    auth.login()
    archived = factory.proposal(partner_id, archived_at=utcnow())
    for path in (f"/proposals/{archived}", f"/proposals/{archived}/edit", f"/proposals/{archived}/convert", "/proposals/999"):
        assert client.get(path).status_code == 404
    assert _move(client, auth, archived, "drafting").status_code == 404


# --- the proposal's page and editing ---

def test_the_proposal_page_shows_stage_history_follow_ups_contact_history_and_audit(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, title="Automotive exchange", stage=ProposalStage.SUBMITTED)
    factory.follow_up(proposal_id=proposal_id, title="Send the budget")
    factory.interaction(partner_id, subject="Call about the exchange", proposal_id=proposal_id)
    factory.interaction(partner_id, subject="Unrelated visit")
    _move(client, auth, proposal_id, "negotiating", reason="Budget agreed")
    html = client.get(f"/proposals/{proposal_id}").text
    assert "Stage history" in html and "Budget agreed" in html and "<strong>Negotiating</strong>" in html
    assert "Send the budget" in html
    assert "Call about the exchange" in html and "Unrelated visit" not in html
    assert "Change history" in html


def test_editing_a_proposal_saves_its_fields_and_refuses_a_stale_version(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id)
    data = {"csrf_token": auth.csrf(), "version": 1, "title": "Joint programme in finance", "kind": "joint_programme",
            "proposed_by": "partner", "owner_id": "None", "next_step": "Visit", "next_step_on": "2027-01-10",
            "stage": "signed", "agreement_id": "5"}
    response = client.post(f"/proposals/{proposal_id}/edit", data=data)
    assert response.status_code == 303
    proposal = _proposal(app, proposal_id)
    assert (proposal.title, proposal.next_step_on, proposal.stage, proposal.agreement_id) == (
        "Joint programme in finance", date(2027, 1, 10), ProposalStage.IDEA, None)
    assert client.post(f"/proposals/{proposal_id}/edit", data=data | {"title": "Other"}).status_code == 409
    assert _proposal(app, proposal_id).title == "Joint programme in finance"


# --- new proposals ---

def _new(client, auth, **fields):
    data = {"csrf_token": auth.csrf("/proposals/new"), "title": "Top-up degree", "kind": "top_up",
            "proposed_by": "partner", "owner_id": "None", "stage": "idea", "institution": "existing"}
    return client.post("/proposals/new", data=data | fields)


def test_new_proposal_from_the_partner_page_has_the_partner_chosen(client, auth, partner_id):
    auth.login()
    partner_page = client.get(f"/partners/{partner_id}").text
    assert f'href="/proposals/new?partner={partner_id}"' in partner_page
    form = client.get(f"/proposals/new?partner={partner_id}").text
    assert re.search(rf'type="radio" name="partner_id" value="{partner_id}" id="partner-option-{partner_id}" checked>\s*'
                     rf'<label class="form-check-label" for="partner-option-{partner_id}">Coleg y Cymoedd', form)


def _partner_names(html: str) -> list[str]:
    return re.findall(r'<label class="form-check-label" for="partner-option-\d+">([^<]*)</label>', html)


def test_the_new_proposal_form_lists_the_chosen_partner_and_the_first_matches_not_every_partner(client, auth, factory):
    from crm.partners.picker import PICKER_LIMIT
    auth.login()
    ids = [factory.partner(name=f"Partner {n:03d}") for n in range(60)]
    html = client.get(f"/proposals/new?partner={ids[-1]}").text
    names = _partner_names(html)
    assert names[0] == "Partner 059"  # the chosen one, ticked, first
    assert names[1:] == [f"Partner {n:03d}" for n in range(PICKER_LIMIT)]
    assert "<select" not in html.split('name="institution"')[1].split('name="title"')[0]
    assert "Only the first" in html


def test_find_shows_the_matching_partners_again_without_saving_and_keeps_the_choice(app, client, auth, factory):
    auth.login()
    chosen = factory.partner(name="Holmesglen Institute")
    factory.partner(name="Universiti Malaya")
    factory.partner(name="SEGi University")
    response = _new(client, auth, partner_id=chosen, partner_q="univers", find_partners="1")
    assert response.status_code == 200
    assert _partner_names(response.text) == ["Holmesglen Institute", "SEGi University", "Universiti Malaya"]
    assert f'value="{chosen}" id="partner-option-{chosen}" checked' in response.text
    with app.app_context():
        assert db.session.query(Proposal).count() == 0


def test_the_single_choice_search_answers_radio_buttons_without_the_chosen_partner(client, auth, factory):
    auth.login()
    chosen = factory.partner(name="Universiti Malaya")
    other = factory.partner(name="Universiti Putra Malaysia")
    factory.partner(name="Holmesglen Institute")
    html = client.get(f"/partners/picker-options?field=partner_id&input=radio&partner_q=universiti&partner_id={chosen}").text
    assert _partner_names(html) == ["Universiti Putra Malaysia"]
    assert f'type="radio" name="partner_id" value="{other}"' in html


def test_the_new_proposal_form_takes_the_same_statements_with_few_or_many_partners(client, auth, factory, count_statements):
    auth.login()
    first = factory.partner(name="Partner 000")
    for n in range(1, 5):
        factory.partner(name=f"Partner {n:03d}")
    with count_statements() as few:
        assert client.get(f"/proposals/new?partner={first}").status_code == 200
    for n in range(5, 80):
        factory.partner(name=f"Partner {n:03d}")
    with count_statements() as many:
        assert client.get(f"/proposals/new?partner={first}").status_code == 200
    assert many.count == few.count


def test_a_new_proposal_for_a_partner_starts_its_stage_history(app, client, auth, partner_id):
    user = auth.login()
    response = _new(client, auth, partner_id=partner_id, stage="drafting")
    assert response.status_code == 303
    with app.app_context():
        proposal = db.session.query(Proposal).one()
        assert (proposal.partner_id, proposal.stage, proposal.title) == (partner_id, ProposalStage.DRAFTING, "Top-up degree")
        assert response.headers["Location"] == f"/proposals/{proposal.id}"
    assert _changes(app, proposal.id) == [(None, ProposalStage.DRAFTING, None, user.id)]


def test_a_new_institution_becomes_a_prospect_partner_with_the_proposal(app, client, auth):
    auth.login()
    response = _new(client, auth, institution="new", new_name="Universiti Tun Hussein Onn Malaysia",
                    new_country="MY", new_kind="university")
    assert response.status_code == 303
    with app.app_context():
        partner = db.session.query(Partner).one()
        assert (partner.name, partner.country, partner.status) == (
            "Universiti Tun Hussein Onn Malaysia", "MY", PartnerStatus.PROSPECT)
        assert db.session.query(Proposal).one().partner_id == partner.id


@pytest.mark.parametrize(("fields", "message"), [
    ({"institution": "existing"}, "Choose the partner, or choose a new institution."),
    ({"institution": "new", "new_country": "MY", "new_kind": "university"}, "Enter the institution"),
    ({"institution": "new", "new_name": "UTHM", "new_kind": "university"}, "Choose the institution"),
    ({"institution": "new", "new_name": "UTHM", "new_country": "XX", "new_kind": "university"}, "Not a valid choice"),
    ({"institution": "existing", "partner_id": "abc"}, "Not a valid choice"),
    ({"institution": "existing", "partner_id": "1", "title": ""}, "This field is required."),
    ({"institution": "existing", "partner_id": "1", "title": "x" * 301}, "Field cannot be longer than 300 characters."),
    ({"institution": "existing", "partner_id": "1", "stage": "signed"}, "Not a valid choice"),
    ({"institution": "existing", "partner_id": "1", "next_step_on": "2026-02-31"}, "Not a valid date value."),
])
def test_an_invalid_new_proposal_is_shown_again_with_422_and_nothing_is_created(app, client, auth, partner_id, fields, message):
    auth.login()
    response = _new(client, auth, **fields)
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert db.session.query(Proposal).count() == 0
        assert db.session.query(Partner).count() == 1


def test_a_viewer_cannot_create_a_proposal(app, client, auth, partner_id):
    auth.login(Role.VIEWER)
    assert client.get("/proposals/new").status_code == 403
    assert _new(client, auth, institution="new", new_name="X", new_country="MY", new_kind="university").status_code == 403
    with app.app_context():
        assert db.session.query(Proposal).count() == 0 and db.session.query(Partner).count() == 1


# --- converting an approved proposal ---

def _convert(client, auth, proposal_id, **fields):
    data = {"csrf_token": auth.csrf(), "version": 1, "title": "Top-up degree agreement", "kind": "top_up",
            "partners": fields.pop("partners", []), "signed_on": office_today().isoformat(),
            "valid_from": "2027-09-01", "valid_until": "2030-08-31", "notice_days": "90"}
    return client.post(f"/proposals/{proposal_id}/convert", data=data | fields)


def test_the_convert_form_is_prefilled_from_the_proposal(client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, title="Dual degree", stage=ProposalStage.APPROVED,
                                   expected_start=date(2027, 9, 1))
    html = client.get(f"/proposals/{proposal_id}/convert").text
    assert 'value="Dual degree"' in html
    assert '<option selected value="joint_programme">' in html
    assert re.search(rf'type="checkbox" name="partners" value="{partner_id}" id="partner-option-{partner_id}" checked', html)
    assert 'value="2027-09-01"' in html
    assert f'value="{office_today().isoformat()}"' in html


def test_converting_creates_the_agreement_links_both_and_signs_the_proposal(app, client, auth, factory):
    user = auth.login()
    prospect = factory.partner(name="UTHM", country="MY", status=PartnerStatus.PROSPECT)
    other = factory.partner(name="SEGi University", country="MY")
    proposal_id = factory.proposal(prospect, stage=ProposalStage.APPROVED, owner_id=user.id, description="Finance top-up")
    response = _convert(client, auth, proposal_id, partners=[prospect, other])
    assert response.status_code == 303
    with app.app_context():
        agreement = db.session.query(Agreement).one()
        assert response.headers["Location"] == f"/agreements/{agreement.id}"
        assert {p.id for p in agreement.partners} == {prospect, other}
        assert (agreement.title, agreement.valid_until, agreement.notice_days, agreement.owner_id, agreement.notes) == (
            "Top-up degree agreement", date(2030, 8, 31), 90, user.id, "Finance top-up")
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.agreement_id == agreement.id and proposal.stage == ProposalStage.SIGNED
        assert db.session.get(Partner, prospect).status == PartnerStatus.ACTIVE
    assert _changes(app, proposal_id)[-1][:2] == (ProposalStage.APPROVED, ProposalStage.SIGNED)
    assert client.get(f"/proposals/{proposal_id}/convert").headers["Location"] == f"/agreements/{agreement.id}"


def test_converting_a_proposal_that_is_not_approved_answers_409(app, client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.NEGOTIATING)
    assert client.get(f"/proposals/{proposal_id}/convert").status_code == 409
    assert _convert(client, auth, proposal_id, partners=[partner_id]).status_code == 409
    with app.app_context():
        assert db.session.query(Agreement).count() == 0


@pytest.mark.parametrize(("fields", "status"), [
    ({"partners": []}, 422),
    ({"valid_until": "2026-01-01"}, 422),
    ({"signed_on": ""}, 422),
    ({"signed_on": (office_today() + timedelta(days=3)).isoformat()}, 422),
    ({"notice_days": "-5"}, 422),
    ({"partners": ["999"]}, 422),
    ({"version": 7}, 409),
])
def test_a_bad_conversion_creates_nothing(app, client, auth, factory, partner_id, fields, status):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.APPROVED)
    fields.setdefault("partners", [partner_id])
    assert _convert(client, auth, proposal_id, **fields).status_code == status
    with app.app_context():
        assert db.session.query(Agreement).count() == 0
        assert db.session.get(Proposal, proposal_id).stage == ProposalStage.APPROVED


def test_a_viewer_cannot_convert(app, client, auth, factory, partner_id):
    auth.login(Role.VIEWER)
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.APPROVED)
    assert _convert(client, auth, proposal_id, partners=[partner_id]).status_code == 403
    with app.app_context():
        assert db.session.query(Agreement).count() == 0


def test_an_approved_card_offers_create_agreement(client, auth, factory, partner_id):
    auth.login()
    proposal_id = factory.proposal(partner_id, stage=ProposalStage.APPROVED)
    assert f'href="/proposals/{proposal_id}/convert"' in _column(client.get("/proposals").text, "approved")


# --- the home page ---

def test_the_home_page_lists_my_proposals_that_need_action(client, auth, factory, partner_id):
    me = auth.login()
    factory.proposal(partner_id, title="Overdue one", next_step="Call them", next_step_on=office_today() - timedelta(days=2), owner_id=me.id)
    factory.proposal(partner_id, title="Stalled one", stage_changed_at=utcnow() - timedelta(days=50), owner_id=me.id)
    factory.proposal(partner_id, title="Fine one", next_step_on=office_today() + timedelta(days=9), owner_id=me.id)
    factory.proposal(partner_id, title="Someone else's", next_step_on=office_today() - timedelta(days=2))
    html = client.get("/").text
    assert "My proposals that need action" in html
    assert "Overdue one" in html and "Next step overdue since" in html
    assert "Stalled one" in html and "no movement for 50 days" in html
    assert "Fine one" not in html and "Someone else's" not in html


def test_the_home_card_lists_the_first_proposals_needing_action_with_the_count_of_all(client, auth, factory, partner_id):
    me = auth.login()
    total = NEEDING_ACTION_LIMIT + 3
    for n in range(total):
        factory.proposal(partner_id, title=f"Overdue {n:02d}", next_step_on=office_today() - timedelta(days=n + 1), owner_id=me.id)
    html = client.get("/").text
    card = html[html.index('id="needing-action-heading"'):]
    card = card[:card.index("</section>")]
    assert f'<span class="badge text-bg-light">{total}</span>' in card
    assert card.count("Next step overdue since") == NEEDING_ACTION_LIMIT
    assert f"Overdue {total - 1:02d}" in card and "Overdue 00" not in card  # the longest overdue first
    link = re.search(r'<a href="([^"]+)">Show all (\d+) that need action</a>', card)
    assert link and link.group(2) == str(total)
    listed = client.get(link.group(1).replace("&amp;", "&")).text
    assert f"{total} proposals" in listed and ">Overdue 00<" in listed
