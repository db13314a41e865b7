"""The main navigation: a few menus, each filled by the domains that own its pages.

A domain registers its pages once, at import of its views module, so that adding a page never
means editing the layout:

    from crm.core.navigation import nav_item
    nav_item("contact", "trips.index", _l("Trips abroad"), order=30)

Menus (in this order): "partners", "cooperation", "contact", "reports", "admin". "Home" is a
link of its own. An item is shown to a user when `visible(user)` says so (default: everyone);
the item that is "current" is the one whose endpoint prefix is the longest match for the
request's endpoint: by default the item's whole blueprint (`"partners."`), narrowed with
`active=("agreements.renewals",)` for a second page of the same blueprint.

The layout draws the menus once per (language, current page, items the user sees) and reuses
that markup (`menus_markup`): a page pays for the `visible(user)` checks, not for rendering
twenty links. So nothing in the menus may depend on the user otherwise: a counter (`badge`) is
a placeholder that loads itself after the page (htmx, `hx-trigger="load"`), as
templates/followups/_overdue_count.html does.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from markupsafe import Markup

MENUS: tuple[tuple[str, object], ...] = (
    ("partners", _l("Partners")),
    ("cooperation", _l("Cooperation")),
    ("contact", lazy_pgettext("menu", "Contact")),  # not the contact person (联系人)
    ("reports", _l("Reports")),
    ("admin", lazy_pgettext("menu", "Admin")),  # short: every menu fits the bar at 1024 px
)


def everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    menu: str
    endpoint: str
    label: object
    order: int = 50
    visible: Callable = everyone
    active: tuple[str, ...] = ()
    badge: str | None = None  # a template included after the label (e.g. a counter)

    @property
    def prefixes(self) -> tuple[str, ...]:
        return self.active or (self.endpoint.split(".")[0] + ".",)


_items: dict[str, NavItem] = {}


def nav_item(menu: str, endpoint: str, label, *, order: int = 50, visible: Callable = everyone,
             active: tuple[str, ...] = (), badge: str | None = None) -> None:
    """Register a page in a menu (idempotent: the endpoint is the key)."""
    if menu not in dict(MENUS):
        raise ValueError(f"unknown menu {menu!r}; one of {[key for key, _ in MENUS]}")
    _items[endpoint] = NavItem(menu, endpoint, label, order, visible, active, badge)


@dataclass
class Menu:
    key: str
    label: object
    items: list[NavItem] = field(default_factory=list)
    current: NavItem | None = None


def menus_for(user, endpoint: str | None) -> list[Menu]:
    """The menus this user sees, each with its items in order and the current item marked."""
    current = _current_item(endpoint, user)
    menus = []
    for key, label in MENUS:
        items = sorted((i for i in _items.values() if i.menu == key and i.visible(user)), key=lambda i: (i.order, i.endpoint))
        if items:
            menus.append(Menu(key, label, items, current if current in items else None))
    return menus


def _current_item(endpoint: str | None, user) -> NavItem | None:
    if not endpoint:
        return None
    best, best_length = None, 0
    for item in _items.values():
        if not item.visible(user):
            continue
        for prefix in item.prefixes:
            matches = endpoint == prefix or (prefix.endswith(".") and endpoint.startswith(prefix))
            if matches and len(prefix) > best_length:
                best, best_length = item, len(prefix)
    return best


MARKUP_CACHE_SIZE = 512  # (language, page, visible items) combinations kept per app


def menus_markup(user, endpoint: str | None, locale_code: str) -> Markup:
    """templates/core/_menus.html for this user on this page, rendered once per language, page
    and set of visible items (per app; not cached while templates reload, e.g. in development)."""
    visible = tuple(key for key, item in _items.items() if item.visible(user))
    key = (locale_code, endpoint, request.script_root, visible)
    app = current_app._get_current_object()
    cache = app.extensions.setdefault("navigation_markup", {})
    markup = cache.get(key)
    if markup is None:
        markup = Markup(render_template("core/_menus.html", menus=menus_for(user, endpoint)))
        if app.jinja_env.auto_reload:
            return markup
        if len(cache) >= MARKUP_CACHE_SIZE:
            cache.clear()
        cache[key] = markup
    return markup
