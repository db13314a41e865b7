"""Locale selection and localised names: languages, countries, dates."""
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError, support
from babel.languages import get_official_languages
from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale
from flask_babel import _get_current_context  # flask_babel's per-request state (pinned 4.0)
from flask import Request
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

SESSION_LOCALE_KEY = "locale"


class RequestDomain(Domain):
    """flask_babel's message domain, its catalogue found once per request and language.

    flask_babel finds the catalogue again for every string it translates (the context, the
    locale, the locale's name spelt out as its cache key): 8 µs a `gettext`, 16 µs a `_()` in a
    template, for a page's hundred strings and labels. Here the request keeps the catalogue of
    its locale; `force_locale` and `refresh` set another locale object, so the next string
    looks the catalogue up again."""

    def get_translations(self):
        context = _get_current_context()  # the request's (or app context's) Babel state
        locale = getattr(context, "babel_locale", None)  # set by get_locale() once looked up
        found = getattr(context, "request_translations", None)
        if found is not None and locale is not None and found[0] is locale and found[1] is self:
            return found[2]
        translations = super().get_translations()
        if context is not None:
            context.request_translations = (get_locale(), self, translations)
        return translations


class RequestBabel(Babel):
    """Flask-Babel whose default domain is a RequestDomain (crm/extensions.py's `babel`)."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


class CatalogueRequest(Request):
    """Flask's request, which hands Flask-WTF WTForms' own messages (a required field, a choice
    not offered) in the request's language from a catalogue read once per language: Flask-WTF
    reads it from disk again in every request that builds a form with such a message (0.4 ms),
    keeping it on the request as `wtforms_translations` (flask_wtf/i18n.py), which this answers."""

    @property
    def wtforms_translations(self):
        return _wtforms_catalogue(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))


@lru_cache(maxsize=16)
def _wtforms_catalogue(locale_code: str):
    return support.Translations.load(messages_path(), [locale_code], domain="wtforms")


def supported_locales() -> list[str]:
    return current_app.config["LANGUAGES"]


def normalise_locale(value: str | None) -> str | None:
    """'zh-CN', 'zh_cn', 'zh' → 'zh_CN'; unknown → None."""
    if not value:
        return None
    return _supported(value, tuple(supported_locales()))


@lru_cache(maxsize=64)
def _supported(value: str, supported: tuple[str, ...]) -> str | None:
    value = value.replace("-", "_").strip()
    for locale in supported:
        if value.lower() == locale.lower() or value.lower() == locale.split("_")[0].lower():
            return locale
    return None


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = g.get("_login_user")
    if user is not None and user.is_authenticated and user.locale:
        return user.locale
    if chosen := normalise_locale(session.get(SESSION_LOCALE_KEY)):
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    return normalise_locale(best) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_locale_code() -> str:
    """The supported code ('en' or 'zh_CN') of the request's locale.

    Babel expands 'zh_CN' to 'zh_Hans_CN'; the catalogue lives under 'zh', which gettext finds
    for either spelling.
    """
    locale = get_locale()
    if locale is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = tuple(supported_locales())
    return _supported(str(locale), supported) or _supported(locale.language, supported) or "en"


# GB/T 2659, the PRC's naming of countries and regions: Taiwan, Hong Kong and Macao are
# regions of China, named so in both languages and listed under China, never as its peers.
REGIONS_OF_CHINA = ("HK", "MO", "TW")
PRC_REGION_NAMES = {
    "en": {"HK": "Hong Kong SAR, China", "MO": "Macao SAR, China", "TW": "Taiwan, China"},
    "zh": {"HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾"},
}
# Other spellings people type, accepted by the search and the country fields (not shown).
# Full official names and short forms as Chinese offices' spreadsheets write them too.
COUNTRY_ALIASES = {
    "HK": ("Hong Kong", "香港", "香港特别行政区", "中国香港特别行政区"),
    "MO": ("Macao", "Macau", "澳门", "澳门特别行政区", "中国澳门特别行政区"),
    "TW": ("Taiwan", "台湾", "台湾地区", "中国台湾地区"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "England", "英国", "大不列颠及北爱尔兰联合王国"),
    "US": ("USA", "U.S.", "U.S.A.", "America", "美国", "美利坚合众国"),
    "KR": ("South Korea", "Korea", "Republic of Korea", "韩国", "大韩民国"),
    "RU": ("Russia", "俄罗斯", "俄罗斯联邦"),
    "VN": ("Vietnam", "越南"),
    "TR": ("Turkey", "土耳其"),
    "NL": ("Holland", "荷兰"),
    "AE": ("UAE", "阿联酋"),
    "ID": ("印尼",),
    "SA": ("沙特",),
    "BD": ("孟加拉",),
    "MN": ("蒙古国",),
}


@lru_cache(maxsize=8)
def country_names(locale_code: str) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → the country's name in the locale (CLDR via Babel, with the
    regions of China named as GB/T 2659 does)."""
    locale = Locale.parse(locale_code)
    territories = locale.territories
    names = {c.alpha_2: territories.get(c.alpha_2, c.name) for c in pycountry.countries}
    names.update(PRC_REGION_NAMES.get(locale.language, PRC_REGION_NAMES["en"]))
    return names


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return country_names(current_locale_code()).get(code.upper(), code)


def country_choices() -> list[tuple[str, str]]:
    """(code, localised name) sorted by name in the user's language; the regions of China
    come right after China."""
    return _sorted_country_choices(current_locale_code())


