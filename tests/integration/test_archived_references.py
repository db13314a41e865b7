"""A page that names a record archived since (a trip's partner, a consortium's member, an
expert's sending partner, a programme's partner and agreement, one of an agreement's partners,
an outcome's partner or agreement, the contact history's agreement, the report's table by
partner) shows its name with an "archived" marker instead of a link to its page, which answers
404 (security.md); an administrator gets a link to the archive page that restores it."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from crm.agreements.models import Agreement
from crm.auth.models import Role
from crm.consortia.models import Consortium, ConsortiumMember
from crm.core.dates import office_today
from crm.experts.models import Expert
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.outcomes.models import Outcome, OutcomeCategory
from crm.partners.models import Partner
from crm.programmes.models import Programme, ProgrammeKind
from crm.proposals.models import Proposal
from crm.trips.models import Trip, TripLeg, TripStatus
from crm.visits.models import Visit

YEAR = 2022
GONE = "Ghent Polytechnic"
RETIRED = "Retired exchange agreement"


@pytest.fixture
def office(app, factory, make_user):
    """A partner and an agreement, each named by many records, then archived; a live partner
    and an agreement with both partners. Returns the ids and the pages that name them."""
    owner = make_user(Role.STAFF)
    gone = factory.partner(name=GONE, country="BE")
    stays = factory.partner(name="Live College", country="DE")
    shared = factory.agreement([gone, stays], title="Shared agreement")
    retired = factory.agreement([stays], title=RETIRED)
    today = office_today()
    with app.app_context():
        partner = db.session.get(Partner, gone)
        agreement = db.session.get(Agreement, retired)
        trip = Trip(title="Delegation to Ghent", year=today.year, country="BE", status=TripStatus.PLANNED,
                    owner_id=owner.id, partners=[partner], legs=[TripLeg(country="BE", city="Ghent", partner=partner)])
        visit = Visit(title="Ghent delegation", arrive_on=today - timedelta(days=20), leave_on=today - timedelta(days=19),
                      partners=[partner])
        consortium = Consortium(name="Flemish consortium", lead_partner=partner,
                                members=[ConsortiumMember(partner=partner)])
        expert = Expert(name="Anna Peeters", nationality="BE", partner=partner)
        programme = Programme(name="Dual diploma", kind=ProgrammeKind.SINO_FOREIGN, partners=[partner], agreement=agreement)
        interaction = Interaction(partner_id=stays, occurred_at=datetime(2026, 10, 1, 10), kind=InteractionKind.MEETING,
                                  subject="Review of the exchange", agreement=agreement)
        proposal = Proposal(partner_id=stays, title="Next exchange", kind=agreement.kind, agreement=agreement)
        db.session.add_all([
            trip, visit, consortium, expert, programme, interaction, proposal,
            Outcome(year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=7, partner_id=gone),
            Outcome(year=YEAR, category=OutcomeCategory.INBOUND_STUDENTS, count=3, agreement_id=retired),
        ])
        db.session.commit()
        partner.archive()
        agreement.archive()
        db.session.commit()
        pages = {
            "trip": f"/trips/{trip.id}", "visit": f"/visits/{visit.id}", "consortium": f"/consortia/{consortium.id}",
            "expert": f"/experts/{expert.id}", "programme": f"/programmes/{programme.id}",
            "agreement with both partners": f"/agreements/{shared}", "live partner": f"/partners/{stays}",
            "contact history": "/history", "proposal": f"/proposals/{proposal.id}",
            "outcomes": f"/outcomes?year_from={YEAR}&year_to={YEAR}", "report": f"/reports?year_from={YEAR}&year_to={YEAR}",
        }
    return {"gone": gone, "retired": retired, "pages": pages}


# Which archived record each page names: the partner, the agreement, or both.
NAMES_PARTNER = {"trip", "visit", "consortium", "expert", "programme", "agreement with both partners", "outcomes", "report"}
NAMES_AGREEMENT = {"programme", "live partner", "contact history", "proposal", "outcomes"}


def _links_to(page: str, path: str) -> list[str]:
    """The links of `page` to `path` itself (not to a page under it)."""
    return re.findall(rf'href="{re.escape(path)}(?:[?#][^"]*)?"', page)


def _archived_mentions(page: str) -> list[str]:
    """The markup that names each archived record (its name, the marker, an admin's link)."""
    return [part.split("</a></span>")[0].split("</span></span>")[0] for part in page.split('<span class="app-archived-ref">')[1:]]


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
@pytest.mark.parametrize("name", sorted(NAMES_PARTNER | NAMES_AGREEMENT))
def test_a_page_names_an_archived_record_with_a_marker_and_no_link_to_its_404(client, auth, office, role, name):
    auth.login(role)
    response = client.get(office["pages"][name])
    assert response.status_code == 200
    page = response.text
    mentions = _archived_mentions(page)
    for archived, path, text in (("partner", f"/partners/{office['gone']}", GONE),
                                 ("agreement", f"/agreements/{office['retired']}", RETIRED)):
        named = name in (NAMES_PARTNER if archived == "partner" else NAMES_AGREEMENT)
        assert _links_to(page, path) == []
        assert client.get(path).status_code == 404  # why there is no link
        if named:
            mention = next(m for m in mentions if text in m)
            assert 'app-archived-badge">archived' in mention
            assert ("Restore…" in mention) == (role is Role.ADMIN)


def test_the_administrators_link_leads_to_the_archive_page_that_restores_the_record(client, auth, office):
    auth.login(Role.ADMIN)
    page = client.get(office["pages"]["programme"]).text
    restored = {f"/partners/{office['gone']}/restore": GONE, f"/agreements/{office['retired']}/restore": RETIRED}
    archive_links = re.findall(r'<a href="([^"]+)" class="app-archived-restore">', page)
    assert len(archive_links) == 2
    for link in archive_links:
        archive = client.get(link.replace("&amp;", "&"))
        assert archive.status_code == 200
        assert any(f'action="{action}"' in archive.text and name in archive.text for action, name in restored.items())


def test_the_marker_is_translated(client, auth, office, make_user):
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    page = client.get(office["pages"]["trip"]).text
    assert f"{GONE} <span class=\"app-badge app-archived-badge\">已归档</span>" in page


@pytest.mark.parametrize("name", ["agreement with both partners", "programme", "visit"])
def test_an_archived_partners_country_follows_its_name_not_the_restore_link(client, auth, office, make_user, name):
    """The page read "Ghent Polytechnic archived Restore… (Belgium)": the country is the partner's."""
    auth.login(user=make_user(Role.ADMIN, locale="zh_CN"))
    page = client.get(office["pages"][name]).text
    (mention,) = [m for m in _archived_mentions(page) if GONE in m]
    assert mention.startswith(f'{GONE}（比利时） <span class="app-badge app-archived-badge">已归档</span>')


def test_the_agreement_page_leaves_out_the_contact_history_of_its_archived_partner(app, client, auth, office, factory):
    """An interaction of an archived partner answers 404 like its partner: the page of an
    agreement it shares with a live partner does not list it."""
    talk = factory.interaction(office["gone"], subject="Talk in Ghent")
    shared = int(office["pages"]["agreement with both partners"].rsplit("/", 1)[1])
    with app.app_context():
        db.session.get(Interaction, talk).agreement_id = shared
        db.session.commit()
    auth.login()
    page = client.get(f"/agreements/{shared}").text
    assert client.get(f"/interactions/{talk}").status_code == 404
    assert "Talk in Ghent" not in page and f"/interactions/{talk}" not in page


def test_an_imports_page_names_a_partner_archived_since_without_a_link(app, client, auth):
    from tests.integration.test_imports import Importer, xlsx_bytes

    auth.login(Role.ADMIN)
    importer = Importer(app, client, auth)
    batch_id = importer.preview(xlsx_bytes([["Name", "Country"], [GONE, "BE"], ["Live College", "DE"]]), "p.xlsx")
    importer.commit(batch_id)
    with app.app_context():
        gone, stays = (db.session.scalar(select(Partner.id).where(Partner.name == name)) for name in (GONE, "Live College"))
        db.session.get(Partner, gone).archive()
        db.session.commit()
    page = client.get(f"/import/{batch_id}").text
    assert _links_to(page, f"/partners/{gone}") == [] and len(_links_to(page, f"/partners/{stays}")) == 1
    (mention,) = _archived_mentions(page)
    assert 'app-archived-badge">archived' in mention and "Restore…" in mention


def test_an_outcome_of_an_archived_agreement_is_shown_without_its_edit_link(app, office, make_user):
    """Its pages answer 404 with its agreement (a liaison's own outcomes list it with `may_enter`);
    the outcome of the archived partner alone stays editable."""
    from flask import render_template
    from flask_login import login_user

    from crm.auth.models import User

    staff = make_user(Role.STAFF)
    with app.test_request_context("/outcomes/mine"):
        login_user(db.session.get(User, staff.id))
        rows = {outcome.agreement_id: render_template("outcomes/_row.html", outcome=outcome, may_enter=True, show_agreement=True)
                for outcome in db.session.scalars(select(Outcome))}
    assert "/edit" in rows[None]
    assert "/edit" not in rows[office["retired"]] and RETIRED in rows[office["retired"]]


def test_a_trips_stop_at_an_archived_partner_offers_no_way_into_its_contact_history(app, client, auth, office):
    """The meeting logged from the stop answers 404 with its partner, and no meeting can be logged."""
    auth.login()
    page = client.get(office["pages"]["trip"]).text
    assert "Log the meeting in the contact history" not in page
    with app.app_context():
        leg = db.session.scalar(select(TripLeg))
        leg.interaction = Interaction(partner_id=office["gone"], occurred_at=datetime(2026, 10, 1, 10),
                                      kind=InteractionKind.OUTGOING_VISIT, subject="Meeting in Ghent")
        db.session.commit()
        interaction_id = leg.interaction_id
    page = client.get(office["pages"]["trip"]).text
    assert "In the contact history" in page and f"/interactions/{interaction_id}" not in page
