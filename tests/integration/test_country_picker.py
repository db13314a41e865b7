"""Issue 13 item 6: the country select on the forms that create a partner is a picker that
works without JavaScript: a select, the office's frequent countries first, options carrying
what typing may match (pinyin, code)."""
import re


def _country_select(html: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)


def test_the_partner_form_offers_the_frequent_countries_first(client, auth, factory):
    for n in range(3):
        factory.partner(name=f"German {n}", country="DE")
    factory.partner(name="Aussie", country="AU")
    auth.login()
    select = _country_select(client.get("/partners/new").text, "country")
    assert "data-country-picker" in select
    frequent = re.search(r'<optgroup label="Frequent">(.*?)</optgroup>', select, re.S).group(1)
    assert re.findall(r'value="([A-Z]{2})"', frequent) == ["DE", "AU"]
    rest = select.split("</optgroup>", 1)[1]
    assert 'value="DE"' not in rest and 'value="FR"' in rest


def test_the_options_carry_pinyin_and_the_code_in_chinese(client, auth, make_user):
    from crm.auth.models import Role

    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    select = _country_select(client.get("/partners/new").text, "country")
    germany = re.search(r'<option data-search="([^"]*)" value="DE">德国</option>', select)
    assert germany and "deguo" in germany.group(1) and "| dg" in germany.group(1)
    assert ">中国台湾<" in select and ">台湾<" not in select


def test_the_new_proposal_form_uses_the_same_country_picker(client, auth, factory):
    factory.partner(name="German", country="DE")
    auth.login()
    select = _country_select(client.get("/proposals/new").text, "new_country")
    assert "data-country-picker" in select and '<optgroup label="Frequent">' in select


def test_everywhere_a_country_is_shown_it_follows_the_prc_convention(client, auth, factory):
    partner = factory.partner(name="National Taiwan University", country="TW")
    auth.login()
    assert "Taiwan, China" in client.get(f"/partners/{partner}").text
    assert "Taiwan, China" in client.get("/partners/countries").text
