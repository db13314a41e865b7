"""Merging duplicate partners (admins): values chosen per field, every linked record moves to
the survivor, the other is archived with a pointer, audited, and stale edits are refused."""
import re

from sqlalchemy import select

from crm.agreements.models import Agreement
from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction
from crm.outcomes.models import Outcome, OutcomeCategory
from crm.partners.models import Partner, Tag
from crm.proposals.models import Proposal


def _two_duplicates(app, factory):
    first = factory.partner(name="Hochschule Kassel", country="DE", city=None)
    second = factory.partner(name="Universität Kassel, Hochschule", country="DE", city="Kassel", website="https://www.uni-kassel.de")
    factory.contact(first, name="Anna Schmidt", is_primary=True)
    factory.contact(second, name="Jonas Weber", is_primary=True)
    shared = factory.agreement([first, second], title="Shared MoU")
    factory.agreement([second], title="Exchange")
    interaction = factory.interaction(second, subject="Video call")
    factory.follow_up(interaction_id=interaction, title="Send the list")
    factory.proposal(second, title="Joint programme")
    with app.app_context():
        db.session.add(Outcome(partner_id=second, year=2025, category=OutcomeCategory.OUTBOUND_STUDENTS, count=4))
        partner = db.session.get(Partner, second)
        partner.tags = [Tag(name="Germany")]
        db.session.commit()
    return first, second, shared


def _form(client, first, second, **choices):
    page = client.get(f"/import/merge?p={first}&p={second}")
    assert page.status_code == 200
    data = dict(re.findall(r'name="(csrf_token|version_a|version_b)" type="hidden" value="([^"]*)"', page.text))
    data.update({name: value for name, value in re.findall(r'name="(take_\w+)"[^>]*value="(\w)" checked', page.text)})
    data["survivor"] = "a"
    data.update(choices)
    return data


def test_merge_moves_every_linked_record_and_archives_the_other_with_a_pointer(app, client, auth, factory):
    auth.login(Role.ADMIN)
    first, second, shared = _two_duplicates(app, factory)
    data = _form(client, first, second)
    assert data["take_city"] == "b" and data["take_name"] == "a"  # the first's value unless it has none
    response = client.post(f"/import/merge?p={first}&p={second}", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/partners/{first}")
    with app.app_context():
        survivor, other = db.session.get(Partner, first), db.session.get(Partner, second)
        assert (survivor.name, survivor.city, survivor.website) == ("Hochschule Kassel", "Kassel", "https://www.uni-kassel.de")
        assert other.is_archived and other.merged_into_id == first
        assert sorted(c.name for c in survivor.contacts) == ["Anna Schmidt", "Jonas Weber"]
        assert [c.name for c in survivor.contacts if c.is_primary] == ["Anna Schmidt"]
        assert {a.title: [p.id for p in a.partners] for a in db.session.scalars(select(Agreement))} == {"Shared MoU": [first], "Exchange": [first]}
        assert {i.partner_id for i in db.session.scalars(select(Interaction))} == {first}
        assert db.session.scalars(select(FollowUp)).one().interaction.partner_id == first
        assert {p.partner_id for p in db.session.scalars(select(Proposal))} == {first}
        assert {o.partner_id for o in db.session.scalars(select(Outcome))} == {first}
        assert [t.name for t in survivor.tags] == ["Germany"]
        audited = {(e.record_type, e.field) for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update"))}
        assert {("partner", "merged_into_id"), ("contact", "partner_id"), ("interaction", "partner_id"), ("agreement", "partners")} <= audited
    assert client.get(f"/partners/{second}").status_code == 404


def test_merge_keeps_the_second_when_chosen_with_the_chosen_values(app, client, auth, factory):
    auth.login(Role.ADMIN)
    first, second, _shared = _two_duplicates(app, factory)
    data = _form(client, first, second, survivor="b", take_name="a")
    assert client.post(f"/import/merge?p={first}&p={second}", data=data).status_code == 303
    with app.app_context():
        survivor = db.session.get(Partner, second)
        assert survivor.name == "Hochschule Kassel" and not survivor.is_archived
        assert db.session.get(Partner, first).merged_into_id == second
        assert db.session.scalar(select(Contact.partner_id).where(Contact.name == "Anna Schmidt")) == second


def test_merge_over_a_stale_version_answers_409_and_changes_nothing(app, client, auth, factory):
    auth.login(Role.ADMIN)
    first, second, _shared = _two_duplicates(app, factory)
    data = _form(client, first, second)
    with app.app_context():
        db.session.get(Partner, second).city = "Cassel"
        db.session.commit()
    assert client.post(f"/import/merge?p={first}&p={second}", data=data).status_code == 409
    with app.app_context():
        assert not db.session.get(Partner, second).is_archived
        assert db.session.scalar(select(Contact.partner_id).where(Contact.name == "Jonas Weber")) == second


def test_only_admins_merge(app, client, auth, factory):
    auth.login(Role.STAFF)
    first, second, _shared = _two_duplicates(app, factory)
    assert client.get(f"/import/merge?p={first}&p={second}").status_code == 403
    assert client.post(f"/import/merge?p={first}&p={second}", data={"csrf_token": auth.csrf("/"), "survivor": "a"}).status_code == 403
    with app.app_context():
        assert not db.session.get(Partner, second).is_archived


def test_merge_page_finds_partners_to_pick(app, client, auth, factory):
    auth.login(Role.ADMIN)
    factory.partner(name="Hochschule Kassel", country="DE")
    factory.partner(name="Universität Kassel, Hochschule", country="DE")
    page = client.get("/import/merge?q=Kassel")
    assert page.status_code == 200 and page.text.count('name="p"') == 2
    assert 'href="/import/merge"' in client.get("/").text
