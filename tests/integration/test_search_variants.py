"""A Japanese partner's name in shinjitai (広島大学, 東京) or a name in traditional characters
is found by the simplified form people type (广岛, 东京), and the other way round: the search
documents and the words are folded alike (crm/partners/variants.py)."""
import re

import pytest

from crm.extensions import db
from crm.partners.search_index import rebuild_documents
from crm.partners.variants import FOLD, fold_variants

RESULTS = {"HX-Request": "true", "HX-Target": "partner-results"}


@pytest.fixture
def office(auth, factory):
    auth.login()
    return {
        "hiroshima": factory.partner(name="Hiroshima University", local_name="広島大学", country="JP"),
        "tokyo": factory.partner(name="Tokyo Institute of Technology", local_name="東京工業大学", country="JP"),
        "ntu": factory.partner(name="National Taiwan University", local_name="國立臺灣大學", country="TW"),
        "chongqing": factory.partner(name="Guangdong Polytechnic", local_name="广东职业技术学院", country="CN"),
    }


def _list_names(client, term) -> list[str]:
    html = client.get("/partners", query_string={"q": term}, headers=RESULTS).text
    return sorted(re.findall(r'<a href="/partners/\d+">([^<]+)</a>', html))


@pytest.mark.parametrize(("term", "found"), [
    ("广岛", "Hiroshima University"), ("广岛大学", "Hiroshima University"), ("広島", "Hiroshima University"),
    ("岛", "Hiroshima University"), ("东京", "Tokyo Institute of Technology"), ("东京工业", "Tokyo Institute of Technology"),
    ("台湾大学", "National Taiwan University"), ("国立台湾", "National Taiwan University"),
    ("廣東", "Guangdong Polytechnic"),  # the traditional form finds the simplified name
])
def test_a_simplified_japanese_or_traditional_form_finds_the_name_in_another(client, office, term, found):
    assert found in _list_names(client, term)


def test_folding_finds_no_more_than_the_characters_mean(client, office):
    assert _list_names(client, "广岛") == ["Hiroshima University"]
    assert _list_names(client, "京都") == []


def test_the_quick_search_and_the_picker_fold_alike(client, office):
    assert "Hiroshima University" in client.get("/search", query_string={"q": "广岛"}).text
    picker = client.get("/partners/picker-options", query_string={"partner_q": "东京"}, headers={"HX-Request": "true"}).text
    assert "Tokyo Institute of Technology" in picker


def test_documents_written_before_the_fold_are_rebuilt_folded(app, client, office):
    """The migration (43016b37dffa) and `flask search rebuild` rebuild every document."""
    with app.app_context():
        db.session.execute(db.text("UPDATE partner_search SET document = 'hiroshima university\n広島大学'"))
        rebuild_documents()
        db.session.commit()
    assert _list_names(client, "广岛") == ["Hiroshima University"]


def test_the_fold_is_one_character_for_one_and_lands_on_a_character_it_keeps():
    assert fold_variants("広島大学 東京 國立臺灣大學 鹿児島 沖縄 Hiroshima") == "广岛大学 东京 国立台湾大学 鹿儿岛 冲绳 Hiroshima"
    targets = set(FOLD.values())  # one character each, none of them folded again (no chains)
    assert all(len(target) == 1 for target in targets) and not targets & {chr(code) for code in FOLD}
