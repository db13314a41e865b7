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
            assert "与BMW AG及其他3家单位合作28个" in text  # four partners: BMW AG and three others; "partners" not said twice


def test_a_single_one_reads_in_the_singular_in_english_and_unchanged_in_chinese(app):
    """"We sent 1 delegations and received 1." in a year with one trip and one visit."""
    from crm.reports.narrative import write_narrative
    from crm.reports.queries import Report

    report = Report(2026, 2026, by_category={"delegations_sent": 1, "delegations_received": 1, "experts_hosted": 1,
                                             "outbound_students": 1, "qualifications": 1, "teachers_trained": 1,
                                             "delegates_sent": 1, "delegates_received": 3})
    with app.test_request_context():
        english = write_narrative(report, "en", rounded=True).text
        chinese = write_narrative(report, "zh_CN", rounded=True).text
    for said in ("We sent 1 delegation and received 1.", "We hosted 1 foreign teacher or expert.", "we sent 1 student abroad",
                 "we trained 1 teacher", "1 international qualification certificate.", "1 person travelled"):
        assert said.lower() in english.lower(), english
    assert "派出团组1个，接待来访团组1个" in chinese and "接待外籍教师和专家1人次" in chinese and "派出学生1名" in chinese
    many = Report(2026, 2026, by_category={"delegations_sent": 2, "delegations_received": 1})
    with app.test_request_context():
        assert "we sent 2 delegations and received 1." in write_narrative(many, "en", rounded=True).text


@pytest.mark.parametrize(("kind", "first", "last", "english", "chinese"), [
    ("academic", 2025, 2025, "In the 2025-2026 academic year, we", "2025-2026学年，"),
    ("academic", 2023, 2025, "In the academic years 2023-2024 to 2025-2026, we", "2023-2024至2025-2026学年，"),
    ("calendar", 2025, 2025, "In 2025, we", "2025年，"),
    ("calendar", 2023, 2025, "From 2023 to 2025, we", "2023年至2025年，"),
])
def test_the_narrative_opens_on_its_years_as_the_office_writes_them(app, kind, first, last, english, chinese):
    """Not "2023-2024 – 2025-2026，我们…" (a dash between academic years, no 学年, spoken 我们)."""
    from crm.reports.narrative import write_narrative
    from crm.reports.queries import Report

    app.config["REPORT_YEAR_KIND"] = kind
    report = Report(first, last, by_category={"teachers_trained": 412, "training_programmes": 31, "delegates_sent": 3,
                                              "delegates_received": 5})
    with app.test_request_context():
        assert write_narrative(report, "en", rounded=False).text.startswith(english)
        text = write_narrative(report, "zh_CN", rounded=False).text
    assert text.startswith(chinese + "学校举办师资培训项目31个，培训教师412人次。"), text  # the glossary's 培训教师（人次）
    assert "出访人员共3人次，来访人员共5人次。" in text


def test_the_chinese_narrative_names_a_japanese_partner_in_simplified_characters(app):
    from crm.reports.narrative import write_narrative
    from crm.reports.queries import Report

    report = Report(2025, 2025, by_category={"inbound_students": 30}, partner_names={1: "Hiroshima University"},
                    partner_local_names={1: "広島大学"}, by_category_subject={("inbound_students", (1,)): 30})
    with app.test_request_context():
        assert "其中与广岛大学合作30名" in write_narrative(report, "zh_CN", rounded=False).text
        assert "30 with Hiroshima University" in write_narrative(report, "en", rounded=False).text
