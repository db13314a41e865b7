"""The report ranks the subjects ("173 with EBG Germany") only of the categories the narrative names
them for: every category the narrative asks `subjects` of is ranked."""
import re
from pathlib import Path

from crm.reports.sources import SUBJECT_CATEGORIES


def test_every_category_the_narrative_names_subjects_for_is_ranked():
    narrative = (Path(__file__).resolve().parents[2] / "crm" / "reports" / "narrative.py").read_text(encoding="utf-8")
    named = set(re.findall(r'self\.subjects\("(\w+)"\)', narrative))
    assert named and named <= set(SUBJECT_CATEGORIES), named - set(SUBJECT_CATEGORIES)
