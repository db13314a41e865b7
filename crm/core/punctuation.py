"""Punctuation that a page puts around translated words follows the page's language.

A Chinese page writes full-width ：（）；， with no spaces around them; an English one writes
": ", " (…)", "; " and ", ". The patterns are in the catalogue (context "punctuation"), so a
translator sees and owns them, and neither a template nor Python writes a bare ":" or "("
next to a translated word:

    {{ _("Public notice (公示) posted")|colon }}{{ trip.notice_on|local_date }}
    {{ trip.return_on|local_date }}{{ _("%(num)d days", num=trip.days)|parens }}
    {% if not loop.last %}{{ list_separator() }}{% endif %}
    {{ sentences(year_kind_note(), _("Only approved outcomes count."), _("So far.") if current) }}
    {{ leg.city }}{{ comma() }}{{ leg.country|country }}
    f"{member.name}{parens(member.role.label)}"

In templates the filters return markup (the text is escaped unless it is markup already); in
Python `colon`, `parens`, `comma`, `list_separator` and `sentences` return plain text.
"""
import functools

from flask_babel import pgettext
from markupsafe import Markup


def _colon_pattern() -> str:
    return pgettext("punctuation", "%(text)s: ")  # the space after an English colon belongs to it


def _parens_pattern() -> str:
    return pgettext("punctuation", " (%(text)s)")  # the space before an English parenthesis belongs to it


def colon(text) -> str:
    """'Label: ' / '标签：'."""
    return _colon_pattern() % {"text": text}


def parens(text) -> str:
    """' (note)' / '（备注）'."""
    return _parens_pattern() % {"text": text}


def comma() -> str:
    """Between two parts of one item (a name and a position, a city and a country): ', ' / '，'."""
    return pgettext("punctuation", ", ")


def list_separator() -> str:
    """Between the items of a short inline list: '; ' / '；'."""
    return pgettext("punctuation", "; ")


def _sentences_pattern() -> str:
    return pgettext("punctuation", "%(sentence)s %(next)s")  # a Chinese full stop takes no space after it


def _join_sentences(pattern, texts):
    said = [text for text in texts if text]
    return functools.reduce(lambda text, next_: pattern % {"sentence": text, "next": next_}, said) if said else pattern[:0]


def sentences(*texts) -> str:
    """Sentences one after another, the empty ones left out: 'One. Two.' / '一。二。'."""
    return _join_sentences(_sentences_pattern(), texts)


def init_app(app) -> None:
    app.jinja_env.filters["colon"] = lambda text: Markup(_colon_pattern()) % {"text": text}
    app.jinja_env.filters["parens"] = lambda text: Markup(_parens_pattern()) % {"text": text}
    app.jinja_env.globals["comma"] = comma
    app.jinja_env.globals["list_separator"] = list_separator
    app.jinja_env.globals["sentences"] = lambda *texts: _join_sentences(Markup(_sentences_pattern()), texts)
