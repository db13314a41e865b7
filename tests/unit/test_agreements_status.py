"""One definition of an agreement's status: status_on in Python, status_condition in SQL, agreeing."""
from datetime import date, timedelta
from itertools import product

import pytest
from sqlalchemy import select

from crm.agreements.decisions import renewal_draft
from crm.agreements.models import Agreement, AgreementDecision, AgreementKind, AgreementStatus
from crm.agreements.queries import (
    AgreementFilter,
    act_by_column,
    agreement_list,
    in_force_condition,
    group_renewals,
    renewal_group_column,
    renewal_groups,
    renewals_due,
    status_condition,
)
from crm.extensions import db

TODAY = date(2026, 11, 25)


def agreement(signed=True, until=None, notice=None, decision=None, **fields):
    defaults = {"title": "A", "kind": AgreementKind.MOU, "valid_from": TODAY - timedelta(days=500)}
    return Agreement(
        signed_on=TODAY - timedelta(days=500) if signed else None,
        valid_until=until, notice_days=notice, decision=decision, **(defaults | fields),
    )


def test_open_ended_signed_agreement_never_expires():
    assert agreement(until=None).status_on(TODAY + timedelta(days=10_000)) == AgreementStatus.ACTIVE


def test_unsigned_agreement_is_a_draft():
    assert agreement(signed=False, until=TODAY + timedelta(days=10)).status_on(TODAY) == AgreementStatus.DRAFT


def test_act_by_is_valid_until_minus_the_notice_period():
    assert agreement(until=date(2027, 6, 30), notice=90).act_by == date(2027, 4, 1)


def test_renewal_window_opens_ninety_days_before_act_by_and_closes_at_valid_until():
    a = agreement(until=TODAY + timedelta(days=200), notice=60)  # act by in 140 days
    assert a.status_on(TODAY) == AgreementStatus.ACTIVE
    assert a.status_on(TODAY + timedelta(days=49)) == AgreementStatus.ACTIVE
    assert a.status_on(TODAY + timedelta(days=50)) == AgreementStatus.EXPIRING
    assert a.status_on(TODAY + timedelta(days=200)) == AgreementStatus.EXPIRING
    assert a.status_on(TODAY + timedelta(days=201)) == AgreementStatus.EXPIRED


def test_letting_an_agreement_lapse_keeps_it_active_until_it_expires():
    a = agreement(until=TODAY + timedelta(days=10), notice=30, decision=AgreementDecision.LAPSE)
    assert a.status_on(TODAY) == AgreementStatus.ACTIVE
    assert a.status_on(TODAY + timedelta(days=11)) == AgreementStatus.EXPIRED


def test_a_decision_wins_over_the_dates():
    assert agreement(until=TODAY - timedelta(days=1), decision=AgreementDecision.RENEWED).status_on(TODAY) == AgreementStatus.RENEWED
    assert agreement(until=None, decision=AgreementDecision.TERMINATED).status_on(TODAY) == AgreementStatus.TERMINATED


def test_a_signed_agreement_that_has_not_started_is_signed_and_not_in_force():
    a = agreement(until=TODAY + timedelta(days=1000), valid_from=TODAY + timedelta(days=76))
    assert a.status_on(TODAY) == AgreementStatus.SIGNED and not a.in_force_on(TODAY)
    assert a.status_on(TODAY + timedelta(days=76)) == AgreementStatus.ACTIVE and a.in_force_on(TODAY + timedelta(days=76))


def test_an_amendment_leaves_the_status_to_the_dates():
    a = agreement(until=TODAY + timedelta(days=10), notice=30, decision=AgreementDecision.AMEND)
    assert a.status_on(TODAY) == AgreementStatus.EXPIRING and a.in_force_on(TODAY) and a.renewal_open
    assert a.status_on(TODAY + timedelta(days=11)) == AgreementStatus.EXPIRED


CASES = list(
    product(
        [True, False],  # signed
        [None, -30, 0, 1, 76],  # valid from, days from today
        [None, -400, -1, 0, 1, 30, 89, 90, 91, 150, 200, 400],  # valid until, days from today
        [None, 0, 60, 90],  # notice days
        [None, AgreementDecision.LAPSE, AgreementDecision.AMEND, AgreementDecision.RENEWED, AgreementDecision.TERMINATED],
    )
)


