"""Chinese and English: the login page follows the browser, then the user's own choice."""
from datetime import date

from crm.auth.models import Role, User
from crm.extensions import db


def test_the_login_page_follows_the_browser_language(client):
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).text


def test_the_login_page_language_can_be_chosen(client):
    assert "登录" in client.get("/login?lang=zh_CN", headers={"Accept-Language": "en"}).text
    assert "登录" in client.get("/login", headers={"Accept-Language": "en"}).text  # remembered


def test_the_chosen_language_is_remembered_for_the_user(app, client, auth):
    user = auth.login(Role.STAFF)
    assert "Partners" in client.get("/").text
    response = client.post("/language?next=/partners", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    assert response.status_code == 303 and response.headers["Location"] == "/partners"
    assert "合作伙伴" in client.get("/partners").text
    with app.app_context():
        assert db.session.get(User, user.id).locale == "zh_CN"
    other = app.test_client()  # another browser, English by default, same user
    from tests.conftest import PASSWORD, csrf_token_from

    token = csrf_token_from(other.get("/login", headers={"Accept-Language": "en"}).text)
    other.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert "合作伙伴" in other.get("/", headers={"Accept-Language": "en"}).text


def test_an_unknown_language_is_refused_without_change(app, client, auth):
    user = auth.login()
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": "xx"})
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"


def test_country_names_and_dates_show_in_the_users_language(app, client, auth, factory):
    user = auth.login()
    partner_id = factory.partner(name="EBG Germany", country="DE")
    factory.agreement([partner_id], valid_until=date(2027, 3, 31))
    assert "Germany" in client.get("/partners").text
    assert "31 Mar 2027" in client.get("/agreements").text
    with app.app_context():
        db.session.get(User, user.id).locale = "zh_CN"
        db.session.commit()
    assert "德国" in client.get("/partners").text
    assert "2027年3月31日" in client.get("/agreements").text


def test_labels_chosen_when_a_form_class_is_defined_follow_the_users_language(app, client, auth):
    # The partner list's bulk "Set status" choices are built per form, in the user's language.
    auth.login(Role.STAFF)
    client.post("/language?next=/partners", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    page = client.get("/partners").text
    assert ">潜在<" in page and ">Prospect<" not in page
    client.post("/language?next=/partners", data={"csrf_token": auth.csrf(), "locale": "en"})
    assert ">Prospect<" in client.get("/partners").text
