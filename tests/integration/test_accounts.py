"""security.md, "Accounts and sessions": each promise as a test."""
import pytest

from crm.auth.models import Role, User
from crm.config import Config
from crm.extensions import db
from tests.conftest import PASSWORD, csrf_token_from


def _login(client, email, password):
    token = csrf_token_from(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_password_is_stored_with_scrypt(app, make_user):
    # The testing configuration lowers scrypt's cost for speed; production's is werkzeug's.
    app.config["PASSWORD_HASH_METHOD"] = Config.PASSWORD_HASH_METHOD
    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:32768:8:1$")
    assert PASSWORD not in stored


def test_a_fresh_database_has_no_account(app):
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_long_passwords_are_accepted_and_never_truncated(app, client, make_user):
    user = make_user()
    long_password = "Ü" + "x" * 126 + "!"
    assert len(long_password) == 128
    with app.app_context():
        db.session.get(User, user.id).set_password(long_password)
        db.session.commit()
    assert _login(client, user.email, long_password[:-1]).status_code == 422
    assert _login(client, user.email, long_password).status_code == 303


def test_unknown_user_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user()
    unknown = _login(client, "nobody@cqipc.edu.cn", PASSWORD)
    wrong = _login(client, user.email, "not the password")
    assert unknown.status_code == wrong.status_code == 422
    assert "The e-mail or password is not right." in unknown.text
    assert "The e-mail or password is not right." in wrong.text


def test_login_is_rate_limited_per_account(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    user = make_user()
    for _ in range(3):
        assert _login(client, user.email, "wrong password").status_code == 422
    refused = _login(client, user.email, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_login_is_rate_limited_per_address(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "4 per 15 minutes"
    for n in range(4):
        assert _login(client, f"guess{n}@cqipc.edu.cn", "wrong password").status_code == 422
    refused = _login(client, "another@cqipc.edu.cn", "wrong password")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_successful_logins_do_not_count_against_the_limit(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    user = make_user()
    for _ in range(4):
        assert _login(client, user.email, PASSWORD).status_code == 303
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").text)})


def test_session_cookie_changes_at_login_and_is_httponly_lax(client, make_user):
    user = make_user()
    client.get("/login")
    before = client.get_cookie("session").value
    response = _login(client, user.email, PASSWORD)
    after = client.get_cookie("session").value
    assert before != after
    cookie_header = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie_header
    assert "SameSite=Lax" in cookie_header
    assert "Secure" not in cookie_header  # tests run over plain HTTP


def test_session_cookie_is_secure_when_configured(app, client, make_user):
    app.config["SESSION_COOKIE_SECURE"] = True
    user = make_user()
    response = _login(client, user.email, PASSWORD)
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.fixture
def two_sessions(app, make_user):
    user = make_user(Role.ADMIN)
    first, second = app.test_client(), app.test_client()
    assert _login(first, user.email, PASSWORD).status_code == 303
    assert _login(second, user.email, PASSWORD).status_code == 303
    return user, first, second


def test_logout_ends_every_session_of_the_user(two_sessions):
    user, first, second = two_sessions
    first.post("/logout", data={"csrf_token": csrf_token_from(first.get("/").text)})
    assert first.get("/").status_code == 303
    assert second.get("/").status_code == 303


def test_deactivation_ends_every_session_of_the_user(app, two_sessions):
    user, first, second = two_sessions
    with app.app_context():
        from crm.auth.accounts import deactivate

        deactivate(db.session.get(User, user.id))
        db.session.commit()
    assert first.get("/").status_code == 303
    assert second.get("/").status_code == 303
    assert _login(first, user.email, PASSWORD).status_code == 422


def test_password_change_ends_other_sessions_and_keeps_this_one(two_sessions):
    user, first, second = two_sessions
    token = csrf_token_from(first.get("/account").text)
    response = first.post(
        "/account",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 303
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 303


@pytest.mark.parametrize(
    "password", ["short", "password123", "12345678", "aaaaaaaaaaaa", "x" * 129]
)
def test_weak_or_oversized_new_passwords_are_refused(client, auth, password):
    auth.login()
    token = auth.csrf("/account")
    response = client.post("/account", data={"csrf_token": token, "current_password": PASSWORD, "new_password": password})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "next_url",
    ["//evil.example", "https://evil.example", "/\\evil.example", "\\\\\\evil.example", "javascript:alert(1)",
     "http:evil.example", "/\r\nSet-Cookie:x=1", " //evil.example", "/\t/evil.example"],
)
def test_next_after_login_never_leaves_the_site(client, make_user, next_url):
    user = make_user()
    page = client.get("/login", query_string={"next": next_url})
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token_from(page.text)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_next_after_login_leads_to_a_local_path(client, make_user):
    user = make_user()
    page = client.get("/login?next=/partners%3Fcountry%3DDE")
    response = client.post(
        "/login?next=/partners%3Fcountry%3DDE",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token_from(page.text)},
    )
    assert response.headers["Location"] == "/partners?country=DE"


def test_logins_are_logged_without_the_password(client, make_user, caplog):
    user = make_user()
    _login(client, user.email, "wrong-password-123")
    _login(client, user.email, PASSWORD)
    text = caplog.text
    assert "login failed" in text and "login ok" in text
    assert PASSWORD not in text and "wrong-password-123" not in text


def test_a_typed_value_cannot_forge_a_log_line(client, caplog):
    _login(client, "x@y.cn\nINFO login ok: admin@cqipc.edu.cn", "whatever1")
    lines = [r.getMessage() for r in caplog.records if "login failed" in r.getMessage()]
    assert lines and all("\n" not in line for line in lines)


def test_failed_logins_are_counted_per_account_in_the_database_shared_by_every_worker(app, client, make_user):
    """Each worker has its own Flask-Limiter memory; the per-account count lives in the database,
    so a worker that has never seen the account (a fresh limiter) refuses it too."""
    from crm.auth.models import FailedLogin
    from crm.extensions import limiter

    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    user = make_user()
    for _ in range(3):
        assert _login(client, user.email.upper(), "wrong password").status_code == 422
        limiter.reset()  # the next attempt reaches another worker
    with app.app_context():
        assert db.session.query(FailedLogin).filter_by(account=user.email).count() == 3
    refused = _login(client, user.email, PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


def test_an_account_is_locked_for_the_window_only(app, client, make_user):
    from datetime import timedelta

    from crm.auth.lockout import record_failure, seconds_locked
    from crm.core.models import utcnow

    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    user = make_user()
    long_ago = utcnow() - timedelta(minutes=14)
    with app.app_context():
        record_failure(user.email, "10.0.0.1", now=long_ago)
        record_failure(user.email, "10.0.0.2", now=long_ago + timedelta(minutes=1))
        assert 0 < seconds_locked(user.email) <= 60
        assert seconds_locked("someone.else@cqipc.edu.cn") == 0
        assert seconds_locked(user.email, now=long_ago + timedelta(minutes=15, seconds=1)) == 0
    assert _login(client, user.email, PASSWORD).status_code == 429
