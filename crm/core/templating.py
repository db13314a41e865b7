"""Template filters and the context every page shares."""
from datetime import date, datetime, timezone
from functools import lru_cache
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date as babel_format_date

from flask import Flask, current_app, g, request, url_for
from flask_babel import LazyString, format_datetime, get_locale, get_timezone, to_user_timezone
from flask_login import current_user

from crm.audit.labels import field_label
from crm.core.archiving import record_link
from crm.core.dates import office_today
from crm.outcomes.models import year_kind_note, year_label
from crm.core.i18n import LANGUAGE_NAMES, country_name, current_locale_code
from crm.core.navigation import menus_markup
from crm.core import punctuation
from crm.core.markers import shown_markers


# One format per locale for a date and one for a date-time, on every page, in e-mails and in
# exports' descriptions (glossary.md). CLDR patterns; the key is the locale's language.
DATE_PATTERNS = {"en": "d MMM y", "zh": "y年M月d日"}
DATETIME_PATTERNS = {"en": "d MMM y, HH:mm", "zh": "y年M月d日 HH:mm"}


def _pattern(patterns: dict[str, str]) -> str:
    return patterns.get(current_locale_code().split("_")[0], patterns["en"])


def local_date(value: date | datetime | None) -> str:
    """A date (or the local day of a UTC date-time) in the user's language: 30 Nov 2026, 2026年11月30日."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return _formatted_day(value, str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))


def lazy_local_date(value: date | None) -> LazyString:
    """`local_date(value)` when shown, for a lazy title's value (a deadline's "expires on
    %(expires)s"): formatted in the language of the page or the digest it is shown in."""
    return LazyString(local_date, value)


def local_dates(values) -> dict:
    """{value: local_date(value)} for many dates and UTC date-times at once (a list's columns,
    None included): the time zone and the language looked up once, each day formatted once."""
    zone = get_timezone()
    locale_code = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    formatted: dict = {None: ""}
    for value in values:
        if value is not None and value not in formatted:
            day = value.replace(tzinfo=timezone.utc).astimezone(zone).date() if isinstance(value, datetime) else value
            formatted[value] = _formatted_day(day, locale_code)
    return formatted


@lru_cache(maxsize=8192)
def _formatted_day(value: date, locale_code: str) -> str:
    """One day in one language, formatted once (a list shows the same days in many cells)."""
    locale = Locale.parse(locale_code)
    return babel_format_date(value, DATE_PATTERNS.get(locale.language, DATE_PATTERNS["en"]), locale=locale)


# What DATETIME_PATTERNS put between the day (DATE_PATTERNS) and the time (HH:mm).
_DAY_TIME_SEPARATORS = {"en": ", ", "zh": " "}


def local_datetime(value: datetime | None) -> str:
    """A UTC date-time in the office's time zone: 30 Nov 2026, 11:00 / 2026年11月30日 11:00.

    DATETIME_PATTERNS, written as the cached day (local_date) and the time: a timeline formats
    a date-time per entry, and Babel's formatter costs a hundred times more."""
    if value is None:
        return ""
    local = to_user_timezone(value)
    locale_code = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    language = locale_code.split("_")[0]
    if language not in _DAY_TIME_SEPARATORS:
        return format_datetime(value, _pattern(DATETIME_PATTERNS))
    return f"{_formatted_day(local.date(), locale_code)}{_DAY_TIME_SEPARATORS[language]}{local:%H:%M}"


_ANY_ID = 2147483647  # stands for a record's id in a link made once per page


def link_pattern(endpoint: str, key: str) -> str:
    """The endpoint's URL with "%d" where the id goes, made once per page: `link % record.id`
    costs a row nothing (url_for costs a row a few microseconds, each time)."""
    return url_for(endpoint, **{key: _ANY_ID}).replace("%", "%%").replace(str(_ANY_ID), "%d")


def once_per_request(name: str, build):
    """What `build()` makes, made once per request and kept on `g` as `name` (the words and link
    patterns that every row of a list repeats)."""
    made = g.get(name)
    if made is None:
        made = build()
        setattr(g, name, made)
    return made


def office_name() -> str:
    """The office's own name in the current language (OFFICE_NAME, OFFICE_NAME_ZH)."""
    config = current_app.config
    if current_locale_code().startswith("zh"):
        return config.get("OFFICE_NAME_ZH") or config["OFFICE_NAME"]
    return config["OFFICE_NAME"]


def url_with(**changes) -> str:
    """The current path with some query parameters changed (None removes one).

    Built from the path and an encoded query, never through url_for, so that parameters such as
    `endpoint` or `_external` typed into a URL stay plain parameters.
    """
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def with_current_query(url: str) -> str:
    """`url` with the current request's query string (the filters of a list, for its export)."""
    query = urlencode(request.args.to_dict(flat=False), doseq=True)
    return f"{url}?{query}" if query else url


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["country"] = country_name
    app.jinja_env.filters["audit_field"] = field_label
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["record_link"] = record_link
    app.jinja_env.globals["office_name"] = office_name
    app.jinja_env.globals["with_current_query"] = with_current_query
    app.jinja_env.globals["year_label"] = year_label
    app.jinja_env.globals["year_kind_note"] = year_kind_note
    punctuation.init_app(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.finalize = shown_markers  # "[erased contact]" in the reader's language

    @app.context_processor
    def shared_context():
        return {
            "current_locale": current_locale_code(),
            "language_names": LANGUAGE_NAMES,
            "today": office_today(),
            "can_edit": current_user.is_authenticated and current_user.can_edit,
            "nav_menus": lambda: menus_markup(current_user, request.endpoint, current_locale_code()),
        }
