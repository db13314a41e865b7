"""What each of the report's categories counts, in which unit: students and teachers are people,
certificates are certificates. A chart or a sentence adds up figures of one unit only (never
students and certificates together), names the unit, and leaves out "other quantities" (the
国际影响表's quantities in their own units, 人日 next to 个: they add up to nothing).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

PEOPLE, CERTIFICATES, PROGRAMMES, QUALIFICATIONS, DELEGATIONS = "people", "certificates", "programmes", "qualifications", "delegations"

CATEGORY_UNITS = {
    "outbound_students": PEOPLE,
    "inbound_students": PEOPLE,
    "scholarship_students": PEOPLE,
    "joint_programme_students": PEOPLE,
    "teachers_trained": PEOPLE,
    "training_programmes": PROGRAMMES,
    "staff_sent": PEOPLE,
    "certificates_earned": CERTIFICATES,
    "qualifications": QUALIFICATIONS,
    "experts_hosted": PEOPLE,
    "delegations_sent": DELEGATIONS,
    "delegations_received": DELEGATIONS,
    "delegates_sent": PEOPLE,
    "delegates_received": PEOPLE,
    # "other": each outcome in its indicator's unit; no unit of its own
}

UNIT_LABELS = {
    PEOPLE: _l("people"),
    CERTIFICATES: _l("certificates"),
    PROGRAMMES: _l("programmes"),
    QUALIFICATIONS: _l("qualifications"),
    DELEGATIONS: _l("delegations"),
}

# The measure word a Chinese sentence puts after a count of the unit (派出学生81名, 证书293个).
ZH_MEASURE_WORDS = {PEOPLE: "名", CERTIFICATES: "个", PROGRAMMES: "个", QUALIFICATIONS: "种", DELEGATIONS: "个"}

# The category the charts by country and by partner show unless another is chosen: the office's
# first figure (students sent abroad), as the seed's report opens.
MAIN_CATEGORY = "outbound_students"


def unit_of(category: str) -> str | None:
    """The category's unit, or None where its figures are in unlike units ("other")."""
    return CATEGORY_UNITS.get(category)


def has_unit(category: str) -> bool:
    """Whether a chart may draw the category (its figures share one unit)."""
    return category in CATEGORY_UNITS


def unit_label(category: str) -> str:
    unit = unit_of(category)
    return str(UNIT_LABELS[unit]) if unit else ""


def zh_measure_word(category: str) -> str:
    unit = unit_of(category)
    return ZH_MEASURE_WORDS[unit] if unit else ""
