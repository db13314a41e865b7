"""The glossary's words, one date format per locale, and the office's configurable name."""
import re
from datetime import UTC, date, datetime

import pytest

from crm.auth.models import Role
from crm.core.templating import local_date, local_datetime
from crm.extensions import db

LIST_PAGES = ["/partners", "/agreements", "/proposals?view=list", "/history", "/follow-ups"]


@pytest.mark.parametrize(
    ("locale", "day", "moment"),
    [("en", "30 Nov 2026", "30 Nov 2026, 11:00"), ("zh_CN", "2026年11月30日", "2026年11月30日 11:00")],
)
def test_one_format_per_locale_for_dates_and_one_for_date_times(app, locale, day, moment):
    with app.test_request_context(headers={"Accept-Language": locale.replace("_", "-")}):
        assert local_date(date(2026, 11, 30)) == day
        assert local_date(datetime(2026, 11, 30, 3, 0)) == day  # UTC 03:00 is 11:00 in Chongqing
        assert local_datetime(datetime(2026, 11, 30, 3, 0)) == moment
        assert local_datetime(datetime(2026, 11, 30, 3, 0, tzinfo=UTC)) == moment


@pytest.mark.parametrize(("lang", "name"), [("en", "Department of International Affairs"), ("zh_CN", "国际交流与合作处")])
def test_the_login_page_names_the_office(client, lang, name):
    page = client.get(f"/login?lang={lang}").text
    assert name in page
    assert "国际合作与交流处" not in page


def test_the_office_name_is_configurable(app, client):
    app.config.update(OFFICE_NAME="Office of Global Engagement", OFFICE_NAME_ZH="国际处")
    assert "Office of Global Engagement" in client.get("/login?lang=en").text
    assert "国际处" in client.get("/login?lang=zh_CN").text


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_every_list_page_names_its_apply_filters_button_the_same(client, auth, make_user, factory, locale):
    auth.login(user=make_user(Role.STAFF, locale=locale))
    factory.partner()
    expected = {"en": "Apply", "zh_CN": "筛选"}[locale]
    for path in LIST_PAGES:
        page = client.get(path).text
        buttons = re.findall(r'<form[^>]*method="get"[^>]*>(.*?)</form>', page, re.S)
        submits = [re.sub(r"<[^>]+>|\s+", "", b) for form in buttons
                   for b in re.findall(r'<(?:button|input)[^>]*type="submit"[^>]*>(?:.*?</button>)?', form, re.S)]
        labels = {re.search(r'value="([^"]*)"', s).group(1) if s.startswith("<input") else s for s in submits}
        labels = {re.sub(r"<[^>]+>", "", label) for label in labels} - {"Search", "搜索"}
        assert labels <= {expected}, (path, labels)
    assert "应用筛选" not in page and "Apply filters" not in page


def test_the_chinese_ui_uses_the_glossary_words(app, client, auth, make_user, factory):
    admin = auth.login(user=make_user(Role.ADMIN, locale="zh_CN"))
    partner_id = factory.partner()
    contact_id = factory.contact(partner_id, name="王丽")
    agreement_id = factory.agreement([partner_id])
    partner_page = client.get(f"/partners/{partner_id}").text
    assert "删除个人信息" in partner_page and "清除" not in partner_page
    contact_form = client.get(f"/partners/{partner_id}/contacts/{contact_id}/edit").text
    assert "姓名" in contact_form
    assert "续签决定截止日" in client.get(f"/agreements/{agreement_id}").text
    agreements = client.get("/agreements").text
    assert "重置筛选" in agreements and "处理截止" not in agreements
    assert "姓名" in client.get("/admin/users").text
