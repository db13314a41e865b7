"""A live server on loopback over a temporary SQLite file, driven by the system's Chromium."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from crm import create_app
from crm.auth.accounts import create_user
from crm.auth.models import Role
from crm.extensions import db, limiter
from tests.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUIET_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM is None and os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError("REQUIRE_BROWSER is set but the system's chromium is not installed")
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="the system's chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": QUIET_FLAGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
        }
    )
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_db(live_app):
    """A fresh schema for each browser test."""
    with live_app.app_context():
        db.drop_all()
        db.create_all()
    limiter.reset()
    yield live_app
    with live_app.app_context():
        db.session.remove()


@pytest.fixture
def live_user(live_db):
    def make(role: Role = Role.STAFF, email: str = "li.wei@cqipc.edu.cn", name: str = "Li Wei", locale: str = "en"):
        with live_db.app_context():
            user = create_user(email, name, role, PASSWORD, locale)
            db.session.commit()
            return {"email": user.email, "name": user.name, "id": user.id}

    return make


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB"}


def log_in(page, live_server, user: dict):
    """Log `user` in on `page` by the form's field names: works in any language and without
    JavaScript (a context of its own, e.g. `browser.new_context(java_script_enabled=False)`)."""
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(user["email"])
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/")


@pytest.fixture
def login(page, live_server):
    def log_in(user: dict):
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail").fill(user["email"])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server}/")

    return log_in


@pytest.fixture
def open_menu(page):
    """`open_menu("Contact")` opens a main menu (a <details> drop-down) by its visible name and
    returns the main navigation, for the link inside."""
    def open_(name: str):
        navigation = page.get_by_role("banner").get_by_role("navigation")
        navigation.locator(".app-nav-links summary", has_text=name).click()
        return navigation
    return open_
