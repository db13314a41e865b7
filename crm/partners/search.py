"""What a search term matches among partners: the one rule behind the partner list, every
partner picker, the contact history's partner filter and the quick search.

A term is split into words (spaces, commas, 、); a partner matches when every word matches it.
A word matches

- a country: its code ("DE", "de"), or a name of it in English, Chinese or its own language
  ("Germany", "德国", "Deutschland"); three or more letters or two or more Chinese characters
  also match the start of a name ("germ", "德意"). The whole term may name a country too
  ("United Kingdom", "Hong Kong").
- text: anywhere in the partner's names, city, tags, or its active contacts' names and
  e-mails, ignoring case; so "德" alone finds the names containing 德 (one Chinese character is
  a word, never a country). An erased or former contact's name finds nothing.

A two-letter word that is a country code ("DE", "at", "CN") means that country: it is not
searched inside names (where "de" is in "Academy" and "Hiroshima Daigaku"); it still matches a
partner whose short name is exactly those two letters. Two letters that are no country code
("NU", "ab") are searched as text.

Text is looked up in each partner's search document (crm/partners/search_index.py: a trigram
index for words of three or more characters, a scan of the one narrow document column for
shorter ones such as 德国 or 重庆); `%` and `_` typed by a user match themselves.
"""
from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.sql.expression import ColumnElement

from crm.core.i18n import country_names, country_spellings, is_country_code, pinyin_of
from crm.core.search import MAX_TERM_LENGTH, contains, like_pattern
from crm.extensions import db
from crm.partners.models import Partner
from crm.partners.search_index import GRAM_MARK, document_contains, partner_ids_containing

MAX_SEARCH_WORDS = 8
WORD_SEPARATORS = r"[\s,，、;；]+"
# A Chinese input method in full-width mode types ＢＳＫ, ＤＥ, ２０２６: the letters and digits people mean.
FULL_WIDTH_LETTERS = {code: code - 0xFEE0 for code in [*range(0xFF10, 0xFF1A), *range(0xFF20, 0xFF3B), *range(0xFF41, 0xFF5B)]}
# Punctuation around a word that is no part of it: "BSK.", “Holmesglen”, (TAFE), 《重庆》.
AROUND_A_WORD = ".。!！?？:：\"'“”‘’()（）[]【】<>《》「」"


def plain_term(term: str) -> str:
    """The term as people mean it: full-width letters and digits as ASCII ones."""
    return (term or "").translate(FULL_WIDTH_LETTERS)


def search_words(term: str) -> list[str]:
    """'德国, 大学' → ['德国', '大学'], '“ＢＳＫ.”' → ['BSK'] (at most eight words)."""
    # A NUL would end the FTS5 query's string (SQLite) and is refused in text by PostgreSQL; the
    # search index's gram mark is nobody's text.
    text = plain_term(term).replace("\x00", "").replace(GRAM_MARK, "").strip()[:MAX_TERM_LENGTH]
    words = [word.strip(AROUND_A_WORD) for word in re.split(WORD_SEPARATORS, text)]
    return [word for word in words if word][:MAX_SEARCH_WORDS]


def countries_named(term: str) -> set[str]:
    """Codes of the countries `term` names: its code, or one of its names ("德国", "Germany",
    "Deutschland", the pinyin "deguo"), or the start of a name for three or more letters or two or more Chinese
    characters ("germ" → DE). One Chinese character or two letters that are no code: none."""
    text = " ".join(plain_term(term).split()).casefold()
    return set(_countries_named(text)) if text else set()


@lru_cache(maxsize=4096)
def _countries_named(text: str) -> frozenset[str]:
    # The spellings are fixed for the process: each text is looked up once (a scan of ~250
    # countries' names costs milliseconds, and every search asks at least twice).
    if is_country_code(text):
        return frozenset({text.upper()})
    prefix_ok = len(text) >= 3 or (len(text) >= 2 and not text.isascii())
    return frozenset(
        code
        for code, names in country_spellings().items()
        if text in names or (prefix_ok and any(name.startswith(text) for name in names))
    ) | _countries_by_pinyin().get(text.replace(" ", ""), frozenset())


