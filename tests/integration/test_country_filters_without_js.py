"""Without JavaScript (no type-to-filter country picker), every list's country filter still
works in both languages: the partner list's text box offers the countries in the reader's
language (a datalist) and takes any of them; the history's and the proposals' selects list the
countries by their names in the reader's language, in its order (pinyin for Chinese: 澳大利亚
before 德国 before 英国 before 中国), by the one rule crm.core.i18n.country_choices_among."""
import re

import pytest

from crm.auth.models import Role

COUNTRIES = {"AU": ("Australia", "澳大利亚"), "DE": ("Germany", "德国"), "GB": ("United Kingdom", "英国"),
             "CN": ("China", "中国")}
ORDER = {"en": ["AU", "CN", "DE", "GB"], "zh_CN": ["AU", "DE", "GB", "CN"]}  # by name; by pinyin


@pytest.fixture
def office(factory):
    partners = {code: factory.partner(name=f"Partner in {names[0]}", country=code) for code, names in COUNTRIES.items()}
    for partner in partners.values():
        factory.interaction(partner)
        factory.proposal(partner)
    return partners


def _in_language(client, auth, locale):
    auth.login(Role.ADMIN)
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": locale})


def _select_options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [value for value in re.findall(r'<option[^>]*value="([^"]*)"', select) if value]


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_partner_lists_country_box_offers_the_readers_names_and_takes_each(client, auth, office, locale):
    _in_language(client, auth, locale)
    page = client.get("/partners").text
    offered = re.findall(r'<option value="([^"]*)">', re.search(r'<datalist id="country-names">(.*?)</datalist>', page).group(1))
    names = {code: pair[0 if locale == "en" else 1] for code, pair in COUNTRIES.items()}
    assert sorted(offered) == sorted(names.values())
    for code, name in names.items():  # the form posts what was typed or picked: a GET without JavaScript
        listed = client.get("/partners", query_string={"country": name}).text
        assert f"Partner in {COUNTRIES[code][0]}" in listed
        assert all(f"Partner in {COUNTRIES[other][0]}" not in listed for other in COUNTRIES if other != code)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize(("path", "select_id"), [("/history", "country"), ("/proposals?view=list", "country")])
def test_a_country_select_lists_the_readers_names_in_the_readers_order_and_filters(client, auth, office, locale, path, select_id):
    _in_language(client, auth, locale)
    page = client.get(path).text
    assert _select_options(page, select_id) == ORDER[locale]
    name = COUNTRIES["DE"][0 if locale == "en" else 1]
    assert f">{name}</option>" in page
    separator = "&" if "?" in path else "?"
    filtered = client.get(f"{path}{separator}country=DE")
    assert filtered.status_code == 200
    assert "Partner in Germany" in filtered.text and "Partner in Australia" not in filtered.text
