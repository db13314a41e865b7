"""Which rows of an import may be partners we already have, or repeat an earlier row.

`duplicate_candidates(rows, existing)` is the one place the import decides this. What makes two
partners the same is crm/partners/duplicates.py's one definition (`identity_keys`: same country
and the same English or local name, or the same website domain; `shares_short_name`); the
import only adds, on top, fuzzy matching of whole files with rapidfuzz, which compares thousands
of names per millisecond in C++ (a 10,000-row file against 10,000 partners in about a second;
the partner form's difflib check would take minutes):

- exact (`identity_keys` shared): the row *is* that partner (default: update it);
- possible: a shared short name, or the same country and a name that is close (token-set
  ratio of the normalised names, so word order and extra words do not matter: "Hochschule
  Kassel" ~ "Universität Kassel, Hochschule"), or a Chinese-character name that reads the same
  in pinyin (広島大学, 廣島大學 and 广岛大学 are one name in Japanese, traditional and simplified
  characters): shown to the user (default: skip).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from crm.core.i18n import pinyin_of
from crm.partners.duplicates import PartnerNames, identity_keys, name_keys, plain_name, short_name_key

__all__ = ["PartnerKey", "Findings", "PartnerIndex", "duplicate_candidates", "plain_name"]

FUZZY_THRESHOLD = 90
MAX_CANDIDATES = 5
COMMON_WORD = 200

PartnerKey = PartnerNames  # an existing partner (`ref` = its id) or a row (`ref` = its number)


@dataclass
class Findings:
    exact_existing: PartnerKey | None = None
    exact_row: PartnerKey | None = None
    possible_existing: list[PartnerKey] = field(default_factory=list)
    possible_rows: list[PartnerKey] = field(default_factory=list)


class PartnerIndex:
    """Partners (or rows) indexed by country, normalised names, short names and domains.

    Fuzzy matching compares a name only with the names that share a word with it (a word
    shared by more than COMMON_WORD names of a country, such as a city, does not count): the
    ratio needs shared words anyway, and this keeps 10,000 rows against 10,000 partners fast.
    """

    def __init__(self, keys: Iterable[PartnerKey] = ()):
        self.exact: dict[tuple, PartnerKey] = {}  # identity key → the first partner with it
        self.names: dict[tuple, list[PartnerKey]] = defaultdict(list)  # name key → partners
        self.shorts: dict[tuple, list[PartnerKey]] = defaultdict(list)  # short-name key → partners
        self.words: dict[tuple[str | None, str], list[tuple[str, PartnerKey]]] = defaultdict(list)
        self.readings: dict[tuple[str | None, str], list[PartnerKey]] = defaultdict(list)  # (country, pinyin) → partners
        for key in keys:
            self.add(key)

    def add(self, key: PartnerKey) -> None:
        for identity in identity_keys(key):
            self.exact.setdefault(identity, key)
        for name in name_keys(key):
            self.names[name].append(key)
        if short := short_name_key(key):
            self.shorts[short].append(key)
        for core in {key.core, key.local_core} - {""}:
            for word in set(_words(core)):
                self.words[(key.country_code, word)].append((core, key))
        for reading in _readings(key):
            self.readings[(key.country_code, reading)].append(key)

    def exact_match(self, key: PartnerKey) -> PartnerKey | None:
        """The partner that is the same as `key` (crm.partners.duplicates.identity_keys); names
        before the website."""
        ordered = [("name", key.country_code, key.plain), ("name", key.country_code, key.local_plain), ("domain", key.domain)]
        keys = identity_keys(key)
        for identity in (identity for identity in ordered if identity in keys):
            if found := self.exact.get(identity):
                return found
        return None

    def _sharing_short_name(self, key: PartnerKey) -> list[PartnerKey]:
        """crm.partners.duplicates.shares_short_name, by index."""
        found = list(self.names.get(short, ())) if (short := short_name_key(key)) else []
        for name in name_keys(key):
            found += self.shorts.get(name, ())
        return found

    def possible_matches(self, key: PartnerKey) -> list[PartnerKey]:
        found: dict[int, PartnerKey] = {}
        for core in {key.core, key.local_core} - {""}:
            if len(core) < 3:
                continue
            nearby: dict[int, tuple[str, PartnerKey]] = {}
            for word in set(_words(core)):
                posting = self.words.get((key.country_code, word), ())
                if len(posting) <= COMMON_WORD:
                    for other_core, other in posting:
                        nearby.setdefault(other.ref, (other_core, other))
            if not nearby:
                continue
            others = list(nearby.values())
            for _choice, _score, position in process.extract(
                core, [other_core for other_core, _other in others], scorer=fuzz.token_set_ratio,
                score_cutoff=FUZZY_THRESHOLD, limit=MAX_CANDIDATES,
            ):
                candidate = others[position][1]
                found.setdefault(candidate.ref, candidate)
        for reading in _readings(key):
            for candidate in self.readings.get((key.country_code, reading), ()):
                found.setdefault(candidate.ref, candidate)
        for candidate in self._sharing_short_name(key):
            found.setdefault(candidate.ref, candidate)
        return list(found.values())[:MAX_CANDIDATES]


def _words(core: str) -> list[str]:
    """The words of a normalised name; a name in a script without spaces (广岛大学) is one word,
    so it is also cut into overlapping pairs of characters."""
    words = core.split()
    if len(words) == 1 and not core.isascii() and len(core) > 2:
        words += [core[i:i + 2] for i in range(len(core) - 1)]
    return words


HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # Chinese characters (CJK ideographs)


def _readings(key: PartnerKey) -> set[str]:
    """The pinyin of the key's names written in Chinese characters (Japanese kanji and
    traditional characters read as their simplified forms do)."""
    return {" ".join(pinyin_of(plain)) for plain in (key.plain, key.local_plain) if HAN.search(plain)}


def duplicate_candidates(rows: Iterable[PartnerKey], existing: Iterable[PartnerKey]) -> Iterator[tuple[PartnerKey, Findings]]:
    """For each row, in order: the existing partner or earlier row it is, or may be."""
    known = PartnerIndex(existing)
    earlier = PartnerIndex()
    for row in rows:
        findings = Findings(exact_row=earlier.exact_match(row), exact_existing=known.exact_match(row))
        if findings.exact_row is None and findings.exact_existing is None:
            findings.possible_rows = earlier.possible_matches(row)
            findings.possible_existing = known.possible_matches(row)
        earlier.add(row)
        yield row, findings
