"""Domain and helper functions, without HTTP."""
from datetime import date

import pytest

from crm.agreements.models import Agreement, AgreementDecision, AgreementKind, AgreementStatus
from crm.auth.passwords import password_problem
from crm.core.i18n import country_code_for, country_names
from crm.core.search import like_pattern
from crm.core.security import safe_next_url
from crm.outcomes.models import academic_year_label, academic_year_of
from crm.partners.models import PartnerKind


def _agreement(**fields):
    defaults = {"title": "t", "kind": AgreementKind.MOU, "signed_on": date(2024, 1, 1),
                "valid_from": date(2024, 1, 1), "valid_until": date(2027, 6, 30), "notice_days": 90}
    return Agreement(**(defaults | fields))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 31), AgreementStatus.ACTIVE),
        (date(2027, 1, 1), AgreementStatus.EXPIRING),  # the window opens 90 days before act-by (2027-04-01)
        (date(2027, 6, 30), AgreementStatus.EXPIRING),
        (date(2027, 7, 1), AgreementStatus.EXPIRED),
    ],
)
def test_status_follows_the_renewal_window(today, expected):
    assert _agreement().status_on(today) == expected


def test_act_by_is_valid_until_minus_the_notice_period():
    assert _agreement().act_by == date(2027, 4, 1)
    assert _agreement(valid_until=None).act_by is None


def test_unsigned_is_draft_open_ended_never_expires_and_decisions_win():
    assert _agreement(signed_on=None).status_on(date(2025, 1, 1)) == AgreementStatus.DRAFT
    assert _agreement(valid_until=None).status_on(date(2099, 1, 1)) == AgreementStatus.ACTIVE
    assert _agreement(decision=AgreementDecision.RENEWED).status_on(date(2025, 1, 1)) == AgreementStatus.RENEWED
    assert _agreement(decision=AgreementDecision.TERMINATED).status_on(date(2025, 1, 1)) == AgreementStatus.TERMINATED
    lapsing = _agreement(decision=AgreementDecision.LAPSE)
    assert lapsing.status_on(date(2027, 6, 1)) == AgreementStatus.ACTIVE
    assert lapsing.status_on(date(2027, 7, 1)) == AgreementStatus.EXPIRED


def test_academic_years_start_on_the_first_of_september():
    assert academic_year_of(date(2026, 8, 31)) == 2025
    assert academic_year_of(date(2026, 9, 1)) == 2026
    assert academic_year_label(2025) == "2025-2026"


def test_enumerations_carry_labels_and_choices():
    assert PartnerKind("vocational") is PartnerKind.VOCATIONAL
    assert PartnerKind.VOCATIONAL.label == "Vocational institute / TAFE"
    assert ("university", "University") in PartnerKind.choices()
    assert PartnerKind.coerce("company") is PartnerKind.COMPANY


@pytest.mark.parametrize("password", ["", "short", "password", "PASSWORD123", "12345678", "aaaaaaaaa", "x" * 129])
def test_weak_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", ["plum blossom river", "Xk9#mQ2!", "长城很长很长很长很长"])
def test_reasonable_passwords_are_accepted(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/partners?country=DE", "/partners?country=DE"), ("/", "/"), ("//evil.example", None),
     ("https://evil.example", None), ("/\\evil.example", None), ("javascript:alert(1)", None),
     ("/\r\nx", None), ("", None), (None, None)],
)
def test_safe_next_url_keeps_only_local_paths(target, expected):
    assert safe_next_url(target) == expected


def test_like_patterns_escape_wildcards():
    assert like_pattern("100%_x") == "%100\\%\\_x%"
    assert like_pattern("a\\b") == "%a\\\\b%"


@pytest.mark.parametrize("text", ["DE", "de", "DEU", "Germany", "germany", "德国", " Germany "])
def test_country_lookup_accepts_code_english_and_chinese(text):
    assert country_code_for(text) == "DE"


def test_country_names_are_localised():
    assert country_names("zh_CN")["AU"] == "澳大利亚"
    assert country_names("en")["GB"] == "United Kingdom"
    assert country_code_for("Atlantis") is None


def test_a_date_of_what_happened_is_not_after_the_offices_today(monkeypatch):
    """One rule (crm.core.forms.NotAfterToday) for a date or a date and time: today passes, the
    next day is refused with the field's own words, an empty value is another validator's."""
    from datetime import UTC, datetime, timedelta

    from wtforms.validators import ValidationError

    from crm.core import dates
    from crm.core.forms import NotAfterToday

    monkeypatch.setattr(dates, "_now", lambda: datetime(2026, 12, 31, 20, 0, tzinfo=UTC))  # 1 January in Beijing
    rule = NotAfterToday("Not yet.")
    for fine in (None, date(2027, 1, 1), datetime(2027, 1, 1, 23, 59), date(2026, 12, 31)):
        rule.check(fine)
    for later in (date(2027, 1, 2), datetime(2027, 1, 2, 0, 0), date(2027, 1, 1) + timedelta(days=365)):
        with pytest.raises(ValidationError, match="Not yet."):
            rule.check(later)
    assert str(NotAfterToday().message) == "The date cannot be after today."


def test_every_date_of_what_happened_asks_the_one_rule_in_its_own_words():
    """The trips' done dates, a proposal's signing date and an interaction's time (form and import)
    each wrote "not after today" in their own code; now they share NotAfterToday, keeping their messages."""
    from crm.core.forms import NotAfterToday
    from crm.interactions.forms import InteractionForm, check_contact_time
    from crm.proposals.forms import ConvertForm
    from crm.trips.forms import NoticeForm, PassportsForm, ReturnForm

    fields = {
        ReturnForm.return_on: "This records what has happened",
        NoticeForm.notice_posted_on: "This records what has happened",
        PassportsForm.passports_returned_on: "This records what has happened",
        ConvertForm.signed_on: "The signing date cannot be in the future.",
        InteractionForm.occurred_at: "This is after today: the contact history records what happened.",
    }
    for field, words in fields.items():
        [rule] = [v for v in field.kwargs["validators"] if isinstance(v, NotAfterToday)]
        assert str(rule.message).startswith(words)
    [contact_rule] = [v for v in InteractionForm.occurred_at.kwargs["validators"] if isinstance(v, NotAfterToday)]
    assert check_contact_time == contact_rule.check  # the history import asks the form's rule
