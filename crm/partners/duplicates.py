"""The similar-partner check: the one duplicate warning every path that creates a partner runs
(the partner form, a new proposal's "new institution", and an importer).

    found = similar_partners("Hiroshima Univ.", country="JP")
    if found and not confirmed:
        ...show partners/_duplicates.html and a "create it anyway" button...

Partners (not archived) are similar when they share the country and have a similar name
(English, local or short name, generic words like "University" left out), or share the
website's domain in any country.
"""
from __future__ import annotations

import re
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


def similar_partners(name: str, local_name: str | None = None, short_name: str | None = None,
                     website: str | None = None, *, country: str | None = None,
                     exclude_id: int | None = None) -> list[Partner]:
    """Partners (not archived) that may be the same institution as the one about to be
    created: same country and a similar name (English, local or short), or the same website
    domain in any country. By name; empty when nothing is similar (one statement)."""
    domain = website_domain(website)
    conditions = []
    if country:
        conditions.append(Partner.country == country.upper())
    if domain:
        conditions.append(contains(Partner.website, domain))
    if not conditions:
        return []
    statement = select(Partner).where(Partner.archived_at.is_(None), or_(*conditions)).order_by(Partner.name)
    if exclude_id is not None:
        statement = statement.where(Partner.id != exclude_id)
    own_names = [text for text in (name, local_name, short_name) if text]
    found = []
    for candidate in db.session.scalars(statement):
        same_domain = bool(domain) and website_domain(candidate.website) == domain
        same_country = bool(country) and candidate.country == country.upper()
        if same_domain or (same_country and _names_overlap(own_names, candidate)):
            found.append(candidate)
    return found


def _names_overlap(own_names: list[str], candidate: Partner) -> bool:
    """One of the new names is similar to one of the candidate's names; a short name counts
    only when it equals a name (short names like "UM" are too short to compare loosely)."""
    for own in own_names:
        for theirs in (candidate.name, candidate.local_name):
            if theirs and names_are_similar(own, theirs):
                return True
        if candidate.short_name and normalised_name(own) == normalised_name(candidate.short_name):
            return True
    return False
