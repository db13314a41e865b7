"""Bulk changes on the partner list: a confirmation naming the count, then one transaction,
audited per partner, refused when stale, forbidden to viewers."""
import re

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.extensions import db
from crm.partners.models import Partner, PartnerStatus


def _confirm_fields(html: str) -> dict:
    form = html[html.index('class="app-section app-bulk-confirm"'):]
    fields = re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form)
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_staff_tag_all_matching_partners_after_a_confirmation_naming_the_count(app, client, auth, factory):
    auth.login(Role.STAFF)
    for n in range(30):
        factory.partner(name=f"German {n:02d}", country="DE")
    factory.partner(name="Australian", country="AU")
    token = auth.csrf("/partners")
    with app.app_context():
        entries_before = db.session.query(AuditEntry).count()
    listing = client.get("/partners?country=DE").text
    assert 'action="/partners/bulk?country=DE"' in listing and "All 30 matching partners" in listing
    confirm = client.post("/partners/bulk?country=DE", data={"csrf_token": token, "all_matching": "y", "action": "add_tag", "tag": "Germany-China"})
    assert confirm.status_code == 200 and "Add the tag “Germany-China” to 30 partners?" in confirm.text
    with app.app_context():
        assert db.session.query(AuditEntry).count() == entries_before  # nothing changed before the confirmation
    done = client.post("/partners/bulk?country=DE", data=_confirm_fields(confirm.text))
    assert done.status_code == 303 and done.headers["Location"] == "/partners?country=DE"
    with app.app_context():
        tagged = [partner.name for partner in db.session.query(Partner) if any(tag.name == "Germany-China" for tag in partner.tags)]
        assert len(tagged) == 30 and "Australian" not in tagged
        assert db.session.query(AuditEntry).filter(AuditEntry.field == "tags").count() == 30  # one entry per partner
    assert "30 partners changed." in client.get("/partners?country=DE").text


def test_the_chosen_partners_get_a_new_owner_and_status(app, client, auth, factory, make_user):
    auth.login(Role.STAFF)
    owner = make_user(Role.STAFF, name="New Owner")
    chosen = [factory.partner(name=f"P{n}") for n in range(3)]
    other = factory.partner(name="Not chosen")
    token = auth.csrf("/partners")
    confirm = client.post("/partners/bulk", data={"csrf_token": token, "ids": chosen[:2], "action": "owner", "owner": owner.id})
    assert "Make New Owner the owner of 2 partners?" in confirm.text
    assert client.post("/partners/bulk", data=_confirm_fields(confirm.text)).status_code == 303
    confirm = client.post("/partners/bulk", data={"csrf_token": token, "ids": chosen, "action": "status", "status": "dormant"})
    assert client.post("/partners/bulk", data=_confirm_fields(confirm.text)).status_code == 303
    with app.app_context():
        owners = {p.id: p.owner_id for p in db.session.query(Partner)}
        statuses = {p.id: p.status for p in db.session.query(Partner)}
    assert owners[chosen[0]] == owners[chosen[1]] == owner.id and owners[chosen[2]] is None and owners[other] is None
    assert all(statuses[pid] == PartnerStatus.DORMANT for pid in chosen) and statuses[other] != PartnerStatus.DORMANT


def test_a_partner_changed_after_the_confirmation_makes_the_whole_change_409(app, client, auth, factory):
    auth.login(Role.STAFF)
    chosen = [factory.partner(name=f"P{n}") for n in range(3)]
    token = auth.csrf("/partners")
    confirm = client.post("/partners/bulk", data={"csrf_token": token, "ids": chosen, "action": "status", "status": "ended"})
    with app.app_context():
        db.session.get(Partner, chosen[1]).city = "Changed meanwhile"
        db.session.commit()
    response = client.post("/partners/bulk", data=_confirm_fields(confirm.text))
    assert response.status_code == 409 and "Nothing was changed" in response.text
    with app.app_context():
        assert all(p.status != PartnerStatus.ENDED for p in db.session.query(Partner))


def test_viewers_see_no_checkboxes_and_are_refused(app, client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner()
    assert 'name="ids"' not in client.get("/partners").text
    token = auth.csrf("/partners")
    response = client.post("/partners/bulk", data={"csrf_token": token, "ids": [partner], "action": "status", "status": "ended",
                                                   "confirmed": "1", "targets": [f"{partner}:1"]})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Partner, partner).status != PartnerStatus.ENDED


def test_nothing_chosen_or_a_bad_value_shows_why_with_422(client, auth, factory):
    auth.login(Role.STAFF)
    factory.partner()
    token = auth.csrf("/partners")
    nothing = client.post("/partners/bulk", data={"csrf_token": token, "action": "status", "status": "ended"})
    assert nothing.status_code == 422 and "No partner was chosen" in nothing.text
    no_tag = client.post("/partners/bulk", data={"csrf_token": token, "ids": [1], "action": "add_tag", "tag": ""})
    assert no_tag.status_code == 422 and "Name the tag." in no_tag.text
    forged = client.post("/partners/bulk", data={"csrf_token": token, "ids": ["1 OR 1=1"], "action": "status", "status": "ended"})
    assert forged.status_code == 422


def test_a_bulk_tag_change_makes_an_older_edit_form_of_the_partner_409_and_keeps_the_tag(app, client, auth, factory):
    auth.login(Role.STAFF)
    partner = factory.partner(name="Ivy Tech Community College", country="US")
    edit_token = auth.csrf(f"/partners/{partner}/edit")  # the edit form is open with version 1
    confirm = client.post("/partners/bulk", data={"csrf_token": auth.csrf("/partners"), "ids": [partner], "action": "add_tag",
                                                  "tag": "Dual degree"})
    assert client.post("/partners/bulk", data=_confirm_fields(confirm.text)).status_code == 303
    with app.app_context():
        assert db.session.get(Partner, partner).version == 2  # a tag-only change is a change of the partner
    stale = client.post(f"/partners/{partner}/edit", data={
        "csrf_token": edit_token, "version": "1", "name": "Ivy Tech", "kind": "vocational", "country": "US",
        "status": "active", "owner_id": "", "website": "", "tags": "", "city": "", "notes": "",
    })
    assert stale.status_code == 409
    with app.app_context():
        kept = db.session.get(Partner, partner)
        assert kept.name == "Ivy Tech Community College" and [tag.name for tag in kept.tags] == ["Dual degree"]