def test_the_sql_status_and_in_force_agree_with_status_on_and_in_force_on_in_every_case(app):
    with app.app_context():
        rows = []
        for signed, start, until, notice, decision in CASES:
            a = agreement(
                signed, None if until is None else TODAY + timedelta(days=until), notice, decision,
                valid_from=None if start is None else TODAY + timedelta(days=start),
            )
            db.session.add(a)
            rows.append(a)
        db.session.commit()
        expected = {a.id: a.status_on(TODAY) for a in rows}
        assert set(expected.values()) == set(AgreementStatus)  # every status is tested
        for status in AgreementStatus:
            found = set(db.session.scalars(select(Agreement.id).where(status_condition(status, TODAY))))
            assert found == {i for i, s in expected.items() if s == status}, status
        in_force = set(db.session.scalars(select(Agreement.id).where(in_force_condition(TODAY))))
        assert in_force == {a.id for a in rows if a.in_force_on(TODAY)}
        act_by = dict(db.session.execute(select(Agreement.id, act_by_column())).all())
        assert act_by == {a.id: a.act_by for a in rows}


def test_renewals_are_grouped_overdue_then_within_30_90_180_days():
    def due_in(days):
        return agreement(until=TODAY + timedelta(days=days + 30), notice=30, title=str(days))

    groups = group_renewals([due_in(d) for d in (-5, 0, 30, 31, 90, 91, 180)], TODAY)
    assert [(g.key, [a.title for a in g.agreements]) for g in groups] == [
        ("overdue", ["-5"]),
        ("within-30", ["0", "30"]),
        ("within-90", ["31", "90"]),
        ("within-180", ["91", "180"]),
    ]


def test_the_sql_renewal_groups_and_group_filters_agree_with_group_renewals(app):
    with app.app_context():
        for days in (-5, -1, 0, 1, 30, 31, 89, 90, 91, 179, 180, 181):
            for notice in (None, 0, 45):
                db.session.add(agreement(until=TODAY + timedelta(days=days + (notice or 0)), notice=notice, title=f"{days}/{notice}"))
        db.session.commit()
        expected = {g.key: [a.id for a in g.agreements] for g in group_renewals(renewals_due(TODAY), TODAY)}
        keyed = dict(db.session.execute(select(Agreement.id, renewal_group_column(TODAY))).all())
        assert {key: [i for i in ids if keyed[i] == key] for key, ids in expected.items()} == expected
        for key, ids in expected.items():
            listed = db.session.scalars(agreement_list(AgreementFilter(renewal=key, sort="act_by"), TODAY)).all()
            assert [a.id for a in listed] == ids, key
        shown = {g.key: ([a.id for a in g.agreements], g.total) for g in renewal_groups(TODAY, per_group=2)}
        assert shown == {key: (ids[:2], len(ids)) for key, ids in expected.items()}


@pytest.mark.parametrize(
    ("old_from", "old_until", "new_from", "new_until"),
    [
        (date(2023, 9, 1), date(2026, 8, 31), date(2026, 9, 1), date(2029, 8, 31)),
        (date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 29)),
    ],
)
def test_a_renewal_draft_covers_the_next_period_of_the_same_length(old_from, old_until, new_from, new_until):
    old = Agreement(title="T", kind=AgreementKind.MOU, valid_from=old_from, valid_until=old_until, notice_days=60)
    draft = renewal_draft(old)
    assert (draft["valid_from"], draft["valid_until"], draft["notice_days"], draft["title"]) == (new_from, new_until, 60, "T")


@pytest.mark.parametrize(("old_start", "old_end", "renewed_until"), [
    # Calendar years: the old period has no leap day, the new one has 29 Feb 2028; it was 30 Dec 2030.
    (date(2025, 1, 1), date(2027, 12, 31), date(2030, 12, 31)),
    (date(2024, 3, 1), date(2027, 2, 28), date(2030, 2, 28)),
    (date(2024, 2, 29), date(2027, 2, 28), date(2030, 2, 28)),
    (date(2025, 3, 1), date(2028, 2, 29), date(2031, 2, 28)),
    (date(2023, 9, 1), date(2026, 8, 31), date(2029, 8, 31)),
    (date(2026, 1, 15), date(2026, 6, 14), date(2026, 11, 12)),  # not whole years: as many days
])
def test_a_renewal_draft_runs_as_many_whole_years_as_the_old_period(old_start, old_end, renewed_until):
    draft = renewal_draft(Agreement(title="Exchange", valid_from=old_start, valid_until=old_end))
    assert (draft["valid_from"], draft["valid_until"]) == (old_end + timedelta(days=1), renewed_until)