def country_choices_among(codes) -> list[tuple[str, str]]:
    """`country_choices()` for only these countries (those a list holds), in the same order: a
    filter's select, which without JavaScript is all there is, reads in the user's language
    (德国 under D in Chinese)."""
    wanted = set(codes)
    return [(code, name) for code, name in country_choices() if code in wanted] + [
        (code, code) for code in sorted(wanted - set(country_names(current_locale_code())))]


@lru_cache(maxsize=8)
def _sorted_country_choices(locale_code: str) -> list[tuple[str, str]]:
    names = country_names(locale_code)

    def key(item):
        code, name = item
        if code in REGIONS_OF_CHINA:
            return (_collation_key(names["CN"]), 1, _collation_key(name))
        return (_collation_key(name), 0, "")

    return sorted(names.items(), key=key)


def country_picker_choices(blank_label: str, frequent: list[str] = ()) -> dict:
    """The choices of a country select that the country picker (static/js/country-picker.js)
    turns into a type-to-filter box: a blank choice, the office's `frequent` countries first
    (an optgroup), then every other country by name; each option carries what typing may match
    (`data-search`: code, names in both languages, pinyin and its initials). Without JavaScript
    it stays a plain select in that order."""
    from flask_babel import gettext

    locale_code = current_locale_code()
    names = country_names(locale_code)
    texts = country_search_texts(locale_code)
    frequent = [code for code in dict.fromkeys(frequent) if code in names]

    def option(code: str, name: str):
        return (code, name, {"data-search": texts[code]})

    choices = {None: [("", blank_label)]}
    if frequent:
        choices[gettext("Frequent")] = [option(code, names[code]) for code in frequent]
        choices[gettext("All countries")] = [option(code, name) for code, name in _sorted_country_choices(locale_code)
                                             if code not in frequent]
    else:
        choices[None] += [option(code, name) for code, name in _sorted_country_choices(locale_code)]
    return choices


def _collation_key(text: str) -> str:
    """Latin names by their letters; Chinese names by their pinyin (as a Chinese index orders
    them: 阿根廷 under A, 德国 under D), not by character code."""
    if text.isascii():
        return text.casefold()
    return " ".join(pinyin_of(text)) + "\x00" + text


def pinyin_of(text: str) -> list[str]:
    """'德国' → ['de', 'guo']; letters and digits stay as they are (lower case)."""
    from pypinyin import lazy_pinyin

    return [syllable.casefold() for syllable in lazy_pinyin(text)]


@lru_cache(maxsize=8)
def country_search_texts(locale_code: str) -> dict[str, str]:
    """Code → what the country picker matches a typed text against: the code, the names in
    both languages and the country's own, and the Chinese name's full pinyin and initials
    ('de guo deguo dg' for 德国). Computed once per locale, not per request."""
    texts = {}
    spellings = country_spellings()
    for code, name in country_names(locale_code).items():
        zh_name = country_names("zh_CN")[code]
        syllables = pinyin_of(zh_name)
        words = [code.casefold(), *sorted(spellings.get(code, ())), " ".join(syllables), "".join(syllables),
                 "".join(syllable[0] for syllable in syllables if syllable)]
        texts[code] = " | ".join(words)
    return texts


@lru_cache(maxsize=1)
def country_spellings() -> dict[str, frozenset[str]]:
    """Every name a person may type for each country (casefolded): the English and Chinese
    names, the names in the country's official languages ("Deutschland", "日本"), ISO's
    names and a few common aliases ("UK", "台湾"). Computed once per process.

    The official-language names come from crm/core/country_native_names.py, generated from
    CLDR with: for each pycountry code, `Locale.parse(language).territories[code]` for the
    first three of `babel.languages.get_official_languages(code)`.
    """
    from crm.core.country_native_names import NATIVE_COUNTRY_NAMES

    spellings: dict[str, set[str]] = {c.alpha_2: set() for c in pycountry.countries}
    for locale_code in ("en", "zh_CN"):
        for code, name in country_names(locale_code).items():
            spellings[code].add(name.casefold())
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if name := getattr(country, attr, None):
                spellings[country.alpha_2].add(name.casefold())
    for source in (NATIVE_COUNTRY_NAMES, COUNTRY_ALIASES):
        for code, names in source.items():
            spellings[code].update(name.casefold() for name in names)
    return {code: frozenset(names) for code, names in spellings.items()}


@lru_cache(maxsize=1)
def _all_country_lookup() -> dict[str, str]:
    """Every spelling we accept for a country (code, names, aliases) → code."""
    lookup: dict[str, str] = {}
    for code, names in country_spellings().items():
        for name in names:
            lookup.setdefault(name, code)
    for country in pycountry.countries:
        lookup[country.alpha_2.casefold()] = country.alpha_2
        lookup[country.alpha_3.casefold()] = country.alpha_2
    return lookup


def is_country_code(text: str | None) -> bool:
    """'DE', 'de' → True; 'XX', 'DEU', 'Germany' → False."""
    text = (text or "").strip()
    return len(text) == 2 and text.isascii() and text.isalpha() and text.upper() in country_names("en")


def country_code_for(text: str | None) -> str | None:
    """'DE', 'deu', 'Germany', 'Deutschland', '德国' → 'DE' ('the Netherlands' → 'NL'); anything else → None."""
    if not text:
        return None
    text = text.strip().casefold()
    lookup = _all_country_lookup()
    return lookup.get(text) or lookup.get(text.removeprefix("the ").strip())


# Each language named in itself, as a language switch shows it.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "中文"}
