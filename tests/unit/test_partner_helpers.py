"""Partner helpers: similar names, website domains and checks, tags, country names in search."""
import pytest

from crm.partners.forms import normalise_website, parse_tags
from crm.partners.duplicates import names_are_similar, normalised_name, website_domain
from crm.partners.search import countries_named, search_words


def test_generic_words_do_not_count_in_a_normalised_name():
    assert normalised_name("Holmesglen Institute of TAFE") == "holmesglen"
    assert normalised_name("University of the Arts") == "arts"
    assert normalised_name("University College") == "university college"  # nothing left: keep all


@pytest.mark.parametrize(("a", "b"), [
    ("Holmesglen Institute of TAFE", "Holmesglen Institute"),
    ("Ivy Tech Community College", "Ivy Tech"),
    ("Universiti Utara Malaysia", "University Utara Malaysia"),
    ("Hiroshima Universty", "Hiroshima University"),
])
def test_similar_names(a, b):
    assert names_are_similar(a, b)


@pytest.mark.parametrize(("a", "b"), [("Hiroshima University", "Kyoto University"), ("BMW AG", "AUDI AG")])
def test_different_names(a, b):
    assert not names_are_similar(a, b)


def test_website_domain_ignores_scheme_www_path_and_port():
    assert website_domain("https://www.holmesglen.edu.au/international?x=1") == "holmesglen.edu.au"
    assert website_domain("http://user@Holmesglen.edu.au:8080") == "holmesglen.edu.au"
    assert website_domain(None) == ""


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "ftp://x.org", "http://", "https://localhost",
                                 "http://exa mple.org", "vbscript:msgbox"])
def test_only_http_and_https_websites_pass(bad):
    with pytest.raises(ValueError):
        normalise_website(bad)


def test_a_bare_domain_becomes_https():
    assert normalise_website("www.bsk-info.de") == "https://www.bsk-info.de"
    assert normalise_website(" http://ebg.de/x ") == "http://ebg.de/x"
    assert normalise_website("") is None


def test_tags_are_split_on_latin_and_chinese_commas_once_each():
    assert parse_tags("Belt and Road, 德国，Automotive、belt and road;  ") == ["Belt and Road", "德国", "Automotive"]


def test_country_names_in_english_and_chinese_find_the_code(app):
    with app.app_context():
        assert countries_named("德国") == {"DE"}
        assert countries_named("germany") == {"DE"}
        assert countries_named("Germ") == {"DE"}
        assert countries_named("de") == {"DE"}  # a two-letter country code is the country (issue 10)
        assert countries_named("Deutschland") == {"DE"}
        assert countries_named("德") == set()  # one Chinese character is a word, never a country
        assert countries_named("du") == set()  # two letters that are no code
        assert "AU" in countries_named("澳大利亚")
        assert countries_named("deguo") == countries_named("De Guo") == {"DE"}  # the pinyin, as the country picker takes it
        assert countries_named("malaixiya") == {"MY"}
        assert countries_named("degu") == set()  # only the whole pinyin: too many words begin like one


def test_search_words_are_capped_and_split_on_spaces_and_commas():
    assert search_words(" holmesglen  TAFE,melbourne ") == ["holmesglen", "TAFE", "melbourne"]
    assert len(search_words("a " * 50)) == 8


# --- One definition of "the same partner" (crm/partners/duplicates.py), shared by the import ---

def _names(ref, name, country="JP", local_name=None, short_name=None, website=None):
    from crm.partners.duplicates import PartnerNames

    return PartnerNames(ref, name, country, local_name, short_name, website)


def test_the_same_partner_is_the_same_country_and_name_or_the_same_website_domain():
    from crm.partners.duplicates import is_same_partner

    hiroshima = _names(1, "Hiroshima University", local_name="広島大学", website="https://www.hiroshima-u.ac.jp")
    assert is_same_partner(hiroshima, _names(2, "hiroshima university."))
    assert is_same_partner(hiroshima, _names(2, "Hiroshima Daigaku", local_name="広島大学", country="jp"))
    assert is_same_partner(hiroshima, _names(2, "Other", country="DE", website="hiroshima-u.ac.jp/en"))
    assert not is_same_partner(hiroshima, _names(2, "Hiroshima University", country="US"))
    assert not is_same_partner(hiroshima, _names(2, "Hiroshima Univ."))


def test_a_short_name_counts_whole_and_similar_names_within_a_country():
    from crm.partners.duplicates import may_be_same_partner, shares_short_name

    hiroshima = _names(1, "Hiroshima University", short_name="HU")
    assert shares_short_name(_names(2, "HU"), hiroshima) and shares_short_name(hiroshima, _names(2, "hu"))
    assert not shares_short_name(_names(2, "HUB"), hiroshima)
    assert may_be_same_partner(_names(2, "Hiroshima Univ."), hiroshima)
    assert not may_be_same_partner(_names(2, "Hiroshima Univ.", country="US"), hiroshima)
    assert not may_be_same_partner(_names(2, "Kyoto University"), hiroshima)


@pytest.mark.parametrize("row", [
    ("hiroshima university.", "JP", None, None, None),
    ("Hiroshima Daigaku", "JP", "広島大学", None, None),
    ("Other", "DE", None, None, "https://hiroshima-u.ac.jp/en"),
    ("Hiroshima University", "US", None, None, None),
    ("HU", "JP", None, None, None),
    ("Kyoto University", "JP", None, None, None),
])
def test_the_import_decides_with_the_same_definition(row):
    from crm.imports.duplicates import PartnerIndex
    from crm.partners.duplicates import is_same_partner, may_be_same_partner

    hiroshima = _names(1, "Hiroshima University", local_name="広島大学", short_name="HU", website="https://www.hiroshima-u.ac.jp")
    key = _names(100, *row)
    index = PartnerIndex([hiroshima])
    assert (index.exact_match(key) is not None) == is_same_partner(key, hiroshima)
    found = index.exact_match(key) is not None or bool(index.possible_matches(key))
    assert found == may_be_same_partner(key, hiroshima)


def test_search_words_read_full_width_letters_and_leave_punctuation_around_a_word_out():
    """“ＢＳＫ” typed in a Chinese input method's full-width mode, and "BSK." copied from a
    sentence, found nothing."""
    assert search_words("ＢＳＫ") == ["BSK"]
    assert search_words("“Holmesglen.” (TAFE)  《重庆》") == ["Holmesglen", "TAFE", "重庆"]
    assert search_words("h.c. wagner@ 100% a_b") == ["h.c", "wagner@", "100%", "a_b"]
    assert search_words(" . “ ” ") == []
    assert countries_named("ＤＥ") == {"DE"}
