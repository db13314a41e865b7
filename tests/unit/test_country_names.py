"""Issue 13 item 6: countries named by GB/T 2659 in both languages, a picker that matches
pinyin and codes, the office's frequent countries first."""
import pytest

from crm.core.i18n import (
    country_code_for,
    country_names,
    country_search_texts,
    is_country_code,
    _sorted_country_choices,
)


@pytest.mark.parametrize(("locale", "expected"), [
    ("zh_CN", {"TW": "中国台湾", "HK": "中国香港", "MO": "中国澳门"}),
    ("en", {"TW": "Taiwan, China", "HK": "Hong Kong SAR, China", "MO": "Macao SAR, China"}),
])
def test_taiwan_hong_kong_and_macao_are_named_as_regions_of_china(locale, expected):
    names = country_names(locale)
    for code, name in expected.items():
        assert names[code] == name


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_regions_of_china_are_listed_right_after_china_not_as_its_peers(locale):
    codes = [code for code, _name in _sorted_country_choices(locale)]
    china = codes.index("CN")
    assert sorted(codes[china + 1:china + 4]) == ["HK", "MO", "TW"]


def test_chinese_country_names_are_ordered_by_pinyin():
    names = [name for _code, name in _sorted_country_choices("zh_CN")]
    assert names.index("阿根廷") < names.index("德国") < names.index("日本") < names.index("中国")


@pytest.mark.parametrize("typed", ["de", "deguo", "dg", "德国", "germany", "deutschland"])
def test_what_the_picker_matches_for_germany(typed):
    words = country_search_texts("zh_CN")["DE"].split(" | ")
    assert any(word.startswith(typed) for word in words)


@pytest.mark.parametrize(("text", "code"), [("台湾", "TW"), ("Taiwan", "TW"), ("香港", "HK"), ("Macau", "MO"),
                                            ("Deutschland", "DE"), ("deu", "DE"), ("UK", "GB")])
def test_old_and_common_spellings_still_find_the_country(text, code):
    assert country_code_for(text) == code


@pytest.mark.parametrize(("text", "code"), [("俄罗斯联邦", "RU"), ("大韩民国", "KR"), ("美利坚合众国", "US"), ("U.S.A.", "US"),
                                            ("中国香港特别行政区", "HK"), ("澳门特别行政区", "MO"), ("阿联酋", "AE"),
                                            ("Great Britain", "GB"), ("Turkey", "TR"), ("Holland", "NL"),
                                            ("the Netherlands", "NL"), ("印尼", "ID"), ("沙特", "SA"), ("蒙古国", "MN")])
def test_names_chinese_offices_spreadsheets_write_find_the_country(text, code):
    assert country_code_for(text) == code


def test_a_country_code_is_two_letters_that_iso_assigns():
    assert is_country_code("DE") and is_country_code("de")
    assert not is_country_code("XX") and not is_country_code("DEU") and not is_country_code("德国")
