"""/admin/users: list, create, deactivate, change roles; stale edits answer 409."""
from crm.audit.models import AuditEntry
from crm.auth.models import Role, User
from crm.extensions import db
from tests.conftest import PASSWORD, csrf_token_from


def _new_user_data(token, **overrides):
    data = {"csrf_token": token, "name": "Zhao Lei", "email": "Zhao.Lei@cqipc.edu.cn", "role": "staff",
            "locale": "zh_CN", "password": "pear tree in spring"}
    return data | overrides


def test_admin_creates_a_user_who_can_then_log_in(app, client, auth):
    auth.login(Role.ADMIN)
    response = client.post("/admin/users", data=_new_user_data(auth.csrf("/admin/users")))
    assert response.status_code == 303
    assert "Zhao Lei" in client.get("/admin/users").text
    other = app.test_client()
    token = csrf_token_from(other.get("/login").text)
    login = other.post("/login", data={"email": "zhao.lei@cqipc.edu.cn", "password": "pear tree in spring", "csrf_token": token})
    assert login.status_code == 303


def test_creating_a_user_with_a_taken_email_or_weak_password_answers_422(app, client, auth):
    admin = auth.login(Role.ADMIN)
    token = auth.csrf("/admin/users")
    taken = client.post("/admin/users", data=_new_user_data(token, email=admin.email.upper()))
    assert taken.status_code == 422 and "already exists" in taken.text
    weak = client.post("/admin/users", data=_new_user_data(token, password="password"))
    assert weak.status_code == 422
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_extra_form_fields_are_ignored(app, client, auth, make_user):
    auth.login(Role.ADMIN)
    target = make_user(Role.VIEWER)
    token = auth.csrf()
    response = client.post(
        f"/admin/users/{target.id}",
        data={"csrf_token": token, "name": "Renamed", "role": "viewer", "active": "y", "version": "1",
              "email": "hijack@evil.example", "id": "999", "session_token": "x", "password_hash": "x",
              "created_at": "2000-01-01"},
    )
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(User, target.id)
        assert user.name == "Renamed"
        assert user.email == target.email
        assert user.id == target.id
        assert user.session_token == target.session_token


def test_admin_changes_a_role_and_the_change_is_audited(app, client, auth, make_user):
    admin = auth.login(Role.ADMIN)
    target = make_user(Role.VIEWER)
    token = auth.csrf()
    client.post(f"/admin/users/{target.id}", data={"csrf_token": token, "name": target.name, "role": "staff", "active": "y", "version": "1"})
    with app.app_context():
        assert db.session.get(User, target.id).role == Role.STAFF
        entry = db.session.query(AuditEntry).filter_by(record_type="user", record_id=target.id, field="role", action="update").one()
        assert (entry.old, entry.new, entry.user_id) == ("viewer", "staff", admin.id)
    page = client.get(f"/admin/users/{target.id}").text
    assert "Change history" in page and "viewer" in page


def test_a_stale_edit_answers_409_with_both_versions_and_overwrites_nothing(app, client, auth, make_user):
    auth.login(Role.ADMIN)
    target = make_user(Role.VIEWER, name="Original Name")
    token = auth.csrf()
    first = client.post(f"/admin/users/{target.id}", data={"csrf_token": token, "name": "First Edit", "role": "viewer", "active": "y", "version": "1"})
    assert first.status_code == 303
    stale = client.post(f"/admin/users/{target.id}", data={"csrf_token": token, "name": "Stale Edit", "role": "admin", "active": "y", "version": "1"})
    assert stale.status_code == 409
    assert "Stale Edit" in stale.text and "First Edit" in stale.text
    with app.app_context():
        user = db.session.get(User, target.id)
        assert (user.name, user.role, user.version) == ("First Edit", Role.VIEWER, 2)


def test_deactivating_a_user_ends_their_sessions(app, client, auth, make_user):
    auth.login(Role.ADMIN)
    target = make_user(Role.STAFF)
    their_client = app.test_client()
    token = csrf_token_from(their_client.get("/login").text)
    their_client.post("/login", data={"email": target.email, "password": PASSWORD, "csrf_token": token})
    assert their_client.get("/").status_code == 200
    client.post(f"/admin/users/{target.id}", data={"csrf_token": auth.csrf(), "name": target.name, "role": "staff", "version": "1"})
    assert their_client.get("/").status_code == 303


def test_the_last_admin_cannot_demote_themselves(app, client, auth):
    admin = auth.login(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data={"csrf_token": auth.csrf(), "name": admin.name, "role": "staff", "active": "y", "version": "1"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, admin.id).role == Role.ADMIN


def test_names_typed_by_users_are_escaped(app, client, auth):
    auth.login(Role.ADMIN)
    client.post("/admin/users", data=_new_user_data(auth.csrf("/admin/users"), name='<img src=x onerror=alert(1)> hx-get="/x"'))
    page = client.get("/admin/users").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def _school(app, name_zh="机械工程学院", name_en="School of Mechanical Engineering"):
    from crm.schools.models import School

    with app.app_context():
        school = School(name_zh=name_zh, name_en=name_en)
        db.session.add(school)
        db.session.commit()
        return school.id


def test_a_liaison_is_created_with_their_school_and_never_without(app, client, auth):
    """A liaison made without a school met a bare 403 on every outcome page until an admin edited
    them again: the new-user form asks for the school and requires it for a liaison."""
    school_id = _school(app)
    auth.login(Role.ADMIN)
    token = auth.csrf("/admin/users")
    assert 'name="school_id"' in client.get("/admin/users").text
    missing = client.post("/admin/users", data=_new_user_data(token, role="liaison"))
    assert missing.status_code == 422 and "A school liaison needs their school." in missing.text
    made = client.post("/admin/users", data=_new_user_data(token, role="liaison", school_id=str(school_id)))
    assert made.status_code == 303
    staff = client.post("/admin/users", data=_new_user_data(token, email="qian@cqipc.edu.cn", school_id=str(school_id)))
    assert staff.status_code == 303
    with app.app_context():
        assert db.session.query(User).filter_by(email="zhao.lei@cqipc.edu.cn").one().school_id == school_id
        assert db.session.query(User).filter_by(email="qian@cqipc.edu.cn").one().school_id is None
