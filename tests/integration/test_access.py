"""Every route but /login, /static, /healthz, /favicon.ico and the calendar feed needs a login; roles are enforced on the server."""
import pytest

from crm import create_app
from crm.auth.models import Role, User
from crm.extensions import db

PUBLIC = {"auth.login", "static", "health.healthz", "health.favicon", "calendar.feed"}


def _all_endpoints():
    app = create_app({"ENV_NAME": "testing"})
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        args = {name: 1 for name in rule.arguments}
        path = _build(app, rule, args)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(method, path, id=f"{method} {rule.rule}")


def _build(app, rule, args):
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **args)


@pytest.mark.parametrize(("method", "path"), list(_all_endpoints()))
def test_logged_out_request_is_sent_to_login(client, method, path):
    response = client.open(path, method=method)
    if method == "GET":
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/login?next=")
    else:
        # A state change without a session fails the CSRF check before anything else.
        assert response.status_code in (303, 400)


@pytest.mark.parametrize(("method", "path"), list(_all_endpoints()))
def test_logged_out_htmx_request_gets_hx_redirect(client, method, path):
    response = client.open(path, method=method, headers={"HX-Request": "true"})
    if method == "GET":
        assert response.status_code == 401
        assert response.headers["HX-Redirect"].startswith("/login?next=")
        assert b"<html" not in response.data
    else:
        assert response.status_code in (400, 401)


def test_login_health_and_static_need_no_login(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER])
def test_admin_pages_are_refused_to_other_roles(client, auth, role):
    auth.login(role)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/1").status_code == 403


def test_viewer_cannot_create_a_user_and_nothing_changes(app, client, auth):
    auth.login(Role.VIEWER)
    token = auth.csrf()
    response = client.post(
        "/admin/users",
        data={"csrf_token": token, "name": "Mallory", "email": "mallory@example.org", "role": "admin",
              "locale": "en", "password": "a-long-unusual-passphrase"},
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.query(User).filter_by(email="mallory@example.org").count() == 0


def test_staff_cannot_promote_themselves(app, client, auth):
    user = auth.login(Role.STAFF)
    token = auth.csrf()
    response = client.post(
        f"/admin/users/{user.id}",
        data={"csrf_token": token, "name": user.name, "role": "admin", "active": "y", "version": "1"},
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, user.id).role == Role.STAFF


def test_get_never_changes_anything(app, client, auth):
    auth.login(Role.ADMIN)
    with app.app_context():
        from crm.audit.models import AuditEntry

        before = db.session.query(AuditEntry).count()
    for path in ["/", "/partners", "/agreements", "/history", "/follow-ups", "/proposals", "/admin/users", "/account"]:
        assert client.get(path).status_code == 200
    with app.app_context():
        assert db.session.query(AuditEntry).count() == before
