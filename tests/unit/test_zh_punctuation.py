"""A Chinese page writes full-width ：（）；: neither the catalogue nor the punctuation a page
puts around translated words leaves a half-width ":" "(" ")" ";" next to Chinese text."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string

from crm.core.punctuation import colon, list_separator, parens, sentences

CATALOGUE = Path(__file__).resolve().parents[2] / "crm" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# Chinese characters, and full-width punctuation (（）：，。 …): a half-width mark beside either is wrong.
CJK = r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]"
HALF_WIDTH_BESIDE_CJK = re.compile(rf"{CJK}\s*[:;()]|[:;()]\s*{CJK}")
# Placeholders (%(name)s, %d, {name}) and addresses stand for text that is not Chinese.
NOT_TEXT = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|https?://\S+|mailto:\S+")


def half_width_beside_chinese(text: str) -> list[str]:
    return [match.group(0) for match in HALF_WIDTH_BESIDE_CJK.finditer(NOT_TEXT.sub("x", text))]


def test_the_check_finds_half_width_marks_and_lets_placeholders_and_addresses_be():
    assert half_width_beside_chinese("出访公示: %(date)s") == ["示:"]
    assert half_width_beside_chinese("%(num)d天 (%(year)s)") != []
    assert half_width_beside_chinese("学生（%(year)s）; 教师") == ["）;"]
    assert half_width_beside_chinese("出访公示：%(date)s（截止%(due)s）") == []
    assert half_width_beside_chinese("见 https://example.org/a(b) 和 %(name)s (%(country)s)") == []


def test_the_chinese_catalogue_uses_full_width_punctuation_next_to_chinese():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if found := half_width_beside_chinese(text or ""):
                wrong.append((message.id, text, found))
    assert wrong == []


@pytest.mark.parametrize(("language", "label", "note", "separator"), [
    ("en", "Export: ", "21 Nov 2026 (10 days)", "; "),
    ("zh-CN", "导出：", "2026年11月21日（10天）", "；"),
])
def test_the_punctuation_around_translated_words_follows_the_language(app, language, label, note, separator):
    with app.test_request_context(headers={"Accept-Language": language}):
        words = {"en": ("Export", "21 Nov 2026", "10 days"), "zh-CN": ("导出", "2026年11月21日", "10天")}[language]
        assert colon(words[0]) == label
        assert words[1] + parens(words[2]) == note
        assert list_separator() == separator
        page = render_template_string("{{ label|colon }}{{ day }}{{ days|parens }}{{ list_separator() }}",
                                      label=words[0], day=words[1], days=words[2])
        assert page == label + note + separator


def test_the_filters_escape_what_they_wrap(app):
    with app.test_request_context():
        assert render_template_string("{{ name|parens }}{{ name|colon }}", name="<b>R&D</b>") == \
            " (&lt;b&gt;R&amp;D&lt;/b&gt;)&lt;b&gt;R&amp;D&lt;/b&gt;: "


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Pages whose punctuation around translated words goes through |colon, |parens, comma() and
# list_separator(): a bare ": " or " (" written beside a {{ … }} would be half-width in Chinese.
LOCALE_AWARE = ["trips", "visits", "experts", "programmes", "consortia", "imports",
                "core/_export_links.html", "core/_document_list.html", "macros/children.html", "interactions/_entry.html"]
BARE = re.compile(r"\}\}\s?[:;] |\}\}:|\}\} \(|\(\{\{|\{% endif %\}[:;] ")


def test_these_pages_write_no_bare_colon_or_parenthesis_beside_a_translated_word():
    found = []
    for name in LOCALE_AWARE:
        path = TEMPLATES / name
        for template in [path] if path.is_file() else sorted(path.glob("*.html")):
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if BARE.search(re.sub(r"\{#.*?#\}", "", line)):
                    found.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
    assert found == []


@pytest.mark.parametrize(("language", "joined"), [
    ("en", "Years are academic. Only approved count."),
    ("zh-CN", "年度为学年。只统计已批准的。"),
])
def test_sentences_follow_one_another_as_the_language_writes_them(app, language, joined):
    first, second = {"en": ("Years are academic.", "Only approved count."), "zh-CN": ("年度为学年。", "只统计已批准的。")}[language]
    with app.test_request_context(headers={"Accept-Language": language}):
        assert sentences(first, None, second) == joined
        assert sentences("", first) == first
        page = render_template_string("{{ sentences(a, b if shown, c) }}", a=first, b="<b>", c=second, shown=False)
        assert page == joined
        assert render_template_string("{{ sentences(a, b) }}", a=first, b="<b>").endswith("&lt;b&gt;")
