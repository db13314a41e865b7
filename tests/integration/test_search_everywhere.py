"""Issue 10 item 3: one search rule for partners, in the list, in every picker, in the history
filter and in the quick search: DE, de, Deutschland, 德国 and Germany find the German partners."""
import re

import pytest

from crm.auth.models import Role
from crm.partners.models import PartnerKind

GERMAN = ["BMW AG", "EBG Germany", "Hochschule Darmstadt"]
RESULTS = {"HX-Request": "true", "HX-Target": "partner-results"}
COUNTRY_WORDS = ["DE", "de", "Deutschland", "德国", "Germany"]


@pytest.fixture
def office(factory):
    """Three German partners (BMW AG has no "de" anywhere in its names); others whose names,
    city or contacts contain "de" or 德."""
    ids = {
        "bmw": factory.partner(name="BMW AG", country="DE", city="München", kind=PartnerKind.COMPANY),
        "ebg": factory.partner(name="EBG Germany", local_name="Europäisches Bildungswerk", country="DE"),
        "darmstadt": factory.partner(name="Hochschule Darmstadt", country="DE"),
        "hanoi": factory.partner(name="Hanoi Academy of Design", country="VN", city="Hanoi"),
        "hiroshima": factory.partner(name="Hiroshima University", country="JP"),
        "dezhou": factory.partner(name="Dezhou University", local_name="德州学院", country="CN", city="德州"),
        "deakin": factory.partner(name="Deakin University", short_name="DU", country="AU"),
    }
    factory.contact(ids["hiroshima"], name="Kenji Ueda", email="k.ueda@partner.de")
    return ids


def _list_names(client, **args) -> list[str]:
    html = client.get("/partners", query_string=args, headers=RESULTS).text
    return sorted(re.findall(r'<a href="/partners/\d+">([^<]+)</a>', html))


def _picker_names(html: str) -> list[str]:
    return sorted(re.findall(r'<label class="form-check-label" for="partner-option-\d+">([^<]*)</label>', html))


@pytest.mark.parametrize("term", COUNTRY_WORDS)
def test_the_partner_list_finds_the_german_partners_by_code_or_name_in_any_language(client, auth, office, term):
    auth.login()
    names = _list_names(client, q=term)
    assert set(GERMAN) <= set(names)
    assert "Hanoi Academy of Design" not in names and "Hiroshima University" not in names


def test_q_de_and_country_de_list_the_same_partners(client, auth, office):
    auth.login()
    assert _list_names(client, country="DE") == GERMAN
    assert _list_names(client, q="DE") == GERMAN
    assert _list_names(client, q="de") == GERMAN


def test_a_country_code_also_finds_a_partner_whose_short_name_is_exactly_it(client, auth, office, factory):
    factory.partner(name="Dunărea de Jos University", short_name="DE", country="RO")
    auth.login()
    assert _list_names(client, q="DE") == sorted(GERMAN + ["Dunărea de Jos University"])


def test_one_chinese_character_finds_names_containing_it(client, auth, office):
    auth.login()
    assert _list_names(client, q="德") == ["Dezhou University"]
    assert _list_names(client, q="德国") == GERMAN


def test_two_letters_that_are_no_country_code_are_searched_as_text(client, auth, office):
    auth.login()
    # DU is no country code: the short name DU, and "du" inside "Bildungswerk"
    assert _list_names(client, q="du") == ["Deakin University", "EBG Germany"]


def test_a_country_word_and_a_text_word_together_narrow_the_search(client, auth, office):
    auth.login()
    assert _list_names(client, q="德国 hochschule") == ["Hochschule Darmstadt"]


def test_the_search_help_says_how_two_letter_codes_are_read(client, auth, office):
    auth.login()
    page = client.get("/partners").text
    assert "A two-letter country code" in page


@pytest.mark.parametrize("term", COUNTRY_WORDS)
def test_the_agreement_forms_picker_finds_the_german_partners_without_javascript(client, auth, office, term):
    auth.login()
    response = client.post(
        "/agreements/new", data={"csrf_token": auth.csrf("/agreements/new"), "title": "x", "kind": "mou",
                                 "partner_q": term, "find_partners": "1"},
    )
    assert response.status_code == 200
    assert _picker_names(response.text) == GERMAN


@pytest.mark.parametrize("term", COUNTRY_WORDS)
def test_the_picker_as_you_type_finds_the_german_partners(client, auth, office, term):
    auth.login()
    html = client.get("/partners/picker-options", query_string={"partner_q": term, "field": "partners"}).text
    assert _picker_names(html) == GERMAN
    html = client.get("/partners/picker-options", query_string={"partner_q": term, "field": "partner_id", "input": "radio"}).text
    assert _picker_names(html) == GERMAN and 'type="radio" name="partner_id"' in html


def test_the_new_proposal_picker_finds_the_german_partners_without_javascript(client, auth, office):
    auth.login()
    response = client.post(
        "/proposals/new", data={"csrf_token": auth.csrf("/proposals/new"), "institution": "existing",
                                "partner_q": "德国", "find_partners": "1"},
    )
    assert _picker_names(response.text) == GERMAN


def test_the_log_pages_partner_search_finds_the_german_partners(client, auth, office):
    auth.login()
    html = client.get("/interactions/new", query_string={"q": "德国"}).text
    found = re.findall(r'<a href="/interactions/new\?partner_id=\d+">([^<]+)</a>', html)
    assert sorted(found) == GERMAN


def test_the_history_partner_filter_uses_the_same_search(client, auth, office, factory):
    auth.login()
    factory.interaction(office["bmw"], subject="Plant visit")
    factory.interaction(office["hanoi"], subject="Design week")
    html = client.get("/history", query_string={"partner_q": "德国"}).text
    assert "Plant visit" in html and "Design week" not in html
    names = client.get("/history/partner-names", query_string={"partner_q": "DE"},
                       headers={"HX-Request": "true", "HX-Target": "history-partner-names"}).text
    assert "BMW AG" in names and "Hanoi" not in names


def test_a_viewer_searches_the_same_way(client, auth, office):
    auth.login(Role.VIEWER)
    assert _list_names(client, q="Deutschland") == GERMAN


@pytest.mark.parametrize("term", COUNTRY_WORDS)
def test_the_agreement_lists_search_finds_agreements_of_german_partners(client, auth, office, factory, term):
    factory.agreement([office["bmw"]], title="Dual training programme")
    factory.agreement([office["hanoi"]], title="Design degree")
    auth.login()
    html = client.get("/agreements", query_string={"q": term}).text
    assert "Dual training programme" in html and "Design degree" not in html


@pytest.mark.parametrize("term", ["ＢＭＷ", "BMW.", "“BMW”", "ＤＥ"])
def test_full_width_letters_and_punctuation_around_a_word_find_the_partner(client, auth, office, term):
    """Typed in a Chinese input method's full-width mode, or copied with its full stop or
    quotes, a name found nothing."""
    auth.login()
    assert "BMW AG" in _list_names(client, q=term)
    assert "BMW AG" in client.get("/search", query_string={"q": term}).text
