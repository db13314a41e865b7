"""Forms accept only their own fields (ASVS 15.3.3): extra fields are ignored on every form that
creates or edits a partner, contact, agreement, interaction or proposal.

Each test submits the form exactly as the page rendered it (parsed from the HTML, so the fields
are the real ones), plus the fields an attacker would add, and checks the record.
"""
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from crm.agreements.models import Agreement
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.partners.models import Partner
from crm.proposals.models import Proposal, ProposalStage

EXTRA = {"id": "999", "role": "admin", "archived_at": "2020-01-01", "created_at": "2000-01-01"}


class _FormParser(HTMLParser):
    """The fields a browser would send for the form whose action is `action`."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, []
        self._select, self._textarea = None, None
        self._first_option, self._chosen, self._multiple = None, False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", "").split("?")[0] == self.action
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "y" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._first_option, self._chosen = attrs["name"], None, False
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attrs.get("value", "")
            if "selected" in attrs:
                self._chosen = True
                self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields.pop()
            self.fields.append((name, value + data))

    def handle_endtag(self, tag):
        if tag == "select":
            if self._select and not self._chosen and not self._multiple and self._first_option is not None:
                self.fields.append((self._select, self._first_option))  # what a browser sends
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def rendered_form(client, page: str, action: str) -> dict[str, list[str]]:
    parser = _FormParser(action)
    parser.feed(client.get(page).text)
    assert parser.fields, f"no form posting to {action} on {page}"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value.lstrip("\n"))
    return data


@pytest.fixture
def setting(app, client, auth, make_user, factory):
    other = make_user(Role.ADMIN, name="Someone Else")
    user = auth.login(Role.STAFF)
    partner_id = factory.partner(name="Holmesglen Institute")
    other_partner = factory.partner(name="Other Partner", country="DE")
    return {"user": user, "other": other, "partner_id": partner_id, "other_partner": other_partner,
            "contact_id": factory.contact(partner_id), "agreement_id": factory.agreement([partner_id]),
            "interaction_id": factory.interaction(partner_id, author_id=user.id),
            "proposal_id": factory.proposal(partner_id)}


def _post(client, path, data):
    response = client.post(path, data=data)
    assert response.status_code in (303, 204), (path, response.status_code, response.text[:2000])


def test_editing_a_partner_ignores_extra_fields(app, client, setting):
    pid, other = setting["partner_id"], setting["other"]
    data = rendered_form(client, f"/partners/{pid}/edit", f"/partners/{pid}/edit")
    _post(client, f"/partners/{pid}/edit", data | EXTRA | {"created_by_id": str(other.id), "updated_by_id": str(other.id)})
    with app.app_context():
        partner = db.session.get(Partner, pid)
        assert partner.archived_at is None and partner.version == 2
        assert partner.created_by_id is None and partner.updated_by_id == setting["user"].id
        assert db.session.get(Partner, 999) is None


def test_adding_and_editing_a_contact_ignores_extra_fields(app, client, setting):
    pid, cid = setting["partner_id"], setting["contact_id"]
    data = rendered_form(client, f"/partners/{pid}/contacts/new", f"/partners/{pid}/contacts/new")
    data["new-contact-name"] = ["Anna Berg"]
    _post(client, f"/partners/{pid}/contacts/new",
          data | EXTRA | {"partner_id": str(setting["other_partner"]), "erased": "y", "new-contact-erased": "y"})
    data = rendered_form(client, f"/partners/{pid}/contacts/{cid}/edit", f"/partners/{pid}/contacts/{cid}/edit")
    data[f"contact-{cid}-position"] = ["Director"]
    _post(client, f"/partners/{pid}/contacts/{cid}/edit",
          data | EXTRA | {"partner_id": str(setting["other_partner"]), f"contact-{cid}-partner_id": str(setting["other_partner"])})
    with app.app_context():
        contacts = db.session.scalars(select(Contact).order_by(Contact.id)).all()
        assert [(c.name, c.partner_id, c.erased) for c in contacts] == [("Jane Doe", pid, False), ("Anna Berg", pid, False)]
        assert contacts[0].version == 2


def test_editing_an_agreement_ignores_extra_fields(app, client, setting):
    aid = setting["agreement_id"]
    data = rendered_form(client, f"/agreements/{aid}/edit", f"/agreements/{aid}/edit")
    _post(client, f"/agreements/{aid}/edit", data | EXTRA | {"decision": "terminated", "decided_by_id": str(setting["other"].id),
                                                             "predecessor_id": "1"})
    with app.app_context():
        agreement = db.session.get(Agreement, aid)
        assert (agreement.archived_at, agreement.decision, agreement.version) == (None, None, 2)
        assert [p.id for p in agreement.partners] == [setting["partner_id"]]


def test_logging_and_editing_an_interaction_ignores_extra_fields(app, client, setting):
    pid, iid, other = setting["partner_id"], setting["interaction_id"], setting["other"]
    data = rendered_form(client, f"/partners/{pid}/interactions/new", f"/partners/{pid}/interactions/new")
    data["subject"] = ["Video call"]
    _post(client, f"/partners/{pid}/interactions/new",
          data | EXTRA | {"author_id": str(other.id), "partner_id": str(setting["other_partner"])})
    data = rendered_form(client, f"/interactions/{iid}/edit", f"/interactions/{iid}/edit")
    data[f"edit{iid}-location"] = ["Melbourne"]
    _post(client, f"/interactions/{iid}/edit",
          data | EXTRA | {"author_id": str(other.id), f"edit{iid}-author_id": str(other.id),
                          f"edit{iid}-partner_id": str(setting["other_partner"])})
    with app.app_context():
        entries = db.session.scalars(select(Interaction).order_by(Interaction.id)).all()
        assert [(e.subject, e.partner_id, e.author_id) for e in entries] == [
            ("Visit", pid, setting["user"].id), ("Video call", pid, setting["user"].id)]
        assert entries[0].version == 2


def test_creating_and_editing_a_proposal_ignores_extra_fields(app, client, setting):
    pid, rid = setting["partner_id"], setting["proposal_id"]
    data = rendered_form(client, f"/proposals/new?partner={pid}", "/proposals/new")
    data["title"] = ["Top-up degree"]
    _post(client, "/proposals/new", data | EXTRA | {"agreement_id": str(setting["agreement_id"])})
    data = rendered_form(client, f"/proposals/{rid}/edit", f"/proposals/{rid}/edit")
    data["next_step"] = ["Call the dean"]
    _post(client, f"/proposals/{rid}/edit",
          data | EXTRA | {"stage": "approved", "partner_id": str(setting["other_partner"]),
                          "agreement_id": str(setting["agreement_id"])})
    with app.app_context():
        proposals = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
        assert [(p.title, p.partner_id, p.agreement_id, p.archived_at) for p in proposals] == [
            ("Joint programme", pid, None, None), ("Top-up degree", pid, None, None)]
        assert proposals[0].stage == ProposalStage.IDEA and proposals[0].version == 2


def test_only_an_admin_changes_a_role_and_not_through_the_account_page(app, client, setting):
    data = rendered_form(client, "/account", "/account")
    client.post("/account", data=data | {"role": "admin", "active": "y", "email": "x@evil.example"})
    with app.app_context():
        user = db.session.get(User, setting["user"].id)
        assert user.role == Role.STAFF and user.email == setting["user"].email
