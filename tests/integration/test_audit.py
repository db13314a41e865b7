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
    page = client.get(f"/partners/{partner_id}/work").text  # the partner page's lower block, as a page
    assert "Change history" in page and "Ivy Tech Community College" in page


def test_history_names_users_instead_of_their_ids(app, client, auth, factory, make_user):
    auth.login()
    owner = make_user(name="Zhang Min")
    partner_id = factory.partner(owner_id=owner.id)
    page = client.get(f"/partners/{partner_id}/work").text  # the partner page's lower block, as a page
    history = page[page.index("Change history"):]
    assert "Zhang Min" in history


def _history_cells(page: str) -> str:
    return page[page.index("history-heading"):]


def test_history_shows_translated_labels_names_of_linked_records_and_local_dates(app, client, auth, factory, make_user):
    from datetime import date

    from crm.agreements.models import Agreement
    from crm.contacts.models import Contact as ContactModel

    user = auth.login(Role.STAFF, user=make_user(Role.STAFF, locale="zh_CN"))
    old_home = factory.partner(name="Holmesglen Institute")
    new_home = factory.partner(name="Box Hill Institute")
    framework = factory.agreement([old_home], title="Framework with Holmesglen")
    agreement_id = factory.agreement([old_home], title="Nursing exchange", valid_until=date(2027, 3, 31))
    contact_id = factory.contact(old_home, name="Sarah Mitchell")
    with app.app_context(), acting_as(user.id):
        partner = db.session.get(Partner, old_home)
        partner.kind = PartnerKind.COMPANY
        agreement = db.session.get(Agreement, agreement_id)
        agreement.parent_id = framework
        agreement.valid_until = date(2028, 3, 31)
        db.session.get(ContactModel, contact_id).partner_id = new_home
        db.session.commit()

    partner_history = _history_cells(client.get(f"/partners/{old_home}/work").text)
    assert "职业院校 / TAFE 学院" in partner_history and "企业" in partner_history
    assert "vocational" not in partner_history and "company" not in partner_history

    agreement_history = _history_cells(client.get(f"/agreements/{agreement_id}").text)
    assert "Framework with Holmesglen" in agreement_history
    assert f">{framework}<" not in agreement_history.replace(" ", "")
    assert "2028年3月31日" in agreement_history and "2027年3月31日" in agreement_history
    assert "2028-03-31" not in agreement_history


def test_history_is_read_in_a_fixed_number_of_statements(app, client, auth, factory, make_user, count_statements):
    from crm.audit.queries import record_history

    user = make_user(Role.STAFF)
    partners = [factory.partner(name=f"Partner {n}") for n in range(6)]
    owners = [make_user(Role.STAFF, name=f"Owner {n}") for n in range(6)]
    with app.app_context(), acting_as(user.id):
        partner = db.session.get(Partner, partners[0])
        for owner in owners:
            partner.owner_id = owner.id
            db.session.commit()
        with count_statements() as counter:
            lines = record_history(partner)
            text = " ".join(f"{line.old} {line.new}" for line in lines)
    assert "Owner 5" in text and "Owner 0" in text
    assert counter.count <= 4


def test_an_experts_nationality_reads_as_a_country_in_its_history(app, client, auth, make_user):
    """It read "US": an ISO code, where a partner's country reads as its name."""
    from crm.experts.models import Expert

    user = auth.login(Role.STAFF, user=make_user(Role.STAFF, locale="zh_CN"))
    with app.app_context(), acting_as(user.id):
        expert = Expert(name="Robert Miller", nationality="US")
        db.session.add(expert)
        db.session.commit()
        expert_id = expert.id
    history = _history_cells(client.get(f"/experts/{expert_id}").text)
    assert "美国" in history and ">US<" not in history.replace(" ", "")
    # a person: 姓名 (not an institution's 名称); their local name is the form's 中文名
    with app.app_context(), acting_as(user.id):
        db.session.get(Expert, expert_id).local_name = "罗伯特·米勒"
        db.session.commit()
    history = _history_cells(client.get(f"/experts/{expert_id}").text)
    assert "姓名" in history and "名称" not in history and "中文名" in history
