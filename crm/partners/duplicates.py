"""The similar-partner check: the one duplicate warning every path that creates a partner runs
(the partner form, a new proposal's "new institution", and an importer).

    found = similar_partners("Hiroshima Univ.", country="JP")
    if found and not confirmed:
        ...show partners/_duplicates.html and a "create it anyway" button...

This module is the one definition of "the same partner" (the import, crm/imports/duplicates.py,
uses it and adds only its fast fuzzy matching of whole files on top):

- `identity_keys`: two partners ARE the same when they share a key: the same country and the
  same English or local name (case and punctuation aside, every word counting), or the same
  website domain in any country (`is_same_partner`);
- `shares_short_name`: the same country, and a short name equal to a name of the other;
- `may_be_same_partner`: the same, or a shared short name, or the same country and similar names
  (generic words like "University" left out, `names_are_similar`).

`similar_partners` (a warning, not a decision) lists the partners that may be the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import or_, select

from crm.core.search import contains
from crm.extensions import db
from crm.partners.models import Partner

GENERIC_WORDS = frozenset(
    """
    university universities universiti universität universitat universidad université universite
    universita università college colleges coleg institute institut instituto institution tafe
    polytechnic school schools academy akademie hochschule fachhochschule of the and for und für fur
    de del der des di du la le von van zu at in technology technical applied sciences science
    community international gmbh ag ltd limited inc co company corporation group sa srl llc e.v. ev
    """.split()
)


def normalised_name(name: str | None) -> str:
    """Lower case, no punctuation, no generic words: "Holmesglen Institute of TAFE" → "holmesglen"."""
    words = re.findall(r"\w+", (name or "").casefold())
    kept = [word for word in words if word not in GENERIC_WORDS]
    return " ".join(kept or words)


def plain_name(name: str | None) -> str:
    """Lower case, words only: "Coleg y Cymoedd." → "coleg y cymoedd" (every word counts)."""
    return " ".join(re.findall(r"\w+", (name or "").casefold()))


def website_domain(url: str | None) -> str:
    """"https://www.holmesglen.edu.au/about" → "holmesglen.edu.au"."""
    if not url:
        return ""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().casefold()).split("/")[0].split("?")[0]
    host = host.rsplit("@", 1)[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def names_are_similar(a: str | None, b: str | None) -> bool:
    first, second = normalised_name(a), normalised_name(b)
    if not first or not second:
        return False
    if first == second:
        return True
    words_a, words_b = set(first.split()), set(second.split())
    if words_a <= words_b or words_b <= words_a:
        return True
    return SequenceMatcher(None, first, second).ratio() >= 0.85


@dataclass(frozen=True)
class PartnerNames:
    """What tells partners apart: an existing partner (`ref` = its id) or one about to be
    created (a form's, or an import row: `ref` = the row's number)."""

    ref: int
    name: str
    country: str | None
    local_name: str | None = None
    short_name: str | None = None
    website: str | None = None

    @classmethod
    def of(cls, partner: Partner) -> PartnerNames:
        return cls(partner.id, partner.name, partner.country, partner.local_name, partner.short_name, partner.website)

    @property
    def country_code(self) -> str | None:
        return self.country.upper() if self.country else None

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


def identity_keys(partner: PartnerNames) -> set[tuple]:
    """Keys that make two partners the same: ("name", country, plain English or local name)
    and ("domain", website domain)."""
    keys: set[tuple] = {("name", partner.country_code, plain) for plain in (partner.plain, partner.local_plain) if plain}
    if partner.domain:
        keys.add(("domain", partner.domain))
    return keys


def short_name_key(partner: PartnerNames) -> tuple | None:
    """(country, plain short name), or None without a short name."""
    return (partner.country_code, plain_name(partner.short_name)) if plain_name(partner.short_name) else None


def name_keys(partner: PartnerNames) -> set[tuple]:
    """(country, plain name) of each of the partner's names: English, local and short."""
    names = (partner.name, partner.local_name, partner.short_name)
    return {(partner.country_code, plain_name(name)) for name in names if plain_name(name)}


def is_same_partner(a: PartnerNames, b: PartnerNames) -> bool:
    return bool(identity_keys(a) & identity_keys(b))


def shares_short_name(a: PartnerNames, b: PartnerNames) -> bool:
    """The short name of one is a name of the other, in the same country ("BSK" and "BSK";
    "HU" and Hiroshima University's short name "HU"). Short names are only compared whole: "UM"
    is too short to compare loosely."""
    return (short_name_key(a) in name_keys(b)) or (short_name_key(b) in name_keys(a))


def may_be_same_partner(a: PartnerNames, b: PartnerNames) -> bool:
    """The same partner, a shared short name, or the same country and similar names."""
    if is_same_partner(a, b) or shares_short_name(a, b):
        return True
    if not a.country_code or a.country_code != b.country_code:
        return False
    return any(names_are_similar(own, theirs) for own in (a.name, a.local_name) if own
               for theirs in (b.name, b.local_name) if theirs)


def similar_partners(name: str, local_name: str | None = None, short_name: str | None = None,
                     website: str | None = None, *, country: str | None = None,
                     exclude_id: int | None = None) -> list[Partner]:
    """Partners (not archived) that may be the same institution as the one about to be
    created (`may_be_same_partner`). By name; empty when nothing is similar (one statement)."""
    wanted = PartnerNames(0, name, country, local_name, short_name, website)
    conditions = []
    if country:
        conditions.append(Partner.country == country.upper())
    if wanted.domain:
        conditions.append(contains(Partner.website, wanted.domain))
    if not conditions:
        return []
    statement = select(Partner).where(Partner.archived_at.is_(None), or_(*conditions)).order_by(Partner.name)
    if exclude_id is not None:
        statement = statement.where(Partner.id != exclude_id)
    return [candidate for candidate in db.session.scalars(statement)
            if may_be_same_partner(wanted, PartnerNames.of(candidate))]
