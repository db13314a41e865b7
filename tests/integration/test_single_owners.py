"""Issue 10 item 1: one owner for the small rules: core's optional_int and get_live_or_404,
auth's assignable_users, the partners' picker; the old copies are gone."""
import pathlib
import re

import pytest
from werkzeug.exceptions import NotFound

from crm.auth.choices import assignable_users
from crm.auth.models import Role, User
from crm.core.archiving import get_live_or_404
from crm.core.forms import NOT_A_CHOICE, optional_int
from crm.extensions import db
from crm.partners.models import Partner

CRM = pathlib.Path(__file__).resolve().parents[2] / "crm"


@pytest.mark.parametrize(("value", "expected"), [
    ("", None), (None, None), ("None", None), ("12", 12), (" 7 ", 7), (12, 12),
    ("abc", NOT_A_CHOICE), ("²", NOT_A_CHOICE), ("-1", NOT_A_CHOICE), ("99999999999999999999", NOT_A_CHOICE),
    (2**40, NOT_A_CHOICE),
])
def test_optional_int_turns_a_select_value_into_an_id_or_none(value, expected):
    assert optional_int(value) == expected


def test_get_live_or_404_refuses_missing_and_archived_records(app, factory):
    live, archived = factory.partner(name="Live"), factory.partner(name="Gone")
    with app.test_request_context():
        db.session.get(Partner, archived).archive()
        db.session.commit()
        assert get_live_or_404(Partner, live).id == live
        for record_id in (archived, 999):
            with pytest.raises(NotFound):
                get_live_or_404(Partner, record_id)


def test_assignable_users_are_active_staff_and_admins_plus_those_kept(app, make_user):
    staff = make_user(Role.STAFF, name="Wang Fang")
    admin = make_user(Role.ADMIN, name="Li Wei")
    viewer = make_user(Role.VIEWER, name="Zhao Min")
    gone = make_user(Role.STAFF, name="Chen Jie")
    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.commit()
        assert assignable_users() == [(admin.id, "Li Wei"), (staff.id, "Wang Fang")]
        assert [name for _id, name in assignable_users(keep=[gone.id, None])] == ["Chen Jie", "Li Wei", "Wang Fang"]
        assert viewer.id not in dict(assignable_users())


def test_every_owner_and_assignee_select_offers_the_same_people(client, auth, make_user, factory):
    make_user(Role.VIEWER, name="Zhao Viewer")
    auth.login(Role.ADMIN)
    partner = factory.partner()
    pages = ["/partners/new", "/agreements/new", "/proposals/new", f"/partners/{partner}/interactions/new"]
    for path in pages:
        html = client.get(path).text
        selects = re.findall(r'<select[^>]*name="(?:owner_id|follow_ups-0-assignee_id)".*?</select>', html, re.S)
        assert len(selects) == 1, path
        assert "Zhao Viewer" not in selects[0] and auth.user.name in selects[0], path


@pytest.mark.parametrize(("pattern", "owner"), [
    (r"def optional_(int|id)\(|def _int_or_none\(", "crm/core/forms.py"),
    (r"= db\.get_or_404\(\w+, \w+\)\n\s+if \w+\.is_archived:", "crm/core/archiving.py"),
    (r"def \w+_choices\([^)]*\)[^\n]*:\n(?:.*\n){0,4}.*select\(User\b", "crm/auth/choices.py"),
    (r"contains\(Partner\.(name|local_name|short_name)", "crm/partners/search.py"),
    (r"find_partners = SubmitField|def check_chosen_partner\(|isinstance\(data, list\) else \[\]", "crm/partners/picker.py"),
    # Issue 16: the stored rules are computed in one place each (their columns are read only
    # through their owners: tests/unit/test_architecture.py).
    (r"max\(Interaction\.occurred_at\)", "crm/interactions/last_contact.py"),
    (r"notice_days or 0", "crm/agreements/models.py"),
    (r"coalesce\(Agreement\.notice_days", "crm/agreements/queries.py"),
])
def test_each_small_rule_is_written_once(pattern, owner):
    found = [
        str(path.relative_to(CRM.parent)) for path in CRM.rglob("*.py")
        if re.search(pattern, path.read_text(encoding="utf-8"))
    ]
    assert found in ([], [owner]), found
