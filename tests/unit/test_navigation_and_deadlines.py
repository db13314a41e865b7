"""The menu registry and the deadline registry that new domains plug into."""
from datetime import date
from types import SimpleNamespace

import pytest

from crm.core import deadlines, navigation
from crm.core.deadlines import Deadline, deadline_source, deadlines_due
from crm.core.navigation import menus_for, nav_item

STAFF = SimpleNamespace(is_admin=False, can_edit=True, is_liaison=False)
ADMIN = SimpleNamespace(is_admin=True, can_edit=True, is_liaison=False)


def test_menus_hold_their_registered_pages_in_order(app):
    menus = {menu.key: [item.endpoint for item in menu.items] for menu in menus_for(STAFF, "dashboard.home")}
    assert menus["partners"][:2] == ["partners.index", "partners.countries"]
    assert menus["cooperation"][:3] == ["agreements.index", "agreements.renewals", "proposals.index"]
    assert menus["contact"][:2] == ["interactions.history", "followups.index"]


def test_admin_menu_only_for_admins(app):
    assert "admin" not in {menu.key for menu in menus_for(STAFF, None)}
    assert "auth.users" in [i.endpoint for m in menus_for(ADMIN, None) for i in m.items]


def test_the_longest_matching_prefix_marks_the_current_page(app):
    current = {menu.key: menu.current for menu in menus_for(STAFF, "agreements.renewals")}
    assert current["cooperation"].endpoint == "agreements.renewals"
    current = {menu.key: menu.current for menu in menus_for(STAFF, "agreements.detail")}
    assert current["cooperation"].endpoint == "agreements.index"
    assert current["partners"] is None


def test_an_unknown_menu_is_refused():
    with pytest.raises(ValueError):
        nav_item("nowhere", "x.index", "X")


@pytest.fixture
def one_source(monkeypatch):
    monkeypatch.setattr(deadlines, "_sources", {})

    @deadline_source("test")
    def source(owner_ids, today, horizon):
        rows = [Deadline("b", date(2026, 12, 5), "B", "x", owner_id=1), Deadline("a", date(2026, 11, 1), "A", "x", owner_id=2),
                Deadline("c", date(2027, 6, 1), "C", "x", owner_id=1)]
        return [d for d in rows if d.due_on <= horizon and (owner_ids is None or d.owner_id in owner_ids)]

    return source


def test_deadlines_come_soonest_first_within_the_horizon(one_source):
    found = deadlines_due(None, date(2026, 11, 30), date(2026, 12, 31))
    assert [d.uid for d in found] == ["a", "b"]
    assert found[0].is_overdue(date(2026, 11, 30)) and not found[1].is_overdue(date(2026, 11, 30))
    assert [d.uid for d in deadlines_due([1], date(2026, 11, 30), date(2027, 12, 31))] == ["b", "c"]
