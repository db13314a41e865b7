"""The narrative's rounding: the seed's manner ("over 400"), never above the exact figure; its
sentences: a capital at each start in English, full-width punctuation and a measure word on each
count in Chinese."""
import re

import pytest

from crm.reports.narrative import round_down


@pytest.mark.parametrize(("exact", "rounded"), [(412, 400), (92, 90), (62, 60), (31, 30), (9, 9), (17, 17), (173, 170), (293, 290), (225, 200), (1250, 1200), (400, 400), (58, 50)])
def test_round_down_gives_the_round_figure_at_or_below_the_exact_one(exact, rounded):
    assert round_down(exact) == rounded


def _report():
    from crm.reports.queries import Report

    return Report(
        2023, 2025,
        by_category={"certificates_earned": 293, "outbound_students": 81, "joint_programme_students": 221,
                     "scholarship_students": 24, "delegations_sent": 8, "delegations_received": 17},
        partner_names={1: "EBG Germany", 2: "BMW AG", 3: "Audi AG", 4: "Porsche AG", 5: "VW AG", 6: "UUM"},
        by_category_subject={("certificates_earned", (1,)): 173, ("certificates_earned", (2, 3, 4, 5)): 28,
                             ("outbound_students", (6,)): 45, ("joint_programme_students", (2, 3, 4, 5)): 30},
    )


def test_every_english_sentence_opens_with_a_capital_even_after_a_figure(app):
    from markupsafe import Markup

    from crm.reports.narrative import capitalised, write_narrative

    assert capitalised(Markup('<span class="app-figure" data-exact="221">over 200</span> students')) == \
        Markup('<span class="app-figure" data-exact="221">Over 200</span> students')
    assert capitalised(Markup("221 students")) == Markup("221 students")
    with app.test_request_context():
        text = write_narrative(_report(), "en", rounded=True).text
    sentences = [s.strip() for s in re.split(r"(?<=\.)\s+", text.replace("\n\n", " ")) if s.strip()]
    assert len(sentences) >= 4
    assert all(s[0].isupper() for s in sentences), sentences


def test_the_chinese_narrative_has_full_width_punctuation_and_a_unit_on_every_count(app):
    from crm.reports.narrative import write_narrative

    with app.test_request_context():
        for rounded in (True, False):
            text = write_narrative(_report(), "zh_CN", rounded=rounded).text
            assert not re.search(r"[;:()]|,(?!\d)", text), text  # ；：（）， in Chinese (1,200 keeps its comma)
            assert "；" in text and "（" in text or not rounded
            # every count the text names carries its measure word: 合作173个, 合作45名, 学生221名
            assert not re.findall(r"\d(?![\d,名个种家人次余（）])", text.replace("2023-2024", "").replace("2025-2026", "")), text
            assert "合作173个" in text or "合作170余（173）个" in text
            assert "合作45名" in text or "合作40余（45）名" in text
            assert "与BMW AG及其他3家合作单位合作28个" in text  # four partners: BMW AG and three others
