"""The office's summary paragraphs, written from a Report in Chinese and in English.

Every number in the text is a total of the report (`Narrative.exact` lists them, for the test
that no figure is invented). With `rounded=True` a number reads as the seed writes it ("over 400",
"400余") with the exact figure in brackets and on hover; otherwise it is the exact figure.
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

from babel import Locale
from flask_babel import force_locale, get_locale, get_translations
from markupsafe import Markup, escape

from crm.outcomes.models import year_kind, year_label
from crm.partners.variants import fold_variants
from crm.reports.queries import Report
from crm.reports.units import zh_measure_word

LANGUAGES = (("zh_CN", "中文"), ("en", "English"))
_CATALOGUE: ContextVar = ContextVar("narrative_catalogue", default=None)  # the narrative's language's


def gettext(string: str, **variables) -> str:
    """flask_babel's gettext, from the catalogue of the narrative being written (looked up once for
    its two hundred strings, not for each)."""
    text = (_CATALOGUE.get() or get_translations()).ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    """The same for a clause whose noun follows a count `n` ("1 delegation", "2 delegations")."""
    text = (_CATALOGUE.get() or get_translations()).ungettext(singular, plural, n)
    return text % variables if variables else text


def round_down(value: int) -> int:
    """The round number at or below `value` that a report would write: 412 → 400, 92 → 90,
    173 → 170 (one significant digit unless that drops more than 15%, then two); under 20 exact."""
    if value < 20:
        return value
    step = 10 ** (len(str(value)) - 1)
    rounded = value // step * step
    if (value - rounded) / value > 0.15:
        step //= 10
        rounded = value // step * step
    return rounded


@dataclass
class Narrative:
    locale: str
    paragraphs: list[Markup] = field(default_factory=list)
    exact: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The plain text, for copying."""
        return "\n\n".join(Markup(p).striptags() for p in self.paragraphs)


class _Writer:
    def __init__(self, report: Report, rounded: bool, locale: str):
        self.report, self.rounded, self.locale = report, rounded, locale
        self.narrative = Narrative(locale)

    def number(self, value: int) -> Markup:
        self.narrative.exact.append(value)
        shown = round_down(value) if self.rounded else value
        value = int(value)  # a whole number: its digits need no escaping
        if shown == value:
            return Markup(f'<span class="app-figure" data-exact="{value}">{value}</span>')
        words = escape(gettext("over %(number)s", number=shown))
        exact = escape(gettext(" (%(exact)s)", exact=value))  # on its own line: the extractor misses a call in an f-string
        return Markup(f'<span class="app-figure" data-exact="{value}" title="{value}">{words}<span class="app-exact">{exact}</span></span>')

    def counted(self, value: int, category: str) -> Markup:
        """A figure of the category as a clause names it alone: in Chinese with its measure word
        (合作173个, 合作45名), in English bare ("173 with EBG")."""
        return self.number(value) + (zh_measure_word(category) if self.locale.startswith("zh") else "")

    def subjects(self, category: str) -> Markup:
        """", of them 173 with EBG Germany and AHK …" for the category's largest partners."""
        items = []
        for subject, count in self.report.top_subjects(category):
            names = [self.partner_name(pid) for pid in subject]
            if len(names) > 3:
                partners = gettext("%(first)s and %(count)d other partners", first=names[0], count=len(names) - 1)
            else:
                partners = gettext(" and ").join(names)
            items.append(Markup(gettext("%(count)s with %(partners)s", count=self.counted(count, category), partners=escape(partners))))
        if not items:
            return Markup("")
        separator = Markup(gettext("; "))  # on its own line: the extractor misses a call nested in a call's arguments
        return Markup(gettext(", of them %(list)s", list=separator.join(items)))

    def partner_name(self, partner_id: int) -> str:
        """In Chinese a partner's local name written in Chinese characters, in the simplified forms
        a Chinese report writes (広島大学 → 广岛大学); otherwise its English name."""
        local = self.report.partner_local_names.get(partner_id) or ""
        if self.locale.startswith("zh") and any("\u4e00" <= ch <= "\u9fff" for ch in local):
            return fold_variants(local)
        return self.report.partner_names.get(partner_id, "")

    def experts_hosted(self, total: int) -> Markup:
        """An expert counts once in each year of a stay (crm/experts/queries.py): over one year the
        figure is people, over several a sum of the years' (人次), which the English says, not
        "we hosted 70 experts" of some forty people."""
        count = self.number(total)
        if self.report.first_year == self.report.last_year:
            return Markup(ngettext("we hosted %(count)s foreign teacher or expert", "we hosted %(count)s foreign teachers and experts",
                                   total, count=count))
        return Markup(ngettext("we hosted foreign teachers and experts %(count)s time, each counted once a year",
                               "we hosted foreign teachers and experts %(count)s times, each counted once a year", total, count=count))

    def write(self) -> Narrative:
        r = self.report
        if not r.by_category:
            return self.narrative
        people = []
        if r.total("teachers_trained") and r.total("training_programmes"):
            people.append(Markup(ngettext("we ran %(programmes)s teacher-training programme for %(teachers)s teachers",
                                          "we ran %(programmes)s teacher-training programmes for %(teachers)s teachers",
                                          r.total("training_programmes"), programmes=self.number(r.total("training_programmes")),
                                          teachers=self.number(r.total("teachers_trained")))))
        elif r.total("teachers_trained"):
            people.append(Markup(ngettext("we trained %(teachers)s teacher", "we trained %(teachers)s teachers",
                                          r.total("teachers_trained"), teachers=self.number(r.total("teachers_trained")))))
        if r.total("qualifications"):
            people.append(Markup(ngettext("which brought in %(count)s international qualification certificate",
                                          "which brought in %(count)s international qualification certificates",
                                          r.total("qualifications"), count=self.number(r.total("qualifications")))))
        first = Markup(escape(years_opening(r.first_year, r.last_year)))
        paragraphs = []
        if people:
            paragraphs.append(first + Markup(gettext(", ")).join(people) + Markup(gettext("%(sentence)s.", sentence="")))
            first = Markup("")
        student = []
        if r.total("certificates_earned"):
            student.append(Markup(ngettext("students and teachers earned %(count)s certificate", "students and teachers earned %(count)s certificates",
                                            r.total("certificates_earned"), count=self.number(r.total("certificates_earned"))))
                           + self.subjects("certificates_earned"))
        if r.total("outbound_students"):
            student.append(Markup(ngettext("we sent %(count)s student abroad", "we sent %(count)s students abroad",
                                            r.total("outbound_students"), count=self.number(r.total("outbound_students"))))
                           + self.subjects("outbound_students"))
        if r.total("joint_programme_students"):
            student.append(Markup(ngettext("joint programmes enrolled %(count)s student", "joint programmes enrolled %(count)s students",
                                            r.total("joint_programme_students"), count=self.number(r.total("joint_programme_students"))))
                           + self.subjects("joint_programme_students"))
        if r.total("inbound_students"):
            student.append(Markup(ngettext("we received %(count)s international student", "we received %(count)s international students",
                                            r.total("inbound_students"), count=self.number(r.total("inbound_students"))))
                           + self.subjects("inbound_students"))
        if r.total("scholarship_students"):
            student.append(Markup(ngettext("scholarships went to %(count)s international student", "scholarships went to %(count)s international students",
                                            r.total("scholarship_students"), count=self.number(r.total("scholarship_students")))))
        if student:
            paragraphs.append(_paragraph(first, student))
            first = Markup("")
        staff = []
        if r.total("experts_hosted"):
            staff.append(self.experts_hosted(r.total("experts_hosted")))
        if r.total("staff_sent"):
            staff.append(Markup(ngettext("we sent %(count)s teacher or manager to programmes abroad",
                                          "we sent %(count)s teachers and managers to programmes abroad", r.total("staff_sent"), count=self.number(r.total("staff_sent")))))
        if r.total("delegations_sent") or r.total("delegations_received"):
            staff.append(Markup(ngettext("we sent %(sent)s delegation and received %(received)s",
                                         "we sent %(sent)s delegations and received %(received)s", r.total("delegations_sent"),
                                         sent=self.number(r.total("delegations_sent")), received=self.number(r.total("delegations_received")))))
        if r.total("delegates_sent") or r.total("delegates_received"):
            staff.append(Markup(ngettext("%(sent)s person travelled with the delegations sent and %(received)s came with those received",
                                         "%(sent)s people travelled with the delegations sent and %(received)s came with those received",
                                         r.total("delegates_sent"), sent=self.number(r.total("delegates_sent")), received=self.number(r.total("delegates_received")))))
        if staff:
            paragraphs.append(_paragraph(first, staff))
        self.narrative.paragraphs = paragraphs
        return self.narrative


