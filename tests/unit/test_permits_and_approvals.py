"""The rules of crm/experts and crm/programmes without HTTP: approval numbers keep their parts,
act-by dates follow the office's lead times, the due list groups by act-by date."""
from datetime import date, timedelta

import pytest

from crm.experts.models import Expert, Permit, PermitDecision, PermitKind
from crm.extensions import db
from crm.programmes.models import Approval, ApprovingAuthority, Programme, ProgrammeKind, parse_approval_number

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("text, parts", [
    ("PDE50CA2A20151739N", ("PDE", "50", "CA", "2A", 2015, "1739", "N")),
    ("moe 31 us 2a 2002 0234 n", ("MOE", "31", "US", "2A", 2002, "0234", "N")),
    ("MOE-42-GB-1A-2019-0007-N", ("MOE", "42", "GB", "1A", 2019, "0007", "N")),
])
def test_an_approval_number_is_kept_in_its_parts(text, parts):
    assert tuple(parse_approval_number(text).values()) == parts


@pytest.mark.parametrize("text", ["", "PDE50CA2A2015173N", "XYZ50CA2A20151739N", "PDE50CA2A20151739", "50CA2A20151739N"])
def test_a_number_without_the_structure_is_refused(text):
    assert parse_approval_number(text) is None


def _expert_with_permit(expires_on, decision=None, **fields):
    expert = Expert(name="Anna Schmidt", nationality="DE", **fields)
    permit = Permit(expert=expert, kind=PermitKind.WORK, expires_on=expires_on, decision=decision)
    db.session.add_all([expert, permit])
    return permit


def test_the_act_by_date_follows_the_configured_lead_time(app):
    from crm.experts.queries import open_permits_due, permit_act_by

    with app.app_context():
        permit = _expert_with_permit(TODAY + timedelta(days=100))
        db.session.commit()
        assert permit_act_by(permit) == TODAY + timedelta(days=10)
        app.config["PERMIT_LEAD_DAYS"] = 45
        assert permit_act_by(permit) == TODAY + timedelta(days=55)
        assert open_permits_due(TODAY + timedelta(days=30)) == []
        assert open_permits_due(TODAY + timedelta(days=60)) == [permit]


def test_decided_archived_and_erased_experts_owe_nothing(app):
    from crm.experts.models import ERASED_NAME
    from crm.experts.queries import open_permits_due
    from crm.core.models import utcnow

    with app.app_context():
        soon = TODAY + timedelta(days=10)
        due = _expert_with_permit(soon)
        _expert_with_permit(soon, decision=PermitDecision.RENEWED)
        _expert_with_permit(soon, archived_at=utcnow())
        erased = _expert_with_permit(soon)
        erased.expert.name = ERASED_NAME
        db.session.commit()
        assert open_permits_due(TODAY) == [due]


def test_the_due_list_groups_by_the_last_day_to_file_and_mixes_permits_and_approvals(app):
    """A permit's extension is filed from 90 to 45 days before expiry: overdue only after that."""
    from crm.renewals.queries import due_groups

    with app.app_context():
        _expert_with_permit(TODAY + timedelta(days=40))     # window closed 5 days ago: overdue
        _expert_with_permit(TODAY + timedelta(days=80))     # window open since 10 days, closes in 35
        _expert_with_permit(TODAY + timedelta(days=150))    # window opens in 60 days
        _expert_with_permit(TODAY + timedelta(days=400))    # not yet listed
        programme = Programme(name="Dual degree", kind=ProgrammeKind.DUAL_DEGREE)
        db.session.add(Approval(programme=programme, authority=ApprovingAuthority.MINISTRY, number_issuer="MOE",
                                number_region="50", number_country="CA", number_level="2A", number_year=2015,
                                number_serial="0001", number_suffix="N", approved_on=date(2015, 1, 1),
                                expires_on=TODAY + timedelta(days=200)))  # act-by (180 days) in 20 days
        db.session.add(programme)
        db.session.commit()
        groups = {group.key: [(item.kind, (item.closes_on - TODAY).days) for item in group.items] for group in due_groups(TODAY)}
        assert groups == {"overdue": [("permit", -5)], "within-30": [("approval", 20)],
                          "within-90": [("permit", 35), ("permit", 105)]}


def test_deadline_titles_are_translated_where_they_are_shown(app):
    from flask_babel import force_locale

    from crm.experts.deadlines import permit_deadlines

    with app.app_context():
        permit = _expert_with_permit(TODAY + timedelta(days=80))
        db.session.commit()
        first, second = sorted(permit_deadlines(None, TODAY, TODAY + timedelta(days=60)), key=lambda d: d.due_on)
        assert first.due_on == TODAY - timedelta(days=10) and second.due_on == TODAY + timedelta(days=35)
        with app.test_request_context(), force_locale("zh_CN"):
            assert str(first.title).startswith("Anna Schmidt 的工作许可")
        with app.test_request_context(), force_locale("en"):
            assert str(second.title).startswith("Second warning: the work permit of Anna Schmidt")


def test_the_chinese_deadline_titles_put_no_space_between_the_date_and_its_word(app):
    """"（2027年2月18日到期）", not "（2027年2月18日 到期）": a Chinese date is Chinese text."""
    from flask_babel import force_locale

    from crm.experts.deadlines import permit_deadlines
    from crm.programmes.deadlines import approval_deadlines

    with app.app_context():
        expires = TODAY + timedelta(days=80)
        _expert_with_permit(expires)
        residence = _expert_with_permit(expires)
        residence.kind = PermitKind.RESIDENCE
        db.session.add(Approval(programme=Programme(name="Dual degree", kind=ProgrammeKind.DUAL_DEGREE),
                                authority=ApprovingAuthority.MINISTRY, number_issuer="MOE", number_region="50",
                                number_country="CA", number_level="2A", number_year=2015, number_serial="0001",
                                number_suffix="N", approved_on=date(2015, 1, 1), expires_on=expires))
        db.session.commit()
        horizon = TODAY + timedelta(days=400)
        deadlines = [d for d in permit_deadlines(None, TODAY, horizon) + approval_deadlines(None, TODAY, horizon)
                     if d.uid.endswith("act-by")]
        with app.test_request_context(), force_locale("zh_CN"):
            titles = sorted(str(d.title) for d in deadlines)
        assert titles == ["Anna Schmidt 的居留许可：请申请延期（2027年2月18日到期）",
                          "Anna Schmidt 的工作许可：请申请延期（2027年2月18日到期）",
                          "Dual degree 的批准：请申请延续（2027年2月18日到期）"]
