"""Which rows of an import may be partners we already have, or repeat an earlier row.

`duplicate_candidates(rows, existing)` is the one place the import decides this. It shares the
partners domain's name normalisation (`normalised_name`: no case, punctuation or generic words
such as "University", "Hochschule", "of") and website domain, and adds fuzzy matching with
rapidfuzz, which compares thousands of names per millisecond in C++ (a 10,000-row file against
10,000 partners in about a second; difflib would take minutes):

- exact: same country and the same English or local name (case and punctuation aside), or
  the same website domain: the row *is* that partner (default: update it);
- possible: same country and a name that is close (token-set ratio, so word order and extra
  words do not matter: "Hochschule Kassel" ~ "Universität Kassel, Hochschule"), or a short
  name equal to the other's name or short name: shown to the user (default: skip).

When crm/partners/duplicates.py (similar_partners, the check of every partner-creating path)
lands, this rule and that one should become one; this function's signature is the seam.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from crm.partners.duplicates import normalised_name, website_domain

FUZZY_THRESHOLD = 90
MAX_CANDIDATES = 5
COMMON_WORD = 200


@dataclass(frozen=True)
class PartnerKey:
    """What identifies a partner: an existing one (`ref` = its id) or a row (`ref` = its number)."""

    ref: int
    name: str
    country: str | None
    local_name: str | None = None
    short_name: str | None = None
    website: str | None = None

    @property
    def plain(self) -> str:
        return plain_name(self.name)

    @property
    def local_plain(self) -> str:
        return plain_name(self.local_name)

    @property
    def core(self) -> str:
        return normalised_name(self.name)

    @property
    def local_core(self) -> str:
        return normalised_name(self.local_name) if self.local_name else ""

    @property
    def domain(self) -> str:
        return website_domain(self.website)


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
        self.exact: dict[tuple[str | None, str], PartnerKey] = {}
        self.domains: dict[str, PartnerKey] = {}
        self.short: dict[tuple[str | None, str], list[PartnerKey]] = defaultdict(list)
        self.words: dict[tuple[str | None, str], list[tuple[str, PartnerKey]]] = defaultdict(list)
        for key in keys:
            self.add(key)

    def add(self, key: PartnerKey) -> None:
        for plain in {key.plain, key.local_plain} - {""}:
            self.exact.setdefault((key.country, plain), key)
        for core in {key.core, key.local_core} - {""}:
            for word in set(_words(core)):
                self.words[(key.country, word)].append((core, key))
        if key.domain:
            self.domains.setdefault(key.domain, key)
        for short in {key.short_name, key.name}:
            if short:
                self.short[(key.country, short.casefold().strip())].append(key)

    def exact_match(self, key: PartnerKey) -> PartnerKey | None:
        for plain in (key.plain, key.local_plain):
            if plain and (found := self.exact.get((key.country, plain))):
                return found
        if key.domain:
            return self.domains.get(key.domain)
        return None

    def possible_matches(self, key: PartnerKey) -> list[PartnerKey]:
        found: dict[int, PartnerKey] = {}
        for core in {key.core, key.local_core} - {""}:
            if len(core) < 3:
                continue
            nearby: dict[int, tuple[str, PartnerKey]] = {}
            for word in set(_words(core)):
                posting = self.words.get((key.country, word), ())
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
        if key.short_name:
            for candidate in self.short.get((key.country, key.short_name.casefold().strip()), []):
                found.setdefault(candidate.ref, candidate)
        return list(found.values())[:MAX_CANDIDATES]


def plain_name(name: str | None) -> str:
    """Lower case, words only: "Coleg y Cymoedd." → "coleg y cymoedd" (every word counts)."""
    return " ".join(re.findall(r"\w+", (name or "").casefold()))


def _words(core: str) -> list[str]:
    """The words of a normalised name; a name in a script without spaces (广岛大学) is one word,
    so it is also cut into overlapping pairs of characters."""
    words = core.split()
    if len(words) == 1 and not core.isascii() and len(core) > 2:
        words += [core[i:i + 2] for i in range(len(core) - 1)]
    return words


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