def years_opening(first: int, last: int) -> str:
    """The years a narrative opens on, as the office writes them: "In the 2025-2026 academic
    year, " (2025-2026学年，), "In the academic years 2023-2024 to 2025-2026, "
    (2023-2024至2025-2026学年，); in calendar years "In 2025, " (2025年，), "From 2023 to 2025, "
    (2023年至2025年，)."""
    if year_kind() == "calendar":
        if first == last:
            return gettext("In %(year)s, ", year=year_label(first))
        return gettext("From %(first)s to %(last)s, ", first=year_label(first), last=year_label(last))
    if first == last:
        return gettext("In the %(year)s academic year, ", year=year_label(first))
    return gettext("In the academic years %(first)s to %(last)s, ", first=year_label(first), last=year_label(last))


def capitalised(text: Markup) -> Markup:
    """The text with the first letter that a reader sees in upper case: a sentence may open with a
    figure's markup ('<span …>over 200</span> students' reads "Over 200 students")."""
    source, in_tag = str(text), False
    for index, char in enumerate(source):
        if char == "<":
            in_tag = True
        elif char == ">":
            in_tag = False
        elif not in_tag and not char.isspace():
            if char.isalpha():
                return Markup(source[:index] + char.upper() + source[index + 1:])
            return text
    return text


def _paragraph(opening: Markup, clauses: list[Markup]) -> Markup:
    """One sentence per clause; the first after the opening ("In the 2025-2026 academic year, "), the others capitalised."""
    sentences = []
    for n, clause in enumerate(clauses):
        if n or not opening:
            clause = capitalised(clause)
        sentences.append(Markup(gettext("%(sentence)s.", sentence=clause)))
    separator = "" if str(get_locale()).startswith("zh") else " "
    return opening + Markup(separator).join(sentences)


@cache
def _parsed(locale: str) -> Locale:
    """The Babel locale of a narrative's language (parsing one reads Babel's list of locales)."""
    return Locale.parse(locale)


def write_narrative(report: Report, locale: str, rounded: bool = True) -> Narrative:
    with force_locale(_parsed(locale)):
        token = _CATALOGUE.set(get_translations())
        try:
            return _Writer(report, rounded, locale).write()
        finally:
            _CATALOGUE.reset(token)


def narratives(report: Report, rounded: bool = True) -> list[tuple[str, str, Narrative]]:
    """The narrative in each language: (locale, language name, Narrative)."""
    return [(locale, name, write_narrative(report, locale, rounded)) for locale, name in LANGUAGES]
