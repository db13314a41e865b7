"""Contacts on the partner page: add, edit, deactivate inline or as pages; one primary; erasure; export."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.contacts.changes import replace_name_in_list
from crm.contacts.models import ERASED_NAME, Contact
from crm.extensions import db
from crm.interactions.models import Interaction

HTMX = {"HX-Request": "true"}


@pytest.fixture
def partner_id(factory):
    return factory.partner(name="Holmesglen Institute", country="AU")


def _contact_form(prefix: str, **fields) -> dict:
    values = {"name": "Sarah Mitchell", "position": "Manager, International Partnerships", "email": "s.mitchell@holmesglen.edu.au",
              "phone": "+61 3 9564 1555", "messaging": "", "preferred_language": "English", "notes": "", **fields}
    return {f"{prefix}-{key}": value for key, value in values.items()}


def _contacts(app, partner_id) -> list[Contact]:
    with app.app_context():
        contacts = db.session.scalars(select(Contact).where(Contact.partner_id == partner_id).order_by(Contact.id)).all()
        db.session.expunge_all()
        return contacts


def test_adding_a_contact_without_javascript_redirects_to_the_partner_page(app, client, auth, partner_id):
    auth.login()
    page = client.get(f"/partners/{partner_id}/contacts/new")
    assert page.status_code == 200 and "<html" in page.text
    response = client.post(f"/partners/{partner_id}/contacts/new", data={"csrf_token": auth.csrf(), **_contact_form("new-contact")})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/partners/{partner_id}#contacts"
    assert [c.name for c in _contacts(app, partner_id)] == ["Sarah Mitchell"]
    assert "Sarah Mitchell" in client.get(f"/partners/{partner_id}").text


def test_adding_a_contact_with_htmx_answers_204_and_the_section_reloads(app, client, auth, partner_id):
    auth.login()
    form = client.get(f"/partners/{partner_id}/contacts/new", headers={**HTMX, "HX-Target": "contact-new"})
    assert "<html" not in form.text and 'id="contact-new"' in form.text and "new-contact-name" in form.text
    response = client.post(f"/partners/{partner_id}/contacts/new", data=_contact_form("new-contact"),
                           headers={**HTMX, "HX-Target": "contact-new", "X-CSRFToken": auth.csrf()})
    assert response.status_code == 204 and response.headers["HX-Trigger"] == "contactsChanged"
    section = client.get(f"/partners/{partner_id}/contacts", headers={**HTMX, "HX-Target": "contacts"})
    assert section.text.lstrip().startswith("<section") and "Sarah Mitchell" in section.text


@pytest.mark.parametrize(("field", "value"), [("email", "not-an-address"), ("phone", "call me maybe"), ("phone", "12"), ("name", ""), ("name", "x" * 121)])
def test_an_invalid_contact_is_refused_with_422_and_the_form_again(app, client, auth, partner_id, field, value):
    auth.login()
    response = client.post(f"/partners/{partner_id}/contacts/new", data=_contact_form("new-contact", **{field: value}),
                           headers={**HTMX, "HX-Target": "contact-new", "X-CSRFToken": auth.csrf()})
    assert response.status_code == 422
    assert 'id="contact-new"' in response.text and "invalid-feedback" in response.text
    assert _contacts(app, partner_id) == []


def test_editing_inline_returns_the_row_form_and_a_stale_edit_answers_409(app, client, auth, factory, partner_id):
    contact_id = factory.contact(partner_id, name="Sarah Mitchell")
    auth.login()
    target = {**HTMX, "HX-Target": f"contact-{contact_id}"}
    form = client.get(f"/partners/{partner_id}/contacts/{contact_id}/edit", headers=target)
    assert form.text.lstrip().startswith(f'<li id="contact-{contact_id}"')
    data = {**_contact_form(f"contact-{contact_id}", position="Director"), f"contact-{contact_id}-version": "1",
            f"contact-{contact_id}-active": "y"}
    token = auth.csrf()
    assert client.post(f"/partners/{partner_id}/contacts/{contact_id}/edit", data=data, headers={**target, "X-CSRFToken": token}).status_code == 204
    stale = client.post(f"/partners/{partner_id}/contacts/{contact_id}/edit", data={**data, f"contact-{contact_id}-position": "Janitor"},
                        headers={**target, "X-CSRFToken": token})
    assert stale.status_code == 409
    [contact] = _contacts(app, partner_id)
    assert contact.position == "Director" and contact.version == 2
    row = client.get(f"/partners/{partner_id}/contacts/{contact_id}", headers=target)
    assert "Director" in row.text and "<html" not in row.text


def test_only_one_primary_contact_per_partner(app, client, auth, factory, partner_id):
    first = factory.contact(partner_id, name="Anna Berg", is_primary=True)
    auth.login()
    client.post(f"/partners/{partner_id}/contacts/new",
                data={"csrf_token": auth.csrf(), **_contact_form("new-contact", is_primary="y")})
    contacts = _contacts(app, partner_id)
    assert [(c.name, c.is_primary) for c in contacts] == [("Anna Berg", False), ("Sarah Mitchell", True)]
    assert contacts[0].id == first


def test_deactivating_and_reactivating_a_contact(app, client, auth, factory, partner_id):
    contact_id = factory.contact(partner_id, name="Sarah Mitchell", is_primary=True)
    auth.login()
    token = auth.csrf()
    response = client.post(f"/partners/{partner_id}/contacts/{contact_id}/deactivate", data={"version": "1"}, headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 204
    [contact] = _contacts(app, partner_id)
    assert not contact.active and not contact.is_primary
    assert "Left" in client.get(f"/partners/{partner_id}").text
    assert client.post(f"/partners/{partner_id}/contacts/{contact_id}/activate", data={"csrf_token": token, "version": "2"}).status_code == 303
    assert _contacts(app, partner_id)[0].active


def test_a_viewer_cannot_add_edit_deactivate_or_erase_and_nothing_changes(app, client, auth, factory, partner_id):
    contact_id = factory.contact(partner_id, name="Sarah Mitchell")
    auth.login(Role.VIEWER)
    token = auth.csrf()
    base = f"/partners/{partner_id}/contacts"
    assert client.post(f"{base}/new", data={"csrf_token": token, **_contact_form("new-contact")}).status_code == 403
    assert client.post(f"{base}/{contact_id}/edit", data={"csrf_token": token, **_contact_form(f"contact-{contact_id}", name="X")}).status_code == 403
    assert client.post(f"{base}/{contact_id}/deactivate", data={"csrf_token": token, "version": "1"}).status_code == 403
    assert client.post(f"{base}/{contact_id}/erase", data={"csrf_token": token, "version": "1"}).status_code == 403
    [contact] = _contacts(app, partner_id)
    assert contact.name == "Sarah Mitchell" and contact.active and contact.version == 1
    assert "Add contact" not in client.get(f"/partners/{partner_id}").text


def test_a_contact_of_another_partner_or_an_archived_partner_is_404(app, client, auth, factory, partner_id):
    other = factory.partner(name="Other", country="DE")
    contact_id = factory.contact(other, name="Somebody")
    auth.login()
    assert client.get(f"/partners/{partner_id}/contacts/{contact_id}/edit").status_code == 404
    from crm.partners.models import Partner

    with app.app_context():
        db.session.get(Partner, other).archive()
        db.session.commit()
    assert client.get(f"/partners/{other}/contacts/{contact_id}/edit").status_code == 404
    assert client.get(f"/partners/{other}/contacts/new").status_code == 404


def test_staff_cannot_erase_a_contact(client, auth, factory, partner_id):
    contact_id = factory.contact(partner_id)
    auth.login(Role.STAFF)
    assert client.get(f"/partners/{partner_id}/contacts/{contact_id}/erase").status_code == 403


def test_an_admin_erases_a_contact_and_the_person_is_gone_from_data_and_history(app, client, auth, factory, partner_id):
    contact_id = factory.contact(partner_id, name="Sarah Mitchell", email="s.mitchell@holmesglen.edu.au", phone="+61 3 9564 1555",
                                 notes="Prefers mornings")
    other_id = factory.contact(partner_id, name="Anna Berg")
    interaction_id = factory.interaction(partner_id, subject="Teacher training review")
    with app.app_context():
        interaction = db.session.get(Interaction, interaction_id)
        interaction.contacts = [db.session.get(Contact, contact_id), db.session.get(Contact, other_id)]
        db.session.commit()
        contact = db.session.get(Contact, contact_id)
        contact.position = "Manager"  # one more audited change
        db.session.commit()
    auth.login(Role.ADMIN)
    confirm = client.get(f"/partners/{partner_id}/contacts/{contact_id}/erase")
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.text
    response = client.post(f"/partners/{partner_id}/contacts/{contact_id}/erase", data={"csrf_token": auth.csrf(), "version": "2"})
    assert response.status_code == 303
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        assert contact.erased and str(contact) == "erased contact"
        assert all(getattr(contact, f) is None for f in ("email", "phone", "notes", "position"))
        rows = db.session.scalars(select(AuditEntry)).all()
        everything = " ".join(f"{row.old} {row.new}" for row in rows)
        assert "Sarah" not in everything and "mitchell" not in everything and "9564" not in everything
        participants = [row for row in rows if row.record_type == "interaction" and row.field == "contacts"]
        assert participants and all(ERASED_NAME in row.new and "Anna Berg" in row.new for row in participants)
        erasure = [row for row in rows if row.record_type == "contact" and row.record_id == contact_id]
        assert len(erasure) == 1 and erasure[0].new == ERASED_NAME
        names = [str(c) for c in db.session.get(Interaction, interaction_id).contacts]
        assert sorted(names) == ["Anna Berg", "erased contact"]
    page = client.get(f"/partners/{partner_id}").text
    assert "Sarah" not in page and "Anna Berg" in page
    assert client.get(f"/partners/{partner_id}/contacts/{contact_id}/edit").status_code == 404


def test_replace_name_in_list_replaces_whole_names_only():
    assert replace_name_in_list("Anna Berg, Jane Doe, Zoe Li", "Jane Doe") == f"Anna Berg, {ERASED_NAME}, Zoe Li"
    assert replace_name_in_list("Jane Doe", "Jane Doe") == ERASED_NAME
    assert replace_name_in_list("Jane Doerr, Li", "Jane Doe") == "Jane Doerr, Li"
    assert replace_name_in_list(None, "Jane Doe") is None


def test_a_contact_cannot_be_named_like_the_erased_marker(app, client, auth, partner_id):
    auth.login()
    response = client.post(f"/partners/{partner_id}/contacts/new", data={"csrf_token": auth.csrf(), **_contact_form("new-contact", name=ERASED_NAME)})
    assert response.status_code == 422


def test_contact_names_are_escaped(client, auth, factory, partner_id):
    factory.contact(partner_id, name='<script>alert("x")</script>', notes='<b hx-get="/x">bold</b>')
    auth.login()
    text = client.get(f"/partners/{partner_id}").text
    assert '<script>alert("x")</script>' not in text and '<b hx-get="/x">' not in text


def test_the_contacts_export_is_formula_safe_in_csv_and_xlsx(client, auth, factory, partner_id):
    factory.contact(partner_id, name="Wang Li 王丽", phone="+86 23 6865 1234", notes="=cmd|' /C calc'!A0")
    auth.login(Role.VIEWER)
    response = client.get(f"/partners/{partner_id}/contacts/export.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Contacts of Holmesglen Institute"
    data = rows[rows.index(next(r for r in rows if r and r[0] == "Name")) + 1:]
    assert data[0][0] == "Wang Li 王丽" and data[0][4] == "'+86 23 6865 1234" and data[0][-1].startswith("'=")
    workbook = load_workbook(io.BytesIO(client.get(f"/partners/{partner_id}/contacts/export.xlsx").data))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert "Wang Li 王丽" in [cell.value for cell in cells]
    assert not any(cell.data_type == "f" for cell in cells)


def test_an_erased_participant_shows_as_erased_contact_in_the_timeline(app, client, auth, factory):
    from crm.contacts.changes import erase_contact
    from crm.contacts.models import Contact
    from crm.interactions.models import Interaction

    auth.login(Role.STAFF)
    partner_id = factory.partner(name="Coleg y Cymoedd", country="GB")
    contact_id = factory.contact(partner_id, name="Gareth Jones")
    interaction_id = factory.interaction(partner_id, subject="Campus tour")
    with app.app_context():
        db.session.get(Interaction, interaction_id).contacts = [db.session.get(Contact, contact_id)]
        db.session.commit()
        assert "Gareth Jones" in client.get(f"/partners/{partner_id}").text
        erase_contact(db.session.get(Contact, contact_id))
        db.session.commit()
    page = client.get(f"/partners/{partner_id}").text
    assert "Gareth Jones" not in page
    assert "With: erased contact" in page


def test_erasing_a_contact_lists_the_texts_that_name_them_and_redacts_the_chosen_ones(app, client, auth, factory, partner_id):
    from crm.followups.models import FollowUp
    from crm.partners.models import Partner

    contact_id = factory.contact(partner_id, name="Sarah Mitchell")
    met = factory.interaction(partner_id, subject="Lunch with Sarah Mitchell", summary="sarah mitchell asked about the quota.")
    kept = factory.interaction(partner_id, subject="Call", summary="Sarah Mitchell will retire in June.")
    unrelated = factory.interaction(partner_id, subject="Sarah Mitchellson visit")  # another person
    follow_up = factory.follow_up(title="Send Sarah Mitchell the draft", interaction_id=met)
    with app.app_context():
        db.session.get(Partner, partner_id).notes = "Dean: Sarah Mitchell."
        db.session.commit()
    auth.login(Role.ADMIN)
    page = client.get(f"/partners/{partner_id}/contacts/{contact_id}/erase")
    assert page.status_code == 200
    for text in ("Lunch with Sarah Mitchell", "Send Sarah Mitchell the draft", "will retire in June", "Dean: Sarah Mitchell"):
        assert text in page.text
    assert "Mitchellson" not in page.text
    chosen = [f"interaction:{met}:subject", f"interaction:{met}:summary", f"follow_up:{follow_up}:title", f"partner:{partner_id}:notes"]
    response = client.post(
        f"/partners/{partner_id}/contacts/{contact_id}/erase",
        data={"csrf_token": auth.csrf(), "version": "1", "redact": chosen},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Interaction, met).subject == f"Lunch with {ERASED_NAME}"
        assert db.session.get(Interaction, met).summary == f"{ERASED_NAME} asked about the quota."
        assert db.session.get(FollowUp, follow_up).title == f"Send {ERASED_NAME} the draft"
        assert db.session.get(Partner, partner_id).notes == f"Dean: {ERASED_NAME}."
        assert db.session.get(Interaction, kept).summary == "Sarah Mitchell will retire in June."  # not ticked
        assert db.session.get(Interaction, unrelated).subject == "Sarah Mitchellson visit"
        redacted = {("interaction", met, "subject"), ("interaction", met, "summary"), ("follow_up", follow_up, "title"),
                    ("partner", partner_id, "notes")}
        history = [row for row in db.session.scalars(select(AuditEntry)) if (row.record_type, row.record_id, row.field) in redacted]
        assert history and not any("Sarah" in f"{row.old} {row.new}" for row in history)


def test_a_redaction_choice_outside_the_listed_texts_is_refused(app, client, auth, factory, partner_id):
    contact_id = factory.contact(partner_id, name="Sarah Mitchell")
    other = factory.interaction(partner_id, subject="Budget")
    auth.login(Role.ADMIN)
    response = client.post(
        f"/partners/{partner_id}/contacts/{contact_id}/erase",
        data={"csrf_token": auth.csrf(), "version": "1", "redact": [f"interaction:{other}:subject"]},
    )
    assert response.status_code == 422
    with app.app_context():
        assert not db.session.get(Contact, contact_id).erased


@pytest.mark.parametrize(("locale", "marker"), [("en", "[erased contact]"), ("zh_CN", "[已删除个人信息的联系人]")])
def test_the_erased_marker_shows_in_the_readers_language_on_every_page(app, client, auth, factory, partner_id, locale, marker):
    """The marker is stored as it is (data, the same in every language) and shown translated:
    in a redacted text, in the change history, and on the erase page that announces it."""
    contact_id = factory.contact(partner_id, name="Sarah Mitchell")
    factory.contact(partner_id, name="Anna Berg")
    met = factory.interaction(partner_id, subject="Lunch with Sarah Mitchell")
    with app.app_context():
        db.session.get(Interaction, met).contacts = [db.session.get(Contact, contact_id)]
        db.session.commit()
    auth.login(Role.ADMIN)
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": locale})
    client.post(f"/partners/{partner_id}/contacts/{contact_id}/erase",
                data={"csrf_token": auth.csrf(), "version": "1", "redact": [f"interaction:{met}:subject"]})
    with app.app_context():
        assert db.session.get(Interaction, met).subject == f"Lunch with {ERASED_NAME}"  # stored neutral
    timeline = client.get(f"/partners/{partner_id}").text
    assert f"Lunch with {marker}" in timeline
    history = client.get(f"/interactions/{met}").text  # the entry and its change history
    assert marker in history
    factory.interaction(partner_id, subject="Call Anna Berg")
    anna = next(c.id for c in _contacts(app, partner_id) if c.name == "Anna Berg")
    erase_page = client.get(f"/partners/{partner_id}/contacts/{anna}/erase").text
    assert f"“{marker}”" in erase_page
    if locale != "en":
        for page in (timeline, history, erase_page):
            assert "[erased contact]" not in page


def test_an_export_shows_the_erased_marker_in_the_readers_language(app):
    from flask_babel import force_locale

    from crm.core.export import safe_cell

    with app.test_request_context(), force_locale("zh_CN"):
        assert safe_cell(f"Lunch with {ERASED_NAME}") == "Lunch with [已删除个人信息的联系人]"
