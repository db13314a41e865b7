"""Locale selection and localised names: languages, countries, dates."""
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale

SESSION_LOCALE_KEY = "locale"


def supported_locales() -> list[str]:
    return current_app.config["LANGUAGES"]


def normalise_locale(value: str | None) -> str | None:
    """'zh-CN', 'zh_cn', 'zh' → 'zh_CN'; unknown → None."""
    if not value:
        return None
    value = value.replace("-", "_").strip()
    for locale in supported_locales():
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
    return normalise_locale(str(locale)) or normalise_locale(locale.language) or "en"


@lru_cache(maxsize=8)
def country_names(locale_code: str) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → the country's name in the locale (CLDR via Babel)."""
    territories = Locale.parse(locale_code).territories
    return {c.alpha_2: territories.get(c.alpha_2, c.name) for c in pycountry.countries}


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return country_names(current_locale_code()).get(code.upper(), code)


def country_choices() -> list[tuple[str, str]]:
    """(code, localised name) sorted by name in the user's language."""
    names = country_names(current_locale_code())
    return sorted(names.items(), key=lambda item: _collation_key(item[1]))


def _collation_key(text: str) -> str:
    # Good enough without ICU: Chinese names sort by code point, which groups them stably.
    return text.casefold()


@lru_cache(maxsize=1)
def _all_country_lookup() -> dict[str, str]:
    """Every spelling we accept for a country (code, English, Chinese, and its name in its own
    official languages: "Deutschland", "España", "日本") → code."""
    lookup: dict[str, str] = {}
    for locale_code in ("en", "zh_CN"):
        for code, name in country_names(locale_code).items():
            lookup[name.casefold()] = code
    for country in pycountry.countries:
        lookup[country.alpha_2.casefold()] = country.alpha_2
        lookup[country.alpha_3.casefold()] = country.alpha_2
        lookup[country.name.casefold()] = country.alpha_2
        for attr in ("official_name", "common_name"):
            if name := getattr(country, attr, None):
                lookup[name.casefold()] = country.alpha_2
    for country in pycountry.countries:
        for language in get_official_languages(country.alpha_2, de_facto=True):
            try:
                own_name = Locale.parse(language).territories.get(country.alpha_2)
            except (ValueError, UnknownLocaleError):
                continue
            if own_name:
                lookup.setdefault(own_name.casefold(), country.alpha_2)
    return lookup


def country_code_for(text: str | None) -> str | None:
    """'DE', 'deu', 'Germany', '德国' → 'DE'; anything else → None."""
    if not text:
        return None
    return _all_country_lookup().get(text.strip().casefold())


# Each language named in itself, as a language switch shows it.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "中文"}