@lru_cache(maxsize=1)
def _countries_by_pinyin() -> dict[str, frozenset[str]]:
    """The Chinese name's whole pinyin ("deguo" for 德国, typed with or without spaces) → codes,
    as the country picker takes it: only whole, never a start or initials (too many words
    begin like a country's pinyin)."""
    found: dict[str, set[str]] = {}
    for code, name in country_names("zh_CN").items():
        if len(syllables := "".join(pinyin_of(name))) >= 4:
            found.setdefault(syllables, set()).add(code)
    return {syllables: frozenset(codes) for syllables, codes in found.items()}


def contains_text(column, word: str) -> ColumnElement[bool]:
    """`contains` (LIKE-safe, case-insensitive), without SQLite's needless `lower()` calls.

    SQLite's LIKE already ignores ASCII case, and its lower() folds ASCII only, so the plain
    LIKE matches exactly the same rows, about twice as fast on a scan.
    """
    if db.engine.dialect.name == "sqlite":
        return column.like(like_pattern(word), escape="\\")
    return contains(column, word)


def _text_matches(word: str, people: bool, common: bool) -> ColumnElement[bool]:
    """The word is in one of the partner's names, its city, a tag, or (with `people`) an active
    contact's name or e-mail: looked up in the partners' search documents
    (crm/partners/search_index.py), row by row for a `common` word."""
    if common:
        return document_contains(word, people=people)
    return Partner.id.in_(partner_ids_containing(word, people=people))


def _word_matches(word: str, people: bool, common: bool) -> ColumnElement[bool]:
    codes = countries_named(word)
    if is_country_code(word):
        return or_(Partner.country == word.upper(), func.lower(Partner.short_name) == word.casefold())
    text = _text_matches(word, people, common)
    return or_(text, Partner.country.in_(sorted(codes))) if codes else text


def search_condition(term: str, *, people: bool = True, common: frozenset[str] = frozenset(),
                     given: str | None = None) -> ColumnElement[bool] | None:
    """A condition on `Partner` for a search term (the rules in this module's docstring), or
    None for an empty term. `people=False` leaves contacts out (the quick search lists them
    on their own). `common`: words that very many partners hold, tested row by row rather
    than through the index (search_index.document_contains): the same matches, for a list
    that stops after its first page. `given`: a word of `words_every_match_holds(term)` that
    the statement ensures itself (joined to the index: search_index.index_first), left out.

        select(Partner).where(search_condition("德国 大学"))
    """
    words = search_words(term)
    if not words:
        return None
    condition = and_(true(), *[_word_matches(word, people, word in common) for word in words if word != given])
    if len(words) > 1 and (codes := countries_named(term)):
        condition = or_(condition, Partner.country.in_(sorted(codes)))
    return condition


def words_every_match_holds(term: str) -> list[str]:
    """The words of `term` that every partner matching it holds as text (no country named by
    the word or by the whole term offers another way to match), longest first: a statement
    may start from the partners that the search index finds for one of them."""
    words = search_words(term)
    if len(words) > 1 and countries_named(term):
        return []
    held = [word for word in words if not is_country_code(word) and not countries_named(word)]
    return sorted(held, key=len, reverse=True)


def record_search_condition(term: str, own_text, through_partners) -> ColumnElement[bool] | None:
    """The same rule for records that belong to partners (contacts, agreements, proposals):
    every word matches the record's own text (`own_text(word)`, a condition) or one of its
    partners (`through_partners(ids)`, a condition on a subquery of matching partner ids); a
    country code ("DE") only through the partner's country. None for an empty term.

        record_search_condition("德国 training", lambda word: contains_text(Agreement.title, word),
                                lambda ids: Agreement.partners.any(Partner.id.in_(ids)))
    """
    conditions = []
    for word in search_words(term):
        partners = through_partners(matching_partner_ids(word))
        conditions.append(partners if is_country_code(word) else or_(own_text(word), partners))
    return and_(*conditions) if conditions else None


def matching_partner_ids(term: str, *, people: bool = False):
    """A subquery of the ids of live partners matching `term`: for other domains' searches
    ("agreements with a German partner"): `Agreement.partners.any(Partner.id.in_(...))`."""
    condition = search_condition(term, people=people)
    return select(Partner.id).where(Partner.archived_at.is_(None), condition if condition is not None else False)
