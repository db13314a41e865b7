"""Every insert, update and delete of a domain record leaves audit entries, from one hook."""
from crm.audit.models import AuditAction, AuditEntry
from crm.audit.recorder import acting_as
from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind, Tag


def _entries(record_type, record_id):
    return db.session.query(AuditEntry).filter_by(record_type=record_type, record_id=record_id).order_by(AuditEntry.id).all()


def test_insert_update_and_delete_are_recorded_with_who_and_what(app, make_user):
    user = make_user(Role.STAFF)
    with app.app_context(), acting_as(user.id):
        partner = Partner(name="Hiroshima University", local_name="広島大学", kind=PartnerKind.UNIVERSITY, country="JP")
        db.session.add(partner)
        db.session.commit()
        created = _entries("partner", partner.id)
        assert created[0].action == AuditAction.INSERT and created[0].field is None
        assert {(e.field, e.new) for e in created} >= {("name", "Hiroshima University"), ("country", "JP"), ("kind", "university")}
        assert all(e.user_id == user.id for e in created)

        partner.city = "Higashi-Hiroshima"
        partner.tags = [Tag(name="Japan")]
        db.session.commit()
        changed = [e for e in _entries("partner", partner.id) if e.action == AuditAction.UPDATE]
        assert {(e.field, e.old, e.new) for e in changed} == {("city", None, "Higashi-Hiroshima"), ("tags", None, "Japan")}

        contact = Contact(partner=partner, name="Sato Yuki")
        db.session.add(contact)
        db.session.commit()
        db.session.delete(contact)
        db.session.commit()
        deleted = [e for e in _entries("contact", contact.id) if e.action == AuditAction.DELETE]
        assert len(deleted) == 1 and deleted[0].old == "Sato Yuki"


def test_secrets_are_never_written_to_the_audit(app, make_user):
    user = make_user()
    with app.app_context():
        from crm.auth.models import User

        db.session.get(User, user.id).set_password("another long passphrase")
        db.session.commit()
        values = [(e.old or "") + (e.new or "") for e in _entries("user", user.id)]
        assert not any("scrypt" in value for value in values)


def test_a_write_through_the_web_is_attributed_to_the_logged_in_user(app, client, auth):
    user = auth.login(Role.STAFF)
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(record_type="user", field="locale", action="update").one()
        assert entry.user_id == user.id and entry.new == "zh_CN"


def test_the_partner_page_shows_its_history(app, client, auth, factory):
    auth.login()
    partner_id = factory.partner(name="Ivy Tech Community College", country="US")
    page = client.get(f"/partners/{partner_id}").text
    assert "Change history" in page and "Ivy Tech Community College" in page


def test_history_names_users_instead_of_their_ids(app, client, auth, factory, make_user):
    auth.login()
    owner = make_user(name="Zhang Min")
    partner_id = factory.partner(owner_id=owner.id)
    page = client.get(f"/partners/{partner_id}").text
    history = page[page.index("Change history"):]
    assert "Zhang Min" in history
